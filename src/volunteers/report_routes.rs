//! Reports over volunteers' service: the community's leaderboards and the anomaly flags.

use super::anomalies::{self, Anomalies};
use super::leaderboards::{self, Leaderboard, LeaderboardQuery};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::{CACHE_TTL, json_bytes};
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(leaderboard).service(list_anomalies);
}

/// The community's leaderboard by service hours or by points earned for service, for a month
/// (Beijing time) or all time. Spending points never lowers a place. Equal values share a rank.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), LeaderboardQuery), security(("bearer" = [])),
    responses((status = 200, body = Leaderboard), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/leaderboards")]
async fn leaderboard(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<LeaderboardQuery>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let request = query.request()?;
    state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::Volunteer)
        })
        .await?;
    let name = request.cache_name();
    let load = state
        .db
        .run(move |conn| leaderboards::rank(conn, community_id, &request));
    let body = state
        .kv
        .cached_json(community_id, &name, CACHE_TTL, load)
        .await?;
    Ok(json_bytes(body))
}

/// Patterns worth a look (staff): back-fill spikes and people who keep crediting each other,
/// with the figures and thresholds behind each flag.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id")), security(("bearer" = [])),
    responses((status = 200, body = Anomalies), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/volunteers/anomalies")]
async fn list_anomalies(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let found = state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ManageVolunteers,
            )?;
            anomalies::find(conn, community_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(found))
}
