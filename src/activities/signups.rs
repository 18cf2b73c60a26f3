//! Sign-ups: confirmed while places last, then a waitlist served in order as places free up.

use super::lock;
use super::store::{self, ActivityRow};
use super::types::Status;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::http::pagination::Page;
use crate::roles::{Permission, standing};
use crate::schema::{activities, activity_signups as signups, users};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignupStatus {
    Confirmed,
    Waitlisted,
    /// The volunteer withdrew.
    Withdrawn,
    /// The activity was cancelled.
    Cancelled,
}

impl SignupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Waitlisted => "waitlisted",
            Self::Withdrawn => "withdrawn",
            Self::Cancelled => "cancelled",
        }
    }

    fn parse(value: &str) -> Result<Self, ApiError> {
        [
            Self::Confirmed,
            Self::Waitlisted,
            Self::Withdrawn,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
        .ok_or_else(|| ApiError::internal(format!("unknown sign-up status {value}")))
    }
}

const ACTIVE: [&str; 2] = ["confirmed", "waitlisted"];

/// A sign-up as the volunteer and the organiser see it: a display name, no contact details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignupView {
    pub id: i64,
    pub activity_id: i64,
    pub activity_title: String,
    pub user_id: i64,
    pub display_name: String,
    pub status: SignupStatus,
    pub created_at: DateTime<Utc>,
    pub promoted_at: Option<DateTime<Utc>>,
}

