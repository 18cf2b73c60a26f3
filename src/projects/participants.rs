//! Who takes part in a project, in which role. Staff (`ManageProjects`), the project's leads
//! and the leaders of its organisations manage them while the project is open (proposed,
//! approved or under way); a social worker must hold that role in the community and a
//! volunteer must be verified there (or a volunteer of it). Each change re-derives the
//! project's societies.

use super::societies;
use super::store::{self, ProjectRow, insider, leads_its_organisation, role_in};
use super::types::{ParticipantRole, ParticipantView, Status};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::enums::text_of;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::roles::store::{Scope, holds};
use crate::roles::{Permission, Role, standing};
use crate::schema::{project_participants as participants, users};
use diesel::prelude::*;

/// The project, for a caller who may manage its people and milestones while it is open.
/// Others get 404 if they may not see it (or have no standing in the community), else 403;
/// a closed project is 409.
pub fn require_manager(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    project_id: i64,
) -> ApiResult<ProjectRow> {
    let standing = standing::in_community(conn, caller.user_id, community_id)?;
    let project = store::find(conn, community_id, project_id)?;
    let allowed = standing.require(Permission::ManageProjects).is_ok()
        || role_in(conn, project_id, caller.user_id)? == Some(ParticipantRole::Lead)
        || leads_its_organisation(conn, &project, caller.user_id)?;
    if !allowed {
        let reader = Some((caller.user_id, &standing));
        return Err(
            if project.status()?.is_public() || insider(conn, &project, reader)? {
                standing.refusal()
            } else {
                ApiError::not_found()
            },
        );
    }
    if !Status::OPEN.contains(&project.status()?) {
        return Err(ApiError::new(Code::InvalidState));
    }
    Ok(project)
}

/// Whether `user_id` may take part in `role`; 422 on `user_id` if not.
fn check_eligible(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
    role: ParticipantRole,
) -> ApiResult<()> {
    let refused = match role {
        ParticipantRole::SocialWorker => {
            let scope = Scope::Community(community_id);
            (!holds(conn, scope, user_id, Role::SocialWorker)?).then_some("not_a_social_worker")
        }
        ParticipantRole::Volunteer => {
            let standing = standing::in_community(conn, user_id, community_id)?;
            standing
                .require(Permission::Volunteer)
                .is_err()
                .then_some("not_a_member")
        }
        ParticipantRole::Lead => {
            let found: Option<i64> = users::table
                .find(user_id)
                .select(users::id)
                .first(conn)
                .optional()?;
            found.is_none().then_some("not_found")
        }
    };
    match refused {
        Some(code) => Err(ApiError::invalid_field("user_id", code)),
        None => Ok(()),
    }
}

fn participant(
    conn: &mut DbConnection,
    project_id: i64,
    user_id: i64,
) -> ApiResult<Option<ParticipantView>> {
    let role = role_in(conn, project_id, user_id)?;
    let Some(role) = role else { return Ok(None) };
    let (display_name, joined) = participants::table
        .inner_join(users::table.on(users::id.eq(participants::user_id)))
        .filter(participants::project_id.eq(project_id))
        .filter(participants::user_id.eq(user_id))
        .select((users::display_name, participants::joined_at))
        .first::<(String, chrono::NaiveDateTime)>(conn)?;
    Ok(Some(ParticipantView {
        user_id,
        display_name,
        role,
        joined_at: joined.and_utc(),
    }))
}

/// Adds `user_id` to the project in `role`, or changes their role.
pub fn set(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, project_id): (i64, i64),
    user_id: i64,
    role: ParticipantRole,
) -> ApiResult<ParticipantView> {
    require_manager(conn, caller, community_id, project_id)?;
    check_eligible(conn, community_id, user_id, role)?;
    let before = participant(conn, project_id, user_id)?;
    match &before {
        Some(current) if current.role == role => return Ok(current.clone()),
        Some(_) => {
            diesel::update(participants::table.find((project_id, user_id)))
                .set(participants::role.eq(text_of(role)))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(participants::table)
                .values((
                    participants::project_id.eq(project_id),
                    participants::user_id.eq(user_id),
                    participants::role.eq(text_of(role)),
                    participants::joined_at.eq(now()),
                ))
                .execute(conn)?;
        }
    }
    let after = participant(conn, project_id, user_id)?.ok_or_else(ApiError::not_found)?;
    societies::refresh(conn, community_id, project_id)?;
    let change = Change::in_community(
        community_id,
        "project.participant_set",
        "project",
        project_id,
    );
    audit::record(
        conn,
        &caller.into(),
        change.before_if(before.as_ref()).after(&after),
    )?;
    Ok(after)
}

/// Takes `user_id` out of the project. Removing someone not in it changes nothing, so a
/// retried removal succeeds.
pub fn remove(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, project_id): (i64, i64),
    user_id: i64,
) -> ApiResult<()> {
    require_manager(conn, caller, community_id, project_id)?;
    let Some(before) = participant(conn, project_id, user_id)? else {
        return Ok(());
    };
    diesel::delete(participants::table.find((project_id, user_id))).execute(conn)?;
    societies::refresh(conn, community_id, project_id)?;
    let change = Change::in_community(
        community_id,
        "project.participant_removed",
        "project",
        project_id,
    );
    audit::record(conn, &caller.into(), change.before(&before))
}
