//! Scoring a community's values against a standard: each indicator 0–100 by its rule, each
//! dimension the weighted mean of its indicators, the composite the weighted mean of the
//! dimensions (as shown, rounded to four places), stars by band, and every hard threshold
//! checked. Integer arithmetic throughout, so a hand calculation gives the same digits.

use super::definition::{Definition, Direction, Indicator, Rule, Source, WhenMissing};
use crate::indicators::measure::Measure;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    /// Weighted mean of the dimension scores, 0–100.
    pub composite: Measure,
    /// Stars earned by the composite (none while a hard threshold fails); `null` for a standard
    /// without star bands.
    pub stars: Option<u8>,
    /// Every hard threshold met.
    pub eligible: bool,
    /// Eligible, and the composite reaches the pass score.
    pub passed: bool,
    pub dimensions: Vec<DimensionScore>,
    pub indicators: Vec<IndicatorScore>,
    /// The hard thresholds not met, with why.
    pub failed_thresholds: Vec<ThresholdFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DimensionScore {
    pub key: String,
    pub name: String,
    pub weight: u32,
    pub score: Measure,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorScore {
    pub key: String,
    pub name: String,
    pub dimension: String,
    pub source: Source,
    /// `null` when there is nothing to compute it from (no residents, no answers, no
    /// approved manual value).
    pub value: Option<Measure>,
    pub target: Measure,
    pub score: Measure,
    /// Left out of the dimension's mean (a missing value the standard excludes).
    pub excluded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hard_threshold: Option<Measure>,
}

crate::stored_enum! {
    /// Why a hard threshold failed.
    pub enum FailureReason {
        /// The value is below a minimum.
        Below => "below",
        /// The value is above a maximum.
        Above => "above",
        /// There is no value to check.
        NoValue => "no_value",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ThresholdFailure {
    pub indicator: String,
    pub threshold: Measure,
    pub value: Option<Measure>,
    pub reason: FailureReason,
}

fn meets(direction: Direction, value: Measure, bound: Measure) -> bool {
    match direction {
        Direction::AtLeast => value >= bound,
        Direction::AtMost => value <= bound,
    }
}

/// The indicator's score for `value`, 0–100.
pub fn score(indicator: &Indicator, value: Option<Measure>) -> Measure {
    let Some(value) = value else {
        return Measure::ZERO;
    };
    let (direction, target) = (indicator.direction, indicator.target);
    match (&indicator.rule, direction) {
        (Rule::Linear, Direction::AtLeast) => Measure::HUNDRED
            .scaled(value.max(Measure::ZERO).raw(), target.raw())
            .map_or(Measure::ZERO, |s| s.min(Measure::HUNDRED)),
        (Rule::Linear, Direction::AtMost) if value <= target => Measure::HUNDRED,
        (Rule::Linear, Direction::AtMost) => Measure::HUNDRED
            .scaled(target.raw(), value.raw())
            .unwrap_or(Measure::ZERO),
        (Rule::Threshold, _) if meets(direction, value, target) => Measure::HUNDRED,
        (Rule::Threshold, _) => Measure::ZERO,
        (Rule::Banded(bands), _) => bands
            .iter()
            .filter(|band| meets(direction, value, band.bound))
            .map(|band| band.score)
            .max()
            .unwrap_or(Measure::ZERO),
    }
}

/// `Σ weight × score / Σ weight`, rounded to four places.
fn weighted_mean(scores: impl Iterator<Item = (u32, Measure)>) -> Measure {
    let (total, weights) = scores.fold((0i64, 0i64), |(total, weights), (w, s)| {
        (total + i64::from(w) * s.raw(), weights + i64::from(w))
    });
    Measure::from_raw(total)
        .scaled(1, weights)
        .unwrap_or(Measure::ZERO)
}

/// Scores `definition` with the values `value_of` gives for each indicator's source.
pub fn evaluate(
    definition: &Definition,
    value_of: impl Fn(&Source) -> Option<Measure>,
) -> Evaluation {
    let mut indicators = Vec::new();
    let mut failed_thresholds = Vec::new();
    let mut dimensions = Vec::new();
    for dimension in &definition.dimensions {
        let mut scores = Vec::new();
        for indicator in &dimension.indicators {
            let value = value_of(&indicator.source);
            let score = score(indicator, value);
            let excluded = value.is_none() && indicator.when_missing == WhenMissing::Exclude;
            if !excluded {
                scores.push((indicator.weight, score));
            }
            if let Some(threshold) = indicator.hard_threshold {
                let reason = match value {
                    None => Some(FailureReason::NoValue),
                    Some(v) if meets(indicator.direction, v, threshold) => None,
                    Some(_) if indicator.direction == Direction::AtLeast => {
                        Some(FailureReason::Below)
                    }
                    Some(_) => Some(FailureReason::Above),
                };
                if let Some(reason) = reason {
                    failed_thresholds.push(ThresholdFailure {
                        indicator: indicator.key.clone(),
                        threshold,
                        value,
                        reason,
                    });
                }
            }
            indicators.push(IndicatorScore {
                key: indicator.key.clone(),
                name: indicator.name.clone(),
                dimension: dimension.key.clone(),
                source: indicator.source.clone(),
                value,
                target: indicator.target,
                score,
                excluded,
                hard_threshold: indicator.hard_threshold,
            });
        }
        dimensions.push(DimensionScore {
            key: dimension.key.clone(),
            name: dimension.name.clone(),
            weight: dimension.weight,
            score: weighted_mean(scores.into_iter()),
        });
    }
    let composite = weighted_mean(dimensions.iter().map(|d| (d.weight, d.score)));
    let eligible = failed_thresholds.is_empty();
    // A community failing a hard threshold is not eligible whatever its score: no stars.
    let stars = (!definition.star_bands.is_empty()).then(|| {
        definition
            .star_bands
            .iter()
            .filter(|band| eligible && composite >= band.min_score)
            .map(|band| band.stars)
            .max()
            .unwrap_or(0)
    });
    Evaluation {
        composite,
        stars,
        eligible,
        passed: eligible && composite >= definition.pass_score,
        dimensions,
        indicators,
        failed_thresholds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::standards::definition::{Band, Dimension, StarBand};

    fn m(value: f64) -> Measure {
        Measure::from_f64(value).unwrap()
    }

    fn indicator(rule: Rule, direction: Direction, target: f64) -> Indicator {
        Indicator {
            key: "k".into(),
            name: "k".into(),
            source: Source::Metric("vote_turnout".into()),
            direction,
            target: m(target),
            rule,
            weight: 1,
            hard_threshold: None,
            when_missing: WhenMissing::Zero,
        }
    }

    #[test]
    fn linear_scores_grow_to_the_target_and_shrink_past_a_maximum() {
        let at_least = indicator(Rule::Linear, Direction::AtLeast, 0.6);
        assert_eq!(score(&at_least, Some(m(0.3))), m(50.0));
        assert_eq!(score(&at_least, Some(m(0.9))), m(100.0), "capped");
        assert_eq!(score(&at_least, Some(m(-1.0))), m(0.0));
        assert_eq!(score(&at_least, None), m(0.0), "no value, no score");
        let at_most = indicator(Rule::Linear, Direction::AtMost, 2.0);
        assert_eq!(score(&at_most, Some(m(1.0))), m(100.0));
        assert_eq!(score(&at_most, Some(m(8.0))), m(25.0));
        let zero = indicator(Rule::Linear, Direction::AtMost, 0.0);
        assert_eq!(score(&zero, Some(m(1.0))), m(0.0));
    }

    #[test]
    fn an_excluded_missing_value_leaves_the_mean_to_the_others() {
        let mut rectified = indicator(Rule::Linear, Direction::AtLeast, 1.0);
        rectified.when_missing = WhenMissing::Exclude;
        let mut other = indicator(Rule::Linear, Direction::AtLeast, 1.0);
        other.source = Source::Metric("linkage_index".into());
        let definition = Definition {
            name: "t".into(),
            community_kind: crate::indicators::standards::definition::CommunityKind::Any,
            pass_score: m(60.0),
            star_bands: vec![],
            dimensions: vec![Dimension {
                key: "d".into(),
                name: "d".into(),
                weight: 1,
                indicators: vec![rectified, other],
            }],
        };
        let linkage = |s: &Source| matches!(s, Source::Metric(k) if k == "linkage_index");
        let evaluation = evaluate(&definition, |s| linkage(s).then(|| m(0.8)));
        assert_eq!(evaluation.composite, m(80.0), "not (0 + 80) / 2");
        assert!(evaluation.indicators[0].excluded);
    }

    #[test]
    fn thresholds_and_bands_score_what_the_value_meets() {
        let threshold = indicator(Rule::Threshold, Direction::AtMost, 0.0);
        assert_eq!(score(&threshold, Some(m(0.0))), m(100.0));
        assert_eq!(score(&threshold, Some(m(1.0))), m(0.0));
        let bands = Rule::Banded(vec![
            Band {
                bound: m(0.3),
                score: m(60.0),
            },
            Band {
                bound: m(0.5),
                score: m(80.0),
            },
        ]);
        let banded = indicator(bands, Direction::AtLeast, 0.5);
        assert_eq!(score(&banded, Some(m(0.29))), m(0.0));
        assert_eq!(score(&banded, Some(m(0.3))), m(60.0));
        assert_eq!(score(&banded, Some(m(0.7))), m(80.0));
    }

    #[test]
    fn composite_stars_and_hard_thresholds() {
        let source = |key: &str| Source::Metric(key.into());
        let mut hard = indicator(Rule::Linear, Direction::AtLeast, 1.0);
        hard.hard_threshold = Some(m(0.9));
        let mut heavy = indicator(Rule::Linear, Direction::AtLeast, 1.0);
        (heavy.key, heavy.source, heavy.weight) = ("heavy".into(), source("linkage_index"), 2);
        let mut whole = indicator(Rule::Threshold, Direction::AtLeast, 1.0);
        whole.source = source("residents");
        let dimension = |key: &str, weight, indicators| Dimension {
            key: key.into(),
            name: key.into(),
            weight,
            indicators,
        };
        let definition = Definition {
            name: "t".into(),
            community_kind: crate::indicators::standards::definition::CommunityKind::Any,
            pass_score: m(60.0),
            star_bands: vec![
                StarBand {
                    min_score: m(50.0),
                    stars: 1,
                },
                StarBand {
                    min_score: m(90.0),
                    stars: 2,
                },
            ],
            dimensions: vec![
                dimension("a", 1, vec![hard, heavy]),
                dimension("b", 3, vec![whole]),
            ],
        };
        let values = |s: &Source| match s {
            Source::Metric(key) if key == "vote_turnout" => Some(m(0.8)),
            Source::Metric(key) if key == "linkage_index" => Some(m(0.5)),
            _ => Some(m(1.0)),
        };
        // a = (1 × 80 + 2 × 50) / 3 = 60; b = 100; composite = (1 × 60 + 3 × 100) / 4 = 90.
        let evaluation = evaluate(&definition, values);
        let scores: Vec<Measure> = evaluation.dimensions.iter().map(|d| d.score).collect();
        assert_eq!(scores, [m(60.0), m(100.0)]);
        assert_eq!(
            (evaluation.composite, evaluation.stars),
            (m(90.0), Some(0)),
            "no stars"
        );
        assert!(
            !evaluation.eligible && !evaluation.passed,
            "0.8 misses the 0.9 threshold"
        );
        assert_eq!(evaluation.failed_thresholds[0].reason, FailureReason::Below);
        let met = evaluate(&definition, |_| Some(m(1.0)));
        assert_eq!(
            (met.composite, met.stars, met.passed),
            (m(100.0), Some(2), true)
        );
        let nothing = evaluate(&definition, |_| None);
        assert_eq!((nothing.composite, nothing.stars), (m(0.0), Some(0)));
        assert_eq!(nothing.failed_thresholds[0].reason, FailureReason::NoValue);
    }
}
