//! Service-counter cases (便民服务站办件): staff record a case handled for a resident and mark
//! it done, after which the resident may rate it. Staff see the resident's name, never their
//! phone or address.

use super::moved;
use super::types::{CaseFilter, CaseRequest, CaseStatus, CaseView};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::db::enums::parse_text;
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::memberships::store::is_verified;
use crate::roles::{Permission, standing};
use crate::schema::{service_cases as cases, users};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: i64,
    pub community_id: i64,
    pub resident_id: i64,
    pub service: String,
    pub summary: String,
    pub status: String,
    pub handled_by: i64,
    pub created_at: NaiveDateTime,
    pub done_at: Option<NaiveDateTime>,
}

impl CaseRow {
    pub fn status(&self) -> Result<CaseStatus, ApiError> {
        parse_text(&self.status)
    }
}

/// The case, or 404 if it is not in this community.
pub fn find(conn: &mut DbConnection, community_id: i64, case_id: i64) -> Result<CaseRow, ApiError> {
    Ok(cases::table
        .filter(cases::id.eq(case_id))
        .filter(cases::community_id.eq(community_id))
        .select(CaseRow::as_select())
        .first(conn)?)
}

pub fn view(conn: &mut DbConnection, row: CaseRow) -> Result<CaseView, ApiError> {
    let resident_name = users::table
        .find(row.resident_id)
        .select(users::display_name)
        .first(conn)?;
    Ok(CaseView {
        status: row.status()?,
        id: row.id,
        community_id: row.community_id,
        resident_id: row.resident_id,
        resident_name,
        service: row.service,
        summary: row.summary,
        handled_by: row.handled_by,
        created_at: row.created_at.and_utc(),
        done_at: row.done_at.map(|t| t.and_utc()),
    })
}

fn recorded(
    conn: &mut DbConnection,
    caller: &Caller,
    case_id: i64,
    action: &'static str,
    before: Option<&CaseView>,
) -> Result<CaseView, ApiError> {
    let row = cases::table
        .find(case_id)
        .select(CaseRow::as_select())
        .first(conn)?;
    let change = Change::in_community(row.community_id, action, "service_case", case_id);
    let after = view(conn, row)?;
    audit::record(conn, &caller.into(), change.before_if(before).after(&after))?;
    Ok(after)
}

/// Staff record a case handled for a verified resident of the community.
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    request: &CaseRequest,
    now: NaiveDateTime,
) -> Result<CaseView, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::HandleRatings,
    )?;
    // A case of one's own would let staff rate their own counter.
    if request.resident_id == caller.actor_id() {
        return Err(ApiError::invalid_field("resident_id", "own_case"));
    }
    if !is_verified(conn, community_id, request.resident_id)? {
        return Err(ApiError::invalid_field("resident_id", "not_a_member"));
    }
    let id: i64 = diesel::insert_into(cases::table)
        .values((
            cases::community_id.eq(community_id),
            cases::resident_id.eq(request.resident_id),
            cases::service.eq(request.service.trim()),
            cases::summary.eq(request.summary.trim()),
            cases::status.eq(CaseStatus::Open.as_str()),
            cases::handled_by.eq(caller.actor_id()),
            cases::created_at.eq(now),
        ))
        .returning(cases::id)
        .get_result(conn)?;
    recorded(conn, caller, id, "service_case.recorded", None)
}

/// Staff mark an open case done; from then on its resident may rate it.
pub fn mark_done(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, case_id): (i64, i64),
    now: NaiveDateTime,
) -> Result<CaseView, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::HandleRatings,
    )?;
    let case = find(conn, community_id, case_id)?;
    let before = view(conn, case)?;
    // The status in the filter makes two racing requests finish it once.
    let changed = diesel::update(
        cases::table
            .find(case_id)
            .filter(cases::status.eq(CaseStatus::Open.as_str())),
    )
    .set((
        cases::status.eq(CaseStatus::Done.as_str()),
        cases::done_at.eq(now),
    ))
    .execute(conn)?;
    moved(changed)?;
    recorded(conn, caller, case_id, "service_case.done", Some(&before))
}

/// A page of the community's cases, newest first: all of them, or `resident`'s own (which
/// no `resident_id` in the filter can widen).
pub fn list(
    conn: &mut DbConnection,
    (community_id, resident): (i64, Option<i64>),
    filter: &CaseFilter,
    page: Page,
) -> Result<Vec<CaseView>, ApiError> {
    let mut query = cases::table
        .filter(cases::community_id.eq(community_id))
        .filter(cases::id.lt(page.before_id))
        .order(cases::id.desc())
        .limit(page.limit + 1)
        .select(CaseRow::as_select())
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(cases::status.eq(status.as_str()));
    }
    if let Some(resident) = resident.or(filter.resident_id) {
        query = query.filter(cases::resident_id.eq(resident));
    }
    let rows = query.load(conn)?;
    rows.into_iter().map(|row| view(conn, row)).collect()
}
