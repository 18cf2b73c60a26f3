//! `/communities/{id}/votes/{vote_id}/paper-batches/...`: paper ballots from a meeting,
//! entered by one officer and confirmed by a second.

use super::ballots;
use super::paper::{self, PaperBatchRequest, PaperBatchView, PaperTally};
use super::store::{self, VoteRow};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::Json;
use crate::http::text::ReasonRequest;
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(enter)
        .service(list)
        .service(confirm)
        .service(reject);
}

/// The open vote, for an officer holding `ManageVotes`.
fn officer_vote(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, vote_id): (i64, i64),
    at: NaiveDateTime,
) -> Result<VoteRow, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageVotes)?;
    let vote = store::find(conn, community_id, vote_id)?;
    ballots::hold_open(conn, vote, at)
}

/// Enter a batch of paper ballots from a meeting (staff): who handed one in, and the count
/// per choice. Nothing is counted until a second officer confirms it.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    request_body = PaperBatchRequest, security(("bearer" = [])),
    responses((status = 201, body = PaperBatchView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/votes/{vote_id}/paper-batches")]
async fn enter(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<PaperBatchRequest>,
) -> ApiResult<HttpResponse> {
    let (ids, body, at) = (path.into_inner(), body.into_inner(), state.clock.now());
    let view = state
        .db
        .write(move |conn| {
            let vote = officer_vote(conn, &caller, ids, at)?;
            paper::enter(conn, &caller, &vote, &body, at)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The vote's paper batches (staff).
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    security(("bearer" = [])), responses((status = 200, body = Vec<PaperBatchView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/votes/{vote_id}/paper-batches")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, vote_id) = path.into_inner();
    let batches = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::ManageVotes)?;
            let vote = store::find(conn, community_id, vote_id)?;
            paper::list(conn, &vote)
        })
        .await?;
    Ok(HttpResponse::Ok().json(batches))
}

/// Confirm a batch with a second, independent count (another officer). Applied only if the
/// counts agree; 409 `counts_differ` otherwise, and the batch stays pending.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id"), ("batch_id" = i64, Path, description = "Batch id")),
    request_body = PaperTally, security(("bearer" = [])),
    responses((status = 200, body = PaperBatchView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/votes/{vote_id}/paper-batches/{batch_id}/confirm")]
async fn confirm(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
    body: Json<PaperTally>,
) -> ApiResult<HttpResponse> {
    let ((community_id, vote_id, batch_id), body, at) =
        (path.into_inner(), body.into_inner(), state.clock.now());
    let view = state
        .db
        .write(move |conn| {
            let vote = officer_vote(conn, &caller, (community_id, vote_id), at)?;
            let batch = paper::find(conn, &vote, batch_id)?;
            paper::confirm(conn, &caller, &vote, &batch, &body, at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Reject a pending batch (staff), with a reason; it can be entered again correctly.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id"), ("batch_id" = i64, Path, description = "Batch id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = PaperBatchView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/votes/{vote_id}/paper-batches/{batch_id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let ((community_id, vote_id, batch_id), at) = (path.into_inner(), state.clock.now());
    let reason = body.into_inner().reason.trim().to_owned();
    let view = state
        .db
        .write(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::ManageVotes)?;
            let vote = store::find(conn, community_id, vote_id)?;
            let batch = paper::find(conn, &vote, batch_id)?;
            paper::reject(conn, &caller, &vote, &batch, &reason, at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
