//! `/communities/{id}/rectifications/...`: the cases poor ratings opened (整改), the staff
//! reply, and the rater's acceptance or rejection of it.

use super::rectification;
use super::routes::{access, page_of};
use super::store;
use super::types::{RectificationFilter, RectificationView, ReplyRequest};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiResult, Problem};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::text::ReasonRequest;
use crate::http::{Json, write_ok};
use crate::roles::Permission;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_rectifications)
        .service(list_rectifications)
        .service(reply)
        .service(accept)
        .service(reject);
}

async fn rectifications_page(
    state: &AppState,
    (caller, community_id): (Caller, i64),
    own: bool,
    filter: RectificationFilter,
) -> ApiResult<HttpResponse> {
    let query = PageQuery {
        cursor: filter.cursor.clone(),
        limit: filter.limit,
    };
    let load = move |conn: &mut DbConnection, whose, page, now| {
        store::rectifications(conn, whose, &filter, page, now)
    };
    let access = access(own, Permission::HandleRatings);
    let id_of = |r: &RectificationView| r.id;
    page_of(state, (caller, community_id), access, query, load, id_of).await
}

/// The cases my poor ratings opened, newest first.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), RectificationFilter),
    security(("bearer" = [])),
    responses((status = 200, body = Paged<RectificationView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/rectifications/mine")]
async fn my_rectifications(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<RectificationFilter>,
) -> ApiResult<HttpResponse> {
    rectifications_page(&state, (caller, id.into_inner()), true, filter.into_inner()).await
}

/// The community's rectification cases, newest first (staff), by status, or `overdue=true`
/// for those still awaiting a reply past their deadline.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), RectificationFilter),
    security(("bearer" = [])),
    responses((status = 200, body = Paged<RectificationView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/rectifications")]
async fn list_rectifications(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<RectificationFilter>,
) -> ApiResult<HttpResponse> {
    rectifications_page(
        &state,
        (caller, id.into_inner()),
        false,
        filter.into_inner(),
    )
    .await
}

/// Reply to an open case with what was done (staff); the resident then accepts or rejects it.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), ("rectification_id" = i64, Path, description = "Rectification id")),
    request_body = ReplyRequest, security(("bearer" = [])),
    responses((status = 200, body = RectificationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/rectifications/{rectification_id}/reply")]
async fn reply(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReplyRequest>,
) -> ApiResult<HttpResponse> {
    let (key, text, now) = (
        path.into_inner(),
        body.into_inner().reply,
        state.clock.now(),
    );
    write_ok(&state, move |conn| {
        rectification::reply(conn, &caller, key, &text, now)
    })
    .await
}

/// Accept the reply to my poor rating: the case is closed.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), ("rectification_id" = i64, Path, description = "Rectification id")),
    security(("bearer" = [])),
    responses((status = 200, body = RectificationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/rectifications/{rectification_id}/accept")]
async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (key, now) = (path.into_inner(), state.clock.now());
    write_ok(&state, move |conn| {
        rectification::answer(conn, &caller, key, None, now)
    })
    .await
}

/// Reject the reply to my poor rating, with a reason: the case reopens with a new deadline.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), ("rectification_id" = i64, Path, description = "Rectification id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = RectificationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/rectifications/{rectification_id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let (key, reason, now) = (
        path.into_inner(),
        body.into_inner().reason,
        state.clock.now(),
    );
    write_ok(&state, move |conn| {
        rectification::answer(conn, &caller, key, Some(&reason), now)
    })
    .await
}
