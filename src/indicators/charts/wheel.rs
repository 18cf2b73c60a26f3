//! The radar chart's wheel: rings and spokes, a polygon per layer, and the dimension
//! names around it with each layer's value beneath.

use std::f64::consts::{FRAC_PI_2, TAU};

use super::legend::{self, PALETTE};
use super::radar::{HEIGHT, WIDTH};
use super::svg::{self, Anchor, EDGE, GRID, HALO, INK, LABEL_SIZE, MUTED, Num};

/// Font size of the dimension names around the wheel.
const AXIS_NAME_SIZE: f64 = 13.0;
/// Widest a dimension name may be before it is cut short.
const AXIS_NAME_WIDTH: f64 = 130.0;
/// Space between the outer ring and the labels around it.
const LABEL_GAP: f64 = 10.0;
/// Height of a label around the wheel: the name, and the layers' values beneath it.
const LABEL_HEIGHT: f64 = 32.0;
/// How far from vertical (as the cosine of its angle) a spoke must lean for its label
/// to sit beside its end rather than centred above or below it; likewise, as the sine,
/// from horizontal for the label to sit above or below rather than level with it.
const SIDEWAYS: f64 = 0.2;
/// The scores the rings mark.
const RINGS: [f64; 5] = [20.0, 40.0, 60.0, 80.0, 100.0];

/// The wheel for `axes`, below `top`, with `scores[layer][axis]` already cleaned to
/// 0–100; as large as the page allows with the labels around it.
pub(super) fn wheel(top: f64, axes: &[String], scores: &[Vec<f64>]) -> String {
    let names: Vec<String> = axes
        .iter()
        .map(|a| svg::fit(a, AXIS_NAME_SIZE, AXIS_NAME_WIDTH))
        .collect();
    let values_on = |axis: usize| -> Vec<f64> { scores.iter().map(|layer| layer[axis]).collect() };
    let label_widths: Vec<f64> = (0..axes.len())
        .map(|axis| {
            let values_width = svg::text_width(&values_line_text(&values_on(axis)), LABEL_SIZE);
            svg::text_width(&names[axis], AXIS_NAME_SIZE).max(values_width)
        })
        .collect();
    let wheel = Wheel::fit(top, &label_widths);

    let mut doc = wheel.grid();
    for (layer, scores) in scores.iter().enumerate() {
        doc.push_str(&wheel.layer(layer, scores));
    }
    doc.push_str(&wheel.ring_labels());
    for (axis, name) in names.iter().enumerate() {
        doc.push_str(&wheel.axis_label(axis, name, &values_on(axis)));
    }
    doc
}

/// The direction of a spoke out of `spokes` as its cosine and sine: spoke 0 points
/// straight up, the others follow clockwise (y grows downwards on the page).
fn direction(spoke: usize, spokes: usize) -> (f64, f64) {
    let angle = -FRAC_PI_2 + TAU * spoke as f64 / spokes as f64;
    (angle.cos(), angle.sin())
}

/// The layers' values on one axis as printed under its name, e.g. "82.5 / 78".
fn values_line_text(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| Num(*v).to_string())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The wheel's place on the page: its centre, the radius of the 100 ring and how many
/// spokes it has.
struct Wheel {
    cx: f64,
    cy: f64,
    radius: f64,
    spokes: usize,
}

impl Wheel {
    /// The largest wheel that fits below `top` with its labels around it, one label per
    /// spoke, of the given widths.
    fn fit(top: f64, label_widths: &[f64]) -> Self {
        let spokes = label_widths.len();
        let bottom = HEIGHT - EDGE;
        // Across: each label beside a spoke must end before the paper's edge.
        let room_across = (0..spokes)
            .map(|spoke| (direction(spoke, spokes).0.abs(), label_widths[spoke]))
            .filter(|(cos, _)| *cos > SIDEWAYS)
            .map(|(cos, width)| (WIDTH / 2.0 - EDGE - width) / cos - LABEL_GAP)
            .fold(f64::INFINITY, f64::min);
        // Down: from the label above the upward spoke to the label below the lowest
        // spoke end, which is `lowest` radii below the centre.
        let lowest = (0..spokes)
            .map(|spoke| direction(spoke, spokes).1)
            .fold(0.0, f64::max);
        let label_room = LABEL_GAP + LABEL_HEIGHT;
        let room_down = (bottom - top - 2.0 * label_room) / (1.0 + lowest);
        // Below 60 pixels a wheel is unreadable anyway; labels may then crowd the edge.
        let radius = room_across.min(room_down).max(60.0);
        let spare_height = (bottom - top - 2.0 * label_room - radius * (1.0 + lowest)).max(0.0);
        Wheel {
            cx: WIDTH / 2.0,
            cy: top + label_room + radius + spare_height / 2.0,
            radius,
            spokes,
        }
    }

