//! The time the service acts on for schedules (activity windows, sign-up deadlines, code
//! expiry). It is the system clock; tests move it forward to walk an activity through its
//! hours without waiting for them.

use chrono::{NaiveDateTime, TimeDelta};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Now, as stored: UTC without zone, millisecond precision.
    pub fn now(&self) -> NaiveDateTime {
        crate::db::now() + TimeDelta::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every copy of it) forward. Only tests call this.
    pub fn advance(&self, by: TimeDelta) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}
