//! `/communities/{id}/wishes/{wish_id}/...`: claiming, releasing, fulfilling, confirming, and
//! the message thread between requester and claimant.

use super::claims::{self, ClaimRequest, Fulfilment};
use super::confirmation::{self, Confirmation};
use super::messages::{self, MessageRequest, MessageView};
use super::types::WishView;
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(claim)
        .service(release)
        .service(fulfil)
        .service(confirm)
        .service(list_messages)
        .service(post_message);
}

/// Claim a published wish, as oneself (volunteer or donor) or for a team or organisation one
/// belongs to. Exactly one claim is live at a time: 409 if someone was first.
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = ClaimRequest, security(("bearer" = [])),
    responses((status = 201, body = WishView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/wishes/{wish_id}/claim")]
async fn claim(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<ClaimRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, wish_id) = path.into_inner();
    let clock = state.clock.clone();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| {
            claims::claim(conn, caller, community_id, wish_id, body, clock.now())
        },
    )
    .await
}

/// Give a claimed wish back (the claimant, or staff); it is published again.
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id")),
    security(("bearer" = [])), responses((status = 200, body = WishView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/wishes/{wish_id}/release")]
async fn release(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, wish_id) = path.into_inner();
    let clock = state.clock.clone();
    let view = state
        .db
        .write(move |conn| claims::release(conn, &caller, community_id, wish_id, clock.now()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Report the wish fulfilled (the claimant), with a note and optionally a photo reference.
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = Fulfilment, security(("bearer" = [])),
    responses((status = 200, body = WishView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/wishes/{wish_id}/fulfil")]
async fn fulfil(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<Fulfilment>,
) -> ApiResult<HttpResponse> {
    let (community_id, wish_id) = path.into_inner();
    let clock = state.clock.clone();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::OK,
        move |conn, caller, body| {
            claims::fulfil(conn, caller, community_id, wish_id, body, clock.now())
        },
    )
    .await
}

/// Confirm and rate a fulfilled wish (the requester; staff for a requester without a phone).
/// The fulfiller earns the category's points, once.
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = Confirmation, security(("bearer" = [])),
    responses((status = 200, body = WishView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/wishes/{wish_id}/confirm")]
async fn confirm(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<Confirmation>,
) -> ApiResult<HttpResponse> {
    let (community_id, wish_id) = path.into_inner();
    let clock = state.clock.clone();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::OK,
        move |conn, caller, body| {
            confirmation::confirm(conn, caller, community_id, wish_id, body, clock.now())
        },
    )
    .await
}

/// The thread between requester and claimant (and staff), newest first.
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id"), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<MessageView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/wishes/{wish_id}/messages")]
async fn list_messages(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (community_id, wish_id) = path.into_inner();
    let page = page.page()?;
    let rows = state
        .db
        .run(move |conn| messages::list(conn, &caller, community_id, wish_id, page))
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |m| m.id)))
}

/// Write in the thread (requester, live claimant, staff).
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id")),
    request_body = MessageRequest, security(("bearer" = [])),
    responses((status = 201, body = MessageView), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/wishes/{wish_id}/messages")]
async fn post_message(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<MessageRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, wish_id) = path.into_inner();
    let text = body.into_inner().body;
    let clock = state.clock.clone();
    let view = state
        .db
        .write(move |conn| messages::post(conn, &caller, community_id, wish_id, &text, clock.now()))
        .await?;
    Ok(HttpResponse::Created().json(view))
}
