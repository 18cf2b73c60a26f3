//! Disbursements from the fund to a micro-wish or a project: the record and how it is read.
//! The writes that request, approve and reject them are in `approval`.

use super::{MAX_AMOUNT_FEN, Person, parse_text, people, person, text_of};
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::pagination::Page;
use crate::schema::{fund_disbursements as disbursements, projects, wishes};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = DisbursementStatus)]
pub enum Status {
    /// Waiting for two different staff members to approve it.
    Pending,
    /// Approved twice and paid out of the fund.
    Approved,
    Rejected,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisbursementRequest {
    /// The micro-wish it pays for; give this or `project_id`.
    #[validate(range(min = 1))]
    pub wish_id: Option<i64>,
    /// The project it pays for; give this or `wish_id`.
    #[validate(range(min = 1))]
    pub project_id: Option<i64>,
    /// In fen, at most a million yuan.
    #[validate(range(min = 1, max = MAX_AMOUNT_FEN))]
    pub amount_fen: i64,
    /// What the money is for; shown in public.
    #[validate(
        length(min = 2, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub purpose: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = FundTargetType)]
pub enum TargetType {
    Wish,
    Project,
}

/// What a disbursement pays for.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = FundTarget)]
pub struct Target {
    pub r#type: TargetType,
    pub id: i64,
    pub title: String,
}

/// A disbursement as staff see it, with who requested and approved it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisbursementView {
    pub id: i64,
    pub community_id: i64,
    pub target: Target,
    pub amount_fen: i64,
    pub purpose: String,
    pub status: Status,
    pub requested_by: Person,
    pub requested_at: DateTime<Utc>,
    pub first_approver: Option<Person>,
    pub first_approved_at: Option<DateTime<Utc>>,
    /// The second approval, by someone else, paid it out.
    pub second_approver: Option<Person>,
    pub second_approved_at: Option<DateTime<Utc>>,
    pub rejected_by: Option<Person>,
    pub rejection_reason: Option<String>,
    /// The ledger transaction that paid it out.
    pub transaction_id: Option<i64>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = disbursements)]
pub struct DisbursementRow {
    pub id: i64,
    pub community_id: i64,
    pub wish_id: Option<i64>,
    pub project_id: Option<i64>,
    pub amount_fen: i64,
    pub purpose: String,
    pub status: String,
    pub requested_by: i64,
    pub requested_at: NaiveDateTime,
    pub first_approver: Option<i64>,
    pub first_approved_at: Option<NaiveDateTime>,
    pub second_approver: Option<i64>,
    pub second_approved_at: Option<NaiveDateTime>,
    pub rejected_by: Option<i64>,
    pub rejection_reason: Option<String>,
    pub transaction_id: Option<i64>,
}

/// The titles of the wishes and projects some disbursements pay for.
pub struct Titles {
    wishes: HashMap<i64, String>,
    projects: HashMap<i64, String>,
}

