//! Reading organisations as one community sees them. An organisation is public in a community
//! that approved it; while pending, rejected or withdrawn there, only the community's staff and
//! the organisation's own members see it, and everyone else gets 404, as for none at all.

use super::types::{
    Category, MemberRole, OrganisationFilter, OrganisationView, Registration, ServedCommunity,
    Status,
};
use crate::db::DbConnection;
use crate::db::enums::{parse_text, text_of};
use crate::error::{ApiError, ApiResult};
use crate::http::pagination::Page;
use crate::roles::{Permission, Standing};
use crate::schema::{
    communities, organisation_communities as links, organisation_members as members, organisations,
};
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub registration: String,
    pub registration_number: Option<String>,
    pub contact: Option<String>,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The organisation's standing in one community.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = links)]
pub struct LinkRow {
    pub organisation_id: i64,
    pub community_id: i64,
    pub status: String,
    pub requested_by: i64,
    pub requested_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
}

impl LinkRow {
    pub fn status(&self) -> ApiResult<Status> {
        parse_text(&self.status)
    }
}

/// The organisation's standing in the community, whoever asks.
pub fn link(
    conn: &mut DbConnection,
    community_id: i64,
    organisation_id: i64,
) -> ApiResult<Option<LinkRow>> {
    Ok(links::table
        .find((organisation_id, community_id))
        .select(LinkRow::as_select())
        .first(conn)
        .optional()?)
}

/// The role `user_id` holds in the organisation, if any.
pub fn role_of(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
) -> ApiResult<Option<MemberRole>> {
    let role: Option<String> = members::table
        .find((organisation_id, user_id))
        .select(members::role)
        .first(conn)
        .optional()?;
    role.as_deref().map(parse_text).transpose()
}

/// Whether the organisation is approved in the community: what projects and social workers'
/// employers must be.
pub fn is_approved(
    conn: &mut DbConnection,
    community_id: i64,
    organisation_id: i64,
) -> ApiResult<bool> {
    let found = link(conn, community_id, organisation_id)?;
    Ok(found.is_some_and(|l| l.status == text_of(Status::Approved)))
}

/// The organisation's standing in the community if `reader` may see it: anyone when it is
/// approved, else staff (`ManageOrganisations`) and the organisation's members. 404 otherwise.
pub fn visible_link(
    conn: &mut DbConnection,
    community_id: i64,
    organisation_id: i64,
    reader: Option<(i64, &Standing)>,
) -> ApiResult<LinkRow> {
    let link = link(conn, community_id, organisation_id)?.ok_or_else(ApiError::not_found)?;
    if link.status()? == Status::Approved {
        return Ok(link);
    }
    let Some((user_id, standing)) = reader else {
        return Err(ApiError::not_found());
    };
    if standing.require(Permission::ManageOrganisations).is_ok()
        || role_of(conn, organisation_id, user_id)?.is_some()
    {
        return Ok(link);
    }
    Err(ApiError::not_found())
}

/// Member counts and the communities served, for a batch of organisations.
struct Extras {
    members: HashMap<i64, i64>,
    serves: HashMap<i64, Vec<ServedCommunity>>,
}

impl Extras {
    fn of(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Self> {
        let counts: Vec<(i64, i64)> = members::table
            .filter(members::organisation_id.eq_any(ids))
            .group_by(members::organisation_id)
            .select((members::organisation_id, count_star()))
            .load(conn)?;
        let served: Vec<(i64, i64, String)> = links::table
            .inner_join(communities::table.on(communities::id.eq(links::community_id)))
            .filter(links::organisation_id.eq_any(ids))
            .filter(links::status.eq(text_of(Status::Approved)))
            .order((links::organisation_id, communities::id))
            .select((links::organisation_id, communities::id, communities::name))
            .load(conn)?;
        let mut serves: HashMap<i64, Vec<ServedCommunity>> = HashMap::new();
        for (organisation, id, name) in served {
            serves
                .entry(organisation)
                .or_default()
                .push(ServedCommunity { id, name });
        }
        Ok(Self {
            members: counts.into_iter().collect(),
            serves,
        })
    }
}

fn views(
    conn: &mut DbConnection,
    rows: Vec<(LinkRow, OrganisationRow)>,
) -> ApiResult<Vec<OrganisationView>> {
    let ids: Vec<i64> = rows.iter().map(|(_, o)| o.id).collect();
    let mut extras = Extras::of(conn, &ids)?;
    rows.into_iter()
        .map(|(link, org)| {
            Ok(OrganisationView {
                status: link.status()?,
                category: parse_text::<Category>(&org.category)?,
                registration: parse_text::<Registration>(&org.registration)?,
                member_count: extras.members.get(&org.id).copied().unwrap_or(0),
                serves: extras.serves.remove(&org.id).unwrap_or_default(),
                id: org.id,
                community_id: link.community_id,
                name: org.name,
                registration_number: org.registration_number,
                contact: org.contact,
                description: org.description,
                requested_at: link.requested_at.and_utc(),
                decided_at: link.decided_at.map(|t| t.and_utc()),
                rejection_reason: link.rejection_reason,
                created_at: org.created_at.and_utc(),
            })
        })
        .collect()
}

/// The organisation as the community shows it, whatever its standing there (callers check
/// who may see it first).
pub fn view(conn: &mut DbConnection, link: LinkRow) -> ApiResult<OrganisationView> {
    let org = organisations::table
        .find(link.organisation_id)
        .select(OrganisationRow::as_select())
        .first(conn)?;
    views(conn, vec![(link, org)])?
        .pop()
        .ok_or_else(|| ApiError::internal("an organisation without its view"))
}

/// A page of the organisations serving the community (or asking to), newest first. Staff see
/// pending ones beside the approved, and any status they filter on; everyone else sees
/// approved ones only.
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    staff: bool,
    filter: &OrganisationFilter,
    page: Page,
) -> ApiResult<Vec<OrganisationView>> {
    let statuses: Vec<String> = match (staff, filter.status) {
        (true, Some(status)) => vec![text_of(status)],
        (true, None) => vec![text_of(Status::Pending), text_of(Status::Approved)],
        (false, Some(status)) if status != Status::Approved => Vec::new(),
        (false, _) => vec![text_of(Status::Approved)],
    };
    let mut query = links::table
        .inner_join(organisations::table)
        .filter(links::community_id.eq(community_id))
        .filter(links::status.eq_any(statuses))
        .filter(links::organisation_id.lt(page.before_id))
        .into_boxed();
    if let Some(category) = filter.category {
        query = query.filter(organisations::category.eq(text_of(category)));
    }
    if let Some(registration) = filter.registration {
        query = query.filter(organisations::registration.eq(text_of(registration)));
    }
    let rows = query
        .order(links::organisation_id.desc())
        .limit(page.limit + 1)
        .select((LinkRow::as_select(), OrganisationRow::as_select()))
        .load(conn)?;
    views(conn, rows)
}
