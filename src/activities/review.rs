//! The organiser's side of attendance: the list, approving or rejecting what waits, and the
//! automatic closing of sessions nobody checked out of.

use super::attendance::{AttendanceStatus, covers, credited_minutes};
use super::lock;
use super::store::{self, ActivityRow};
use super::types::Status;
use crate::audit::{self, Actor, Change};
use crate::auth::Caller;
use crate::calendar;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::http::pagination::Page;
use crate::points::settings;
use crate::roles::{Permission, standing};
use crate::schema::{activities, attendance, users};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendanceView {
    pub id: i64,
    pub activity_id: i64,
    pub user_id: i64,
    pub display_name: String,
    /// `check_in` or `self_report`.
    pub source: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Minutes inside the activity's window; what settlement credits once verified.
    pub minutes: Option<i32>,
    pub status: AttendanceStatus,
    /// Why it needs or needed review: `missing_check_out`, `below_coverage`.
    pub flag: Option<String>,
    pub note: Option<String>,
    pub rejection_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Queryable)]
struct Row {
    id: i64,
    activity_id: i64,
    user_id: i64,
    display_name: String,
    source: String,
    started_at: NaiveDateTime,
    ended_at: Option<NaiveDateTime>,
    minutes: Option<i32>,
    status: String,
    flag: Option<String>,
    note: Option<String>,
    rejection_reason: Option<String>,
    decided_by: Option<i64>,
    decided_at: Option<NaiveDateTime>,
}

impl TryFrom<Row> for AttendanceView {
    type Error = ApiError;

    fn try_from(row: Row) -> Result<Self, ApiError> {
        Ok(Self {
            status: AttendanceStatus::parse(&row.status)
                .ok_or_else(|| ApiError::internal(format!("attendance status {}", row.status)))?,
            id: row.id,
            activity_id: row.activity_id,
            user_id: row.user_id,
            display_name: row.display_name,
            source: row.source,
            started_at: row.started_at.and_utc(),
            ended_at: row.ended_at.map(|t| t.and_utc()),
            minutes: row.minutes,
            flag: row.flag,
            note: row.note,
            rejection_reason: row.rejection_reason,
            decided_by: row.decided_by,
            decided_at: row.decided_at.map(|t| t.and_utc()),
        })
    }
}

macro_rules! attendance_with_name {
    () => {
        attendance::table.inner_join(users::table).select((
            attendance::id,
            attendance::activity_id,
            attendance::user_id,
            users::display_name,
            attendance::source,
            attendance::started_at,
            attendance::ended_at,
            attendance::minutes,
            attendance::status,
            attendance::flag,
            attendance::note,
            attendance::rejection_reason,
            attendance::decided_by,
            attendance::decided_at,
        ))
    };
}

pub fn one(conn: &mut DbConnection, attendance_id: i64) -> Result<AttendanceView, ApiError> {
    let row: Row = attendance_with_name!()
        .filter(attendance::id.eq(attendance_id))
        .first(conn)?;
    row.try_into()
}

pub fn of_person(
    conn: &mut DbConnection,
    activity_id: i64,
    user_id: i64,
) -> Result<Option<AttendanceView>, ApiError> {
    let row: Option<Row> = attendance_with_name!()
        .filter(attendance::activity_id.eq(activity_id))
        .filter(attendance::user_id.eq(user_id))
        .first(conn)
        .optional()?;
    row.map(TryInto::try_into).transpose()
}

/// The activity's attendance for its organisers, newest first, optionally by status.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    status: Option<AttendanceStatus>,
    page: Page,
) -> Result<Vec<AttendanceView>, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageActivities,
    )?;
    store::find(conn, community_id, activity_id)?;
    let mut query = attendance_with_name!()
        .filter(attendance::activity_id.eq(activity_id))
        .filter(attendance::id.lt(page.before_id))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(attendance::status.eq(status.as_str()));
    }
    let rows: Vec<Row> = query
        .order(attendance::id.desc())
        .limit(page.limit + 1)
        .load(conn)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Approves (`reason` none) or rejects pending attendance. Nobody decides their own, and an
