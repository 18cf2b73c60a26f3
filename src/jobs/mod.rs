//! Scheduled jobs: the sweeps that move votes, surveys, wishes and attendance along on time,
//! reminders, the outbox, the daily digest, points expiry, indicator snapshots and pruning.
//!
//! Every node runs the scheduler (unless `WUSHE_JOBS=off`), and a lease in the database lets
//! exactly one node at a time run each job; `wushe run-job NAME` runs one by hand, under the
//! same lease. Runs are logged, counted in `/metrics`, and recorded in `job_leases`.

pub mod lease;
pub mod runs;
pub mod scheduler;

use chrono::{NaiveDateTime, TimeDelta};
use std::time::Duration;

crate::stored_enum! {
    /// The jobs there are.
    pub enum Job {
        /// Deliver due email and webhook messages.
        Outbox => "outbox",
        /// Remind people of activities tomorrow, votes and surveys closing, rectifications due.
        Reminders => "reminders",
        /// Open and close votes on time (notifying electors).
        SweepVotes => "sweep-votes",
        /// Open and close surveys on time (inviting their audience).
        SweepSurveys => "sweep-surveys",
        /// Expire wishes past their deadline, flag overdue claims, escalate neglected wishes.
        SweepWishes => "sweep-wishes",
        /// Close attendance left open overnight, for the organiser's review.
        CloseAttendance => "close-attendance",
        /// Send each digest reader everything held for them, once a day.
        EmailDigest => "email-digest",
        /// Expire unspent points past each community's limit.
        ExpirePoints => "expire-points",
        /// Compute the current and previous periods' indicator snapshots.
        Indicators => "indicators",
        /// Delete delivered outbox rows after 30 days.
        Prune => "prune",
    }
}

/// When a job is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    Every(Duration),
    /// Once a day at this hour, Beijing time.
    DailyAt(u32),
    Never,
}

impl Schedule {
    /// The next time after `at`.
    pub fn next_after(self, at: NaiveDateTime) -> NaiveDateTime {
        match self {
            Self::Every(every) => at + TimeDelta::from_std(every).unwrap_or(TimeDelta::days(1)),
            Self::DailyAt(hour) => {
                let beijing = crate::calendar::local(at);
                let today = crate::calendar::day_start_utc(beijing.date())
                    + TimeDelta::hours(i64::from(hour));
                if today > at {
                    today
                } else {
                    today + TimeDelta::days(1)
                }
            }
            Self::Never => at + TimeDelta::days(36_500),
        }
    }

    /// How often the scheduler looks whether the job is due.
    pub fn poll(self) -> Duration {
        match self {
            Self::Every(every) => every.min(Duration::from_secs(5)),
            Self::DailyAt(_) | Self::Never => Duration::from_secs(30),
        }
    }
}

impl Job {
    fn default_schedule(self, config: &crate::config::Config) -> Schedule {
        let seconds = |s| Schedule::Every(Duration::from_secs(s));
        match self {
            Self::Outbox => seconds(2),
            Self::Reminders => seconds(300),
            Self::SweepVotes | Self::SweepSurveys => seconds(30),
            Self::SweepWishes => seconds(600),
            Self::CloseAttendance => seconds(900),
            Self::EmailDigest => Schedule::DailyAt(8),
            Self::ExpirePoints => Schedule::DailyAt(2),
            Self::Indicators if config.indicators_every.is_zero() => Schedule::Never,
            Self::Indicators => Schedule::Every(config.indicators_every),
            Self::Prune => Schedule::DailyAt(3),
        }
    }

    /// The job's schedule, with `WUSHE_JOB_EVERY` taking precedence.
    pub fn schedule(self, config: &crate::config::Config) -> Schedule {
        match config.delivery.job_every.get(self.as_str()) {
            Some(every) => Schedule::Every(*every),
            None => self.default_schedule(config),
        }
    }

    /// How long a run may hold the job before another node may take it; a run renews it
    /// every third of this while it works.
    pub fn lease(self) -> TimeDelta {
        match self {
            Self::Indicators => TimeDelta::minutes(30),
            _ => TimeDelta::minutes(5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_daily_job_is_next_due_at_its_hour_in_beijing() {
        // 08:00 Beijing is 00:00 UTC.
        let daily = Schedule::DailyAt(8);
        assert_eq!(
            daily.next_after(at("2026-11-24 23:59")),
            at("2026-11-25 00:00")
        );
        assert_eq!(
            daily.next_after(at("2026-11-25 00:00")),
            at("2026-11-26 00:00")
        );
        assert_eq!(
            daily.next_after(at("2026-11-25 10:00")),
            at("2026-11-26 00:00")
        );
    }

    #[test]
    fn an_interval_counts_from_the_end_of_the_run() {
        let every = Schedule::Every(Duration::from_secs(90));
        assert_eq!(
            every.next_after(at("2026-11-25 10:00")),
            at("2026-11-25 10:01") + TimeDelta::seconds(30)
        );
    }
}
