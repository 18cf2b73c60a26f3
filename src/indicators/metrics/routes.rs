//! `/indicator-metrics`: the catalogue of computed metrics with their formulas (public).

use super::{CATALOGUE, MetricInfo};
use actix_web::{HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_metrics);
}

#[derive(Serialize, ToSchema)]
pub struct MetricCatalogue {
    pub items: Vec<MetricInfo>,
}

/// Every metric computed from platform data, with its unit and formula. Standards cite these
/// keys (`{"metric": key}`); anything else is a manual value (`{"manual": key}`).
#[utoipa::path(tag = "indicators", responses((status = 200, body = MetricCatalogue)))]
#[get("/indicator-metrics")]
async fn list_metrics() -> HttpResponse {
    HttpResponse::Ok().json(MetricCatalogue {
        items: CATALOGUE.to_vec(),
    })
}
