//! Service hours: reading a person's record, and back-filling honour hours (荣誉时长) for
//! service done before the platform or outside it. A back-fill needs evidence (a photo id, a
//! sign-in sheet number), earns no points and touches no ledger; staff cannot back-fill their
//! own hours (403), since nobody should certify their own service. Every back-fill is audited
//! and flagged, and sudden waves of them show up among the anomalies.

use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::calendar;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult};
use crate::http::pagination::Page;
use crate::roles::{Permission, standing};
use crate::schema::service_hours as hours;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// How far back a back-fill may reach, in months: records older than this are not checkable.
pub const BACKFILL_MAX_AGE_MONTHS: u32 = 60;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BackfillRequest {
    /// When the service was done: not in the future, at most five years ago.
    pub served_at: DateTime<Utc>,
    /// 1 to 720 (twelve hours) for one record.
    #[validate(range(min = 1, max = 720))]
    pub minutes: i32,
    #[validate(
        length(min = 2, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub description: String,
    /// What proves it: a photo id, a sign-in sheet number, an organiser's letter reference.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::text::single_line")
    )]
    pub evidence: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = HoursKind)]
pub enum Kind {
    /// Verified attendance at a settled activity; earned points.
    Credit,
    /// Back-filled by staff with evidence; no points.
    Honour,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Credit => "credit",
            Self::Honour => "honour",
        }
    }

    /// The stored kind; the table's CHECK allows only the two.
    pub fn parse(value: &str) -> Self {
        if value == "credit" {
            Self::Credit
        } else {
            Self::Honour
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceHoursView {
    pub id: i64,
    pub community_id: i64,
    pub user_id: i64,
    pub kind: Kind,
    pub minutes: i32,
    pub served_at: DateTime<Utc>,
    pub description: String,
    pub activity_id: Option<i64>,
    pub evidence: Option<String>,
    /// Points earned with these hours (always 0 for honour hours).
    pub points: i64,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = hours)]
struct Row {
    id: i64,
    community_id: i64,
    user_id: i64,
    kind: String,
    minutes: i32,
    served_at: NaiveDateTime,
    description: String,
    activity_id: Option<i64>,
    evidence: Option<String>,
    points: i64,
    recorded_by: Option<i64>,
    recorded_at: NaiveDateTime,
}

impl From<Row> for ServiceHoursView {
    fn from(row: Row) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            user_id: row.user_id,
            kind: Kind::parse(&row.kind),
            minutes: row.minutes,
            served_at: row.served_at.and_utc(),
            description: row.description,
            activity_id: row.activity_id,
            evidence: row.evidence,
            points: row.points,
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at.and_utc(),
        }
    }
}

/// A person's service hours in the community, most recently recorded first (`served_at` of
/// a back-fill may be years back, so recording order is what pages cleanly).
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
    page: Page,
) -> ApiResult<Vec<ServiceHoursView>> {
    let rows: Vec<Row> = hours::table
        .filter(hours::community_id.eq(community_id))
        .filter(hours::user_id.eq(user_id))
        .filter(hours::id.lt(page.before_id))
        .order(hours::id.desc())
        .limit(page.limit + 1)
        .select(Row::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(ServiceHoursView::from).collect())
}

fn check_served_at(served_at: NaiveDateTime, at: NaiveDateTime) -> ApiResult<()> {
    if served_at > at {
        return Err(ApiError::invalid_field("served_at", "in_future"));
    }
    if served_at < calendar::months_before(at, BACKFILL_MAX_AGE_MONTHS) {
        return Err(ApiError::invalid_field("served_at", "too_old"));
    }
    Ok(())
}

/// Records honour hours for `user_id`, who must be able to volunteer in the community (404
/// otherwise, as for someone unknown there).
pub fn backfill(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    user_id: i64,
    body: &BackfillRequest,
) -> ApiResult<ServiceHoursView> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageVolunteers,
    )?;
    if user_id == caller.user_id || user_id == caller.actor_id() {
        return Err(ApiError::forbidden().with_field("user_id", "self_backfill"));
    }
    let target = standing::in_community(conn, user_id, community_id)?;
    if target.require(Permission::Volunteer).is_err() {
        return Err(ApiError::not_found());
    }
    let at = now();
    let served_at = body.served_at.naive_utc();
    check_served_at(served_at, at)?;
    let id: i64 = diesel::insert_into(hours::table)
        .values((
            hours::community_id.eq(community_id),
            hours::user_id.eq(user_id),
            hours::kind.eq(Kind::Honour.as_str()),
            hours::minutes.eq(body.minutes),
            hours::served_at.eq(served_at),
            hours::description.eq(body.description.trim()),
            hours::evidence.eq(body.evidence.trim()),
            hours::points.eq(0),
            hours::recorded_by.eq(caller.actor_id()),
            hours::recorded_at.eq(at),
        ))
        .returning(hours::id)
        .get_result(conn)?;
    let row: Row = hours::table.find(id).select(Row::as_select()).first(conn)?;
    let created = ServiceHoursView::from(row);
    // Flagged like staff point adjustments: reviewers look for both together.
    let change = Change::in_community(
        community_id,
        "volunteers.hours_backfilled",
        "service_hours",
        id,
    )
    .after(&serde_json::json!({ "flagged": true, "service_hours": created }));
    audit::record(conn, &caller.into(), change)?;
    Ok(created)
}
