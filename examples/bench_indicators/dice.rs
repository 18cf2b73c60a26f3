//! Seeded randomness and the year the data covers, as Beijing counts it. The same seed and
//! scale give the same district on every run, so two benchmark runs compute over identical
//! data.

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta};
use rand::rngs::StdRng;
use rand::seq::index;
use rand::{Rng, SeedableRng};
use std::sync::OnceLock;
use wushe::calendar::day_start_utc;

/// The (Beijing) day after the data's year: 2027-01-01 for the indicators district, so its
/// year is 2026; the load data set ends where its run began (see `main`). Set once, before
/// anything is generated, and read everywhere a row needs a date.
static YEAR_END: OnceLock<NaiveDate> = OnceLock::new();

pub fn set_year_end(date: NaiveDate) {
    // A second setting could only come from a second generation in one process; keep the first.
    let _ = YEAR_END.set(date);
}

fn end_date() -> NaiveDate {
    *YEAR_END.get_or_init(|| NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or(NaiveDate::MIN))
}

fn start_date() -> NaiveDate {
    end_date()
        .checked_sub_months(Months::new(12))
        .unwrap_or(NaiveDate::MIN)
}

/// The first instant of local (Beijing) `year-month-day`, in UTC as stored.
pub fn local_day(year: i32, month: u32, day: u32) -> NaiveDateTime {
    let date = NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN);
    day_start_utc(date)
}

/// The data's year: a year to the day up to [`year_end`], from midnight Beijing time.
pub fn year_start() -> NaiveDateTime {
    day_start_utc(start_date())
}

pub fn year_end() -> NaiveDateTime {
    day_start_utc(end_date())
}

/// The first instant of the day `months` months into the year (January 1st, April 1st...
/// for the indicators district).
pub fn months_in(months: u32) -> NaiveDateTime {
    let date = start_date().checked_add_months(Months::new(months));
    day_start_utc(date.unwrap_or(NaiveDate::MAX))
}

/// The calendar year most of the data falls in, which period reports name: 2026.
pub fn period_year() -> i32 {
    end_date().pred_opt().unwrap_or(NaiveDate::MIN).year()
}

pub fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

pub fn minutes(n: i64) -> TimeDelta {
    TimeDelta::minutes(n)
}

pub struct Dice(StdRng);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Self(StdRng::seed_from_u64(seed))
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.0.gen_bool(p.clamp(0.0, 1.0))
    }

    /// A whole number in `low..high`; `low` when the range is empty.
    pub fn int(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            low
        } else {
            self.0.gen_range(low..high)
        }
    }

    pub fn real(&mut self, low: f64, high: f64) -> f64 {
        self.0.gen_range(low..high)
    }

    /// `expected` rounded up or down at random, so that fractions add up over many draws.
    pub fn count(&mut self, expected: f64) -> usize {
        let whole = expected.floor();
        whole as usize + usize::from(self.chance(expected - whole))
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.0.gen_range(0..items.len())]
    }

    /// `wanted` distinct positions in `0..len` (all of them when `len` is smaller).
    pub fn sample(&mut self, len: usize, wanted: usize) -> Vec<usize> {
        index::sample(&mut self.0, len, wanted.min(len)).into_vec()
    }

    /// An instant in `from..to`, to the second; `from` when the span is empty.
    pub fn between(&mut self, from: NaiveDateTime, to: NaiveDateTime) -> NaiveDateTime {
        from + TimeDelta::seconds(self.int(0, (to - from).num_seconds()))
    }

    /// An instant `low..high` minutes after `from`.
    pub fn after(&mut self, from: NaiveDateTime, low: i64, high: i64) -> NaiveDateTime {
        from + minutes(self.int(low, high))
    }

    /// 64 hex digits, the shape of a receipt's SHA-256.
    pub fn receipt_hash(&mut self) -> String {
        (0..4)
            .map(|_| format!("{:016x}", self.0.r#gen::<u64>()))
            .collect()
    }
}
