//! Indicators and community ratings (DOMAIN.md section 8): evaluation standards as versioned
//! data, metrics computed from everything residents do, manual values with evidence and
//! approval, per-period snapshots with scores, stars, hard thresholds and ranks, and the views
//! staff, region admins and the public read them through.
//!
//! Where to find an endpoint:
//! - `/indicator-metrics`: `metrics::routes`
//! - `/evaluation-standards`, `/regions/{id}/evaluation-standards`: `standards::routes`
//! - `/communities/{id}/manual-indicators`: `manual::routes`
//! - `/communities/{id}/indicators`: `routes`; `/communities/{id}/rating`: `rating_routes`
//! - `/communities/{id}/indicators/charts/...`: `chart_routes`
//! - `/regions/{id}/indicators`, `/regions/{id}/nominations.csv`: `region_routes`

pub mod chart_routes;
pub mod charts;
pub mod manual;
pub mod measure;
pub mod metrics;
pub mod nomination;
pub mod period;
pub mod rating_routes;
pub mod region_routes;
pub mod routes;
pub mod schedule;
pub mod snapshots;
pub mod standards;

use crate::error::ApiError;
use period::Period;

/// Every indicator route.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    metrics::routes::routes(cfg);
    standards::routes::routes(cfg);
    manual::routes::routes(cfg);
    routes::routes(cfg);
    rating_routes::routes(cfg);
    chart_routes::routes(cfg);
    region_routes::routes(cfg);
}

/// A period named in a request (422 on `period` when it is not one).
pub fn parse_period(text: &str) -> Result<Period, ApiError> {
    Period::parse(text).ok_or_else(|| ApiError::invalid_field("period", "invalid_period"))
}
