//! Reading and writing standards. A version, once written, is never changed: an edit is a new
//! version of the same code, so every snapshot can be explained by the version it names.

use super::definition::{CommunityKind, Definition};
use crate::db::enums::parse_text;
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::evaluation_standards as standards;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = standards)]
pub struct StandardRow {
    pub id: i64,
    pub code: String,
    pub version: i32,
    pub name: String,
    pub region_id: Option<i64>,
    pub community_kind: String,
    pub definition: String,
    pub retired: bool,
    pub created_by: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
}

impl StandardRow {
    pub fn definition(&self) -> Result<Definition, ApiError> {
        serde_json::from_str(&self.definition).map_err(ApiError::internal)
    }

    pub fn kind(&self) -> Result<CommunityKind, ApiError> {
        parse_text(&self.community_kind)
    }

    /// Whether it rates a community of `kind` placed at region path `path`, given the path of
    /// the standard's own region (none for a built-in).
    pub fn rates(&self, kind: &str, path: &str, own_region_path: Option<&str>) -> bool {
        let kind_fits =
            self.community_kind == CommunityKind::Any.as_str() || self.community_kind == kind;
        kind_fits && own_region_path.is_none_or(|own| path.starts_with(own))
    }

    pub fn view(&self) -> Result<StandardView, ApiError> {
        Ok(StandardView {
            id: self.id,
            code: self.code.clone(),
            version: self.version,
            name: self.name.clone(),
            region_id: self.region_id,
            community_kind: self.kind()?,
            retired: self.retired,
            built_in: self.region_id.is_none(),
            created_at: self.created_at.and_utc(),
            definition: self.definition()?,
        })
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardView {
    pub id: i64,
    /// Stable across versions, e.g. `hunan-2022-urban`.
    pub code: String,
    pub version: i32,
    pub name: String,
    /// The region whose communities it rates; `null` for a built-in, which rates all.
    pub region_id: Option<i64>,
    pub community_kind: CommunityKind,
    pub retired: bool,
    pub built_in: bool,
    pub created_at: DateTime<Utc>,
    pub definition: Definition,
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<StandardRow, ApiError> {
    Ok(standards::table
        .find(id)
        .select(StandardRow::as_select())
        .first(conn)?)
}

/// The newest version of every standard code (retired ones too), or of one code.
pub fn latest(conn: &mut DbConnection, code: Option<&str>) -> Result<Vec<StandardRow>, ApiError> {
    let mut query = standards::table
        .select(StandardRow::as_select())
        .into_boxed();
    if let Some(code) = code {
        query = query.filter(standards::code.eq(code.to_owned()));
    }
    let rows: Vec<StandardRow> = query
        .order((standards::code.asc(), standards::version.desc()))
        .load(conn)?;
    Ok(newest_per_code(&rows).into_iter().cloned().collect())
}

/// The first row of each code, from rows ordered by code and newest version first.
pub fn newest_per_code(rows: &[StandardRow]) -> Vec<&StandardRow> {
    let mut newest: Vec<&StandardRow> = Vec::new();
    for row in rows {
        if newest.last().is_none_or(|last| last.code != row.code) {
            newest.push(row);
        }
    }
    newest
}

/// Every version of a code, newest first.
pub fn versions(conn: &mut DbConnection, code: &str) -> Result<Vec<StandardRow>, ApiError> {
    Ok(standards::table
        .filter(standards::code.eq(code))
        .order(standards::version.desc())
        .select(StandardRow::as_select())
        .load(conn)?)
}

/// Writes the next version of `code` (version 1 when `previous` is none).
pub fn insert_version(
    conn: &mut DbConnection,
    code: &str,
    region_id: Option<i64>,
    previous: Option<&StandardRow>,
    definition: &Definition,
    created_by: i64,
) -> Result<StandardRow, ApiError> {
    let canonical = serde_json::to_string(definition).map_err(ApiError::internal)?;
    let version = previous.map_or(1, |p| p.version + 1);
    diesel::insert_into(standards::table)
        .values((
            standards::code.eq(code),
            standards::version.eq(version),
            standards::name.eq(&definition.name),
            standards::region_id.eq(region_id),
            standards::community_kind.eq(definition.community_kind.as_str()),
            standards::definition.eq(canonical),
            standards::retired.eq(false),
            standards::created_by.eq(Some(created_by)),
            standards::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(standards::table
        .filter(standards::code.eq(code))
        .filter(standards::version.eq(version))
        .select(StandardRow::as_select())
        .first(conn)?)
}

/// Retires (or reinstates) every version of `code`.
pub fn set_retired(conn: &mut DbConnection, code: &str, retired: bool) -> Result<(), ApiError> {
    diesel::update(standards::table.filter(standards::code.eq(code)))
        .set(standards::retired.eq(retired))
        .execute(conn)?;
    Ok(())
}
