//! Seeded randomness and the year 2026 as Beijing counts it. The same seed and scale give the
//! same district on every run, so two benchmark runs compute over identical data.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rand::rngs::StdRng;
use rand::seq::index;
use rand::{Rng, SeedableRng};
use wushe::calendar::day_start_utc;

/// The first instant of local (Beijing) `year-month-day`, in UTC as stored.
pub fn local_day(year: i32, month: u32, day: u32) -> NaiveDateTime {
    let date = NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN);
    day_start_utc(date)
}

/// The activity year: 2026-01-01 00:00 to 2027-01-01 00:00 Beijing time.
pub fn year_start() -> NaiveDateTime {
    local_day(2026, 1, 1)
}

pub fn year_end() -> NaiveDateTime {
    local_day(2027, 1, 1)
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
