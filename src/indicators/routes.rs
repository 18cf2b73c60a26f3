//! `/communities/{id}/indicators`: the staff dashboard of a period, computing on demand, and
//! the history behind a trend.

use super::parse_period;
use super::period::{Period, PeriodKind};
use super::snapshots::compute::{self, Report};
use super::snapshots::plan::Scope;
use super::snapshots::store::{self, SnapshotView};
use super::standards::scoring::DimensionScore;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Problem};
use crate::indicators::measure::Measure;
use crate::roles::{Permission, Role, standing};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(dashboard).service(compute_now).service(history);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParam {
    /// `2026-10`, `2026-Q4` or `2026`; omitted, the current month.
    pub period: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub community_id: i64,
    pub period: String,
    /// The period has ended.
    pub closed: bool,
    /// One per standard rating the community, as last computed; empty until computed.
    pub snapshots: Vec<SnapshotView>,
}

fn period_or_current(text: Option<&str>, state: &AppState) -> Result<Period, ApiError> {
    match text {
        Some(text) => parse_period(text),
        None => Ok(Period::containing(PeriodKind::Month, state.clock.now())),
    }
}

fn dashboard_of(
    conn: &mut DbConnection,
    community_id: i64,
    period: Period,
    closed: bool,
) -> ApiResult<Dashboard> {
    let rows = store::of_community(conn, community_id, &[period.to_string()], None)?;
    let snapshots = rows
        .into_iter()
        .map(|row| store::view(conn, row))
        .collect::<ApiResult<_>>()?;
    Ok(Dashboard {
        community_id,
        period: period.to_string(),
        closed,
        snapshots,
    })
}

/// The community's figures for a period under every standard rating it: indicator values and
/// scores, dimension scores, composite, stars, hard thresholds with reasons, every platform
/// metric, ranks within street, district and city, and the change against the period before.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Community id"), PeriodParam),
    security(("bearer" = [])),
    responses((status = 200, body = Dashboard), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/indicators")]
async fn dashboard(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<PeriodParam>,
) -> ApiResult<HttpResponse> {
    let community_id = path.into_inner();
    let period = period_or_current(query.period.as_deref(), &state)?;
    let closed = period.is_closed(state.clock.now());
    let view = state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ViewIndicators,
            )?;
            dashboard_of(conn, community_id, period, closed)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComputeParams {
    /// `2026-10`, `2026-Q4` or `2026`.
    pub period: String,
    /// Recompute a closed period already computed, with the standard version it used (region
    /// and platform admins; published figures are never rewritten).
    #[serde(default)]
    pub recompute: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Computed {
    pub report: Report,
    pub dashboard: Dashboard,
}

/// Computes the period now for this community and answers the dashboard.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Community id"), ComputeParams),
    security(("bearer" = [])),
    responses((status = 200, body = Computed), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/indicators/compute")]
async fn compute_now(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<ComputeParams>,
) -> ApiResult<HttpResponse> {
    let community_id = path.into_inner();
    let period = parse_period(&query.period)?;
    let (recompute, at) = (query.recompute, state.clock.now());
    let computed = state
        .db
        .run(move |conn| {
            let standing = standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ComputeIndicators,
            )?;
            // Redoing a closed period is for the region that rates communities, not for the
            // community rated.
            if recompute {
                standing.require_any(&[Role::PlatformAdmin, Role::RegionAdmin])?;
            }
            let actor = (&caller).into();
            let report = compute::run(
                conn,
                period,
                Scope::Community(community_id),
                recompute,
                at,
                &actor,
            )?;
            let view = dashboard_of(conn, community_id, period, period.is_closed(at))?;
            Ok(Computed {
                report,
                dashboard: view,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(computed))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// The standard's code, e.g. `hunan-2022-urban`.
    pub standard: String,
    /// `month` (default), `quarter` or `year`.
    #[param(inline)]
    pub kind: Option<PeriodKind>,
    /// How many periods back from the current one, 1 to 36 (default 12).
    pub periods: Option<usize>,
}

/// One period of a history: `null` figures where it was not computed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryPoint {
    pub period: String,
    pub composite: Option<Measure>,
    pub stars: Option<i32>,
    pub passed: Option<bool>,
    pub dimensions: Vec<DimensionScore>,
}

pub fn history_points(
    conn: &mut DbConnection,
    community_id: i64,
    code: &str,
    periods: &[Period],
) -> ApiResult<Vec<HistoryPoint>> {
    let names: Vec<String> = periods.iter().map(Period::to_string).collect();
    let rows = store::of_community(conn, community_id, &names, Some(code))?;
    names
        .into_iter()
        .map(|period| {
            let Some(row) = rows.iter().find(|r| r.period == period) else {
                return Ok(HistoryPoint {
                    period,
                    composite: None,
                    stars: None,
                    passed: None,
                    dimensions: vec![],
                });
            };
            Ok(HistoryPoint {
                dimensions: row.detail()?.evaluation.dimensions,
                composite: Some(Measure::from_raw(row.composite)),
                stars: row.stars,
                passed: Some(row.passed),
                period,
            })
        })
        .collect()
}

/// The trailing periods to show, from query parameters (422 beyond 36).
pub fn trailing(
    kind: Option<PeriodKind>,
    count: Option<usize>,
    state: &AppState,
) -> ApiResult<Vec<Period>> {
    let count = count.unwrap_or(12);
    if !(1..=36).contains(&count) {
        return Err(ApiError::invalid_field("periods", "range"));
    }
    let current = Period::containing(kind.unwrap_or(PeriodKind::Month), state.clock.now());
    Ok(current.trailing(count))
}

/// The composite and dimension scores of one standard over the trailing periods, oldest first.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Community id"), HistoryParams),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<HistoryPoint>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/indicators/history")]
async fn history(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<HistoryParams>,
) -> ApiResult<HttpResponse> {
    let community_id = path.into_inner();
    let query = query.into_inner();
    let periods = trailing(query.kind, query.periods, &state)?;
    let points = state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ViewIndicators,
            )?;
            history_points(conn, community_id, &query.standard, &periods)
        })
        .await?;
    Ok(HttpResponse::Ok().json(points))
}
