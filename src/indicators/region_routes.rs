//! `/regions/{id}/indicators`: the region admin's view of every community below, with
//! roll-ups and the ranking; computing the region on demand; publishing a period's ratings;
//! and `/regions/{id}/nominations.csv`, the annual nomination list.

use super::parse_period;
use super::snapshots::compute::{self, Report};
use super::snapshots::plan::Scope;
use super::snapshots::rollup::{RegionDashboard, roll_up};
use super::snapshots::store;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::http::Json;
use crate::roles::standing;
use crate::schema::indicator_snapshots as snaps;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(region_dashboard)
        .service(compute_region)
        .service(publish)
        .service(nominations);
}

/// The region's path, for a caller who administers it (404 for a missing region, 403 else).
fn administered(conn: &mut DbConnection, caller: &Caller, region_id: i64) -> ApiResult<String> {
    standing::require_region_admin(conn, caller.user_id, region_id)?;
    crate::regions::store::path_of(conn, region_id)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// `2026-10`, `2026-Q4` or `2026`.
    pub period: String,
    /// The standard's code, e.g. `hunan-2022-urban`.
    pub standard: String,
}

/// A region's roll-up for one standard and period: how many communities were rated, their
/// mean composite and dimension scores, how many are eligible and passed, the star counts, and
/// the ranking (its admins).
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Region id"), RegionQuery),
    security(("bearer" = [])),
    responses((status = 200, body = RegionDashboard), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/regions/{id}/indicators")]
async fn region_dashboard(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<RegionQuery>,
) -> ApiResult<HttpResponse> {
    let (region_id, query) = (path.into_inner(), query.into_inner());
    let period = parse_period(&query.period)?.to_string();
    let view = state
        .db
        .run(move |conn| {
            let region_path = administered(conn, &caller, region_id)?;
            let rows = store::in_region(conn, &region_path, &query.standard, &period)?;
            roll_up(region_id, period, query.standard, rows)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionCompute {
    /// `2026-10`, `2026-Q4` or `2026`.
    pub period: String,
    #[serde(default)]
    pub recompute: bool,
}

/// Computes the period now for every community below the region (its admins).
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Region id"), RegionCompute),
    security(("bearer" = [])),
    responses((status = 200, body = Report), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/regions/{id}/indicators/compute")]
async fn compute_region(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<RegionCompute>,
) -> ApiResult<HttpResponse> {
    let region_id = path.into_inner();
    let period = parse_period(&query.period)?;
    let (recompute, at) = (query.recompute, state.clock.now());
    let report = state
        .db
        .run(move |conn| {
            administered(conn, &caller, region_id)?;
            compute::run(
                conn,
                period,
                Scope::Region(region_id),
                recompute,
                at,
                &(&caller).into(),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// A closed period: `2026`, `2026-Q4` or `2026-10`.
    pub period: String,
    pub standard: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Published {
    pub published: usize,
}

/// Publishes the final ratings of a closed period for every community below the region
/// (公示): from then on each community's public page shows it. 409 while the period is open.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Region id")),
    security(("bearer" = [])),
    responses((status = 200, body = Published), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/regions/{id}/indicators/publish")]
async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: Json<Publication>,
) -> ApiResult<HttpResponse> {
    let (region_id, request) = (path.into_inner(), body.into_inner());
    let period = parse_period(&request.period)?;
    let closed = period.is_closed(state.clock.now());
    let published = state
        .db
        .write(move |conn| {
            let region_path = administered(conn, &caller, region_id)?;
            if !closed {
                return Err(
                    ApiError::conflict(Code::InvalidState).with_field("period", "not_closed")
                );
            }
            let rows =
                store::in_region(conn, &region_path, &request.standard, &period.to_string())?;
            let ids: Vec<i64> = rows
                .iter()
                .filter(|(r, _)| r.is_final && r.published_at.is_none())
                .map(|(r, _)| r.id)
                .collect();
            diesel::update(snaps::table.filter(snaps::id.eq_any(&ids)))
                .set((
                    snaps::published_at.eq(Some(now())),
                    snaps::published_by.eq(Some(caller.user_id)),
                ))
                .execute(conn)?;
            let change = Change::in_region(
                region_id,
                "indicators.published",
                "indicator_snapshots",
                format!("{}/{}", request.standard, period),
            );
            audit::record(
                conn,
                &(&caller).into(),
                change.after(&serde_json::json!({"snapshots": ids})),
            )?;
            Ok(Published {
                published: ids.len(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(published))
}

/// The annual nomination list (county recommends → province reviews → public notice) as CSV:
/// the communities below meeting every hard threshold, best first, with their dimension
/// scores. UTF-8 with a byte-order mark, for Excel.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Region id"), RegionQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/regions/{id}/nominations.csv")]
async fn nominations(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<RegionQuery>,
) -> ApiResult<HttpResponse> {
    let (region_id, query) = (path.into_inner(), query.into_inner());
    let period = parse_period(&query.period)?;
    if period.kind != super::period::PeriodKind::Year {
        return Err(ApiError::invalid_field("period", "not_a_year"));
    }
    let file = state
        .db
        .run(move |conn| {
            let region_path = administered(conn, &caller, region_id)?;
            let mut rows =
                store::in_region(conn, &region_path, &query.standard, &period.to_string())?;
            rows.retain(|(r, _)| r.eligible);
            super::nomination::csv(&rows)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"nominations-{region_id}-{period}.csv\""),
        ))
        .body(file))
}
