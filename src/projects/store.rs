//! Reading projects, with each reader's view. Anyone may read approved, running and completed
//! projects; people of the community (anyone verified there, staff) and those taking part
//! (the proposer, participants, leaders of its organisations) read every status and see the
//! people in it. Everyone else gets 404 for a project not yet approved.

use super::societies;
use super::types::{
    MilestoneView, OrganisationRef, ParticipantView, Person, ProjectFilter, ProjectView, Status,
};
use crate::db::DbConnection;
use crate::db::enums::{parse_text, text_of};
use crate::error::{ApiError, ApiResult};
use crate::http::pagination::Page;
use crate::organisations::store::role_of;
use crate::organisations::types::MemberRole;
use crate::roles::{Permission, Standing};
use crate::schema::{
    organisations, project_milestones as milestones, project_participants as participants,
    project_societies, projects, users,
};
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = projects)]
pub struct ProjectRow {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub summary: String,
    pub proposed_by: i64,
    pub proposer_organisation_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub budget_fen: i64,
    pub status: String,
    pub topic_id: Option<i64>,
    pub rejection_reason: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub completion_report: Option<String>,
    pub completed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub cancellation_reason: Option<String>,
    pub cancelled_at: Option<NaiveDateTime>,
}

impl ProjectRow {
    pub fn status(&self) -> ApiResult<Status> {
        parse_text(&self.status)
    }
}

/// The project, or 404 if it is not in this community.
pub fn find(conn: &mut DbConnection, community_id: i64, project_id: i64) -> ApiResult<ProjectRow> {
    Ok(projects::table
        .filter(projects::id.eq(project_id))
        .filter(projects::community_id.eq(community_id))
        .select(ProjectRow::as_select())
        .first(conn)?)
}

/// The role `user_id` plays in the project, if any.
pub fn role_in(
    conn: &mut DbConnection,
    project_id: i64,
    user_id: i64,
) -> ApiResult<Option<super::types::ParticipantRole>> {
    let role: Option<String> = participants::table
        .find((project_id, user_id))
        .select(participants::role)
        .first(conn)
        .optional()?;
    role.as_deref().map(parse_text).transpose()
}

