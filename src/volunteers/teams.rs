//! Volunteer service teams (志愿服务队): staff create and rename them; staff or a leader of the
//! team add and remove members and make them leaders. Only people with a volunteer profile in
//! the community can join. A team may start without a leader, but once it has one it keeps
//! one: the last leader can be neither demoted nor removed while anyone else is in the team
//! (promote someone first), so a team is never left with members and nobody to lead them.

use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::http::pagination::Page;
use crate::roles::{Permission, standing};
use crate::schema::{users, volunteer_team_members as members, volunteer_teams as teams};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamRequest {
    /// Unique in the community.
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::http::text::single_line")
    )]
    pub name: String,
    #[validate(length(max = 1000), custom(function = "crate::http::text::multi_line"))]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    Leader,
    Member,
}

impl TeamRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Leader => "leader",
            Self::Member => "member",
        }
    }

    /// The stored role; the table's CHECK allows only the two.
    pub fn parse(value: &str) -> Self {
        if value == "leader" {
            Self::Leader
        } else {
            Self::Member
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TeamMemberRequest)]
pub struct MemberRequest {
    pub role: TeamRole,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamView {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub description: Option<String>,
    pub member_count: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member as anyone in the community sees them: a display name and a role, nothing more.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TeamMemberView)]
pub struct MemberView {
    pub user_id: i64,
    pub display_name: String,
    pub role: TeamRole,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamDetail {
    #[serde(flatten)]
    pub team: TeamView,
    /// Leaders first, then by when they joined.
    pub members: Vec<MemberView>,
}

type Row = (
    i64,
    i64,
    String,
    Option<String>,
    i64,
    NaiveDateTime,
    NaiveDateTime,
);

macro_rules! columns {
    () => {
        (
            teams::id,
            teams::community_id,
            teams::name,
            teams::description,
            teams::created_by,
            teams::created_at,
            teams::updated_at,
        )
    };
}

fn counts(conn: &mut DbConnection, team_ids: &[i64]) -> ApiResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = members::table
        .filter(members::team_id.eq_any(team_ids))
        .group_by(members::team_id)
        .select((members::team_id, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

fn views(conn: &mut DbConnection, rows: Vec<Row>) -> ApiResult<Vec<TeamView>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let counts = counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, community_id, name, description, created_by, created, updated)| TeamView {
                member_count: counts.get(&id).copied().unwrap_or(0),
                id,
                community_id,
                name,
                description,
                created_by,
                created_at: created.and_utc(),
                updated_at: updated.and_utc(),
            },
        )
        .collect())
}

/// A team of the community; 404 for another community's, as for none.
pub fn get(conn: &mut DbConnection, community_id: i64, team_id: i64) -> ApiResult<TeamView> {
    let row: Row = teams::table
        .filter(teams::community_id.eq(community_id))
        .filter(teams::id.eq(team_id))
        .select(columns!())
        .first(conn)?;
    views(conn, vec![row])?
        .pop()
        .ok_or_else(ApiError::not_found)
}

pub fn list(conn: &mut DbConnection, community_id: i64, page: Page) -> ApiResult<Vec<TeamView>> {
    let rows: Vec<Row> = teams::table
        .filter(teams::community_id.eq(community_id))
        .filter(teams::id.lt(page.before_id))
        .order(teams::id.desc())
        .limit(page.limit + 1)
        .select(columns!())
        .load(conn)?;
    views(conn, rows)
}

fn members_of(conn: &mut DbConnection, team_id: i64) -> ApiResult<Vec<MemberView>> {
    let rows: Vec<(i64, String, String, NaiveDateTime)> = members::table
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .filter(members::team_id.eq(team_id))
        .order((members::role.asc(), members::joined_at, members::user_id))
        .select((
            members::user_id,
            users::display_name,
            members::role,
            members::joined_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user_id, display_name, role, joined)| MemberView {
            user_id,
            display_name,
            role: TeamRole::parse(&role),
            joined_at: joined.and_utc(),
        })
        .collect())
}

pub fn detail(conn: &mut DbConnection, community_id: i64, team_id: i64) -> ApiResult<TeamDetail> {
    let team = get(conn, community_id, team_id)?;
    let members = members_of(conn, team_id)?;
    Ok(TeamDetail { team, members })
}

/// The columns a request sets, on creation and on every edit alike (a null clears).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = teams, treat_none_as_null = true)]
struct Terms<'a> {
    name: &'a str,
    description: Option<&'a str>,
}

/// What staff (`ManageVolunteers`) ask for, once the name is known to be free in the
/// community (409 naming `name` otherwise), `editing` team apart.
fn checked_terms<'a>(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &'a TeamRequest,
    editing: Option<i64>,
) -> ApiResult<Terms<'a>> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageVolunteers,
    )?;
    let name = body.name.trim();
    let taken: Option<i64> = teams::table
        .filter(teams::community_id.eq(community_id))
        .filter(teams::name.eq(name))
        .select(teams::id)
        .first(conn)
        .optional()?;
    if taken.is_some_and(|id| Some(id) != editing) {
        return Err(ApiError::new(Code::AlreadyExists).with_field("name", "already_exists"));
    }
    Ok(Terms {
        name,
        description: body.description.as_deref().map(str::trim),
    })
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &TeamRequest,
) -> ApiResult<TeamView> {
    let terms = checked_terms(conn, caller, community_id, body, None)?;
    let at = now();
    let id: i64 = diesel::insert_into(teams::table)
        .values((
            terms,
            teams::community_id.eq(community_id),
            teams::created_by.eq(caller.actor_id()),
            teams::created_at.eq(at),
            teams::updated_at.eq(at),
        ))
        .returning(teams::id)
        .get_result(conn)?;
    let created = get(conn, community_id, id)?;
    let change = Change::in_community(
        community_id,
        "volunteers.team_created",
        "volunteer_team",
        id,
    )
    .after(&created);
    audit::record(conn, &caller.into(), change)?;
    Ok(created)
}

pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    team_id: i64,
    body: &TeamRequest,
) -> ApiResult<TeamView> {
    let terms = checked_terms(conn, caller, community_id, body, Some(team_id))?;
    let before = get(conn, community_id, team_id)?;
    diesel::update(teams::table.find(team_id))
        .set((terms, teams::updated_at.eq(now())))
        .execute(conn)?;
    let after = get(conn, community_id, team_id)?;
    let change = Change::in_community(
        community_id,
        "volunteers.team_updated",
        "volunteer_team",
        team_id,
    )
    .before(&before)
    .after(&after);
    audit::record(conn, &caller.into(), change)?;
    Ok(after)
}