type SignupRow = (
    i64,
    i64,
    String,
    i64,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn to_view(row: SignupRow) -> Result<SignupView, ApiError> {
    let (id, activity_id, activity_title, user_id, display_name, status, created_at, promoted_at) =
        row;
    Ok(SignupView {
        id,
        activity_id,
        activity_title,
        user_id,
        display_name,
        status: SignupStatus::parse(&status)?,
        created_at: created_at.and_utc(),
        promoted_at: promoted_at.map(|t| t.and_utc()),
    })
}

macro_rules! signup_columns {
    () => {
        (
            signups::id,
            signups::activity_id,
            activities::title,
            signups::user_id,
            users::display_name,
            signups::status,
            signups::created_at,
            signups::promoted_at,
        )
    };
}

fn one(conn: &mut DbConnection, signup_id: i64) -> Result<SignupView, ApiError> {
    let row: SignupRow = signups::table
        .inner_join(activities::table)
        .inner_join(users::table)
        .filter(signups::id.eq(signup_id))
        .select(signup_columns!())
        .first(conn)?;
    to_view(row)
}

fn count(conn: &mut DbConnection, activity_id: i64, status: SignupStatus) -> Result<i64, ApiError> {
    Ok(signups::table
        .filter(signups::activity_id.eq(activity_id))
        .filter(signups::status.eq(status.as_str()))
        .count()
        .get_result(conn)?)
}

/// The caller's current (confirmed or waitlisted) sign-up, if any.
pub fn active_of(
    conn: &mut DbConnection,
    activity_id: i64,
    user_id: i64,
) -> Result<Option<(i64, SignupStatus)>, ApiError> {
    let row: Option<(i64, String)> = signups::table
        .filter(signups::activity_id.eq(activity_id))
        .filter(signups::user_id.eq(user_id))
        .filter(signups::status.eq_any(ACTIVE))
        .select((signups::id, signups::status))
        .first(conn)
        .optional()?;
    row.map(|(id, status)| Ok((id, SignupStatus::parse(&status)?)))
        .transpose()
}

fn audited(
    conn: &mut DbConnection,
    caller: &Caller,
    activity: &ActivityRow,
    action: &'static str,
    view: &SignupView,
) -> Result<(), ApiError> {
    let change = Change::in_community(activity.community_id, action, "activity_signup", view.id);
    audit::record(conn, &caller.into(), change.after(view))
}

pub fn sign_up(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<SignupView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
    lock(conn, community_id, activity_id)?;
    let (activity, rule) = store::find(conn, community_id, activity_id)?;
    let open = activity.status_at(now)? == Status::Published && now < activity.signup_deadline;
    if !open || rule.service_recipient_id == Some(caller.user_id) {
        return Err(ApiError::new(Code::InvalidState));
    }
    if active_of(conn, activity_id, caller.user_id)?.is_some() {
        return Err(ApiError::new(Code::AlreadyExists));
    }
    let confirmed = count(conn, activity_id, SignupStatus::Confirmed)?;
    let status = if confirmed < i64::from(activity.capacity) {
        SignupStatus::Confirmed
    } else {
        SignupStatus::Waitlisted
    };
    let id: i64 = diesel::insert_into(signups::table)
        .values((
            signups::activity_id.eq(activity_id),
            signups::user_id.eq(caller.user_id),
            signups::status.eq(status.as_str()),
            signups::created_at.eq(now),
        ))
        .returning(signups::id)
        .get_result(conn)?;
    let view = one(conn, id)?;
    audited(conn, caller, &activity, "activity.signed_up", &view)?;
    Ok(view)
}

/// Withdraws the caller's sign-up before the start; a freed place goes to the waitlist.
pub fn withdraw(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<SignupView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
    lock(conn, community_id, activity_id)?;
    let (activity, _) = store::find(conn, community_id, activity_id)?;
    let (signup_id, _) =
        active_of(conn, activity_id, caller.user_id)?.ok_or_else(ApiError::not_found)?;
    if now >= activity.starts_at {
        return Err(ApiError::new(Code::InvalidState));
    }
    diesel::update(signups::table.find(signup_id))
        .set((
            signups::status.eq(SignupStatus::Withdrawn.as_str()),
            signups::ended_at.eq(now),
        ))
        .execute(conn)?;
    promote(conn, activity_id, activity.capacity, now)?;
    let view = one(conn, signup_id)?;
    audited(conn, caller, &activity, "activity.withdrawn", &view)?;
    Ok(view)
}

/// Confirms waitlisted sign-ups, oldest first, while there are places.
pub fn promote(
    conn: &mut DbConnection,
    activity_id: i64,
    capacity: i32,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let free = i64::from(capacity) - count(conn, activity_id, SignupStatus::Confirmed)?;
    if free <= 0 {
        return Ok(());
    }
    let next: Vec<i64> = signups::table
        .filter(signups::activity_id.eq(activity_id))
        .filter(signups::status.eq(SignupStatus::Waitlisted.as_str()))
        .order(signups::id)
        .limit(free)
        .select(signups::id)
        .load(conn)?;
    diesel::update(signups::table.filter(signups::id.eq_any(next)))
        .set((
            signups::status.eq(SignupStatus::Confirmed.as_str()),
            signups::promoted_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Cancels every current sign-up of a cancelled activity.
pub fn cancel_all(
    conn: &mut DbConnection,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::update(
        signups::table
            .filter(signups::activity_id.eq(activity_id))
            .filter(signups::status.eq_any(ACTIVE)),
    )
    .set((
        signups::status.eq(SignupStatus::Cancelled.as_str()),
        signups::ended_at.eq(now),
    ))
    .execute(conn)?;
    Ok(())
}

/// The activity's sign-ups for its organisers, newest first.
pub fn of_activity(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    page: Page,
) -> Result<Vec<SignupView>, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageActivities,
    )?;
    store::find(conn, community_id, activity_id)?;
    let rows: Vec<SignupRow> = signups::table
        .inner_join(activities::table)
        .inner_join(users::table)
        .filter(signups::activity_id.eq(activity_id))
        .filter(signups::id.lt(page.before_id))
        .order(signups::id.desc())
        .limit(page.limit + 1)
        .select(signup_columns!())
        .load(conn)?;
    rows.into_iter().map(to_view).collect()
}

/// The caller's own sign-ups in the community, newest first, cancelled ones included so they
/// see that (and, on the activity, why) it was called off.
pub fn mine(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    page: Page,
) -> Result<Vec<SignupView>, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
    let rows: Vec<SignupRow> = signups::table
        .inner_join(activities::table)
        .inner_join(users::table)
        .filter(activities::community_id.eq(community_id))
        .filter(signups::user_id.eq(caller.user_id))
        .filter(signups::id.lt(page.before_id))
        .order(signups::id.desc())
        .limit(page.limit + 1)
        .select(signup_columns!())
        .load(conn)?;
    rows.into_iter().map(to_view).collect()
}
