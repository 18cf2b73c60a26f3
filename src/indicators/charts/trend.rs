//! Trend charts: scores over periods, one line per series, with an optional pass mark.

use super::legend::{self, MAX_SERIES, PALETTE};
use super::plot::Plot;
use super::svg::{self, Anchor, HALO, LABEL_SIZE, Num};

/// One line of a trend chart: a label for the legend and one value per period (None = no figure that period, drawn as a gap).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub values: Vec<Option<f64>>,
}

/// Size of the page.
pub(super) const WIDTH: f64 = 720.0;
pub(super) const HEIGHT: f64 = 420.0;
/// Vertical distance kept between the values printed at line ends.
const VALUE_LABEL_SPACING: f64 = 14.0;

/// A line chart of scores over periods. `periods` are the x-axis labels (e.g. "2026-01"), `lines` share them (each `values.len() == periods.len()`; extra/missing values are ignored/treated as None). `y_max` is the top of the y axis (100.0 for scores); the y axis starts at 0. `threshold`, when given, is drawn as a dashed horizontal line with its label (e.g. the pass mark: (70.0, "三星 pass")).
///
/// Only the first six lines are drawn, one per palette colour. Values that are not
/// finite count as None; the others are clamped to `0..=y_max`. A `y_max` that is not a
/// positive number falls back to 100, the score scale.
pub fn trend_svg(
    title: &str,
    periods: &[String],
    lines: &[Line],
    y_max: f64,
    threshold: Option<(f64, &str)>,
) -> String {
    let y_max = if y_max.is_finite() && y_max > 0.0 {
        y_max
    } else {
        100.0
    };
    let lines = &lines[..lines.len().min(MAX_SERIES)];
    let values: Vec<Vec<Option<f64>>> = lines
        .iter()
        .map(|line| clean(&line.values, periods.len(), y_max))
        .collect();
    if values.iter().flatten().all(Option::is_none) {
        return svg::no_data(WIDTH, HEIGHT, title);
    }

    let labels: Vec<&str> = lines.iter().map(|line| line.label.as_str()).collect();
    let threshold = threshold.filter(|(value, _)| value.is_finite());
    let (header, header_bottom) =
        legend::header(WIDTH, title, &labels, threshold.map(|(_, label)| label));
    // Half a label's height above the top gridline, so its tick label fits.
    let plot = Plot::new(header_bottom + 16.0, periods.len(), y_max);

    let mut doc = svg::open(WIDTH, HEIGHT, title);
    doc.push_str(&header);
    doc.push_str(&plot.y_axis());
    doc.push_str(&plot.x_axis(periods));
    if let Some((value, _)) = threshold {
        doc.push_str(&plot.threshold_line(value.clamp(0.0, y_max)));
    }
    let mut last_values = Vec::new();
    for (series, values) in values.iter().enumerate() {
        doc.push_str(&series_line(&plot, series, values));
        // The line's last figure, whatever gaps follow it, gets its value printed.
        if let Some((period, value)) = values
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, v)| Some((i, (*v)?)))
        {
            last_values.push(ValueLabel {
                series,
                x: plot.x(period),
                y: plot.y(value),
                value,
            });
        }
    }
    doc.push_str(&value_labels(last_values));
    svg::close(doc)
}

/// One value per period: missing and non-finite values become gaps, the rest are
/// clamped to the axis.
fn clean(values: &[Option<f64>], periods: usize, y_max: f64) -> Vec<Option<f64>> {
    (0..periods)
        .map(|i| {
            let value = values.get(i).copied().flatten()?;
            value.is_finite().then(|| value.clamp(0.0, y_max))
        })
        .collect()
}

