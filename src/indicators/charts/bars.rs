//! Horizontal bar charts of scores 0–100: what a radar chart becomes when it has too few
//! dimensions to make a polygon.

use super::legend::{self, PALETTE};
use super::radar::{HEIGHT, WIDTH};
use super::svg::{self, Anchor, EDGE, GRID, INK, LABEL_SIZE, MUTED, Num};

/// Thinnest and thickest a bar may be: bars grow to fill the page, up to a point.
const BAR_RANGE: (f64, f64) = (14.0, 32.0);
/// Space between the bars of one dimension.
const BAR_GAP: f64 = 4.0;
/// Space between dimensions.
const GROUP_GAP: f64 = 22.0;
/// Widest a dimension name may be before it is cut short.
const NAME_WIDTH: f64 = 160.0;
/// Room right of the bars for the value printed at a full bar's end.
const VALUE_ROOM: f64 = 40.0;

/// A chart with, for each of `axes`, one bar per layer: `scores[layer][axis]`, already
/// cleaned to 0–100, and `labels[layer]` for the legend. Needs at least one axis and
/// one layer; [`radar_svg`](super::radar::radar_svg) checks that.
pub(super) fn bars_svg(
    title: &str,
    axes: &[String],
    labels: &[&str],
    scores: &[Vec<f64>],
) -> String {
    let (header, header_bottom) = legend::header(WIDTH, title, labels, None);
    let names: Vec<String> = axes
        .iter()
        .map(|a| svg::fit(a, LABEL_SIZE, NAME_WIDTH))
        .collect();
    let widest_name = names
        .iter()
        .map(|n| svg::text_width(n, LABEL_SIZE))
        .fold(0.0, f64::max);
    let left = EDGE + widest_name + 10.0;
    let right = WIDTH - EDGE - VALUE_ROOM;
    let x = |score: f64| left + score / 100.0 * (right - left);
    // The bars share the height between the header and the tick labels at the
    // bottom; when they reach their full thickness, the block is centred in it.
    let (room_top, room_bottom) = (header_bottom + 16.0, HEIGHT - EDGE - 30.0);
    let bar_count = (axes.len() * scores.len()) as f64;
    let gaps = axes.len().saturating_sub(1) as f64 * GROUP_GAP
        + (axes.len() * scores.len().saturating_sub(1)) as f64 * BAR_GAP;
    let bar = ((room_bottom - room_top - gaps) / bar_count).clamp(BAR_RANGE.0, BAR_RANGE.1);
    let top = room_top + ((room_bottom - room_top - bar_count * bar - gaps) / 2.0).max(0.0);
    let group_height = scores.len() as f64 * (bar + BAR_GAP) - BAR_GAP;
    let bottom = top + axes.len() as f64 * (group_height + GROUP_GAP) - GROUP_GAP;

    let mut doc = svg::open(WIDTH, HEIGHT, title);
    doc.push_str(&header);
    for tick in [0.0, 20.0, 40.0, 60.0, 80.0, 100.0] {
        let colour = if tick == 0.0 { INK } else { GRID };
        doc.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"1\"/>\n",
            Num(top - 6.0),
            Num(bottom + 6.0),
            x = Num(x(tick))
        ));
        let attrs = format!("font-size=\"{LABEL_SIZE}\" fill=\"{MUTED}\"");
        doc.push_str(&svg::text(
            x(tick),
            bottom + 22.0,
            Anchor::Middle,
            &attrs,
            &Num(tick).to_string(),
        ));
    }
    for (axis, name) in names.iter().enumerate() {
        let group_top = top + axis as f64 * (group_height + GROUP_GAP);
        let attrs = format!("font-size=\"{LABEL_SIZE}\" font-weight=\"bold\" fill=\"{INK}\"");
        let middle = group_top + group_height / 2.0;
        doc.push_str(&svg::text(
            left - 10.0,
            middle + 4.0,
            Anchor::End,
            &attrs,
            name,
        ));
        for (layer, layer_scores) in scores.iter().enumerate() {
            let score = layer_scores[axis];
            let bar_top = group_top + layer as f64 * (bar + BAR_GAP);
            doc.push_str(&format!(
                "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n",
                Num(left),
                Num(bar_top),
                Num(x(score) - left),
                Num(bar),
                PALETTE[layer]
            ));
            let attrs = format!(
                "font-size=\"{LABEL_SIZE}\" font-weight=\"bold\" fill=\"{}\"",
                PALETTE[layer]
            );
            let value = Num(score).to_string();
            doc.push_str(&svg::text(
                x(score) + 6.0,
                bar_top + bar / 2.0 + 4.0,
                Anchor::Start,
                &attrs,
                &value,
            ));
        }
    }
    svg::close(doc)
}