/// Whether `user_id` leads an organisation that carries or proposed the project.
pub fn leads_its_organisation(
    conn: &mut DbConnection,
    project: &ProjectRow,
    user_id: i64,
) -> ApiResult<bool> {
    for organisation in [project.organisation_id, project.proposer_organisation_id]
        .into_iter()
        .flatten()
    {
        if role_of(conn, organisation, user_id)? == Some(MemberRole::Leader) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the reader may see the people in the project, and the project whatever its status.
pub fn insider(
    conn: &mut DbConnection,
    project: &ProjectRow,
    reader: Option<(i64, &Standing)>,
) -> ApiResult<bool> {
    let Some((user_id, standing)) = reader else {
        return Ok(false);
    };
    Ok(standing.require(Permission::Volunteer).is_ok()
        || project.proposed_by == user_id
        || role_in(conn, project.id, user_id)?.is_some()
        || leads_its_organisation(conn, project, user_id)?)
}

/// The project as `reader` may see it; 404 for a project they may not see at all.
pub fn visible(
    conn: &mut DbConnection,
    community_id: i64,
    project_id: i64,
    reader: Option<(i64, &Standing)>,
) -> ApiResult<ProjectView> {
    let project = find(conn, community_id, project_id)?;
    let insider = insider(conn, &project, reader)?;
    if !insider && !project.status()?.is_public() {
        return Err(ApiError::not_found());
    }
    view(conn, project, insider)
}

fn organisation(conn: &mut DbConnection, id: Option<i64>) -> ApiResult<Option<OrganisationRef>> {
    let Some(id) = id else { return Ok(None) };
    let name = organisations::table
        .find(id)
        .select(organisations::name)
        .first(conn)?;
    Ok(Some(OrganisationRef { id, name }))
}

fn participants_of(conn: &mut DbConnection, project_id: i64) -> ApiResult<Vec<ParticipantView>> {
    let rows: Vec<(i64, String, String, NaiveDateTime)> = participants::table
        .inner_join(users::table.on(users::id.eq(participants::user_id)))
        .filter(participants::project_id.eq(project_id))
        .order((participants::joined_at, participants::user_id))
        .select((
            participants::user_id,
            users::display_name,
            participants::role,
            participants::joined_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(user_id, display_name, role, joined)| {
            Ok(ParticipantView {
                user_id,
                display_name,
                role: parse_text(&role)?,
                joined_at: joined.and_utc(),
            })
        })
        .collect()
}

/// The project's milestones by due date; their notes for insiders only.
pub fn milestones_of(
    conn: &mut DbConnection,
    project_id: i64,
    insider: bool,
) -> ApiResult<Vec<MilestoneView>> {
    type Row = (
        i64,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<String>,
    );
    let rows: Vec<Row> = milestones::table
        .filter(milestones::project_id.eq(project_id))
        .order((milestones::due_at, milestones::id))
        .select((
            milestones::id,
            milestones::title,
            milestones::due_at,
            milestones::done_at,
            milestones::note,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, title, due_at, done_at, note)| MilestoneView {
            id,
            title,
            due_at: due_at.and_utc(),
            done_at: done_at.map(|t| t.and_utc()),
            note: note.filter(|_| insider),
        })
        .collect())
}

/// The project with the people in it for an `insider`, without them for anyone else.
pub fn view(conn: &mut DbConnection, project: ProjectRow, insider: bool) -> ApiResult<ProjectView> {
    let societies = societies::load(conn, project.id)?;
    let people = participants_of(conn, project.id)?;
    let proposer: String = users::table
        .find(project.proposed_by)
        .select(users::display_name)
        .first(conn)?;
    Ok(ProjectView {
        status: project.status()?,
        organisation: organisation(conn, project.organisation_id)?,
        proposer_organisation: organisation(conn, project.proposer_organisation_id)?,
        milestones: milestones_of(conn, project.id, insider)?,
        linkage_count: societies.len(),
        societies,
        participant_count: people.len(),
        proposed_by: insider.then_some(Person {
            user_id: project.proposed_by,
            display_name: proposer,
        }),
        participants: insider.then_some(people),
        id: project.id,
        community_id: project.community_id,
        title: project.title,
        summary: project.summary,
        budget_fen: project.budget_fen,
        topic_id: project.topic_id,
        rejection_reason: project.rejection_reason,
        cancellation_reason: project.cancellation_reason,
        completion_report: project.completion_report,
        decided_at: project.decided_at.map(|t| t.and_utc()),
        started_at: project.started_at.map(|t| t.and_utc()),
        completed_at: project.completed_at.map(|t| t.and_utc()),
        cancelled_at: project.cancelled_at.map(|t| t.and_utc()),
        created_at: project.created_at.and_utc(),
    })
}

/// A page of the projects the reader may list, newest first: every status for people of the
/// community, else approved, running and completed ones and the reader's own proposals.
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    reader: Option<(i64, &Standing)>,
    filter: &ProjectFilter,
    page: Page,
) -> ApiResult<Vec<ProjectRow>> {
    let mut query = projects::table
        .filter(projects::community_id.eq(community_id))
        .filter(projects::id.lt(page.before_id))
        .into_boxed();
    let people = reader.is_some_and(|(_, s)| s.require(Permission::Volunteer).is_ok());
    let public: Vec<String> = Status::PUBLIC.map(text_of).to_vec();
    match (reader.map(|(user_id, _)| user_id), filter.mine) {
        (Some(user_id), true) => query = query.filter(projects::proposed_by.eq(user_id)),
        // Nobody is the proposer of anything without logging in.
        (None, true) => query = query.filter(projects::id.lt(0)),
        _ if people => {}
        (Some(user_id), false) => {
            query = query.filter(
                projects::status
                    .eq_any(public)
                    .or(projects::proposed_by.eq(user_id)),
            );
        }
        (None, false) => query = query.filter(projects::status.eq_any(public)),
    }
    if let Some(status) = filter.status {
        query = query.filter(projects::status.eq(text_of(status)));
    }
    if let Some(organisation) = filter.organisation_id {
        query = query.filter(
            projects::organisation_id
                .eq(organisation)
                .or(projects::proposer_organisation_id.eq(organisation)),
        );
    }
    if let Some(least) = filter.min_societies {
        let linked = project_societies::table
            .group_by(project_societies::project_id)
            .having(count_star().ge(least))
            .select(project_societies::project_id);
        query = query.filter(projects::id.eq_any(linked));
    }
    Ok(query
        .order(projects::id.desc())
        .limit(page.limit + 1)
        .select(ProjectRow::as_select())
        .load(conn)?)
}
