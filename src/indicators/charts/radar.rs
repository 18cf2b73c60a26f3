//! Radar (spider) charts: one spoke per dimension, one polygon per layer, scores 0–100.

use super::legend::{self, MAX_SERIES};
use super::{bars, svg, wheel};

/// One polygon of a radar chart: a label for the legend and one value (0..=100) per axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub label: String,
    pub values: Vec<f64>,
}

/// Size of the page.
pub(super) const WIDTH: f64 = 560.0;
pub(super) const HEIGHT: f64 = 520.0;

/// A radar (spider) chart of dimension scores 0–100: `axes` are the dimension names (3 or more; with fewer than 3 draw a horizontal bar chart instead, still valid SVG), `layers` e.g. this period and the previous period, or the community against the street's mean.
///
/// Only the first six layers are drawn, one per palette colour. A missing or
/// non-finite value counts as 0; the others are clamped to `0..=100`.
pub fn radar_svg(title: &str, axes: &[String], layers: &[Layer]) -> String {
    let layers = &layers[..layers.len().min(MAX_SERIES)];
    if axes.is_empty() || layers.is_empty() {
        return svg::no_data(WIDTH, HEIGHT, title);
    }
    let labels: Vec<&str> = layers.iter().map(|layer| layer.label.as_str()).collect();
    let scores: Vec<Vec<f64>> = layers
        .iter()
        .map(|layer| {
            (0..axes.len())
                .map(|axis| score(layer.values.get(axis).copied()))
                .collect()
        })
        .collect();
    // Two dimensions make a line and one a point, not a polygon: bars show them better.
    if axes.len() < 3 {
        return bars::bars_svg(title, axes, &labels, &scores);
    }

    let (header, header_bottom) = legend::header(WIDTH, title, &labels, None);
    let mut doc = svg::open(WIDTH, HEIGHT, title);
    doc.push_str(&header);
    doc.push_str(&wheel::wheel(header_bottom + 8.0, axes, &scores));
    svg::close(doc)
}

/// A value as a score: 0 when missing or not finite, else clamped to 0–100.
fn score(value: Option<f64>) -> f64 {
    value
        .filter(|v| v.is_finite())
        .map_or(0.0, |v| v.clamp(0.0, 100.0))
}

#[cfg(test)]
mod tests {
    use super::super::check::{assert_well_formed, chart_markers, texts};
    use super::*;

    const HUNAN: [&str; 6] = [
        "居民自治",
        "管理有序",
        "服务完善",
        "治安良好",
        "环境优美",
        "文明和谐",
    ];

    fn axes(count: usize) -> Vec<String> {
        HUNAN[..count].iter().map(|name| name.to_string()).collect()
    }

    fn layer(label: &str, values: &[f64]) -> Layer {
        Layer {
            label: label.to_string(),
            values: values.to_vec(),
        }
    }

    /// The points of the first layer's polygon.
    fn first_layer_points(doc: &str) -> Vec<&str> {
        let after = doc
            .split_once("class=\"layer\" points=\"")
            .map_or("", |(_, rest)| rest);
        after
            .split('"')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect()
    }

    #[test]
    fn six_axes_make_six_spokes_five_rings_and_a_polygon_per_layer() {
        let layers = [
            layer("本期", &[82.5, 76.0, 88.0, 91.0, 69.5, 84.0]),
            layer("上期", &[78.0, 72.5, 85.0, 90.0, 64.0, 80.0]),
        ];
        let doc = radar_svg("六项指标", &axes(6), &layers);
        assert_well_formed(&doc);
        assert!(doc.contains("<title>六项指标</title>") && doc.contains("width=\"560\""));
        assert_eq!(doc.matches("class=\"spoke\"").count(), 6);
        assert_eq!(doc.matches("class=\"ring\"").count(), 5);
        assert_eq!(doc.matches("class=\"layer\"").count(), 2);
        assert_eq!(chart_markers(&doc, 2), 12);
        assert_eq!(first_layer_points(&doc).len(), 6);
        let texts = texts(&doc);
        for expected in HUNAN.iter().chain(&["本期", "上期", "20", "100"]) {
            assert!(texts.contains(expected), "{expected} missing");
        }
        assert!(doc.contains(">82.5</tspan>") && doc.contains(">72.5</tspan>"));
    }

    #[test]
    fn user_text_is_escaped() {
        let axes = ["<script>&".to_string(), "b".to_string(), "c".to_string()];
        let doc = radar_svg("<t>", &axes, &[layer("</svg>'", &[1.0, 2.0, 3.0])]);
        assert_well_formed(&doc);
        assert!(!doc.contains("<script") && !doc.contains("<t>"));
        assert!(doc.contains("&lt;script&gt;&amp;") && doc.contains("&lt;/svg&gt;&#39;"));
    }

    #[test]
    fn non_finite_missing_and_out_of_range_values_become_scores() {
        let values = [f64::NAN, f64::INFINITY, -5.0, 150.0];
        let doc = radar_svg("t", &axes(5), &[layer("a", &values)]);
        assert_well_formed(&doc);
        assert!(!doc.to_lowercase().contains("nan") && !doc.contains("inf"));
        assert!(!doc.contains("150") && !doc.contains("-5"));
        let values: Vec<&str> = doc
            .matches(">0</tspan>")
            .chain(doc.matches(">100</tspan>"))
            .collect();
        // NaN, infinity, -5 and the missing fifth value count as 0; 150 as 100.
        assert_eq!(values.len(), 5, "{values:?}");
    }

    #[test]
    fn fewer_than_three_axes_draw_bars_instead() {
        let layers = [layer("本期", &[82.5, 76.0]), layer("上期", &[78.0, 72.5])];
        let two = radar_svg("两项", &axes(2), &layers);
        assert_well_formed(&two);
        assert!(!two.contains("class=\"spoke\"") && !two.contains("class=\"layer\""));
        assert_eq!(two.matches("class=\"bar\"").count(), 4);
        let texts = texts(&two);
        assert!(texts.contains(&"居民自治") && texts.contains(&"82.5") && texts.contains(&"72.5"));
        let one = radar_svg("一项", &axes(1), &layers);
        assert_well_formed(&one);
        assert_eq!(one.matches("class=\"bar\"").count(), 2);
    }

    #[test]
    fn three_axes_are_enough_for_a_radar() {
        let doc = radar_svg("t", &axes(3), &[layer("a", &[50.0, 60.0, 70.0])]);
        assert_eq!(doc.matches("class=\"spoke\"").count(), 3);
        assert!(!doc.contains("class=\"bar\""));
    }

    #[test]
    fn empty_inputs_give_a_no_data_chart() {
        for doc in [
            radar_svg("t", &[], &[layer("a", &[1.0])]),
            radar_svg("t", &axes(6), &[]),
        ] {
            assert_well_formed(&doc);
            assert!(doc.contains("暂无数据") && !doc.contains("class=\"spoke\""));
        }
    }

    #[test]
    fn at_most_six_layers_are_drawn() {
        let layers: Vec<Layer> = (1..=7)
            .map(|n| layer(&format!("层{n}"), &[50.0; 6]))
            .collect();
        let doc = radar_svg("t", &axes(6), &layers);
        assert_eq!(doc.matches("class=\"layer\"").count(), 6);
        assert!(texts(&doc).contains(&"层6") && !texts(&doc).contains(&"层7"));
    }
}
