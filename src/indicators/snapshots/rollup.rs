//! A region's roll-up of one standard and period: how many communities were rated, their mean
//! composite and dimension scores, how many are eligible and passed, the star counts, and the
//! ranking.

use super::store::{self, SnapshotRow};
use crate::error::ApiResult;
use crate::indicators::measure::Measure;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct RankingEntry {
    pub position: i64,
    pub community_id: i64,
    pub community_name: String,
    pub composite: Measure,
    pub stars: Option<i32>,
    pub eligible: bool,
    pub passed: bool,
    pub published: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DimensionMean {
    pub key: String,
    pub name: String,
    pub mean: Measure,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StarCount {
    pub stars: i32,
    pub communities: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionDashboard {
    pub region_id: i64,
    pub period: String,
    pub standard: String,
    /// Communities below with a snapshot of this standard and period.
    pub communities_rated: i64,
    pub mean_composite: Option<Measure>,
    pub eligible: i64,
    pub passed: i64,
    pub stars: Vec<StarCount>,
    pub dimensions: Vec<DimensionMean>,
    /// Every rated community, best first; ties share a position. At most 1,000 (a district).
    pub ranking: Vec<RankingEntry>,
}

const RANKING_LIMIT: usize = 1000;

pub fn roll_up(
    region_id: i64,
    period: String,
    standard: String,
    rows: Vec<(SnapshotRow, String)>,
) -> ApiResult<RegionDashboard> {
    let rated = rows.len() as i64;
    let total: i64 = rows.iter().map(|(r, _)| r.composite).sum();
    let mut stars: Vec<StarCount> = Vec::new();
    // Key, name, sum of scores and how many communities have the dimension (versions of a
    // standard may differ in their dimensions).
    let mut dimensions: Vec<(String, String, i64, i64)> = Vec::new();
    for (row, _) in &rows {
        if let Some(s) = row.stars {
            match stars.iter_mut().find(|c| c.stars == s) {
                Some(count) => count.communities += 1,
                None => stars.push(StarCount {
                    stars: s,
                    communities: 1,
                }),
            }
        }
        for dimension in row.detail()?.evaluation.dimensions {
            match dimensions
                .iter_mut()
                .find(|(key, ..)| *key == dimension.key)
            {
                Some(sum) => (sum.2, sum.3) = (sum.2 + dimension.score.raw(), sum.3 + 1),
                None => dimensions.push((dimension.key, dimension.name, dimension.score.raw(), 1)),
            }
        }
    }
    stars.sort_by_key(|c| c.stars);
    let positions = store::positions(&rows);
    let ranking = rows
        .iter()
        .zip(positions)
        .take(RANKING_LIMIT)
        .map(|((row, name), position)| RankingEntry {
            position,
            community_id: row.community_id,
            community_name: name.clone(),
            composite: Measure::from_raw(row.composite),
            stars: row.stars,
            eligible: row.eligible,
            passed: row.passed,
            published: row.published_at.is_some(),
        })
        .collect();
    Ok(RegionDashboard {
        region_id,
        period,
        standard,
        communities_rated: rated,
        mean_composite: Measure::from_raw(total).scaled(1, rated),
        eligible: rows.iter().filter(|(r, _)| r.eligible).count() as i64,
        passed: rows.iter().filter(|(r, _)| r.passed).count() as i64,
        stars,
        dimensions: dimensions
            .into_iter()
            .map(|(key, name, sum, count)| DimensionMean {
                key,
                name,
                mean: Measure::from_raw(sum).scaled(1, count).unwrap_or_default(),
            })
            .collect(),
        ranking,
    })
}
