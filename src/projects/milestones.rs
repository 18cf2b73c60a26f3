//! A project's milestones: set by those who manage the project while it is open, and marked
//! done once, with a note of what was done.

use super::participants::require_manager;
use super::store::milestones_of;
use super::types::{MilestoneRequest, MilestoneView};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::schema::project_milestones as milestones;
use diesel::prelude::*;

/// The milestone as insiders see it, or 404 if it is not the project's.
fn milestone(
    conn: &mut DbConnection,
    project_id: i64,
    milestone_id: i64,
) -> ApiResult<MilestoneView> {
    milestones_of(conn, project_id, true)?
        .into_iter()
        .find(|m| m.id == milestone_id)
        .ok_or_else(ApiError::not_found)
}

pub fn add(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, project_id): (i64, i64),
    body: &MilestoneRequest,
) -> ApiResult<MilestoneView> {
    require_manager(conn, caller, community_id, project_id)?;
    crate::calendar::plausible("due_at", Some(body.due_at))?;
    let id: i64 = diesel::insert_into(milestones::table)
        .values((
            milestones::project_id.eq(project_id),
            milestones::title.eq(body.title.trim()),
            milestones::due_at.eq(body.due_at.naive_utc()),
        ))
        .returning(milestones::id)
        .get_result(conn)?;
    let added = milestone(conn, project_id, id)?;
    let change = Change::in_community(
        community_id,
        "project.milestone_added",
        "project",
        project_id,
    );
    audit::record(conn, &caller.into(), change.after(&added))?;
    Ok(added)
}

/// Marks the milestone done with a note; 409 if it already is.
pub fn done(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, project_id): (i64, i64),
    milestone_id: i64,
    note: &str,
) -> ApiResult<MilestoneView> {
    require_manager(conn, caller, community_id, project_id)?;
    let before = milestone(conn, project_id, milestone_id)?;
    let updated = diesel::update(
        milestones::table
            .find(milestone_id)
            .filter(milestones::done_at.is_null()),
    )
    .set((
        milestones::done_at.eq(now()),
        milestones::done_by.eq(caller.actor_id()),
        milestones::note.eq(note.trim()),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(ApiError::new(Code::InvalidState));
    }
    let after = milestone(conn, project_id, milestone_id)?;
    let change = Change::in_community(
        community_id,
        "project.milestone_done",
        "project",
        project_id,
    );
    audit::record(conn, &caller.into(), change.before(&before).after(&after))?;
    Ok(after)
}
