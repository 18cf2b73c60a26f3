//! Rating periods: a month (`2026-10`), a quarter (`2026-Q4`) or a year (`2026`), bounded
//! by Beijing midnights, as civil-affairs bureaus count them.

use crate::calendar::{day_start_utc, local};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::fmt;
use utoipa::ToSchema;

crate::stored_enum! {
    /// How long a period is.
    pub enum PeriodKind {
        Month => "month",
        Quarter => "quarter",
        Year => "year",
    }
}

/// One period, by its kind and its first month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    year: i32,
    /// The first month, 1–12.
    month: u32,
}

/// Periods may name years from 2000 to 2100: beyond is a typing mistake.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl Period {
    /// `2026`, `2026-Q4` or `2026-10`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let (year, rest) = match text.split_once('-') {
            Some((year, rest)) => (year, Some(rest)),
            None => (text, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4
            || !digits(year)
            || rest.is_some_and(|r| !digits(r.trim_start_matches('Q')))
        {
            return None;
        }
        let year: i32 = year.parse().ok().filter(|y| YEARS.contains(y))?;
        let (kind, month) = match rest {
            None => (PeriodKind::Year, 1),
            Some(quarter) if quarter.starts_with('Q') => {
                let q: u32 = quarter[1..].parse().ok().filter(|q| (1..=4).contains(q))?;
                (PeriodKind::Quarter, 3 * q - 2)
            }
            Some(month) if month.len() == 2 => {
                let m: u32 = month.parse().ok().filter(|m| (1..=12).contains(m))?;
                (PeriodKind::Month, m)
            }
            Some(_) => return None,
        };
        Some(Self { kind, year, month })
    }

    /// The period of `kind` holding the instant `at`.
    pub fn containing(kind: PeriodKind, at: NaiveDateTime) -> Self {
        let date = local(at).date();
        let month = match kind {
            PeriodKind::Month => date.month(),
            PeriodKind::Quarter => (date.month() - 1) / 3 * 3 + 1,
            PeriodKind::Year => 1,
        };
        Self {
            kind,
            year: date.year(),
            month,
        }
    }

    fn months(self) -> u32 {
        match self.kind {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
        }
    }

    fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The UTC instant the period begins.
    pub fn start(self) -> NaiveDateTime {
        day_start_utc(self.first_day())
    }

    /// The UTC instant the period ends (the next one's start; excluded).
    pub fn end(self) -> NaiveDateTime {
        let next = self
            .first_day()
            .checked_add_months(chrono::Months::new(self.months()))
            .unwrap_or(NaiveDate::MAX);
        day_start_utc(next)
    }

    /// How many days it has, for rates stated per year.
    pub fn days(self) -> i64 {
        (self.end() - self.start()).num_days()
    }

    /// The period of the same kind before this one.
    pub fn previous(self) -> Self {
        let first = self
            .first_day()
            .checked_sub_months(chrono::Months::new(self.months()))
            .unwrap_or(NaiveDate::MIN);
        Self {
            year: first.year(),
            month: first.month(),
            ..self
        }
    }

    /// Whether it has ended at `now`: its figures no longer move with new activity.
    pub fn is_closed(self, now: NaiveDateTime) -> bool {
        self.end() <= now
    }

    /// The `n` periods of this kind ending with this one, oldest first.
    pub fn trailing(self, n: usize) -> Vec<Self> {
        let mut periods: Vec<Self> = std::iter::successors(Some(self), |p| Some(p.previous()))
            .take(n)
            .collect();
        periods.reverse();
        periods
    }

    /// The start of the window 90 days before the period's end, for "active in 90 days".
    pub fn ninety_days_before_end(self) -> NaiveDateTime {
        self.end() - Duration::days(90)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Year => write!(f, "{}", self.year),
            PeriodKind::Quarter => write!(f, "{}-Q{}", self.year, (self.month + 2) / 3),
            PeriodKind::Month => write!(f, "{}-{:02}", self.year, self.month),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl utoipa::PartialSchema for Period {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A month `2026-10`, a quarter `2026-Q4` or a year `2026`.",
            ))
            .examples(["2026-10"])
            .into()
    }
}

impl ToSchema for Period {}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn parses_the_three_kinds_and_nothing_else() {
        for text in ["2026", "2026-Q4", "2026-10", "2026-01"] {
            assert_eq!(Period::parse(text).unwrap().to_string(), text);
        }
        for bad in [
            "26",
            "2026-Q+4",
            "2026-+1",
            "+202",
            "2026-13",
            "2026-Q5",
            "2026-Q0",
            "2026-1",
            "1999",
            "2026-10-01",
            "x",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn bounds_are_beijing_midnights() {
        let october = Period::parse("2026-10").unwrap();
        assert_eq!(october.start(), at("2026-09-30 16:00"));
        assert_eq!(october.end(), at("2026-10-31 16:00"));
        assert_eq!(october.days(), 31);
        let q4 = Period::parse("2026-Q4").unwrap();
        assert_eq!(q4.end(), at("2026-12-31 16:00"));
        assert_eq!(Period::parse("2026").unwrap().days(), 365);
    }

    #[test]
    fn steps_back_across_years() {
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        assert_eq!(
            Period::parse("2026-Q1").unwrap().previous().to_string(),
            "2025-Q4"
        );
        let trail: Vec<String> = Period::parse("2026-02")
            .unwrap()
            .trailing(3)
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(trail, ["2025-12", "2026-01", "2026-02"]);
        // 2026-03-31 17:00 UTC is 1 April in Beijing: the second quarter.
        assert_eq!(
            Period::containing(PeriodKind::Quarter, at("2026-03-31 17:00")).to_string(),
            "2026-Q2"
        );
    }
}
