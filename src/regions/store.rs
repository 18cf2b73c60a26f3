//! Queries on regions. Each region keeps its materialised path (`/1/5/23/`), so subtree
//! queries are one indexed prefix match rather than a recursive walk.

use super::Level;
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::regions;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: Level,
    pub name: String,
    /// Administrative division code (行政区划代码), when known.
    pub code: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = regions)]
struct RegionRow {
    id: i64,
    parent_id: Option<i64>,
    level: String,
    name: String,
    code: Option<String>,
    path: String,
    created_at: chrono::NaiveDateTime,
}

impl RegionRow {
    fn view(self) -> RegionView {
        RegionView {
            id: self.id,
            parent_id: self.parent_id,
            level: Level::parse(&self.level).unwrap_or(Level::Street),
            name: self.name,
            code: self.code,
            created_at: self.created_at.and_utc(),
        }
    }
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<RegionView, ApiError> {
    Ok(regions::table
        .find(id)
        .select(RegionRow::as_select())
        .first(conn)?
        .view())
}

/// The region's level and path, for placing children under it.
pub fn level_and_path(conn: &mut DbConnection, id: i64) -> Result<(Level, String), ApiError> {
    let row: RegionRow = regions::table
        .find(id)
        .select(RegionRow::as_select())
        .first(conn)?;
    Ok((Level::parse(&row.level).unwrap_or(Level::Street), row.path))
}

pub fn path_of(conn: &mut DbConnection, id: i64) -> Result<String, ApiError> {
    Ok(regions::table.find(id).select(regions::path).first(conn)?)
}

pub fn list(
    conn: &mut DbConnection,
    parent_id: Option<i64>,
    before_id: i64,
    limit: i64,
) -> Result<Vec<RegionView>, ApiError> {
    let query = regions::table
        .filter(regions::id.lt(before_id))
        .into_boxed();
    let query = match parent_id {
        Some(parent) => query.filter(regions::parent_id.eq(parent)),
        None => query.filter(regions::parent_id.is_null()),
    };
    let rows = query
        .order(regions::id.desc())
        .limit(limit)
        .select(RegionRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(RegionRow::view).collect())
}

pub fn insert(
    conn: &mut DbConnection,
    parent_id: Option<i64>,
    level: Level,
    name: &str,
    code: Option<&str>,
) -> Result<RegionView, ApiError> {
    let parent_path = match parent_id {
        Some(parent) => path_of(conn, parent)?,
        None => "/".to_owned(),
    };
    let id: i64 = diesel::insert_into(regions::table)
        .values((
            regions::parent_id.eq(parent_id),
            regions::level.eq(level.as_str()),
            regions::name.eq(name),
            regions::code.eq(code),
            regions::path.eq(""),
            regions::created_at.eq(now()),
        ))
        .returning(regions::id)
        .get_result(conn)?;
    let path = format!("{parent_path}{id}/");
    diesel::update(regions::table.find(id))
        .set(regions::path.eq(path))
        .execute(conn)?;
    get(conn, id)
}
