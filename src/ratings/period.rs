//! Periods of the figures and filters: `from` and `to` as Beijing calendar dates
//! (`YYYY-MM-DD`), both included. One scheme serves a month, a quarter or a year alike
//! (`from=2026-10-01&to=2026-12-31` is 2026-Q4), and a day is a resident's day, not UTC's.

use crate::calendar::day_start_utc;
use crate::error::{ApiError, FieldError};
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use serde::Deserialize;
use utoipa::IntoParams;

/// Dates outside these years are typing mistakes (as in `calendar::plausible`).
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// `from` and `to`, each optional, checked together.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First Beijing date of the period (YYYY-MM-DD), included.
    pub from: Option<String>,
    /// Last Beijing date of the period (YYYY-MM-DD), included.
    pub to: Option<String>,
}

fn parse(field: &'static str, text: Option<&str>) -> Result<Option<NaiveDate>, FieldError> {
    let Some(text) = text else {
        return Ok(None);
    };
    // Exactly ten characters: chrono alone would also take `2026-1-5` or a signed year.
    let date = (text.len() == 10)
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| FieldError::new(field, "invalid_date"))?;
    if !PLAUSIBLE_YEARS.contains(&date.year()) {
        return Err(FieldError::new(field, "range"));
    }
    Ok(Some(date))
}

impl DateRange {
    /// Both dates as given, 422 naming each bad one, and `to` if it comes before `from`.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Self, ApiError> {
        let (from, to) = (parse("from", from), parse("to", to));
        let mut problems: Vec<FieldError> = [&from, &to]
            .into_iter()
            .filter_map(|r| r.as_ref().err().cloned())
            .collect();
        let range = Self {
            from: from.ok().flatten(),
            to: to.ok().flatten(),
        };
        if let (Some(from), Some(to)) = (range.from, range.to)
            && to < from
        {
            problems.push(FieldError::new("to", "before_from"));
        }
        if problems.is_empty() {
            Ok(range)
        } else {
            Err(ApiError::invalid(problems))
        }
    }

    /// Both dates, required (the figures always cover a stated period).
    pub fn required(query: &PeriodQuery) -> Result<(NaiveDate, NaiveDate), ApiError> {
        let range = Self::parse(query.from.as_deref(), query.to.as_deref())?;
        match (range.from, range.to) {
            (Some(from), Some(to)) => Ok((from, to)),
            (from, to) => Err(ApiError::invalid(
                [("from", from.is_none()), ("to", to.is_none())]
                    .into_iter()
                    .filter(|(_, missing)| *missing)
                    .map(|(field, _)| FieldError::new(field, "required"))
                    .collect(),
            )),
        }
    }

    /// The UTC instant the period starts: Beijing midnight of `from`.
    pub fn start(&self) -> Option<NaiveDateTime> {
        self.from.map(day_start_utc)
    }

    /// The UTC instant just after the period.
    pub fn end(&self) -> Option<NaiveDateTime> {
        self.to.map(end_of)
    }
}

/// The UTC instant just after the Beijing date `to`: its following midnight, in Beijing.
pub fn end_of(to: NaiveDate) -> NaiveDateTime {
    day_start_utc(to) + TimeDelta::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(result: Result<DateRange, ApiError>) -> Vec<(String, String)> {
        let err = result.unwrap_err();
        err.fields
            .iter()
            .map(|f| (f.field.clone(), f.code.to_string()))
            .collect()
    }

    #[test]
    fn dates_are_strict_and_ordered() {
        let q4 = DateRange::parse(Some("2026-10-01"), Some("2026-12-31")).unwrap();
        assert_eq!(
            q4.start().unwrap().to_string(),
            "2026-09-30 16:00:00",
            "Beijing midnight"
        );
        assert_eq!(q4.end().unwrap().to_string(), "2026-12-31 16:00:00");
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            codes(DateRange::parse(Some("2026-1-5"), Some("2026-02-30"))),
            [pair("from", "invalid_date"), pair("to", "invalid_date")]
        );
        assert_eq!(
            codes(DateRange::parse(Some("2026-10-02"), Some("2026-10-01"))),
            [pair("to", "before_from")]
        );
        assert_eq!(
            codes(DateRange::parse(Some("1900-01-01"), None)),
            [pair("from", "range")]
        );
        let missing = DateRange::required(&PeriodQuery {
            from: None,
            to: Some("2026-10-01".into()),
        });
        assert_eq!(missing.unwrap_err().fields[0].field, "from");
    }
}
