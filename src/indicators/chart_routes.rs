//! `/communities/{id}/indicators/charts/...`: SVG charts a committee puts on the wall: the
//! composite score's trend with the pass mark, and a radar of the dimension scores against the
//! period before.

use super::parse_period;
use super::routes::{HistoryParams, history_points, trailing};
use super::snapshots::store;
use super::standards::store as standards;
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::indicators::charts::{radar, trend};
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(trend_chart).service(radar_chart);
}

fn svg(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .body(body)
}

/// The composite score over the trailing periods, with the standard's pass mark as a dashed
/// line; gaps where a period was not computed.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Community id"), HistoryParams),
    security(("bearer" = [])),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/indicators/charts/trend.svg")]
async fn trend_chart(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<HistoryParams>,
) -> ApiResult<HttpResponse> {
    let community_id = path.into_inner();
    let query = query.into_inner();
    let periods = trailing(query.kind, query.periods, &state)?;
    let body = state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ViewIndicators,
            )?;
            let standard = standards::latest(conn, Some(&query.standard))?
                .into_iter()
                .next();
            let points = history_points(conn, community_id, &query.standard, &periods)?;
            let labels: Vec<String> = points.iter().map(|p| p.period.clone()).collect();
            let line = trend::Line {
                label: "综合得分 composite".into(),
                values: points
                    .iter()
                    .map(|p| p.composite.map(|c| c.to_f64()))
                    .collect(),
            };
            let pass = match &standard {
                Some(row) => Some(row.definition()?.pass_score.to_f64()),
                None => None,
            };
            let title = standard
                .as_ref()
                .map_or(query.standard.clone(), |s| s.name.clone());
            Ok(trend::trend_svg(
                &title,
                &labels,
                &[line],
                100.0,
                pass.map(|p| (p, "达标线 pass mark")),
            ))
        })
        .await?;
    Ok(svg(body))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RadarParams {
    pub standard: String,
    /// `2026-10`, `2026-Q4` or `2026`.
    pub period: String,
}

/// The dimension scores of a period against the period before, as a radar chart.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Community id"), RadarParams),
    security(("bearer" = [])),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/indicators/charts/radar.svg")]
async fn radar_chart(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<RadarParams>,
) -> ApiResult<HttpResponse> {
    let community_id = path.into_inner();
    let query = query.into_inner();
    let period = parse_period(&query.period)?;
    let body = state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ViewIndicators,
            )?;
            let names = [period.previous().to_string(), period.to_string()];
            let rows = store::of_community(conn, community_id, &names, Some(&query.standard))?;
            let Some(current) = rows.iter().find(|r| r.period == names[1]) else {
                return Ok(radar::radar_svg(&query.standard, &[], &[]));
            };
            let dimensions = current.detail()?.evaluation.dimensions;
            let axes: Vec<String> = dimensions.iter().map(|d| d.name.clone()).collect();
            let mut layers = vec![radar::Layer {
                label: names[1].clone(),
                values: dimensions.iter().map(|d| d.score.to_f64()).collect(),
            }];
            if let Some(before) = rows.iter().find(|r| r.period == names[0]) {
                let scores = before.detail()?.evaluation.dimensions;
                let value_of = |key: &str| {
                    scores
                        .iter()
                        .find(|s| s.key == key)
                        .map_or(0.0, |s| s.score.to_f64())
                };
                layers.push(radar::Layer {
                    label: names[0].clone(),
                    values: dimensions.iter().map(|d| value_of(&d.key)).collect(),
                });
            }
            Ok(radar::radar_svg(&current.standard_name, &axes, &layers))
        })
        .await?;
    Ok(svg(body))
}
