//! Fixed-point numbers for indicator values, targets and scores: an integer count of
//! ten-thousandths. Computations stay in integers, so recomputing a period gives the same
//! digits on every machine and backend; JSON shows the plain decimal (`0.9`, `87.5`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A value with four decimals, stored as the value times [`Measure::SCALE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Measure(i64);

impl Measure {
    pub const SCALE: i64 = 10_000;
    pub const ZERO: Self = Self(0);
    pub const HUNDRED: Self = Self(100 * Self::SCALE);
    /// Bounds of what a definition may state: beyond them a number is a typing mistake.
    const LIMIT: f64 = 1e12;

    pub fn from_raw(raw: i64) -> Self {
        Self(raw)
    }

    pub fn raw(self) -> i64 {
        self.0
    }

    pub fn from_int(value: i64) -> Self {
        Self(value.saturating_mul(Self::SCALE))
    }

    /// `numerator / denominator`, rounded half away from zero; `None` over nothing.
    pub fn ratio(numerator: i64, denominator: i64) -> Option<Self> {
        (denominator != 0).then(|| Self(divide(i128::from(numerator) * 10_000, denominator)))
    }

    /// `self × numerator / denominator`, rounded like [`Measure::ratio`].
    pub fn scaled(self, numerator: i64, denominator: i64) -> Option<Self> {
        (denominator != 0).then(|| {
            Self(divide(
                i128::from(self.0) * i128::from(numerator),
                denominator,
            ))
        })
    }

    /// `self / other` as a ratio of two measures; `None` when `other` is zero.
    pub fn over(self, other: Self) -> Option<Self> {
        (other.0 != 0).then(|| Self(divide(i128::from(self.0) * 10_000, other.0)))
    }

    /// A number written in a definition, rounded to four decimals; `None` if not finite or
    /// beyond ±10¹².
    pub fn from_f64(value: f64) -> Option<Self> {
        (value.is_finite() && value.abs() <= Self::LIMIT)
            .then(|| Self((value * Self::SCALE as f64).round() as i64))
    }

    pub fn to_f64(self) -> f64 {
        self.0 as f64 / Self::SCALE as f64
    }

    pub fn min(self, other: Self) -> Self {
        Self(self.0.min(other.0))
    }

    pub fn max(self, other: Self) -> Self {
        Self(self.0.max(other.0))
    }

    pub fn minus(self, other: Self) -> Self {
        Self(self.0.saturating_sub(other.0))
    }
}

fn divide(numerator: i128, denominator: i64) -> i64 {
    let denominator = i128::from(denominator);
    let half = denominator.abs() / 2;
    let rounded = if (numerator < 0) == (denominator < 0) {
        (numerator.abs() + half) / denominator.abs()
    } else {
        -((numerator.abs() + half) / denominator.abs())
    };
    rounded.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (whole, fraction) = (
            self.0.unsigned_abs() / 10_000,
            self.0.unsigned_abs() % 10_000,
        );
        let digits = format!("{fraction:04}");
        match digits.trim_end_matches('0') {
            "" => write!(f, "{sign}{whole}"),
            decimals => write!(f, "{sign}{whole}.{decimals}"),
        }
    }
}

impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % Self::SCALE == 0 {
            serializer.serialize_i64(self.0 / Self::SCALE)
        } else {
            serializer.serialize_f64(self.to_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Measure {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Self::from_f64(value).ok_or_else(|| serde::de::Error::custom("number out of range"))
    }
}

impl utoipa::PartialSchema for Measure {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some(
                "A decimal with at most four places (stored as an integer of ten-thousandths).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Measure {}

#[cfg(test)]
mod tests {
    use super::Measure;

    #[test]
    fn ratios_round_half_away_from_zero_and_are_none_over_nothing() {
        assert_eq!(Measure::ratio(2, 3), Some(Measure::from_raw(6667)));
        assert_eq!(Measure::ratio(1, 20_000), Some(Measure::from_raw(1)));
        assert_eq!(Measure::ratio(-1, 20_000), Some(Measure::from_raw(-1)));
        assert_eq!(Measure::ratio(5, 0), None);
        assert_eq!(
            Measure::from_int(3).over(Measure::from_int(4)),
            Some(Measure::from_raw(7500))
        );
    }

    #[test]
    fn shows_plain_decimals() {
        assert_eq!(Measure::from_raw(9000).to_string(), "0.9");
        assert_eq!(Measure::from_int(600).to_string(), "600");
        assert_eq!(Measure::from_raw(-12_345).to_string(), "-1.2345");
        assert_eq!(
            serde_json::to_string(&Measure::from_raw(875_000)).unwrap(),
            "87.5"
        );
        assert_eq!(serde_json::to_string(&Measure::from_int(12)).unwrap(), "12");
    }

    #[test]
    fn definitions_round_to_four_places_and_refuse_nonsense() {
        assert_eq!(Measure::from_f64(0.95), Some(Measure::from_raw(9500)));
        assert_eq!(Measure::from_f64(0.123_456), Some(Measure::from_raw(1235)));
        assert_eq!(Measure::from_f64(f64::NAN), None);
        assert_eq!(Measure::from_f64(1e13), None);
    }
}
