//! Attendance: a volunteer checks in and out with the organiser's one-time codes, or reports
//! their hours for the organiser to approve. Hours count only within the activity's window,
//! never overlap another activity of the same person, and a session counts only if it covers
//! the community's minimum share of the activity (60% unless configured).

use super::codes::{self, Purpose};
use super::signups::{self, SignupStatus};
use super::store::{self, ActivityRow};
use super::types::Status;
use super::{lock, review};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code, FieldError};
use crate::points::settings;
use crate::roles::{Permission, standing};
use crate::schema::{activities, attendance, users};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// Check-in opens this long before the start, so people arriving early are not turned away.
const EARLY_CHECK_IN: TimeDelta = TimeDelta::minutes(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    /// Checked in, not yet out.
    Open,
    /// Awaiting the organiser: self-reported, or closed automatically without a check-out.
    Pending,
    /// Counts at settlement.
    Verified,
    Rejected,
}

impl AttendanceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Verified => "verified",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Open, Self::Pending, Self::Verified, Self::Rejected]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// The code the organiser gave out.
    #[validate(length(min = 1, max = 32))]
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfReport {
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    #[validate(length(max = 500), custom(function = "crate::http::text::multi_line"))]
    pub note: Option<String>,
}

/// Whole minutes from `from` to `to`, to the nearest: a check-in a few seconds after the
/// start and a check-out on the hour is the full hour people expect.
pub fn minutes_between(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    ((to - from).num_seconds() + 30).div_euclid(60)
}

/// The minutes of `[started, ended)` that fall inside the activity's window.
pub fn credited_minutes(
    activity: &ActivityRow,
    started: NaiveDateTime,
    ended: NaiveDateTime,
) -> i64 {
    let from = started.max(activity.starts_at);
    let to = ended.min(activity.ends_at);
    minutes_between(from, to).max(0)
}

/// Whether `minutes` cover enough of the activity to count.
pub fn covers(activity: &ActivityRow, minutes: i64, min_coverage_percent: i32) -> bool {
    minutes * 100 >= i64::from(min_coverage_percent) * activity.window_minutes()
}

/// Refuses (409 `schedule_conflict`) if the person has other attendance overlapping
/// `[from, to)`. An open session runs to its activity's end.
fn refuse_overlap(
    conn: &mut DbConnection,
    user_id: i64,
    activity_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<(), ApiError> {
    let others: Vec<(NaiveDateTime, Option<NaiveDateTime>, NaiveDateTime)> = attendance::table
        .inner_join(activities::table)
        .filter(attendance::user_id.eq(user_id))
        .filter(attendance::activity_id.ne(activity_id))
        .filter(attendance::status.ne(AttendanceStatus::Rejected.as_str()))
        .filter(attendance::started_at.lt(to))
        .select((
            attendance::started_at,
            attendance::ended_at,
            activities::ends_at,
        ))
        .load(conn)?;
    let overlaps = others.iter().any(|(started, ended, activity_end)| {
        ended.unwrap_or(*activity_end) > from && *started < to
    });
    if overlaps {
        return Err(ApiError::new(Code::ScheduleConflict));
    }
    Ok(())
}

/// Takes the person's row lock: with the activity's lock this orders one person's check-ins
/// at different activities, so two at once cannot both miss the overlap. Always taken after
/// the activity's lock, and only one activity is locked per transaction: no deadlock.
///
/// The update sets a column no key refers to: setting `id`, even to itself, makes SQLite
/// check every foreign key that points at users (a scan of dozens of tables per check-in)
/// and takes PostgreSQL's strongest row lock, which inserts naming the user wait for.
fn lock_person(conn: &mut DbConnection, user_id: i64) -> Result<(), ApiError> {
    diesel::update(users::table.find(user_id))
        .set(users::updated_at.eq(users::updated_at))
        .execute(conn)?;
    Ok(())
}

/// The caller's standing, the locked activity, and their confirmed sign-up: what every
/// volunteer-side attendance step needs.
fn prepare(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
) -> Result<ActivityRow, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
    lock(conn, community_id, activity_id)?;
    let (activity, _) = store::find(conn, community_id, activity_id)?;
    lock_person(conn, caller.user_id)?;
    let confirmed = matches!(
        signups::active_of(conn, activity_id, caller.user_id)?,
        Some((_, SignupStatus::Confirmed))
    );
    if !confirmed {
        return Err(ApiError::new(Code::InvalidState).with_field("user_id", "not_signed_up"));
    }
    Ok(activity)
}

/// Attending twice is 409 `already_exists`. A rejected attempt (a check-out too short, a
/// mistaken report) makes way for a new one; its rejection stays in the audit log.
fn refuse_second_attendance(
    conn: &mut DbConnection,
    activity_id: i64,
    user_id: i64,
) -> Result<(), ApiError> {
    match review::of_person(conn, activity_id, user_id)? {
        Some(earlier) if earlier.status == AttendanceStatus::Rejected => {
            diesel::delete(attendance::table.find(earlier.id)).execute(conn)?;
            Ok(())
        }
        Some(_) => Err(ApiError::new(Code::AlreadyExists)),
        None => Ok(()),
    }
}

