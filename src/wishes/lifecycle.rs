//! Posting a wish, its review by staff, and its cancellation by the requester.

use super::store::{self, WishRow};
use super::types::{Status, WishRequest, WishView};
use super::{lock, settings};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code, FieldError};
use crate::memberships::store::is_verified;
use crate::roles::{Permission, standing};
use crate::schema::{households, memberships, wishes};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

/// How far ahead a wish's deadline may lie.
const LONGEST_DEADLINE: TimeDelta = TimeDelta::days(366);

/// The refusal for someone not party to a wish: 403 if anyone may see it, else 404, so that
/// unreviewed wishes do not even show they exist.
pub fn hidden_or_forbidden(wish: &WishRow) -> Result<ApiError, ApiError> {
    Ok(if wish.status()?.is_public() {
        ApiError::forbidden()
    } else {
        ApiError::not_found()
    })
}

/// Records a change and returns the wish after it. Both the record and the response carry
/// the public view: the audit log is read by people who may not see requesters, and a
/// retried request is answered from its stored response; the details are one GET away for
/// those allowed.
pub fn recorded(
    conn: &mut DbConnection,
    caller: &Caller,
    wish_id: i64,
    action: &'static str,
    before: Option<&WishView>,
) -> Result<WishView, ApiError> {
    let row = wishes::table
        .find(wish_id)
        .select(WishRow::as_select())
        .first(conn)?;
    let community_id = row.community_id;
    let after = store::view(conn, row, None, None)?;
    let mut change = Change::in_community(community_id, action, "wish", wish_id);
    if let Some(before) = before {
        change = change.before(before);
    }
    audit::record(conn, &caller.into(), change.after(&after))?;
    Ok(after)
}

/// The public view of the wish now, for the `before` of a change.
pub fn current(conn: &mut DbConnection, wish: &WishRow) -> Result<WishView, ApiError> {
    store::view(conn, wish.clone(), None, None)
}

/// The grid of a resident's household, the most precise location a wish shows.
pub fn home_grid(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
) -> Result<Option<i64>, ApiError> {
    Ok(memberships::table
        .inner_join(households::table)
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::user_id.eq(user_id))
        .select(households::grid_id)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}

pub fn submit(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    request: &WishRequest,
    now: NaiveDateTime,
) -> Result<WishView, ApiError> {
    let standing = standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
    let requester = match request.on_behalf_of {
        Some(resident) => {
            standing.require(Permission::ManageWishes)?;
            if !is_verified(conn, community_id, resident)? {
                return Err(ApiError::invalid_field("on_behalf_of", "not_a_member"));
            }
            resident
        }
        None => caller.user_id,
    };
    let rules = settings::load(conn, community_id)?;
    let deadline = request.deadline.naive_utc();
    let mut problems = Vec::new();
    if rules.category(&request.category).is_none() {
        problems.push(FieldError::new("category", "invalid_value"));
    }
    if request.estimated_value_fen > rules.value_cap_fen {
        problems.push(
            FieldError::new("estimated_value_fen", "range")
                .with_bounds(Some(0), Some(rules.value_cap_fen)),
        );
    }
    if deadline <= now {
        problems.push(FieldError::new("deadline", "in_the_past"));
    } else if deadline > now + LONGEST_DEADLINE {
        problems.push(FieldError::new("deadline", "too_far"));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let grid_id = home_grid(conn, community_id, requester)?;
    let id: i64 = diesel::insert_into(wishes::table)
        .values((
            wishes::community_id.eq(community_id),
            wishes::requester_id.eq(requester),
            wishes::posted_by.eq(caller.actor_id()),
            wishes::title.eq(request.title.trim()),
            wishes::story.eq(request.story.trim()),
            wishes::category.eq(&request.category),
            wishes::estimated_value_fen.eq(request.estimated_value_fen),
            wishes::deadline.eq(deadline),
            wishes::grid_id.eq(grid_id),
            wishes::status.eq(Status::Submitted.as_str()),
            wishes::created_at.eq(now),
            wishes::updated_at.eq(now),
        ))
        .returning(wishes::id)
        .get_result(conn)?;
    recorded(conn, caller, id, "wish.submitted", None)
}

/// Staff publish a submitted wish, or reject it with a reason. Nobody reviews their own.
pub fn review(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
    rejection: Option<&str>,
    now: NaiveDateTime,
) -> Result<WishView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageWishes)?;
    lock(conn, community_id, wish_id)?;
    let wish = store::find(conn, community_id, wish_id)?;
    // Nobody reviews a wish they asked for or posted.
    if wish.requester_id == caller.user_id || wish.posted_by == caller.actor_id() {
        return Err(ApiError::forbidden());
    }
    if wish.status()? != Status::Submitted || (rejection.is_none() && now >= wish.deadline) {
        return Err(ApiError::new(Code::InvalidState));
    }
    let before = current(conn, &wish)?;
    let (status, published_at, action) = match rejection {
        None => (Status::Published, Some(now), "wish.published"),
        Some(_) => (Status::Rejected, None, "wish.rejected"),
    };
    diesel::update(wishes::table.find(wish_id))
        .set((
            wishes::status.eq(status.as_str()),
            wishes::rejection_reason.eq(rejection),
            wishes::reviewed_by.eq(caller.actor_id()),
            wishes::reviewed_at.eq(now),
            wishes::published_at.eq(published_at),
            wishes::updated_at.eq(now),
        ))
        .execute(conn)?;
    recorded(conn, caller, wish_id, action, Some(&before))
}

/// The requester (or staff for them) withdraws a wish nobody has claimed.
pub fn cancel(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
    now: NaiveDateTime,
) -> Result<WishView, ApiError> {
    let standing = standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ViewOwnAccount,
    )?;
    lock(conn, community_id, wish_id)?;
    let wish = store::find(conn, community_id, wish_id)?;
    if wish.requester_id != caller.user_id && standing.require(Permission::ManageWishes).is_err() {
        return Err(hidden_or_forbidden(&wish)?);
    }
    if !matches!(wish.status()?, Status::Submitted | Status::Published) {
        return Err(ApiError::new(Code::InvalidState));
    }
    let before = current(conn, &wish)?;
    diesel::update(wishes::table.find(wish_id))
        .set((
            wishes::status.eq(Status::Cancelled.as_str()),
            wishes::updated_at.eq(now),
        ))
        .execute(conn)?;
    recorded(conn, caller, wish_id, "wish.cancelled", Some(&before))
}