/// One series: a polyline for each run of consecutive figures, so a missing period
/// shows as a gap, and a marker on every figure, including ones standing alone.
fn series_line(plot: &Plot, series: usize, values: &[Option<f64>]) -> String {
    let mut doc = String::new();
    let by_period: Vec<(usize, Option<f64>)> = values.iter().copied().enumerate().collect();
    // Runs alternate between figures and gaps; gaps give no points, lone figures one.
    for run in by_period.chunk_by(|a, b| a.1.is_some() == b.1.is_some()) {
        let points: Vec<String> = run
            .iter()
            .filter_map(|(period, value)| {
                Some(format!(
                    "{},{}",
                    Num(plot.x(*period)),
                    Num(plot.y((*value)?))
                ))
            })
            .collect();
        if points.len() < 2 {
            continue;
        }
        doc.push_str(&format!(
            "<polyline class=\"line\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\" \
             stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n",
            points.join(" "),
            PALETTE[series]
        ));
    }
    for (period, value) in values.iter().enumerate() {
        if let Some(value) = value {
            doc.push_str(&legend::marker(series, plot.x(period), plot.y(*value)));
        }
    }
    doc
}

/// The value printed beside a line's last point.
struct ValueLabel {
    series: usize,
    x: f64,
    y: f64,
    value: f64,
}

