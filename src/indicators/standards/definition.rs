//! An evaluation standard as data: dimensions of weighted indicators, each scored 0–100 by a
//! rule against a target, some with a hard threshold that a community must meet to be
//! eligible at all, and the composite score's pass mark and star bands.

use crate::error::{ApiError, FieldError};
use crate::indicators::measure::Measure;
use crate::indicators::metrics;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::ToSchema;

crate::stored_enum! {
    /// Which communities a standard rates.
    pub enum CommunityKind {
        Urban => "urban",
        Rural => "rural",
        Any => "any",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// The standard's name, e.g. 湖南省和谐社区示范创建（城市）.
    pub name: String,
    pub community_kind: CommunityKind,
    pub dimensions: Vec<Dimension>,
    /// Composite score (0–100) needed to pass, besides every hard threshold.
    pub pass_score: Measure,
    /// Stars by composite score, lowest band first; empty for a standard without stars.
    #[serde(default)]
    pub star_bands: Vec<StarBand>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub key: String,
    pub name: String,
    /// Its share of the composite, relative to the other dimensions' weights.
    pub weight: u32,
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    pub source: Source,
    #[serde(default)]
    pub direction: Direction,
    /// The value that earns the full score (the bound of a threshold rule).
    pub target: Measure,
    pub rule: Rule,
    /// Its share of the dimension's score, relative to the dimension's other indicators.
    pub weight: u32,
    /// A bound the value must meet (in `direction`) for the community to be eligible at all,
    /// whatever its score; a community without a value fails it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_threshold: Option<Measure>,
    /// What a missing value (nothing to divide by) scores.
    #[serde(default)]
    pub when_missing: WhenMissing,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WhenMissing {
    /// Scores 0: the community has not shown it.
    #[default]
    Zero,
    /// Left out of its dimension's mean: nothing happened that it measures (a rectification
    /// rate without a single poor rating).
    Exclude,
}

/// Where an indicator's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A metric computed from platform data (see `GET /indicator-metrics`).
    Metric(String),
    /// A value community staff enter with evidence and a region admin approves.
    Manual(String),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better: the target and thresholds are minimums.
    #[default]
    AtLeast,
    /// Lower is better (incidents): the target and thresholds are maximums.
    AtMost,
}

/// How a value becomes a score from 0 to 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// At least: 100 × value / target, capped at 100. At most: 100 up to the target, then
    /// 100 × target / value (0 when the target is 0).
    Linear,
    /// 100 when the target is met, else 0.
    Threshold,
    /// The best score among the bands whose bound the value meets; 0 if it meets none.
    Banded(Vec<Band>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub bound: Measure,
    pub score: Measure,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StarBand {
    pub min_score: Measure,
    pub stars: u8,
}

/// Manual keys are free to name whatever a standard needs (`criminal_cases`), in this shape.
pub fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    (2..=64).contains(&key.len())
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn score_range(value: Measure) -> bool {
    (Measure::ZERO..=Measure::HUNDRED).contains(&value)
}

impl Definition {
    /// Every fault in the definition, each naming its field, e.g. `dimensions[1].weight`.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut faults = Vec::new();
        let mut fault =
            |field: String, code: &'static str| faults.push(FieldError::new(field, code));
        if self.name.trim().is_empty() || self.name.chars().count() > 100 {
            fault("definition.name".into(), "length");
        }
        if !score_range(self.pass_score) {
            fault("definition.pass_score".into(), "range");
        }
        if self.dimensions.is_empty() || self.dimensions.len() > 20 {
            fault("definition.dimensions".into(), "length");
        }
        let mut dimension_keys = BTreeSet::new();
        let mut indicator_keys = BTreeSet::new();
        for (d, dimension) in self.dimensions.iter().enumerate() {
            let at = format!("definition.dimensions[{d}]");
            if !is_valid_key(&dimension.key) {
                fault(format!("{at}.key"), "invalid_key");
            } else if !dimension_keys.insert(&dimension.key) {
                fault(format!("{at}.key"), "duplicate");
            }
            if dimension.name.trim().is_empty() || dimension.name.chars().count() > 100 {
                fault(format!("{at}.name"), "length");
            }
            if !(1..=1000).contains(&dimension.weight) {
                fault(format!("{at}.weight"), "range");
            }
            if dimension.indicators.is_empty() || dimension.indicators.len() > 50 {
                fault(format!("{at}.indicators"), "length");
            }
            for (i, indicator) in dimension.indicators.iter().enumerate() {
                let at = format!("{at}.indicators[{i}]");
                if !is_valid_key(&indicator.key) {
                    fault(format!("{at}.key"), "invalid_key");
                } else if !indicator_keys.insert(&indicator.key) {
                    fault(format!("{at}.key"), "duplicate");
                }
                if indicator.name.trim().is_empty() || indicator.name.chars().count() > 100 {
                    fault(format!("{at}.name"), "length");
                }
                match &indicator.source {
                    Source::Metric(key) if metrics::info(key).is_none() => {
                        fault(format!("{at}.source"), "unknown_metric")
                    }
                    Source::Manual(key) if !is_valid_key(key) => {
                        fault(format!("{at}.source"), "invalid_key")
                    }
                    _ => {}
                }
                if !(1..=1000).contains(&indicator.weight) {
                    fault(format!("{at}.weight"), "range");
                }
                if indicator.target < Measure::ZERO
                    || (indicator.rule == Rule::Linear
                        && indicator.direction == Direction::AtLeast
                        && indicator.target == Measure::ZERO)
                {
                    fault(format!("{at}.target"), "range");
                }
                if let Rule::Banded(bands) = &indicator.rule {
                    if bands.is_empty() || bands.len() > 20 {
                        fault(format!("{at}.rule"), "length");
                    }
                    if bands.iter().any(|b| !score_range(b.score)) {
                        fault(format!("{at}.rule"), "range");
                    }
                }
            }
        }
        let stars: Vec<&StarBand> = self.star_bands.iter().collect();
        if stars.len() > 10
            || stars
                .iter()
                .any(|b| !score_range(b.min_score) || !(1..=10).contains(&b.stars))
        {
            fault("definition.star_bands".into(), "range");
        } else if stars
            .windows(2)
            .any(|w| w[1].min_score <= w[0].min_score || w[1].stars <= w[0].stars)
        {
            fault("definition.star_bands".into(), "not_ascending");
        }
        if faults.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(faults))
        }
    }

    /// Every indicator with the dimension it belongs to.
    pub fn indicators(&self) -> impl Iterator<Item = (&Dimension, &Indicator)> {
        self.dimensions
            .iter()
            .flat_map(|d| d.indicators.iter().map(move |i| (d, i)))
    }
}