/// approval still has to cover enough of the activity.
pub fn decide(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    (activity_id, attendance_id): (i64, i64),
    rejection: Option<&str>,
    now: NaiveDateTime,
) -> Result<AttendanceView, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageActivities,
    )?;
    lock(conn, community_id, activity_id)?;
    let (activity, _) = store::find(conn, community_id, activity_id)?;
    let before = one(conn, attendance_id)?;
    if before.activity_id != activity_id {
        return Err(ApiError::not_found());
    }
    if before.user_id == caller.user_id || before.user_id == caller.actor_id() {
        return Err(ApiError::forbidden());
    }
    let decidable = before.status == AttendanceStatus::Pending
        && !matches!(
            activity.status_at(now)?,
            Status::Settled | Status::Cancelled
        );
    if !decidable {
        return Err(ApiError::new(Code::InvalidState));
    }
    let minutes = i64::from(before.minutes.unwrap_or(0));
    let coverage = settings::load(conn, community_id)?.min_coverage_percent;
    if rejection.is_none() && !covers(&activity, minutes, coverage) {
        return Err(ApiError::new(Code::InvalidState).with_field("minutes", "below_coverage"));
    }
    let status = match rejection {
        None => AttendanceStatus::Verified,
        Some(_) => AttendanceStatus::Rejected,
    };
    diesel::update(attendance::table.find(attendance_id))
        .set((
            attendance::status.eq(status.as_str()),
            attendance::rejection_reason.eq(rejection),
            attendance::decided_by.eq(caller.actor_id()),
            attendance::decided_at.eq(now),
        ))
        .execute(conn)?;
    let after = one(conn, attendance_id)?;
    let action = match rejection {
        None => "attendance.approved",
        Some(_) => "attendance.rejected",
    };
    let change = Change::in_community(community_id, action, "attendance", attendance_id);
    audit::record(conn, &caller.into(), change.before(&before).after(&after))?;
    Ok(after)
}

/// Closes one session at `at` if it is still open (a check-out may have beaten the sweep),
/// flagged `missing_check_out` for review.
fn close_session(
    conn: &mut DbConnection,
    activity: &ActivityRow,
    attendance_id: i64,
    started: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<bool, ApiError> {
    let ended = at.max(started);
    let closed = diesel::update(
        attendance::table
            .find(attendance_id)
            .filter(attendance::status.eq(AttendanceStatus::Open.as_str())),
    )
    .set((
        attendance::ended_at.eq(ended),
        attendance::minutes.eq(credited_minutes(activity, started, ended) as i32),
        attendance::status.eq(AttendanceStatus::Pending.as_str()),
        attendance::flag.eq("missing_check_out"),
    ))
    .execute(conn)?;
    if closed == 1 {
        let view = one(conn, attendance_id)?;
        record(
            conn,
            &Actor::default(),
            activity.community_id,
            "attendance.auto_closed",
            &view,
        )?;
    }
    Ok(closed == 1)
}

/// Closes the activity's open sessions at `at` (the activity is being completed).
pub fn close_open_sessions(
    conn: &mut DbConnection,
    activity: &ActivityRow,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let open: Vec<(i64, NaiveDateTime)> = attendance::table
        .filter(attendance::activity_id.eq(activity.id))
        .filter(attendance::status.eq(AttendanceStatus::Open.as_str()))
        .select((attendance::id, attendance::started_at))
        .load(conn)?;
    for (id, started) in open {
        close_session(conn, activity, id, started, at)?;
    }
    Ok(())
}

/// The scheduled sweep: a session still open once its activity has ended and the (Beijing)
/// day it began is over is closed at the activity's end and flagged for review. Activities
/// that run past midnight are left alone until they end.
pub fn close_overnight(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, ApiError> {
    let stale: Vec<(i64, NaiveDateTime, ActivityRow)> = attendance::table
        .inner_join(activities::table)
        .filter(attendance::status.eq(AttendanceStatus::Open.as_str()))
        .filter(attendance::started_at.lt(calendar::start_of_day(now)))
        .filter(activities::ends_at.le(now))
        .select((
            attendance::id,
            attendance::started_at,
            ActivityRow::as_select(),
        ))
        .load(conn)?;
    let mut closed = 0;
    for (id, started, activity) in &stale {
        if close_session(conn, activity, *id, *started, activity.ends_at)? {
            closed += 1;
        }
    }
    Ok(closed)
}

/// Whether anyone has attendance at the activity (then its terms and sign-ups are fixed).
pub fn any_for(conn: &mut DbConnection, activity_id: i64) -> Result<bool, ApiError> {
    let found: i64 = attendance::table
        .filter(attendance::activity_id.eq(activity_id))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// The audit record of an attendance change.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    community_id: i64,
    action: &'static str,
    view: &AttendanceView,
) -> Result<(), ApiError> {
    let change = Change::in_community(community_id, action, "attendance", view.id);
    audit::record(conn, actor, change.after(view))
}

/// Voids the undecided attendance of a cancelled activity: nothing of it will be credited.
pub fn void_all(
    conn: &mut DbConnection,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let of_activity = attendance::table.filter(attendance::activity_id.eq(activity_id));
    let rejected = (
        attendance::status.eq(AttendanceStatus::Rejected.as_str()),
        attendance::rejection_reason.eq("activity_cancelled"),
    );
    // An open session gets its end in the same statement, as the table requires.
    diesel::update(of_activity.filter(attendance::status.eq(AttendanceStatus::Open.as_str())))
        .set((rejected, attendance::ended_at.eq(now)))
        .execute(conn)?;
    diesel::update(of_activity.filter(attendance::status.eq(AttendanceStatus::Pending.as_str())))
        .set(rejected)
        .execute(conn)?;
    Ok(())
}
