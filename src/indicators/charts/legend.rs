//! How series are told apart: a colour and a marker shape each, named in the legend
//! under the chart's title.

use super::svg::{Anchor, EDGE, INK, Num, fit, text, text_width};

/// Okabe–Ito colours, which stay apart under the common colour-vision deficiencies.
/// Its yellow and black are left out: yellow vanishes on white paper, and black is
/// the colour of the text and axes.
pub(super) const PALETTE: [&str; 6] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
];

/// A chart draws at most this many lines or layers, one per colour; later ones are left out.
pub(super) const MAX_SERIES: usize = PALETTE.len();

const TITLE_SIZE: f64 = 18.0;
const LEGEND_SIZE: f64 = 13.0;
const LEGEND_ROW: f64 = 20.0;
/// Longest legend label, in pixels; longer ones are cut short with "…".
const LEGEND_LABEL_WIDTH: f64 = 200.0;
const MARKER_RADIUS: f64 = 4.0;

/// How reference lines such as a pass mark are drawn, on the chart and in the legend.
/// Its colour is [`INK`].
pub(super) const REFERENCE_LINE: &str =
    r##"stroke="#222222" stroke-width="1.5" stroke-dasharray="6 4""##;

/// The title and, below it, the legend: one entry per series label, then one for the
/// reference line if there is one. Returns the SVG and the y where the header ends.
pub(super) fn header(
    width: f64,
    title: &str,
    labels: &[&str],
    reference: Option<&str>,
) -> (String, f64) {
    let mut doc = text(
        EDGE,
        EDGE + TITLE_SIZE,
        Anchor::Start,
        &format!("font-size=\"{TITLE_SIZE}\" font-weight=\"bold\" fill=\"{INK}\""),
        &fit(title, TITLE_SIZE, width - 2.0 * EDGE),
    );
    let (legend, bottom) = legend(labels, reference, EDGE + TITLE_SIZE + 12.0, width);
    doc.push_str(&legend);
    (doc, bottom)
}

/// Legend entries (a sample of the line, then its label) laid out left to right,
/// wrapping onto new rows at the right edge. The reference line is named here too,
/// not beside the line itself, where its label would collide with the data.
fn legend(labels: &[&str], reference: Option<&str>, top: f64, width: f64) -> (String, f64) {
    const SWATCH: f64 = 24.0;
    let series = labels
        .iter()
        .take(MAX_SERIES)
        .enumerate()
        .map(|(i, label)| (Some(i), *label));
    let entries: Vec<(Option<usize>, &str)> =
        series.chain(reference.map(|label| (None, label))).collect();
    let mut doc = String::new();
    let (mut x, mut row_top) = (EDGE, top);
    for (series, label) in &entries {
        let label = fit(label, LEGEND_SIZE, LEGEND_LABEL_WIDTH);
        let entry_width = SWATCH + 6.0 + text_width(&label, LEGEND_SIZE);
        if x > EDGE && x + entry_width > width - EDGE {
            x = EDGE;
            row_top += LEGEND_ROW;
        }
        let middle = row_top + LEGEND_ROW / 2.0;
        doc.push_str(&swatch(*series, x, x + SWATCH, middle));
        doc.push_str(&text(
            x + SWATCH + 6.0,
            middle + LEGEND_SIZE * 0.35,
            Anchor::Start,
            &format!("font-size=\"{LEGEND_SIZE}\" fill=\"{INK}\""),
            &label,
        ));
        x += entry_width + 18.0;
    }
    let bottom = if entries.is_empty() {
        top
    } else {
        row_top + LEGEND_ROW
    };
    (doc, bottom)
}

/// The sample before a legend label, from `x1` to `x2` at height `y`: the series' line
/// and marker, or for `None` the dashed reference line.
fn swatch(series: Option<usize>, x1: f64, x2: f64, y: f64) -> String {
    let line = |style: &str| {
        format!(
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" {style}/>\n",
            Num(x1),
            Num(x2),
            y = Num(y)
        )
    };
    match series {
        Some(series) => {
            let mut doc = line(&format!(
                "stroke=\"{}\" stroke-width=\"2.5\"",
                PALETTE[series]
            ));
            doc.push_str(&marker(series, (x1 + x2) / 2.0, y));
            doc
        }
        None => line(REFERENCE_LINE),
    }
}

/// A point marker in the series' colour. Each series also has its own shape, so the
/// chart still reads when printed in black and white.
pub(super) fn marker(series: usize, x: f64, y: f64) -> String {
    /// Corners of the polygon shapes, in marker radii around the point.
    const SQUARE: &[(f64, f64)] = &[(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)];
    const DIAMOND: &[(f64, f64)] = &[(0.0, -1.3), (1.3, 0.0), (0.0, 1.3), (-1.3, 0.0)];
    const TRIANGLE_UP: &[(f64, f64)] = &[(0.0, -1.3), (1.2, 0.9), (-1.2, 0.9)];
    const TRIANGLE_DOWN: &[(f64, f64)] = &[(0.0, 1.3), (1.2, -0.9), (-1.2, -0.9)];

    let series = series % MAX_SERIES;
    let colour = PALETTE[series];
    let corners = match series {
        0 => return circle(x, y, colour, false),
        1 => SQUARE,
        2 => DIAMOND,
        3 => TRIANGLE_UP,
        4 => TRIANGLE_DOWN,
        // The last series gets a hollow circle, told apart from the first by its white centre.
        _ => return circle(x, y, colour, true),
    };
    let points: Vec<String> = corners
        .iter()
        .map(|(dx, dy)| {
            format!(
                "{},{}",
                Num(x + dx * MARKER_RADIUS),
                Num(y + dy * MARKER_RADIUS)
            )
        })
        .collect();
    format!(
        "<polygon class=\"marker\" points=\"{}\" fill=\"{colour}\" stroke=\"white\" stroke-width=\"1\"/>\n",
        points.join(" ")
    )
}

/// A filled circle with a white rim that sets it off its line, or, when `hollow`,
/// a white one with a coloured rim.
fn circle(x: f64, y: f64, colour: &str, hollow: bool) -> String {
    let (fill, rim) = if hollow {
        ("white", colour)
    } else {
        (colour, "white")
    };
    format!(
        "<circle class=\"marker\" cx=\"{}\" cy=\"{}\" r=\"{MARKER_RADIUS}\" fill=\"{fill}\" \
         stroke=\"{rim}\" stroke-width=\"1.5\"/>\n",
        Num(x),
        Num(y)
    )
}
