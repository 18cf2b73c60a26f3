//! Who may rate what: the person served, once the service is over.
//!
//! Checked in one order for every subject: a subject the caller may not see is 404 (as if it
//! did not exist); a service not over yet is 409 `not_completed`, which tells nobody anything
//! they could not read already; someone other than the person served is 403 `not_a_party`.

use super::cases;
use super::types::{CaseStatus, Subject};
use crate::activities::attendance::AttendanceStatus;
use crate::activities::store as activities;
use crate::activities::types::Status as ActivityStatus;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::roles::{Permission, Standing};
use crate::schema::attendance;
use crate::wishes::store as wishes;
use crate::wishes::types::Status as WishStatus;
use chrono::NaiveDateTime;
use diesel::prelude::*;

fn not_completed() -> ApiError {
    ApiError::new(Code::InvalidState).with_field("subject_id", "not_completed")
}

fn not_a_party() -> ApiError {
    ApiError::forbidden().with_field("subject_id", "not_a_party")
}

/// Refuses `user_id` (with `standing` in the community) rating `subject_id` unless they are
/// the person served by that finished service of the community.
pub fn check(
    conn: &mut DbConnection,
    (user_id, standing): (i64, &Standing),
    community_id: i64,
    (subject, subject_id): (Subject, i64),
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    match subject {
        Subject::Wish => wish(conn, (user_id, standing), community_id, subject_id),
        Subject::Activity => activity(conn, (user_id, standing), community_id, subject_id, now),
        Subject::ServiceCase => case(conn, (user_id, standing), community_id, subject_id),
    }
}

/// The requester, once the wish is fulfilled (confirmed or not).
fn wish(
    conn: &mut DbConnection,
    (user_id, standing): (i64, &Standing),
    community_id: i64,
    wish_id: i64,
) -> Result<(), ApiError> {
    let wish = wishes::find(conn, community_id, wish_id)?;
    let status = wish.status()?;
    let mine = wish.requester_id == user_id;
    // Unreviewed wishes stay between the requester and staff, as in the wishes module.
    if !mine && !status.is_public() && standing.require(Permission::ManageWishes).is_err() {
        return Err(ApiError::not_found());
    }
    if !matches!(status, WishStatus::Fulfilled | WishStatus::Confirmed) {
        return Err(not_completed());
    }
    if !mine {
        return Err(not_a_party());
    }
    Ok(())
}

/// Someone whose attendance the organiser verified, once the activity has ended.
fn activity(
    conn: &mut DbConnection,
    (user_id, standing): (i64, &Standing),
    community_id: i64,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let (activity, _) = activities::find(conn, community_id, activity_id)?;
    let status = activity.status_at(now)?;
    // Drafts are the organisers' alone (and nobody took part in one).
    if status == ActivityStatus::Draft && standing.require(Permission::ManageActivities).is_err() {
        return Err(ApiError::not_found());
    }
    if matches!(status, ActivityStatus::Draft | ActivityStatus::Cancelled) || now < activity.ends_at
    {
        return Err(not_completed());
    }
    let attended: Option<String> = attendance::table
        .filter(attendance::activity_id.eq(activity_id))
        .filter(attendance::user_id.eq(user_id))
        .select(attendance::status)
        .first(conn)
        .optional()?;
    match attended.as_deref().and_then(AttendanceStatus::parse) {
        Some(AttendanceStatus::Verified) => Ok(()),
        // Still before the organiser, who may yet verify it.
        Some(AttendanceStatus::Open | AttendanceStatus::Pending) => {
            Err(ApiError::new(Code::InvalidState).with_field("subject_id", "attendance_unverified"))
        }
        Some(AttendanceStatus::Rejected) | None => Err(not_a_party()),
    }
}

/// The case's resident, once staff marked it done.
fn case(
    conn: &mut DbConnection,
    (user_id, standing): (i64, &Standing),
    community_id: i64,
    case_id: i64,
) -> Result<(), ApiError> {
    let case = cases::find(conn, community_id, case_id)?;
    let mine = case.resident_id == user_id;
    // A case is between its resident and the counter's staff.
    if !mine && standing.require(Permission::HandleRatings).is_err() {
        return Err(ApiError::not_found());
    }
    if case.status()? != CaseStatus::Done {
        return Err(not_completed());
    }
    if !mine {
        return Err(not_a_party());
    }
    Ok(())
}
