//! `/communities/{id}/points/...`: staff adjustments, family gifts and expiry runs.

use super::adjustments::{self, AdjustmentRequest, AdjustmentView, Status};
use super::expiry::{self, ExpiryRun};
use super::gifts::{self, GiftRequest, GiftView};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::text::ReasonRequest;
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_adjustments)
        .service(request_adjustment)
        .service(approve_adjustment)
        .service(reject_adjustment)
        .service(give_gift)
        .service(run_expiry);
    super::settings::routes(cfg);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdjustmentFilter {
    pub status: Option<Status>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// Adjustments of the community, newest first; `status=pending` lists those awaiting approval.
#[utoipa::path(tag = "points", params(("id" = i64, Path, description = "Community id"), AdjustmentFilter), security(("bearer" = [])),
    responses((status = 200, body = Paged<AdjustmentView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/points/adjustments")]
async fn list_adjustments(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<AdjustmentFilter>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let query = query.into_inner();
    let page = PageQuery {
        cursor: query.cursor,
        limit: query.limit,
    }
    .page()?;
    let rows = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::ViewLedger)?;
            let rows = adjustments::list(conn, community_id, query.status, page)?;
            Ok(Paged::from_rows(rows, page, |a| a.id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Credit or debit someone's points by hand, with a reason. Posted at once up to the
/// community's approval threshold; above it, `pending` until a second staff member approves.
/// Refused past the staff member's daily limit, and for one's own account.
#[utoipa::path(tag = "points", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = AdjustmentRequest, security(("bearer" = [])),
    responses((status = 201, body = AdjustmentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/points/adjustments")]
async fn request_adjustment(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<AdjustmentRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| adjustments::request(conn, caller, community_id, body),
    )
    .await
}

/// Approve another staff member's pending adjustment, which posts it to the ledger.
#[utoipa::path(tag = "points", params(("id" = i64, Path, description = "Community id"), ("adjustment_id" = i64, Path, description = "Adjustment id")),
    security(("bearer" = [])), responses((status = 200, body = AdjustmentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/points/adjustments/{adjustment_id}/approve")]
async fn approve_adjustment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, adjustment_id) = path.into_inner();
    let approved = state
        .db
        .write(move |conn| adjustments::approve(conn, &caller, community_id, adjustment_id))
        .await?;
    Ok(HttpResponse::Ok().json(approved))
}

/// Reject a pending adjustment with a reason.
#[utoipa::path(tag = "points", params(("id" = i64, Path, description = "Community id"), ("adjustment_id" = i64, Path, description = "Adjustment id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = AdjustmentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/points/adjustments/{adjustment_id}/reject")]
async fn reject_adjustment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, adjustment_id) = path.into_inner();
    let reason = body.into_inner().reason;
    let rejected = state
        .db
        .write(move |conn| {
            adjustments::reject(conn, &caller, community_id, adjustment_id, reason.trim())
        })
        .await?;
    Ok(HttpResponse::Ok().json(rejected))
}

/// Give points or time credits to a family member verified in the same household, within the
/// community's monthly limit.
#[utoipa::path(tag = "points", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = GiftRequest, security(("bearer" = [])),
    responses((status = 201, body = GiftView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/points/gifts")]
async fn give_gift(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<GiftRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| gifts::give(conn, caller, community_id, body),
    )
    .await
}

/// Expire lapsed points now (the daily job does the same); a second run finds nothing.
#[utoipa::path(tag = "points", params(("id" = i64, Path, description = "Community id")), security(("bearer" = [])),
    responses((status = 200, body = ExpiryRun), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[post("/communities/{id}/points/expiry-runs")]
async fn run_expiry(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let run = state
        .db
        .write(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ManagePointSettings,
            )?;
            expiry::expire_community(
                conn,
                community_id,
                Some(caller.actor_id()),
                crate::db::now(),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(run))
}
