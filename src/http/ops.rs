//! Operational endpoints: health, readiness, metrics, and the API documentation.

use super::OpenApiJson;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn documented(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

pub fn undocumented(cfg: &mut web::ServiceConfig) {
    cfg.service(metrics)
        .service(openapi_json)
        .service(docs_page);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when healthy.
    pub status: &'static str,
    pub version: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    /// `memory` or `redis`.
    pub shared_state: &'static str,
    /// With Redis configured: `up`, or `down` while this node runs on its own store. A node
    /// without Redis still serves (limits per node, caches bypassed), so it stays ready.
    pub redis: Option<&'static str>,
}

/// Liveness: the process is up and serving.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Readiness: the database answers. Redis is reported but does not decide: without it the
/// node serves on its own store until Redis returns.
#[utoipa::path(tag = "operations", responses((status = 200, body = Readiness), (status = 503, body = crate::error::Problem)))]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    state
        .db
        .run(|conn| Ok(conn.batch_execute("SELECT 1")?))
        .await?;
    let redis = state
        .kv
        .redis_up()
        .await
        .map(|up| if up { "up" } else { "down" });
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready",
        database: state.db.target().backend_name(),
        shared_state: state.kv.backend_name(),
        redis,
    }))
}

#[get("/metrics")]
async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(&state.db))
}

#[get("/api-docs/openapi.json")]
async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}

#[get("/docs")]
async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", super::security::DOCS_POLICY))
        .body(super::docs::PAGE)
}
