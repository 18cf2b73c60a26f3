//! `/communities/{id}/service-cases/...`: the service counter's cases (便民服务站办件).

use super::cases;
use super::routes::{access, page_of};
use super::types::{CaseFilter, CaseRequest, CaseView};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiResult, Problem};
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::{Json, write_ok};
use crate::roles::Permission;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record)
        .service(my_cases)
        .service(list_cases)
        .service(mark_done);
}

/// Record a case handled at the counter for a verified resident of the community (staff).
/// Once marked done, the resident may rate it.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = CaseRequest, security(("bearer" = [])),
    responses((status = 201, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/service-cases")]
async fn record(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<CaseRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let clock = state.clock.clone();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| cases::record(conn, caller, community_id, body, clock.now()),
    )
    .await
}

async fn cases_page(
    state: &AppState,
    (caller, community_id): (Caller, i64),
    own: bool,
    filter: CaseFilter,
) -> ApiResult<HttpResponse> {
    let query = PageQuery {
        cursor: filter.cursor.clone(),
        limit: filter.limit,
    };
    let load =
        move |conn: &mut DbConnection, whose, page, _| cases::list(conn, whose, &filter, page);
    let access = access(own, Permission::HandleRatings);
    page_of(
        state,
        (caller, community_id),
        access,
        query,
        load,
        |c: &CaseView| c.id,
    )
    .await
}

/// My cases at the community's service counter, newest first.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), CaseFilter),
    security(("bearer" = [])),
    responses((status = 200, body = Paged<CaseView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/service-cases/mine")]
async fn my_cases(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<CaseFilter>,
) -> ApiResult<HttpResponse> {
    cases_page(&state, (caller, id.into_inner()), true, filter.into_inner()).await
}

/// The community's counter cases, newest first (staff), by status or resident.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), CaseFilter),
    security(("bearer" = [])),
    responses((status = 200, body = Paged<CaseView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/service-cases")]
async fn list_cases(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<CaseFilter>,
) -> ApiResult<HttpResponse> {
    cases_page(
        &state,
        (caller, id.into_inner()),
        false,
        filter.into_inner(),
    )
    .await
}

/// Mark an open case done (staff): its resident may now rate it.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), ("case_id" = i64, Path, description = "Case id")),
    security(("bearer" = [])),
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/service-cases/{case_id}/done")]
async fn mark_done(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let now = state.clock.now();
    write_ok(&state, move |conn| {
        cases::mark_done(conn, &caller, key, now)
    })
    .await
}
