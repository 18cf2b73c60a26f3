//! Creating, editing, publishing, cancelling and completing activities. Each step checks the
//! organiser's right in the community, takes the activity's lock and leaves an audit record.

use super::store::{self, ActivityRow};
use super::types::{ActivityRequest, ActivityView, Status};
use super::{lock, review, signups, terms, time_bank};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::roles::{Permission, standing};
use crate::schema::activities;
use chrono::NaiveDateTime;
use diesel::prelude::*;

fn audited(
    conn: &mut DbConnection,
    caller: &Caller,
    action: &'static str,
    before: Option<&ActivityView>,
    after: &ActivityView,
) -> Result<(), ApiError> {
    let mut change = Change::in_community(after.community_id, action, "activity", after.id);
    if let Some(before) = before {
        change = change.before(before);
    }
    audit::record(conn, &caller.into(), change.after(after))
}

/// Locks the activity and returns it after checking the organiser's right.
fn locked(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<(ActivityRow, store::CreditRule, ActivityView), ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageActivities,
    )?;
    lock(conn, community_id, activity_id)?;
    let (row, rule) = store::find(conn, community_id, activity_id)?;
    let view = store::view_of(conn, (row.clone(), rule.clone()), now)?;
    Ok((row, rule, view))
}

fn set_status(
    conn: &mut DbConnection,
    activity_id: i64,
    status: Status,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::update(activities::table.find(activity_id))
        .set((
            activities::status.eq(status.as_str()),
            activities::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    request: &ActivityRequest,
    now: NaiveDateTime,
) -> Result<ActivityView, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageActivities,
    )?;
    let terms = terms::check(conn, community_id, request, now)?;
    let id = terms::insert(conn, community_id, caller.actor_id(), &terms, now)?;
    let created = store::view(conn, community_id, id, now)?;
    audited(conn, caller, "activity.created", None, &created)?;
    Ok(created)
}

/// Replaces the terms before the start. A published time-bank service keeps its terms, since
/// the resident served has paid for them; cancel it and book again instead.
pub fn edit(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    request: &ActivityRequest,
    now: NaiveDateTime,
) -> Result<ActivityView, ApiError> {
    let (row, rule, before) = locked(conn, caller, community_id, activity_id, now)?;
    let editable = match before.status {
        Status::Draft => true,
        Status::Published => rule.service_recipient_id.is_none(),
        _ => false,
    };
    // Once anyone has checked in (from half an hour before the start), the terms they came
    // for stay put.
    if !editable || now >= row.starts_at || review::any_for(conn, activity_id)? {
        return Err(ApiError::new(Code::InvalidState));
    }
    let terms = terms::check(conn, community_id, request, now)?;
    if before.status == Status::Published && request.service_recipient_id.is_some() {
        return Err(ApiError::invalid_field(
            "service_recipient_id",
            "invalid_value",
        ));
    }
    if i64::from(request.capacity) < before.confirmed {
        return Err(ApiError::invalid_field("capacity", "below_confirmed"));
    }
    terms::replace(conn, activity_id, &terms, now)?;
    signups::promote(conn, activity_id, request.capacity, now)?;
    let after = store::view(conn, community_id, activity_id, now)?;
    audited(conn, caller, "activity.edited", Some(&before), &after)?;
    Ok(after)
}

/// Opens sign-ups. A time-bank service is published by the resident it serves (or staff
/// acting for them in person), since that is when their time credits go into escrow; the
/// organiser cannot spend them.
pub fn publish(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<ActivityView, ApiError> {
    let standing = standing::in_community(conn, caller.user_id, community_id)?;
    standing.require(Permission::Volunteer)?;
    lock(conn, community_id, activity_id)?;
    let (row, rule) = store::find(conn, community_id, activity_id)?;
    match rule.service_recipient_id {
        Some(recipient) if recipient == caller.user_id => {}
        Some(_) => {
            standing.require(Permission::ManageActivities)?;
            return Err(ApiError::forbidden().with_field("service_recipient_id", "invalid_value"));
        }
        None => standing.require(Permission::ManageActivities)?,
    }
    let before = store::view_of(conn, (row.clone(), rule.clone()), now)?;
    if before.status != Status::Draft || now >= row.starts_at {
        return Err(ApiError::new(Code::InvalidState));
    }
    time_bank::hold(conn, &row, &rule, caller.actor_id())?;
    set_status(conn, activity_id, Status::Published, now)?;
    let after = store::view(conn, community_id, activity_id, now)?;
    let escrow = serde_json::json!({
        "activity": after,
        "service_recipient_id": rule.service_recipient_id,
        "escrow_minutes": rule.escrow_minutes,
    });
    let change = Change::in_community(community_id, "activity.published", "activity", activity_id);
    audit::record(conn, &caller.into(), change.before(&before).after(&escrow))?;
    Ok(after)
}

/// Calls the activity off: sign-ups are cancelled (their holders see why), open attendance is
/// closed unverified, and a time-bank escrow goes back. Nobody loses points, since nothing was
/// credited before settlement.
pub fn cancel(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> Result<ActivityView, ApiError> {
    let (row, rule, before) = locked(conn, caller, community_id, activity_id, now)?;
    if matches!(before.status, Status::Settled | Status::Cancelled) {
        return Err(ApiError::new(Code::InvalidState));
    }
    if before.status != Status::Draft {
        time_bank::refund(conn, &row, &rule, caller.actor_id())?;
    }
    signups::cancel_all(conn, activity_id, now)?;
    review::void_all(conn, activity_id, now)?;
    diesel::update(activities::table.find(activity_id))
        .set(activities::cancel_reason.eq(reason))
        .execute(conn)?;
    set_status(conn, activity_id, Status::Cancelled, now)?;
    let after = store::view(conn, community_id, activity_id, now)?;
    audited(conn, caller, "activity.cancelled", Some(&before), &after)?;
    Ok(after)
}

/// Ends the activity once it has begun: check-ins stop, and sessions still open are closed at
/// the end of the window and flagged for the organiser to review before settling.
pub fn complete(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<ActivityView, ApiError> {
    let (row, _, before) = locked(conn, caller, community_id, activity_id, now)?;
    if before.status != Status::InProgress {
        return Err(ApiError::new(Code::InvalidState));
    }
    review::close_open_sessions(conn, &row, now.min(row.ends_at))?;
    set_status(conn, activity_id, Status::Completed, now)?;
    let after = store::view(conn, community_id, activity_id, now)?;
    audited(conn, caller, "activity.completed", Some(&before), &after)?;
    Ok(after)
}