/// Reads back attendance just written and records it in the audit log.
fn recorded(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    action: &'static str,
    attendance_id: i64,
) -> Result<review::AttendanceView, ApiError> {
    let view = review::one(conn, attendance_id)?;
    review::record(conn, &caller.into(), community_id, action, &view)?;
    Ok(view)
}

pub fn check_in(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    code: &str,
    now: NaiveDateTime,
) -> Result<review::AttendanceView, ApiError> {
    let activity = prepare(conn, caller, community_id, activity_id)?;
    let open = matches!(
        activity.status_at(now)?,
        Status::Published | Status::InProgress
    ) && now >= activity.starts_at - EARLY_CHECK_IN
        && now < activity.ends_at;
    if !open {
        return Err(ApiError::new(Code::InvalidState));
    }
    refuse_second_attendance(conn, activity_id, caller.user_id)?;
    refuse_overlap(conn, caller.user_id, activity_id, now, activity.ends_at)?;
    codes::redeem(
        conn,
        activity_id,
        Purpose::CheckIn,
        code,
        caller.user_id,
        now,
    )?;
    let id: i64 = diesel::insert_into(attendance::table)
        .values((
            attendance::activity_id.eq(activity_id),
            attendance::user_id.eq(caller.user_id),
            attendance::source.eq("check_in"),
            attendance::started_at.eq(now),
            attendance::status.eq(AttendanceStatus::Open.as_str()),
            attendance::created_at.eq(now),
        ))
        .returning(attendance::id)
        .get_result(conn)?;
    recorded(conn, caller, community_id, "attendance.checked_in", id)
}

pub fn check_out(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    code: &str,
    now: NaiveDateTime,
) -> Result<review::AttendanceView, ApiError> {
    let activity = prepare(conn, caller, community_id, activity_id)?;
    let session = review::of_person(conn, activity_id, caller.user_id)?
        .filter(|s| s.status == AttendanceStatus::Open)
        .ok_or_else(|| ApiError::new(Code::InvalidState))?;
    codes::redeem(
        conn,
        activity_id,
        Purpose::CheckOut,
        code,
        caller.user_id,
        now,
    )?;
    let started = session.started_at.naive_utc();
    let minutes = credited_minutes(&activity, started, now);
    let coverage = settings::load(conn, community_id)?.min_coverage_percent;
    let (status, flag) = if covers(&activity, minutes, coverage) {
        (AttendanceStatus::Verified, None)
    } else {
        (AttendanceStatus::Rejected, Some("below_coverage"))
    };
    diesel::update(attendance::table.find(session.id))
        .set((
            attendance::ended_at.eq(now),
            attendance::minutes.eq(minutes as i32),
            attendance::status.eq(status.as_str()),
            attendance::flag.eq(flag),
            attendance::rejection_reason.eq(flag),
        ))
        .execute(conn)?;
    recorded(
        conn,
        caller,
        community_id,
        "attendance.checked_out",
        session.id,
    )
}

/// Hours the volunteer reports themselves (no codes, e.g. a forgotten check-in), inside the
/// window and up to now; they wait for the organiser.
pub fn self_report(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    report: &SelfReport,
    now: NaiveDateTime,
) -> Result<review::AttendanceView, ApiError> {
    let activity = prepare(conn, caller, community_id, activity_id)?;
    if !matches!(
        activity.status_at(now)?,
        Status::InProgress | Status::Completed
    ) {
        return Err(ApiError::new(Code::InvalidState));
    }
    let (started, ended) = (report.started_at.naive_utc(), report.ended_at.naive_utc());
    let mut problems = Vec::new();
    if started < activity.starts_at || started >= activity.ends_at {
        problems.push(FieldError::new("started_at", "outside_window"));
    }
    if ended <= started {
        problems.push(FieldError::new("ended_at", "before_start"));
    } else if ended > activity.ends_at || ended > now {
        problems.push(FieldError::new("ended_at", "outside_window"));
    }
    let minutes = minutes_between(started, ended);
    let coverage = settings::load(conn, community_id)?.min_coverage_percent;
    if problems.is_empty() && !covers(&activity, minutes, coverage) {
        problems.push(FieldError::new("ended_at", "below_coverage"));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    refuse_second_attendance(conn, activity_id, caller.user_id)?;
    refuse_overlap(conn, caller.user_id, activity_id, started, ended)?;
    let id: i64 = diesel::insert_into(attendance::table)
        .values((
            attendance::activity_id.eq(activity_id),
            attendance::user_id.eq(caller.user_id),
            attendance::source.eq("self_report"),
            attendance::started_at.eq(started),
            attendance::ended_at.eq(ended),
            attendance::minutes.eq(minutes as i32),
            attendance::status.eq(AttendanceStatus::Pending.as_str()),
            attendance::note.eq(report.note.as_deref().map(str::trim)),
            attendance::created_at.eq(now),
        ))
        .returning(attendance::id)
        .get_result(conn)?;
    recorded(conn, caller, community_id, "attendance.reported", id)
}