/// Prints each line's last value to the right of its point, nudging labels down
/// where lines end close together so no two overlap.
fn value_labels(mut labels: Vec<ValueLabel>) -> String {
    labels.sort_by(|a, b| a.y.total_cmp(&b.y));
    for i in 1..labels.len() {
        for j in 0..i {
            let side_by_side = (labels[i].x - labels[j].x).abs() < 40.0;
            if side_by_side && labels[i].y - labels[j].y < VALUE_LABEL_SPACING {
                labels[i].y = labels[j].y + VALUE_LABEL_SPACING;
            }
        }
    }
    let mut doc = String::new();
    for label in &labels {
        let attrs = format!(
            "font-size=\"{LABEL_SIZE}\" font-weight=\"bold\" fill=\"{}\" {HALO}",
            PALETTE[label.series]
        );
        doc.push_str(&svg::text(
            label.x + 8.0,
            label.y + 4.0,
            Anchor::Start,
            &attrs,
            &Num(label.value).to_string(),
        ));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::super::check::{assert_well_formed, chart_markers, texts};
    use super::*;

    fn months(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("2026-{:02}", i + 1)).collect()
    }

    fn line(label: &str, values: &[Option<f64>]) -> Line {
        Line {
            label: label.to_string(),
            values: values.to_vec(),
        }
    }

    /// A chart of one line over as many months as it has values, on a 0–100 axis.
    fn one_line_chart(values: &[Option<f64>]) -> String {
        trend_svg(
            "t",
            &months(values.len()),
            &[line("a", values)],
            100.0,
            None,
        )
    }

    #[test]
    fn a_chart_has_its_title_legend_ticks_and_last_values() {
        let lines = [
            line("幸福社区", &[Some(62.0), Some(71.25)]),
            line("街道平均", &[Some(66.0), Some(68.0)]),
        ];
        let doc = trend_svg("综合得分", &months(2), &lines, 100.0, None);
        assert_well_formed(&doc);
        assert!(doc.contains("<title>综合得分</title>") && doc.contains("width=\"720\""));
        let texts = texts(&doc);
        for expected in "幸福社区 街道平均 0 20 40 60 80 100 2026-01 2026-02".split(' ') {
            assert!(
                texts.contains(&expected),
                "{expected} missing from {texts:?}"
            );
        }
        // Only the last point of each line is printed, with one decimal at most.
        assert!(texts.contains(&"71.3") && texts.contains(&"68") && !texts.contains(&"62"));
        assert_eq!(chart_markers(&doc, 2), 4);
    }

    #[test]
    fn user_text_is_escaped() {
        let periods = vec!["<b>".to_string()];
        let lines = [line("<script>alert(1)</script>&", &[Some(50.0)])];
        let doc = trend_svg("<script>&", &periods, &lines, 100.0, Some((70.0, "\"'")));
        assert_well_formed(&doc);
        assert!(!doc.contains("<script") && !doc.contains("<b>"));
        assert!(doc.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;"));
        assert!(doc.contains("<title>&lt;script&gt;&amp;</title>") && doc.contains("&quot;&#39;"));
    }

    #[test]
    fn non_finite_values_are_gaps_and_never_printed() {
        let values = [
            Some(f64::NAN),
            Some(50.0),
            Some(f64::INFINITY),
            Some(f64::NEG_INFINITY),
        ];
        let lines = [line("a", &values)];
        let doc = trend_svg("t", &months(4), &lines, f64::NAN, Some((f64::NAN, "pass")));
        assert_well_formed(&doc);
        assert!(!doc.to_lowercase().contains("nan") && !doc.contains("inf"));
        assert_eq!(chart_markers(&doc, 1), 1);
        assert!(
            texts(&doc).contains(&"50"),
            "the lone figure is the last value"
        );
        assert!(!doc.contains("threshold"), "a NaN pass mark is not drawn");
    }

    #[test]
    fn a_missing_value_splits_the_line() {
        let split = one_line_chart(&[Some(10.0), Some(20.0), None, Some(30.0), Some(40.0)]);
        assert_well_formed(&split);
        assert_eq!(split.matches("<polyline").count(), 2);
        // A figure between gaps gets a marker but no line.
        let lone = one_line_chart(&[Some(10.0), None, Some(30.0)]);
        assert_eq!(lone.matches("<polyline").count(), 0);
        assert_eq!(chart_markers(&lone, 1), 2);
    }

    #[test]
    fn values_are_clamped_and_missing_or_extra_values_handled() {
        let lines = [line("a", &[Some(-5.0), Some(150.0), Some(99.0)])];
        let clamped = trend_svg("t", &months(2), &lines, 100.0, None);
        let texts = texts(&clamped);
        assert!(texts.contains(&"100") && !texts.contains(&"150") && !texts.contains(&"99"));
        assert_eq!(
            chart_markers(&clamped, 1),
            2,
            "the value beyond the periods is ignored"
        );
        let short = trend_svg(
            "t",
            &months(3),
            &[line("a", &[Some(1.0), Some(2.0)])],
            100.0,
            None,
        );
        assert_eq!(
            chart_markers(&short, 1),
            2,
            "the missing third value is a gap"
        );
    }

    #[test]
    fn the_threshold_is_drawn_only_when_asked() {
        let lines = [line("a", &[Some(60.0), Some(75.0)])];
        let with = trend_svg("t", &months(2), &lines, 100.0, Some((70.0, "三星 pass")));
        assert_well_formed(&with);
        assert_eq!(with.matches("class=\"threshold\"").count(), 1);
        assert!(texts(&with).contains(&"三星 pass"));
        let without = trend_svg("t", &months(2), &lines, 100.0, None);
        assert!(!without.contains("threshold") && !without.contains("stroke-dasharray"));
    }

    #[test]
    fn empty_inputs_give_a_no_data_chart() {
        let charts = [
            trend_svg("t", &[], &[line("a", &[Some(1.0)])], 100.0, None),
            trend_svg("t", &months(3), &[], 100.0, Some((70.0, "pass"))),
            one_line_chart(&[None, Some(f64::NAN)]),
        ];
        for doc in charts {
            assert_well_formed(&doc);
            assert!(doc.contains("暂无数据") && !doc.contains("<polyline"));
            assert!(!doc.contains("threshold"));
        }
    }

    #[test]
    fn at_most_six_lines_are_drawn() {
        let lines: Vec<Line> = (1..=7)
            .map(|n| line(&format!("社区{n}"), &[Some(1.0)]))
            .collect();
        let doc = trend_svg("t", &months(1), &lines, 100.0, None);
        let texts = texts(&doc);
        assert!(texts.contains(&"社区6") && !texts.contains(&"社区7"));
        assert_eq!(chart_markers(&doc, 6), 6);
    }
}
