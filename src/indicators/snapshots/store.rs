//! Reading snapshots: one community's, with its rank at each level of the region tree and its
//! change against the previous period, and a region's, for roll-ups and rankings.

use super::compute::Detail;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::indicators::measure::Measure;
use crate::indicators::period::Period;
use crate::regions::Level;
use crate::schema::{
    communities, evaluation_standards as standards, indicator_snapshots as snaps, regions,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Queryable)]
pub struct SnapshotRow {
    pub id: i64,
    pub community_id: i64,
    pub standard_id: i64,
    pub code: String,
    pub version: i32,
    pub standard_name: String,
    pub period: String,
    pub composite: i64,
    pub stars: Option<i32>,
    pub eligible: bool,
    pub passed: bool,
    pub detail: String,
    pub is_final: bool,
    pub computed_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

type Columns = (
    snaps::id,
    snaps::community_id,
    snaps::standard_id,
    standards::code,
    standards::version,
    standards::name,
    snaps::period,
    snaps::composite,
    snaps::stars,
    snaps::eligible,
    snaps::passed,
    snaps::detail,
    snaps::is_final,
    snaps::computed_at,
    snaps::published_at,
);

const COLUMNS: Columns = (
    snaps::id,
    snaps::community_id,
    snaps::standard_id,
    standards::code,
    standards::version,
    standards::name,
    snaps::period,
    snaps::composite,
    snaps::stars,
    snaps::eligible,
    snaps::passed,
    snaps::detail,
    snaps::is_final,
    snaps::computed_at,
    snaps::published_at,
);

impl SnapshotRow {
    pub fn detail(&self) -> Result<Detail, ApiError> {
        serde_json::from_str(&self.detail).map_err(ApiError::internal)
    }
}

/// The standard version a snapshot was computed with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardRef {
    pub id: i64,
    pub code: String,
    pub version: i32,
    pub name: String,
}

/// A position among the communities under one region with a snapshot of the same standard
/// version and period; ties share a position.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Rank {
    pub region_id: i64,
    pub level: Level,
    pub region_name: String,
    pub position: i64,
    pub of: i64,
}

/// The change against the previous period of the same kind and standard code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Trend {
    pub previous_period: String,
    pub previous_composite: Measure,
    pub composite_change: Measure,
    pub stars_change: Option<i32>,
    pub passed_before: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SnapshotView {
    pub id: i64,
    pub community_id: i64,
    pub standard: StandardRef,
    pub period: String,
    pub composite: Measure,
    pub stars: Option<i32>,
    pub eligible: bool,
    pub passed: bool,
    /// Computed after the period ended: it no longer moves.
    #[serde(rename = "final")]
    pub is_final: bool,
    pub computed_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub detail: Detail,
    pub ranks: Vec<Rank>,
    /// `null` when the previous period was not computed.
    pub trend: Option<Trend>,
}

/// The snapshots of `community_id` for the periods `periods`, of one standard code or all.
pub fn of_community(
    conn: &mut DbConnection,
    community_id: i64,
    periods: &[String],
    code: Option<&str>,
) -> Result<Vec<SnapshotRow>, ApiError> {
    let mut query = snaps::table
        .inner_join(standards::table)
        .filter(snaps::community_id.eq(community_id))
        .filter(snaps::period.eq_any(periods.to_vec()))
        .select(COLUMNS)
        .into_boxed();
    if let Some(code) = code {
        query = query.filter(standards::code.eq(code.to_owned()));
    }
    Ok(query
        .order((standards::code.asc(), snaps::id.asc()))
        .load(conn)?)
}

