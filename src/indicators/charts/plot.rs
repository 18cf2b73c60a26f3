//! The trend chart's plot area: where periods and values land on the page, and the
//! axes, gridlines and pass mark drawn around the lines.

use super::legend;
use super::svg::{self, Anchor, GRID, INK, LABEL_SIZE, MUTED, Num};
use super::trend::{HEIGHT, WIDTH};

/// Room on the left for the y tick labels.
pub(super) const PLOT_LEFT: f64 = 56.0;
/// Room on the right for the value printed beside each line's last point.
const PLOT_RIGHT: f64 = WIDTH - 48.0;
/// Room at the bottom for the period labels.
const PLOT_BOTTOM: f64 = HEIGHT - 40.0;
/// Widest a period label may be before it is cut short.
const PERIOD_LABEL_WIDTH: f64 = 100.0;

/// The plot between `top` and the period labels. Each of the periods owns an equal band
/// of its width, with its points in the band's middle, so the first and last points
/// keep clear of the axes. Values run from 0 at the bottom to `y_max` at the top.
pub(super) struct Plot {
    top: f64,
    periods: usize,
    y_max: f64,
}

impl Plot {
    /// A plot of at least one period; `y_max` must be positive.
    pub(super) fn new(top: f64, periods: usize, y_max: f64) -> Self {
        Plot {
            top,
            periods: periods.max(1),
            y_max,
        }
    }

    fn band(&self) -> f64 {
        (PLOT_RIGHT - PLOT_LEFT) / self.periods as f64
    }

    pub(super) fn x(&self, period: usize) -> f64 {
        PLOT_LEFT + (period as f64 + 0.5) * self.band()
    }

    pub(super) fn y(&self, value: f64) -> f64 {
        PLOT_BOTTOM - value / self.y_max * (PLOT_BOTTOM - self.top)
    }

    /// Horizontal gridlines with their values, from 0 up to the top of the axis.
    pub(super) fn y_axis(&self) -> String {
        let step = tick_step(self.y_max);
        // The small allowance keeps the top tick when steps add up to a hair above y_max.
        let ticks = (0..)
            .map(|i| i as f64 * step)
            .take_while(|tick| *tick <= self.y_max * (1.0 + 1e-9));
        let mut doc = String::new();
        for tick in ticks {
            let y = self.y(tick);
            let colour = if tick == 0.0 { INK } else { GRID };
            doc.push_str(&format!(
                "<line x1=\"{PLOT_LEFT}\" y1=\"{y}\" x2=\"{PLOT_RIGHT}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"1\"/>\n",
                y = Num(y)
            ));
            let attrs = format!("font-size=\"{LABEL_SIZE}\" fill=\"{MUTED}\"");
            doc.push_str(&svg::text(
                PLOT_LEFT - 8.0,
                y + 4.0,
                Anchor::End,
                &attrs,
                &Num(tick).to_string(),
            ));
        }
        doc
    }

    /// A tick per period and as many period labels as fit without overlapping.
    pub(super) fn x_axis(&self, periods: &[String]) -> String {
        let labels: Vec<String> = periods
            .iter()
            .map(|p| svg::fit(p, LABEL_SIZE, PERIOD_LABEL_WIDTH))
            .collect();
        let widest = labels
            .iter()
            .map(|l| svg::text_width(l, LABEL_SIZE))
            .fold(0.0, f64::max);
        // Every how many periods a label fits, with a gap between neighbours: 12 months
        // get a label each, 36 get every third.
        let every = ((widest + 6.0) / self.band()).ceil().max(1.0) as usize;
        let attrs = format!("font-size=\"{LABEL_SIZE}\" fill=\"{INK}\"");
        let mut doc = String::new();
        for (period, label) in labels.iter().enumerate() {
            let x = self.x(period);
            doc.push_str(&format!(
                "<line x1=\"{x}\" y1=\"{PLOT_BOTTOM}\" x2=\"{x}\" y2=\"{}\" stroke=\"{INK}\" stroke-width=\"1\"/>\n",
                PLOT_BOTTOM + 4.0,
                x = Num(x)
            ));
            // Counted back from the latest period, so the newest one always has its label.
            if (labels.len() - 1 - period).is_multiple_of(every) {
                doc.push_str(&svg::text(
                    x,
                    PLOT_BOTTOM + 20.0,
                    Anchor::Middle,
                    &attrs,
                    label,
                ));
            }
        }
        doc
    }

    /// The pass mark: a dashed line across the plot, named in the legend. It stops at
    /// the last period, so it does not run through the values printed beyond.
    pub(super) fn threshold_line(&self, value: f64) -> String {
        format!(
            "<line class=\"threshold\" x1=\"{PLOT_LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" {}/>\n",
            Num(self.x(self.periods - 1) + 4.0),
            legend::REFERENCE_LINE,
            y = Num(self.y(value))
        )
    }
}

/// Gridline spacing: the smallest of 1, 2 or 5 times a power of ten that reaches
/// `y_max` in at most six steps (20 for a 0–100 score axis), and never below 0.1,
/// the finest a one-decimal label can tell apart.
fn tick_step(y_max: f64) -> f64 {
    let rough = y_max / 6.0;
    let magnitude = 10_f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0]
        .iter()
        .map(|multiple| multiple * magnitude)
        .find(|step| *step >= rough)
        .unwrap_or(10.0 * magnitude);
    step.max(0.1)
}

#[cfg(test)]
mod tests {
    use super::super::check::texts;
    use super::*;

    fn months(count: usize) -> Vec<String> {
        (0..count)
            .map(|i| format!("{}-{:02}", 2024 + i / 12, i % 12 + 1))
            .collect()
    }

    #[test]
    fn ticks_suit_the_axis_maximum() {
        let steps: Vec<f64> = [100.0, 50.0, 7.0, 5.0, 1000.0, 0.05]
            .iter()
            .map(|m| tick_step(*m))
            .collect();
        assert_eq!(steps, [20.0, 10.0, 2.0, 1.0, 200.0, 0.1]);
        let scores = Plot::new(60.0, 12, 100.0).y_axis();
        assert_eq!(texts(&scores), ["0", "20", "40", "60", "80", "100"]);
        // The top of a 0–7 axis has no gridline of its own: the last tick is 6.
        assert_eq!(
            texts(&Plot::new(60.0, 12, 7.0).y_axis()),
            ["0", "2", "4", "6"]
        );
    }

    #[test]
    fn long_period_lists_label_every_kth_period_ending_with_the_newest() {
        let labelled = Plot::new(60.0, 36, 100.0).x_axis(&months(36));
        let labelled = texts(&labelled);
        assert_eq!(labelled.len(), 12, "{labelled:?}");
        assert_eq!(labelled.first(), Some(&"2024-03"));
        assert_eq!(labelled.last(), Some(&"2026-12"));
        let twelve = months(12);
        assert_eq!(texts(&Plot::new(60.0, 12, 100.0).x_axis(&twelve)), twelve);
    }
}
