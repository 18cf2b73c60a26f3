//! Calendar days and months as residents live them: China Standard Time (UTC+8, no daylight
//! saving). Timestamps are stored in UTC; limits "per day" and "per month" use these bounds.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

const OFFSET_HOURS: i64 = 8;

/// The local (Beijing) time of a stored UTC timestamp.
pub fn local(utc: NaiveDateTime) -> NaiveDateTime {
    utc + Duration::hours(OFFSET_HOURS)
}

/// The UTC instant at which the local day `date` begins.
pub fn day_start_utc(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN) - Duration::hours(OFFSET_HOURS)
}

/// The UTC start of the local day containing `utc`.
pub fn start_of_day(utc: NaiveDateTime) -> NaiveDateTime {
    day_start_utc(local(utc).date())
}

/// The UTC start of the local calendar month containing `utc`.
pub fn start_of_month(utc: NaiveDateTime) -> NaiveDateTime {
    let date = local(utc).date();
    day_start_utc(date.with_day(1).unwrap_or(date))
}

/// The UTC instant `months` calendar months before `utc` (clamped to the month's last day).
pub fn months_before(utc: NaiveDateTime, months: u32) -> NaiveDateTime {
    utc.checked_sub_months(chrono::Months::new(months))
        .unwrap_or(NaiveDateTime::MIN)
}

/// Refuses (422 on `field`) a date in a filter outside 2000–2100: such dates are typing
/// mistakes, and beyond what both databases compare alike.
pub fn plausible(
    field: &str,
    value: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), crate::error::ApiError> {
    if value.is_some_and(|v| !(2000..=2100).contains(&v.year())) {
        return Err(crate::error::ApiError::invalid_field(field, "range"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn days_and_months_turn_at_beijing_midnight() {
        // 2026-03-31 17:00 UTC is already 1 April 01:00 in Beijing.
        assert_eq!(start_of_day(at("2026-03-31 17:00")), at("2026-03-31 16:00"));
        assert_eq!(
            start_of_month(at("2026-03-31 17:00")),
            at("2026-03-31 16:00")
        );
        assert_eq!(
            start_of_month(at("2026-03-31 15:00")),
            at("2026-02-28 16:00")
        );
        assert_eq!(
            months_before(at("2026-03-31 12:00"), 1),
            at("2026-02-28 12:00")
        );
    }
}
