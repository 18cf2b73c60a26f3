//! Queries on communities.

use super::{CommunityView, Kind};
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::{communities, regions};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Queryable, Selectable)]
#[diesel(table_name = communities)]
struct CommunityRow {
    id: i64,
    region_id: i64,
    name: String,
    code: Option<String>,
    kind: String,
    address: Option<String>,
    households_count: i32,
    residents_count: i32,
    service_facility_area_m2: i32,
    activity_room_area_m2: i32,
    full_time_staff_count: i32,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

impl CommunityRow {
    fn view(self) -> CommunityView {
        CommunityView {
            id: self.id,
            region_id: self.region_id,
            name: self.name,
            code: self.code,
            kind: if self.kind == "rural" {
                Kind::Rural
            } else {
                Kind::Urban
            },
            address: self.address,
            households_count: self.households_count,
            residents_count: self.residents_count,
            service_facility_area_m2: self.service_facility_area_m2,
            activity_room_area_m2: self.activity_room_area_m2,
            full_time_staff_count: self.full_time_staff_count,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

/// The facts staff keep up to date; every field is optional in an update.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema, AsChangeset)]
#[diesel(table_name = communities)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::http::text::single_line")
    )]
    pub name: Option<String>,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::text::single_line")
    )]
    pub address: Option<String>,
    #[validate(range(min = 0, max = 1_000_000))]
    pub households_count: Option<i32>,
    #[validate(range(min = 0, max = 5_000_000))]
    pub residents_count: Option<i32>,
    #[validate(range(min = 0, max = 1_000_000))]
    pub service_facility_area_m2: Option<i32>,
    #[validate(range(min = 0, max = 1_000_000))]
    pub activity_room_area_m2: Option<i32>,
    #[validate(range(min = 0, max = 10_000))]
    pub full_time_staff_count: Option<i32>,
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<CommunityView, ApiError> {
    Ok(communities::table
        .find(id)
        .select(CommunityRow::as_select())
        .first(conn)?
        .view())
}

/// Communities in the subtree of `region_path` (all when `None`), newest first.
pub fn list(
    conn: &mut DbConnection,
    region_path: Option<&str>,
    kind: Option<Kind>,
    before_id: i64,
    limit: i64,
) -> Result<Vec<CommunityView>, ApiError> {
    let mut query = communities::table
        .inner_join(regions::table)
        .filter(communities::id.lt(before_id))
        .select(CommunityRow::as_select())
        .into_boxed();
    if let Some(path) = region_path {
        query = query.filter(regions::path.like(format!("{path}%")));
    }
    if let Some(kind) = kind {
        query = query.filter(communities::kind.eq(kind.as_str()));
    }
    let rows = query
        .order(communities::id.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(CommunityRow::view).collect())
}

pub fn insert(
    conn: &mut DbConnection,
    region_id: i64,
    kind: Kind,
    code: Option<&str>,
    facts: &Facts,
) -> Result<CommunityView, ApiError> {
    let now = now();
    let id: i64 = diesel::insert_into(communities::table)
        .values((
            communities::region_id.eq(region_id),
            communities::name.eq(facts.name.as_deref().unwrap_or_default().trim()),
            communities::code.eq(code),
            communities::kind.eq(kind.as_str()),
            communities::created_at.eq(now),
            communities::updated_at.eq(now),
        ))
        .returning(communities::id)
        .get_result(conn)?;
    update(conn, id, facts)
}

pub fn update(conn: &mut DbConnection, id: i64, facts: &Facts) -> Result<CommunityView, ApiError> {
    // `updated_at` is always set, so an update with no facts is still a valid statement.
    diesel::update(communities::table.find(id))
        .set((facts, communities::updated_at.eq(now())))
        .execute(conn)?;
    get(conn, id)
}
