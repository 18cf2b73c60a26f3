//! Who is in an organisation: its leaders (or the staff of a community it serves) add people,
//! make them leaders or plain members and take them out; anyone may leave. An organisation
//! with anyone in it keeps a leader: the change that would leave members without one is
//! refused (409, `last_leader`), so promote someone first.

use super::lifecycle::require_manager;
use super::store::{self, visible_link};
use super::types::{MemberRole, MemberView};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::enums::{parse_text, text_of};
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::roles::{Permission, standing};
use crate::schema::{organisation_members as members, users};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Everyone in the organisation, leaders first, then by when they joined.
fn roster(conn: &mut DbConnection, organisation_id: i64) -> ApiResult<Vec<MemberView>> {
    let rows: Vec<(i64, String, String, NaiveDateTime)> = members::table
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .filter(members::organisation_id.eq(organisation_id))
        .order((members::role.asc(), members::joined_at, members::user_id))
        .select((
            members::user_id,
            users::display_name,
            members::role,
            members::joined_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(user_id, display_name, role, joined)| {
            Ok(MemberView {
                user_id,
                display_name,
                role: parse_text(&role)?,
                joined_at: joined.and_utc(),
            })
        })
        .collect()
}

/// The members, for people of the community (anyone verified there) and the organisation's
/// own members; the organisation must be visible to the caller in the community.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    organisation_id: i64,
) -> ApiResult<Vec<MemberView>> {
    let standing = standing::in_community(conn, caller.user_id, community_id)?;
    visible_link(
        conn,
        community_id,
        organisation_id,
        Some((caller.user_id, &standing)),
    )?;
    if standing.require(Permission::Volunteer).is_err()
        && store::role_of(conn, organisation_id, caller.user_id)?.is_none()
    {
        return Err(standing.refusal());
    }
    roster(conn, organisation_id)
}

/// Whether members would be left without a leader once `user_id` holds `role` (or, with
/// `None`, has left).
fn leaves_leaderless(roster: &[MemberView], user_id: i64, role: Option<MemberRole>) -> bool {
    let mut after = roster
        .iter()
        .filter(|m| m.user_id != user_id)
        .map(|m| m.role)
        .chain(role)
        .peekable();
    after.peek().is_some() && after.all(|r| r != MemberRole::Leader)
}

/// Adds `user_id` (any account) to the organisation with `role`, or changes their role.
pub fn set(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, organisation_id): (i64, i64),
    user_id: i64,
    role: MemberRole,
) -> ApiResult<MemberView> {
    require_manager(conn, caller, community_id, organisation_id)?;
    let exists: Option<i64> = users::table
        .find(user_id)
        .select(users::id)
        .first(conn)
        .optional()?;
    if exists.is_none() {
        return Err(ApiError::invalid_field("user_id", "not_found"));
    }
    let roster = roster(conn, organisation_id)?;
    let before = roster.iter().find(|m| m.user_id == user_id).cloned();
    if let Some(current) = before.as_ref().filter(|m| m.role == role) {
        return Ok(current.clone());
    }
    if leaves_leaderless(&roster, user_id, Some(role)) {
        return Err(ApiError::new(Code::InvalidState).with_field("user_id", "last_leader"));
    }
    if before.is_some() {
        diesel::update(members::table.find((organisation_id, user_id)))
            .set(members::role.eq(text_of(role)))
            .execute(conn)?;
    } else {
        diesel::insert_into(members::table)
            .values((
                members::organisation_id.eq(organisation_id),
                members::user_id.eq(user_id),
                members::role.eq(text_of(role)),
                members::joined_at.eq(now()),
            ))
            .execute(conn)?;
    }
    let after = roster_entry(conn, organisation_id, user_id)?;
    let change = Change::in_community(
        community_id,
        "organisation.member_set",
        "organisation",
        organisation_id,
    );
    audit::record(
        conn,
        &caller.into(),
        change.before_if(before.as_ref()).after(&after),
    )?;
    Ok(after)
}

fn roster_entry(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
) -> ApiResult<MemberView> {
    roster(conn, organisation_id)?
        .into_iter()
        .find(|m| m.user_id == user_id)
        .ok_or_else(ApiError::not_found)
}

/// Takes `user_id` out of the organisation: a leader or staff for anyone, anyone for
/// themself. Removing someone not in it changes nothing, so a retried removal succeeds.
pub fn remove(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, organisation_id): (i64, i64),
    user_id: i64,
) -> ApiResult<()> {
    if user_id == caller.user_id {
        let standing = standing::in_community(conn, caller.user_id, community_id)?;
        let reader = Some((caller.user_id, &standing));
        visible_link(conn, community_id, organisation_id, reader)?;
    } else {
        require_manager(conn, caller, community_id, organisation_id)?;
    }
    let roster = roster(conn, organisation_id)?;
    let Some(before) = roster.iter().find(|m| m.user_id == user_id) else {
        return Ok(());
    };
    if leaves_leaderless(&roster, user_id, None) {
        return Err(ApiError::new(Code::InvalidState).with_field("user_id", "last_leader"));
    }
    diesel::delete(members::table.find((organisation_id, user_id))).execute(conn)?;
    let change = Change::in_community(
        community_id,
        "organisation.member_removed",
        "organisation",
        organisation_id,
    );
    audit::record(conn, &caller.into(), change.before(before))
}