impl Titles {
    pub fn of<'a>(
        conn: &mut DbConnection,
        rows: impl IntoIterator<Item = &'a DisbursementRow>,
    ) -> ApiResult<Self> {
        let (mut wish_ids, mut project_ids) = (Vec::new(), Vec::new());
        for row in rows {
            wish_ids.extend(row.wish_id);
            project_ids.extend(row.project_id);
        }
        let wishes: Vec<(i64, String)> = wishes::table
            .filter(wishes::id.eq_any(&wish_ids))
            .select((wishes::id, wishes::title))
            .load(conn)?;
        let projects: Vec<(i64, String)> = projects::table
            .filter(projects::id.eq_any(&project_ids))
            .select((projects::id, projects::title))
            .load(conn)?;
        Ok(Self {
            wishes: wishes.into_iter().collect(),
            projects: projects.into_iter().collect(),
        })
    }

    pub fn target(&self, row: &DisbursementRow) -> ApiResult<Target> {
        let (r#type, id, titles) = match (row.wish_id, row.project_id) {
            (Some(id), None) => (TargetType::Wish, id, &self.wishes),
            (None, Some(id)) => (TargetType::Project, id, &self.projects),
            _ => return Err(ApiError::internal("a disbursement without one target")),
        };
        let title = titles.get(&id).cloned().unwrap_or_default();
        Ok(Target { r#type, id, title })
    }
}

/// Builds the staff views of `rows`, naming people and targets in a query each.
fn views(conn: &mut DbConnection, rows: Vec<DisbursementRow>) -> ApiResult<Vec<DisbursementView>> {
    let titles = Titles::of(conn, &rows)?;
    let ids = rows.iter().flat_map(|r| {
        [r.first_approver, r.second_approver, r.rejected_by]
            .into_iter()
            .flatten()
            .chain([r.requested_by])
    });
    let names = people(conn, ids.collect::<Vec<_>>())?;
    let named = |id: Option<i64>| id.map(|id| person(&names, id));
    rows.into_iter()
        .map(|row| {
            Ok(DisbursementView {
                target: titles.target(&row)?,
                status: parse_text(&row.status)?,
                id: row.id,
                community_id: row.community_id,
                amount_fen: row.amount_fen,
                purpose: row.purpose,
                requested_by: person(&names, row.requested_by),
                requested_at: row.requested_at.and_utc(),
                first_approver: named(row.first_approver),
                first_approved_at: row.first_approved_at.map(|t| t.and_utc()),
                second_approver: named(row.second_approver),
                second_approved_at: row.second_approved_at.map(|t| t.and_utc()),
                rejected_by: named(row.rejected_by),
                rejection_reason: row.rejection_reason,
                transaction_id: row.transaction_id,
            })
        })
        .collect()
}

pub fn get(conn: &mut DbConnection, community_id: i64, id: i64) -> ApiResult<DisbursementView> {
    let row = disbursements::table
        .filter(disbursements::community_id.eq(community_id))
        .filter(disbursements::id.eq(id))
        .select(DisbursementRow::as_select())
        .first(conn)?;
    views(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("a disbursement without its view"))
}

/// The community's disbursements, newest first, optionally of one status.
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    status: Option<Status>,
    page: Page,
) -> ApiResult<Vec<DisbursementView>> {
    let mut query = disbursements::table
        .filter(disbursements::community_id.eq(community_id))
        .filter(disbursements::id.lt(page.before_id))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(disbursements::status.eq(text_of(status)));
    }
    let rows = query
        .order(disbursements::id.desc())
        .limit(page.limit + 1)
        .select(DisbursementRow::as_select())
        .load(conn)?;
    views(conn, rows)
}

/// Exactly one of a wish and a project, and it must be the community's.
pub fn check_target(
    conn: &mut DbConnection,
    community_id: i64,
    body: &DisbursementRequest,
) -> ApiResult<()> {
    let found: Option<i64> = match (body.wish_id, body.project_id) {
        (Some(id), None) => wishes::table
            .filter(wishes::community_id.eq(community_id))
            .filter(wishes::id.eq(id))
            .select(wishes::id)
            .first(conn)
            .optional()?,
        (None, Some(id)) => projects::table
            .filter(projects::community_id.eq(community_id))
            .filter(projects::id.eq(id))
            .select(projects::id)
            .first(conn)
            .optional()?,
        _ => {
            return Err(ApiError::invalid(vec![
                FieldError::new("wish_id", "exactly_one"),
                FieldError::new("project_id", "exactly_one"),
            ]));
        }
    };
    match (found, body.wish_id) {
        (Some(_), _) => Ok(()),
        (None, Some(_)) => Err(ApiError::invalid_field("wish_id", "not_found")),
        (None, None) => Err(ApiError::invalid_field("project_id", "not_found")),
    }
}

/// Records a pending disbursement and returns its id.
pub fn insert(
    conn: &mut DbConnection,
    community_id: i64,
    body: &DisbursementRequest,
    by: i64,
) -> ApiResult<i64> {
    Ok(diesel::insert_into(disbursements::table)
        .values((
            disbursements::community_id.eq(community_id),
            disbursements::wish_id.eq(body.wish_id),
            disbursements::project_id.eq(body.project_id),
            disbursements::amount_fen.eq(body.amount_fen),
            disbursements::purpose.eq(body.purpose.trim()),
            disbursements::status.eq(text_of(Status::Pending)),
            disbursements::requested_by.eq(by),
            disbursements::requested_at.eq(now()),
        ))
        .returning(disbursements::id)
        .get_result(conn)?)
}
