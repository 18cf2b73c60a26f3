//! The figures of a period (好评率, 整改率, 按时整改率): what the indicators of community
//! ratings are built from. Every rate comes with the two counts it divides, so a reader can
//! check it, and is `null` when there is nothing to divide by.
//!
//! A rating belongs to the period of the Beijing day it was given; the rectification figures
//! follow the poor ratings of the period, as their cases stand when the figures are read.

use super::period::end_of;
use super::types::{Grade, RectificationStatus, Subject};
use crate::calendar::day_start_utc;
use crate::db::DbConnection;
use crate::db::enums::parse_text;
use crate::error::ApiError;
use crate::schema::{rectifications as rect, service_ratings as ratings};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct GradeCounts {
    pub total: i64,
    pub good: i64,
    pub average: i64,
    pub poor: i64,
}

impl GradeCounts {
    fn add(&mut self, grade: Grade, n: i64) {
        self.total += n;
        match grade {
            Grade::Good => self.good += n,
            Grade::Average => self.average += n,
            Grade::Poor => self.poor += n,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct SubjectCounts {
    pub wish: GradeCounts,
    pub activity: GradeCounts,
    pub service_case: GradeCounts,
}

/// `count / of`, in basis points (1 = 0.01%), rounded half up; `null` when `of` is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = RatingRate)]
pub struct Rate {
    pub count: i64,
    pub of: i64,
    pub basis_points: Option<i64>,
}

impl Rate {
    pub fn new(count: i64, of: i64) -> Self {
        Self {
            count,
            of,
            basis_points: (of > 0).then(|| (count * 10_000 + of / 2) / of),
        }
    }
}

/// The cases opened by the period's poor ratings; `open + replied + accepted` is the number
/// of poor ratings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RectificationCounts {
    /// Awaiting a staff reply (overdue ones included).
    pub open: i64,
    /// Awaiting the resident's answer.
    pub replied: i64,
    pub accepted: i64,
    /// Accepted, with the accepted reply given by the deadline then in force.
    pub accepted_on_time: i64,
    /// Open past their deadline.
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RatingSummary {
    pub community_id: i64,
    /// First Beijing date of the period.
    pub from: NaiveDate,
    /// Last Beijing date of the period, included.
    pub to: NaiveDate,
    pub ratings: GradeCounts,
    pub by_subject: SubjectCounts,
    /// 好评率: good ratings of all ratings.
    pub good_rate: Rate,
    /// 整改率: poor ratings whose case the resident accepted, of all poor ratings.
    pub rectification_rate: Rate,
    /// 按时整改率: poor ratings whose case was accepted with a reply given by its deadline,
    /// of all poor ratings.
    pub on_time_rectification_rate: Rate,
    pub rectifications: RectificationCounts,
}

/// The figures of `community_id` for the Beijing dates `from` to `to` (both included), with
/// overdue cases counted as of now. For the indicators (and anyone else reading figures).
pub fn summary(
    conn: &mut DbConnection,
    community_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<RatingSummary, ApiError> {
    summary_at(conn, community_id, from, to, crate::db::now())
}

/// [`summary`] with overdue cases counted as of `now` (the service's clock).
pub fn summary_at(
    conn: &mut DbConnection,
    community_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    now: NaiveDateTime,
) -> Result<RatingSummary, ApiError> {
    let (start, end) = (day_start_utc(from), end_of(to));
    let in_period = ratings::community_id
        .eq(community_id)
        .and(ratings::created_at.ge(start))
        .and(ratings::created_at.lt(end));
    let counted: Vec<(String, String, i64)> = ratings::table
        .filter(in_period)
        .group_by((ratings::subject, ratings::grade))
        .select((ratings::subject, ratings::grade, count_star()))
        .load(conn)?;
    let (mut all, mut by_subject) = (GradeCounts::default(), SubjectCounts::default());
    for (subject, grade, n) in counted {
        let grade: Grade = parse_text(&grade)?;
        all.add(grade, n);
        match parse_text(&subject)? {
            Subject::Wish => by_subject.wish.add(grade, n),
            Subject::Activity => by_subject.activity.add(grade, n),
            Subject::ServiceCase => by_subject.service_case.add(grade, n),
        }
    }
    let cases = || rect::table.inner_join(ratings::table).filter(in_period);
    let by_status: Vec<(String, i64)> = cases()
        .group_by(rect::status)
        .select((rect::status, count_star()))
        .load(conn)?;
    let mut counts = RectificationCounts::default();
    for (status, n) in by_status {
        match parse_text(&status)? {
            RectificationStatus::Open => counts.open = n,
            RectificationStatus::Replied => counts.replied = n,
            RectificationStatus::Accepted => counts.accepted = n,
        }
    }
    counts.accepted_on_time = cases()
        .filter(rect::status.eq(RectificationStatus::Accepted.as_str()))
        .filter(rect::replied_at.le(rect::due_at.nullable()))
        .count()
        .get_result(conn)?;
    counts.overdue = cases()
        .filter(rect::status.eq(RectificationStatus::Open.as_str()))
        .filter(rect::due_at.lt(now))
        .count()
        .get_result(conn)?;
    Ok(RatingSummary {
        community_id,
        from,
        to,
        good_rate: Rate::new(all.good, all.total),
        rectification_rate: Rate::new(counts.accepted, all.poor),
        on_time_rectification_rate: Rate::new(counts.accepted_on_time, all.poor),
        ratings: all,
        by_subject,
        rectifications: counts,
    })
}

#[cfg(test)]
mod tests {
    use super::Rate;

    #[test]
    fn rates_round_half_up_and_are_null_over_nothing() {
        assert_eq!(Rate::new(2, 3).basis_points, Some(6667));
        assert_eq!(Rate::new(1, 8).basis_points, Some(1250));
        assert_eq!(Rate::new(1, 20_000).basis_points, Some(1), "0.5 rounds up");
        assert_eq!(Rate::new(0, 0).basis_points, None);
    }
}
