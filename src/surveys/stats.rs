//! The arithmetic of results: rates with their Wilson score interval, and which groups of a
//! breakdown are large enough to show without exposing the few people in them.

use serde::Serialize;
use utoipa::ToSchema;

/// The normal quantile for a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// Groups with fewer answers than this are never shown on their own.
pub const MIN_GROUP: i64 = 5;

/// A share of a whole: the counts, and the rate with its 95% Wilson interval (rates rounded
/// to four decimals; none when the whole is zero).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = SurveyRate)]
pub struct Rate {
    pub count: i64,
    pub of: i64,
    pub rate: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Rate {
    /// `count` of `of`, with the Wilson score interval: unlike the normal approximation it
    /// stays within 0–1 and stays honest for small samples and rates near 100%, which is
    /// where satisfaction thresholds (90%, 95%) sit.
    pub fn of(count: i64, of: i64) -> Self {
        if of <= 0 {
            return Self {
                count,
                of,
                rate: None,
                low: None,
                high: None,
            };
        }
        #[allow(clippy::cast_precision_loss)] // counts of people are far below 2^52
        let (x, n) = (count as f64, of as f64);
        let p = x / n;
        let z2 = Z_95 * Z_95;
        let denominator = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denominator;
        let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
        Self {
            count,
            of,
            rate: Some(round4(p)),
            low: Some(round4((centre - half).max(0.0))),
            high: Some(round4((centre + half).min(1.0))),
        }
    }
}

/// The mean of values given as (value, count), to two decimals.
pub fn mean(counts: impl IntoIterator<Item = (i32, i64)>) -> Option<f64> {
    let (sum, n) = counts
        .into_iter()
        .fold((0i64, 0i64), |(sum, n), (value, count)| {
            (sum + i64::from(value) * count, n + count)
        });
    #[allow(clippy::cast_precision_loss)]
    (n > 0).then(|| ((sum as f64 / n as f64) * 100.0).round() / 100.0)
}

/// Which groups of a breakdown may be shown, given each group's size. Groups under
/// [`MIN_GROUP`] are hidden; and since the hidden ones together could be worked out by
/// subtracting the shown ones from the total, the smallest shown groups are hidden too until
/// the hidden ones together hold at least [`MIN_GROUP`] (or nothing is shown).
pub fn shown(sizes: &[i64]) -> Vec<bool> {
    let mut show: Vec<bool> = sizes.iter().map(|&n| n >= MIN_GROUP).collect();
    loop {
        let hidden: i64 = sizes
            .iter()
            .zip(&show)
            .filter(|(_, s)| !**s)
            .map(|(n, _)| n)
            .sum();
        if hidden == 0 || hidden >= MIN_GROUP {
            return show;
        }
        let smallest = (0..sizes.len())
            .filter(|&i| show[i])
            .min_by_key(|&i| sizes[i]);
        match smallest {
            Some(i) => show[i] = false,
            None => return show,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_intervals_match_published_values() {
        // Newcombe (1998) and Brown, Cai & DasGupta (2001) tabulate these.
        let r = Rate::of(8, 10);
        assert_eq!(
            (r.rate, r.low, r.high),
            (Some(0.8), Some(0.4902), Some(0.9433))
        );
        let r = Rate::of(0, 10);
        assert_eq!((r.low, r.high), (Some(0.0), Some(0.2775)));
        let r = Rate::of(90, 100);
        assert_eq!((r.low, r.high), (Some(0.8256), Some(0.9448)));
        assert_eq!(Rate::of(0, 0).rate, None);
    }

    #[test]
    fn a_lone_small_group_takes_the_next_smallest_with_it() {
        assert_eq!(shown(&[12, 7, 3]), vec![true, false, false]);
        assert_eq!(shown(&[12, 7, 5]), vec![true, true, true]);
        assert_eq!(shown(&[3, 4]), vec![false, false]);
        // Two small groups hiding 6 together are safe as they are.
        assert_eq!(shown(&[9, 3, 3]), vec![true, false, false]);
        assert_eq!(shown(&[]), Vec::<bool>::new());
    }

    #[test]
    fn means_round_to_two_decimals() {
        assert_eq!(mean([(5, 2), (4, 1)]), Some(4.67));
        assert_eq!(mean([]), None);
    }
}