/// The snapshots of one standard code and period for every community under the region at
/// `region_path`, best first (ties by community id), with the community's name.
pub fn in_region(
    conn: &mut DbConnection,
    region_path: &str,
    code: &str,
    period: &str,
) -> Result<Vec<(SnapshotRow, String)>, ApiError> {
    let rows: Vec<(SnapshotRow, String)> = snaps::table
        .inner_join(standards::table)
        .inner_join(communities::table.inner_join(regions::table))
        .filter(regions::path.like(format!("{region_path}%")))
        .filter(standards::code.eq(code))
        .filter(snaps::period.eq(period))
        .order((snaps::composite.desc(), snaps::community_id.asc()))
        .select((COLUMNS, communities::name))
        .load(conn)?;
    Ok(rows)
}

/// Competition ranking ("1224") of snapshots sorted best first: equal composites share the
/// better position.
pub fn positions(rows: &[(SnapshotRow, String)]) -> Vec<i64> {
    let mut positions = Vec::with_capacity(rows.len());
    for (i, (row, _)) in rows.iter().enumerate() {
        let shared = i > 0 && rows[i - 1].0.composite == row.composite;
        positions.push(if shared {
            positions[i - 1]
        } else {
            i as i64 + 1
        });
    }
    positions
}

/// Ranks of a snapshot under each region above its community.
fn ranks(conn: &mut DbConnection, row: &SnapshotRow) -> Result<Vec<Rank>, ApiError> {
    let path: String = communities::table
        .inner_join(regions::table)
        .filter(communities::id.eq(row.community_id))
        .select(regions::path)
        .first(conn)?;
    let ancestors: Vec<(i64, String, String, String)> = regions::table
        .filter(regions::id.eq_any(crate::roles::standing::path_ids(&path)))
        .select((regions::id, regions::level, regions::name, regions::path))
        .order(regions::path.desc())
        .load(conn)?;
    let mut ranks = Vec::new();
    for (region_id, level, region_name, region_path) in ancestors {
        let peers = || {
            snaps::table
                .inner_join(standards::table)
                .inner_join(communities::table.inner_join(regions::table))
                .filter(regions::path.like(format!("{region_path}%")))
                .filter(standards::code.eq(row.code.clone()))
                .filter(snaps::period.eq(row.period.clone()))
        };
        let of: i64 = peers().count().get_result(conn)?;
        let better: i64 = peers()
            .filter(snaps::composite.gt(row.composite))
            .count()
            .get_result(conn)?;
        ranks.push(Rank {
            region_id,
            level: Level::parse(&level).unwrap_or(Level::Street),
            region_name,
            position: better + 1,
            of,
        });
    }
    Ok(ranks)
}

/// The change against the previous period's snapshot of the same code.
fn trend(conn: &mut DbConnection, row: &SnapshotRow) -> Result<Option<Trend>, ApiError> {
    let Some(previous) = Period::parse(&row.period).map(Period::previous) else {
        return Ok(None);
    };
    let before = of_community(
        conn,
        row.community_id,
        &[previous.to_string()],
        Some(&row.code),
    )?;
    Ok(before.into_iter().next().map(|before| Trend {
        previous_period: before.period,
        previous_composite: Measure::from_raw(before.composite),
        composite_change: Measure::from_raw(row.composite - before.composite),
        stars_change: row.stars.zip(before.stars).map(|(now, then)| now - then),
        passed_before: before.passed,
    }))
}

/// The full view of a snapshot, with ranks and trend.
pub fn view(conn: &mut DbConnection, row: SnapshotRow) -> Result<SnapshotView, ApiError> {
    let ranks = ranks(conn, &row)?;
    let trend = trend(conn, &row)?;
    Ok(SnapshotView {
        id: row.id,
        community_id: row.community_id,
        detail: row.detail()?,
        standard: StandardRef {
            id: row.standard_id,
            code: row.code,
            version: row.version,
            name: row.standard_name,
        },
        period: row.period,
        composite: Measure::from_raw(row.composite),
        stars: row.stars,
        eligible: row.eligible,
        passed: row.passed,
        is_final: row.is_final,
        computed_at: row.computed_at.and_utc(),
        published_at: row.published_at.map(|p| p.and_utc()),
        ranks,
        trend,
    })
}
