//! Which snapshots a computation writes: for each community in scope, each standard that rates
//! it, with the version to use. A closed period already computed is left alone unless asked
//! to recompute, and is then recomputed with the version it was computed with, so the figures
//! come out the same; everything else uses the newest version. Published snapshots are never
//! rewritten.

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::indicators::period::Period;
use crate::indicators::standards::store::StandardRow;
use crate::schema::{
    communities, evaluation_standards as standards, indicator_snapshots as snaps, regions,
};
use diesel::prelude::*;
use std::collections::HashMap;

/// Which communities a computation covers.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    All,
    Community(i64),
    /// Every community under the region.
    Region(i64),
}

/// A community and its place in the region tree.
#[derive(Debug, Clone, Queryable)]
pub struct Place {
    pub community_id: i64,
    pub kind: String,
    pub region_path: String,
}

/// One snapshot to write.
pub struct Task {
    pub community_id: i64,
    pub standard: StandardRow,
}

pub fn places(conn: &mut DbConnection, scope: Scope) -> Result<Vec<Place>, ApiError> {
    let query = communities::table
        .inner_join(regions::table)
        .select((communities::id, communities::kind, regions::path))
        .order(communities::id.asc())
        .into_boxed();
    let query = match scope {
        Scope::All => query,
        Scope::Community(id) => query.filter(communities::id.eq(id)),
        Scope::Region(id) => {
            let path = crate::regions::store::path_of(conn, id)?;
            query.filter(regions::path.like(format!("{path}%")))
        }
    };
    Ok(query.load(conn)?)
}

#[derive(Queryable)]
struct Existing {
    community_id: i64,
    standard_id: i64,
    is_final: bool,
    published: bool,
}

/// The snapshots to write for `places` in `period`.
pub fn tasks(
    conn: &mut DbConnection,
    places: &[Place],
    period: Period,
    recompute: bool,
) -> Result<Vec<Task>, ApiError> {
    let all: Vec<StandardRow> = standards::table
        .select(StandardRow::as_select())
        .order((standards::code.asc(), standards::version.desc()))
        .load(conn)?;
    let by_id: HashMap<i64, &StandardRow> = all.iter().map(|s| (s.id, s)).collect();
    let region_paths: HashMap<i64, String> = regions::table
        .filter(regions::id.eq_any(all.iter().filter_map(|s| s.region_id).collect::<Vec<_>>()))
        .select((regions::id, regions::path))
        .load(conn)?
        .into_iter()
        .collect();
    let newest = crate::indicators::standards::store::newest_per_code(&all);
    let ids: Vec<i64> = places.iter().map(|p| p.community_id).collect();
    let mut existing: HashMap<(i64, String), Existing> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<Existing> = snaps::table
            .filter(snaps::community_id.eq_any(chunk))
            .filter(snaps::period.eq(period.to_string()))
            .select((
                snaps::community_id,
                snaps::standard_id,
                snaps::is_final,
                snaps::published_at.is_not_null(),
            ))
            .load(conn)?;
        for row in rows {
            if let Some(standard) = by_id.get(&row.standard_id) {
                existing.insert((row.community_id, standard.code.clone()), row);
            }
        }
    }
    let mut tasks = Vec::new();
    for place in places {
        for standard in newest.iter().filter(|s| !s.retired) {
            let own_path = standard
                .region_id
                .and_then(|r| region_paths.get(&r))
                .map(String::as_str);
            if standard.region_id.is_some() && own_path.is_none() {
                continue;
            }
            if !standard.rates(&place.kind, &place.region_path, own_path) {
                continue;
            }
            let found = existing.get(&(place.community_id, standard.code.clone()));
            let version = match found {
                // Published figures are the public record: never rewritten.
                Some(done) if done.published => continue,
                Some(done) if done.is_final && !recompute => continue,
                Some(done) if done.is_final => {
                    by_id.get(&done.standard_id).copied().unwrap_or(standard)
                }
                _ => standard,
            };
            tasks.push(Task {
                community_id: place.community_id,
                standard: version.clone(),
            });
        }
    }
    Ok(tasks)
}
