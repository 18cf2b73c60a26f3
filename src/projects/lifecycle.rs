//! A project's life: proposed by a verified resident or by a leader of an organisation serving
//! the community; then staff (`ManageProjects`) approve or reject it (with a reason, never
//! their own proposal), start it, complete it with a report, or cancel it with a reason.

use super::societies;
use super::store::{self, ProjectRow};
use super::types::{ProjectRequest, ProjectView, Status};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::enums::text_of;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::organisations::store::{is_approved, role_of};
use crate::organisations::types::MemberRole;
use crate::roles::{Permission, standing};
use crate::schema::projects;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Records a change to the project and returns it after the change. The record and the
/// response carry the public view: the audit log and stored idempotent replies are read by
/// people who may not see who takes part; those allowed are one GET away.
pub fn recorded(
    conn: &mut DbConnection,
    caller: &Caller,
    project: &ProjectRow,
    action: &'static str,
    before: Option<&ProjectView>,
) -> ApiResult<ProjectView> {
    let row = store::find(conn, project.community_id, project.id)?;
    let after = store::view(conn, row, false)?;
    let change = Change::in_community(project.community_id, action, "project", project.id);
    audit::record(conn, &caller.into(), change.before_if(before).after(&after))?;
    Ok(after)
}

/// Proposes a project. With `proposer_organisation_id` the caller proposes as a leader of an
/// organisation serving the community; without it, as someone verified in the community.
pub fn propose(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &ProjectRequest,
) -> ApiResult<ProjectView> {
    let standing = standing::in_community(conn, caller.user_id, community_id)?;
    match body.proposer_organisation_id {
        Some(organisation) => {
            if !is_approved(conn, community_id, organisation)? {
                return Err(ApiError::invalid_field(
                    "proposer_organisation_id",
                    "not_found",
                ));
            }
            if role_of(conn, organisation, caller.user_id)? != Some(MemberRole::Leader) {
                return Err(standing.refusal());
            }
        }
        None => standing.require(Permission::Volunteer)?,
    }
    if let Some(organisation) = body.organisation_id
        && !is_approved(conn, community_id, organisation)?
    {
        return Err(ApiError::invalid_field("organisation_id", "not_found"));
    }
    let at = now();
    let id: i64 = diesel::insert_into(projects::table)
        .values((
            projects::community_id.eq(community_id),
            projects::title.eq(body.title.trim()),
            projects::summary.eq(body.summary.trim()),
            projects::proposed_by.eq(caller.user_id),
            projects::proposer_organisation_id.eq(body.proposer_organisation_id),
            projects::organisation_id.eq(body.organisation_id),
            projects::budget_fen.eq(body.budget_fen),
            projects::status.eq(text_of(Status::Proposed)),
            projects::topic_id.eq(body.topic_id),
            projects::created_at.eq(at),
            projects::updated_at.eq(at),
        ))
        .returning(projects::id)
        .get_result(conn)?;
    societies::refresh(conn, community_id, id)?;
    let project = store::find(conn, community_id, id)?;
    recorded(conn, caller, &project, "project.proposed", None)
}

/// What a step of the lifecycle writes besides the status; `None` leaves a column alone.
#[derive(Default, AsChangeset)]
#[diesel(table_name = projects)]
pub struct Written {
    status: Option<String>,
    rejection_reason: Option<String>,
    decided_by: Option<i64>,
    decided_at: Option<NaiveDateTime>,
    started_at: Option<NaiveDateTime>,
    completion_report: Option<String>,
    completed_at: Option<NaiveDateTime>,
    cancellation_reason: Option<String>,
    cancelled_at: Option<NaiveDateTime>,
    updated_at: Option<NaiveDateTime>,
}

/// One step: from which statuses to which, and what it is called in the audit log.
struct Step {
    from: &'static [Status],
    to: Status,
    action: &'static str,
    /// A decision on the proposal, which its proposer may not take.
    decision: bool,
}

/// Takes a staff step, refusing a project in another status (409), also when a concurrent
/// change moved it first.
fn advance(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, project_id): (i64, i64),
    step: Step,
    written: Written,
) -> ApiResult<ProjectView> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageProjects,
    )?;
    let project = store::find(conn, community_id, project_id)?;
    if step.decision && project.proposed_by == caller.user_id {
        return Err(ApiError::forbidden());
    }
    if !step.from.contains(&project.status()?) {
        return Err(ApiError::new(Code::InvalidState));
    }
    let before = store::view(conn, project.clone(), false)?;
    let from: Vec<String> = step.from.iter().map(text_of).collect();
    let updated = diesel::update(
        projects::table
            .find(project_id)
            .filter(projects::status.eq_any(from)),
    )
    .set(Written {
        status: Some(text_of(step.to)),
        updated_at: Some(now()),
        ..written
    })
    .execute(conn)?;
    if updated != 1 {
        return Err(ApiError::new(Code::InvalidState));
    }
    societies::refresh(conn, community_id, project_id)?;
    recorded(conn, caller, &project, step.action, Some(&before))
}

/// Staff approve a proposed project, or reject it with a reason.
pub fn decide(
    conn: &mut DbConnection,
    caller: &Caller,
    at: (i64, i64),
    rejection: Option<&str>,
) -> ApiResult<ProjectView> {
    let (to, action) = match rejection {
        None => (Status::Approved, "project.approved"),
        Some(_) => (Status::Rejected, "project.rejected"),
    };
    let step = Step {
        from: &[Status::Proposed],
        to,
        action,
        decision: true,
    };
    let written = Written {
        rejection_reason: rejection.map(|r| r.trim().to_owned()),
        decided_by: Some(caller.actor_id()),
        decided_at: Some(now()),
        ..Written::default()
    };
    advance(conn, caller, at, step, written)
}

/// Staff mark an approved project as under way.
pub fn start(conn: &mut DbConnection, caller: &Caller, at: (i64, i64)) -> ApiResult<ProjectView> {
    let step = Step {
        from: &[Status::Approved],
        to: Status::InProgress,
        action: "project.started",
        decision: false,
    };
    let written = Written {
        started_at: Some(now()),
        ..Written::default()
    };
    advance(conn, caller, at, step, written)
}

/// Staff close a project under way with its completion report.
pub fn complete(
    conn: &mut DbConnection,
    caller: &Caller,
    at: (i64, i64),
    report: &str,
) -> ApiResult<ProjectView> {
    let step = Step {
        from: &[Status::InProgress],
        to: Status::Completed,
        action: "project.completed",
        decision: false,
    };
    let written = Written {
        completion_report: Some(report.trim().to_owned()),
        completed_at: Some(now()),
        ..Written::default()
    };
    advance(conn, caller, at, step, written)
}

/// Staff call off a project not yet finished, with a reason.
pub fn cancel(
    conn: &mut DbConnection,
    caller: &Caller,
    at: (i64, i64),
    reason: &str,
) -> ApiResult<ProjectView> {
    let step = Step {
        from: &Status::OPEN,
        to: Status::Cancelled,
        action: "project.cancelled",
        decision: false,
    };
    let written = Written {
        cancellation_reason: Some(reason.trim().to_owned()),
        cancelled_at: Some(now()),
        ..Written::default()
    };
    advance(conn, caller, at, step, written)
}