    /// The point on `spoke` at `distance` from the centre, where the 100 ring is 1.
    fn point(&self, spoke: usize, distance: f64) -> (f64, f64) {
        let (cos, sin) = direction(spoke, self.spokes);
        (
            self.cx + cos * self.radius * distance,
            self.cy + sin * self.radius * distance,
        )
    }

    /// The `points` of a polygon with one corner per spoke, at the given distances.
    fn polygon_points(&self, distances: impl Iterator<Item = f64>) -> String {
        let points: Vec<String> = distances
            .enumerate()
            .map(|(spoke, distance)| {
                let (x, y) = self.point(spoke, distance);
                format!("{},{}", Num(x), Num(y))
            })
            .collect();
        points.join(" ")
    }

    /// Rings at 20, 40, … 100 and the spokes.
    fn grid(&self) -> String {
        let mut doc = String::new();
        for ring in RINGS {
            let colour = if ring == 100.0 { MUTED } else { GRID };
            doc.push_str(&format!(
                "<polygon class=\"ring\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1\"/>\n",
                self.polygon_points((0..self.spokes).map(|_| ring / 100.0))
            ));
        }
        for spoke in 0..self.spokes {
            let (x, y) = self.point(spoke, 1.0);
            doc.push_str(&format!(
                "<line class=\"spoke\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{GRID}\" stroke-width=\"1\"/>\n",
                Num(self.cx),
                Num(self.cy),
                Num(x),
                Num(y)
            ));
        }
        doc
    }

    /// The rings' values, left of the upward spoke. Drawn over the layers, with a halo,
    /// so markers on that spoke cannot hide them.
    fn ring_labels(&self) -> String {
        let attrs = format!("font-size=\"10\" fill=\"{MUTED}\" {HALO}");
        let mut doc = String::new();
        for ring in RINGS {
            let (x, y) = self.point(0, ring / 100.0);
            doc.push_str(&svg::text(
                x - 7.0,
                y + 3.5,
                Anchor::End,
                &attrs,
                &Num(ring).to_string(),
            ));
        }
        doc
    }

    /// One layer: a lightly filled polygon, outlined in its colour, with its markers.
    fn layer(&self, layer: usize, scores: &[f64]) -> String {
        let colour = PALETTE[layer];
        let mut doc = format!(
            "<polygon class=\"layer\" points=\"{}\" fill=\"{colour}\" fill-opacity=\"0.08\" \
             stroke=\"{colour}\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n",
            self.polygon_points(scores.iter().map(|score| score / 100.0))
        );
        for (spoke, score) in scores.iter().enumerate() {
            let (x, y) = self.point(spoke, score / 100.0);
            doc.push_str(&legend::marker(layer, x, y));
        }
        doc
    }

    /// A dimension's name beyond the end of its spoke, and beneath it each layer's value
    /// in the layer's colour, in legend order.
    fn axis_label(&self, spoke: usize, name: &str, values: &[f64]) -> String {
        let (cos, sin) = direction(spoke, self.spokes);
        let (x, y) = self.point(spoke, 1.0);
        let (x, y) = (x + cos * LABEL_GAP, y + sin * LABEL_GAP);
        // Labels sit beside the spoke's end on the sides, above it at the top and
        // below it at the bottom, so they never cover the wheel.
        let anchor = match cos {
            c if c > SIDEWAYS => Anchor::Start,
            c if c < -SIDEWAYS => Anchor::End,
            _ => Anchor::Middle,
        };
        let name_baseline = match sin {
            s if s < -SIDEWAYS => y - LABEL_HEIGHT + AXIS_NAME_SIZE,
            s if s > SIDEWAYS => y + AXIS_NAME_SIZE,
            _ => y - 2.0,
        };
        let mut doc = svg::text(
            x,
            name_baseline,
            anchor,
            &format!("font-size=\"{AXIS_NAME_SIZE}\" font-weight=\"bold\" fill=\"{INK}\""),
            name,
        );
        let spans: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(layer, value)| {
                format!("<tspan fill=\"{}\">{}</tspan>", PALETTE[layer], Num(*value))
            })
            .collect();
        // No-break spaces: plain ones at the edge of a tspan are collapsed away by renderers.
        let separator = format!("<tspan fill=\"{MUTED}\">\u{a0}/\u{a0}</tspan>");
        // Numbers need no escaping, so the spans are written directly rather than through svg::text.
        doc.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"{LABEL_SIZE}\" font-weight=\"bold\">{}</text>\n",
            Num(x),
            Num(name_baseline + 16.0),
            anchor.as_str(),
            spans.join(&separator)
        ));
        doc
    }
}
