//! `/communities/{id}/topics/{topic_id}/...`: the stage moves that are staff's to make.

use super::lifecycle::{self, StaffMove};
use super::view::TopicView;
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::text::ReasonRequest;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(accept)
        .service(reject)
        .service(open_discussion)
        .service(start_implementation)
        .service(close_evaluation);
}

async fn moved(
    state: &AppState,
    caller: Caller,
    path: (i64, i64),
    to: Result<StaffMove, String>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let view = state
        .db
        .write(move |conn| {
            let to = to.as_ref().map(|m| *m).map_err(String::as_str);
            lifecycle::transition(conn, &caller, path, to, clock.now())
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Accept a proposed topic (staff); a residents' topic needs its co-signers first, a 四议两公开
/// topic its branch proposal.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    security(("bearer" = [])), responses((status = 200, body = TopicView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/accept")]
async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    moved(&state, caller, path.into_inner(), Ok(StaffMove::Accept)).await
}

/// Reject a topic before it goes to a vote, with a reason everyone who reads it sees (staff).
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = TopicView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = body.into_inner().reason;
    moved(&state, caller, path.into_inner(), Err(reason)).await
}

/// Open the discussion of an accepted topic (staff); a 四议两公开 topic needs the two
/// committees' discussion recorded first.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    security(("bearer" = [])), responses((status = 200, body = TopicView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/open-discussion")]
async fn open_discussion(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    moved(
        &state,
        caller,
        path.into_inner(),
        Ok(StaffMove::OpenDiscussion),
    )
    .await
}

/// Start implementing a decided topic (staff); a 四议两公开 topic needs its resolution made
/// public first.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    security(("bearer" = [])), responses((status = 200, body = TopicView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/start-implementation")]
async fn start_implementation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    moved(
        &state,
        caller,
        path.into_inner(),
        Ok(StaffMove::StartImplementation),
    )
    .await
}

/// Close the residents' evaluation (staff): the topic is evaluated, and its timeline records
/// the ratings' count and average. A 四议两公开 topic needs its result made public first.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    security(("bearer" = [])), responses((status = 200, body = TopicView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/close-evaluation")]
async fn close_evaluation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    moved(
        &state,
        caller,
        path.into_inner(),
        Ok(StaffMove::CloseEvaluation),
    )
    .await
}
