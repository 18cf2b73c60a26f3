//! Who is in a team: staff (`ManageVolunteers`) or a leader of the team add, promote, demote
//! and remove members. The rule that a led team keeps a leader is in `teams`' comment.

use super::teams::{self, MemberView, TeamRole};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::roles::{Permission, standing};
use crate::schema::{users, volunteer_team_members as members};
use chrono::NaiveDateTime;
use diesel::prelude::*;

fn role_in(conn: &mut DbConnection, team_id: i64, user_id: i64) -> ApiResult<Option<TeamRole>> {
    let role: Option<String> = members::table
        .find((team_id, user_id))
        .select(members::role)
        .first(conn)
        .optional()?;
    Ok(role.as_deref().map(TeamRole::parse))
}

/// Staff may change any team; a volunteer only a team they lead. Checks the team belongs to
/// the community (404 otherwise) after the caller's standing (404 without any).
fn require_team_manager(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    team_id: i64,
) -> ApiResult<()> {
    let roles = standing::in_community(conn, caller.user_id, community_id)?;
    roles.require(Permission::Volunteer)?;
    teams::get(conn, community_id, team_id)?;
    if roles.require(Permission::ManageVolunteers).is_ok() {
        return Ok(());
    }
    match role_in(conn, team_id, caller.user_id)? {
        Some(TeamRole::Leader) => Ok(()),
        _ => Err(ApiError::forbidden()),
    }
}

fn member(conn: &mut DbConnection, team_id: i64, user_id: i64) -> ApiResult<Option<MemberView>> {
    let row: Option<(String, String, NaiveDateTime)> = members::table
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .filter(members::team_id.eq(team_id))
        .filter(members::user_id.eq(user_id))
        .select((users::display_name, members::role, members::joined_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(display_name, role, joined)| MemberView {
        user_id,
        display_name,
        role: TeamRole::parse(&role),
        joined_at: joined.and_utc(),
    }))
}

/// 409 if `user_id` is the team's last leader and someone else is still in it.
fn require_not_last_leader(
    conn: &mut DbConnection,
    team_id: i64,
    user_id: i64,
    leaving: bool,
) -> ApiResult<()> {
    let leaders: i64 = members::table
        .filter(members::team_id.eq(team_id))
        .filter(members::role.eq(TeamRole::Leader.as_str()))
        .count()
        .get_result(conn)?;
    let everyone: i64 = members::table
        .filter(members::team_id.eq(team_id))
        .count()
        .get_result(conn)?;
    // Leaving as the only member empties the team, which is allowed; staying on as a plain
    // member, or leaving others behind, is not.
    let others_remain = !leaving || everyone > 1;
    if role_in(conn, team_id, user_id)? == Some(TeamRole::Leader) && leaders == 1 && others_remain {
        return Err(ApiError::new(Code::InvalidState).with_field("user_id", "last_leader"));
    }
    Ok(())
}

/// Adds `user_id` to the team with `role`, or changes their role. Audited before and after.
pub fn set(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    team_id: i64,
    user_id: i64,
    role: TeamRole,
) -> ApiResult<MemberView> {
    require_team_manager(conn, caller, community_id, team_id)?;
    if !super::has_profile(conn, community_id, user_id)? {
        return Err(ApiError::invalid_field("user_id", "no_volunteer_profile"));
    }
    let before = member(conn, team_id, user_id)?;
    match &before {
        Some(current) if current.role == role => return Ok(current.clone()),
        Some(_) => {
            if role == TeamRole::Member {
                require_not_last_leader(conn, team_id, user_id, false)?;
            }
            diesel::update(members::table.find((team_id, user_id)))
                .set(members::role.eq(role.as_str()))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(members::table)
                .values((
                    members::team_id.eq(team_id),
                    members::user_id.eq(user_id),
                    members::role.eq(role.as_str()),
                    members::joined_at.eq(now()),
                ))
                .execute(conn)?;
        }
    }
    let after = member(conn, team_id, user_id)?.ok_or_else(ApiError::not_found)?;
    let mut change = Change::in_community(
        community_id,
        "volunteers.team_member_set",
        "volunteer_team",
        team_id,
    )
    .after(&after);
    if let Some(before) = &before {
        change = change.before(before);
    }
    audit::record(conn, &caller.into(), change)?;
    Ok(after)
}

/// Takes `user_id` out of the team. Removing someone who is not in it changes nothing and is
/// not an error, so a retried removal succeeds.
pub fn remove(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    team_id: i64,
    user_id: i64,
) -> ApiResult<()> {
    require_team_manager(conn, caller, community_id, team_id)?;
    let Some(before) = member(conn, team_id, user_id)? else {
        return Ok(());
    };
    require_not_last_leader(conn, team_id, user_id, true)?;
    diesel::delete(members::table.find((team_id, user_id))).execute(conn)?;
    let change = Change::in_community(
        community_id,
        "volunteers.team_member_removed",
        "volunteer_team",
        team_id,
    )
    .before(&before);
    audit::record(conn, &caller.into(), change)
}
