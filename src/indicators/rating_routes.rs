//! `/communities/{id}/rating`: the community's published ratings, which anyone may read
//! (居务公开): the headline figures and dimension scores, none of the detail behind them.

use super::measure::Measure;
use super::period::Period;
use super::snapshots::store;
use super::standards::scoring::DimensionScore;
use crate::error::{ApiResult, Problem};
use crate::http::{CACHE_TTL, json_bytes};
use crate::schema::{communities, indicator_snapshots as snaps};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(public_rating);
}

/// A published rating as the public sees it: no metric or manual detail.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedRating {
    pub standard_code: String,
    pub standard_name: String,
    pub period: String,
    pub composite: Measure,
    pub stars: Option<i32>,
    pub passed: bool,
    pub dimensions: Vec<DimensionScore>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicRating {
    pub community_id: i64,
    pub community_name: String,
    /// The latest published rating under each standard.
    pub ratings: Vec<PublishedRating>,
}

/// The community's published ratings (居务公开): public, no login.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Community id")),
    responses((status = 200, body = PublicRating), (status = 404, body = Problem)))]
#[get("/communities/{id}/rating")]
async fn public_rating(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let community_id = path.into_inner();
    let load = state.db.run(move |conn| {
        let community_name: String = communities::table
            .find(community_id)
            .select(communities::name)
            .first(conn)?;
        let published: Vec<String> = snaps::table
            .filter(snaps::community_id.eq(community_id))
            .filter(snaps::published_at.is_not_null())
            .select(snaps::period)
            .distinct()
            .load(conn)?;
        let mut rows = store::of_community(conn, community_id, &published, None)?;
        rows.retain(|r| r.published_at.is_some());
        // The latest period per code (a month ending with the year gives way to the year).
        let end = |period: &str| Period::parse(period).map(|p| (p.end(), p.days()));
        rows.sort_by(|a, b| {
            a.code
                .cmp(&b.code)
                .then(end(&b.period).cmp(&end(&a.period)))
        });
        rows.dedup_by(|later, first| later.code == first.code);
        let ratings = rows
            .into_iter()
            .map(|row| {
                Ok(PublishedRating {
                    dimensions: row.detail()?.evaluation.dimensions,
                    standard_code: row.code,
                    standard_name: row.standard_name,
                    period: row.period,
                    composite: Measure::from_raw(row.composite),
                    stars: row.stars,
                    passed: row.passed,
                })
            })
            .collect::<ApiResult<_>>()?;
        Ok(PublicRating {
            community_id,
            community_name,
            ratings,
        })
    });
    let body = state
        .kv
        .cached_json(community_id, "rating", CACHE_TTL, load)
        .await?;
    Ok(json_bytes(body))
}
