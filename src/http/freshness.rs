//! Keeps cached reads fresh: a successful write under `/communities/{id}` retires that
//! community's cached reads on every node, and one under `/regions` (publishing ratings
//! across a region, for instance) retires all of them. It runs after the handler, so after
//! the write has committed; a write elsewhere (a display name) shows in cached reads once
//! their short lifetime is over.

use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

/// How long a cached read may be served; writes through the API retire it sooner.
pub const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(60);

pub async fn invalidate_after_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(req).await?;
    let (Some(state), true) = (state, writes && response.status().is_success()) else {
        return Ok(response);
    };
    let request = response.request();
    let pattern = request.match_pattern().unwrap_or_default();
    let scope = if pattern.starts_with("/api/v1/communities/{id}") {
        request
            .match_info()
            .get("id")
            .and_then(|id| id.parse().ok())
    } else if pattern.starts_with("/api/v1/regions/") {
        None
    } else {
        return Ok(response);
    };
    if let Err(error) = state.kv.invalidate(scope).await {
        tracing::error!(?error, "cannot invalidate cached reads");
    }
    Ok(response)
}
