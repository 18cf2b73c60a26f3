//! `/communities/{id}/fund/...`: the charity fund's public statement and list, donations, and
//! disbursements with their two approvals.

use super::approval;
use super::disbursements::{self, DisbursementRequest, DisbursementView, Status};
use super::donations::{self, DonationRequest, DonationView};
use super::entries::{self, FundEntry};
use super::statement::{self, FundStatement};
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
    cfg.service(fund_statement)
        .service(fund_entries)
        .service(record_donation)
        .service(list_disbursements)
        .service(request_disbursement)
        .service(approve_disbursement)
        .service(reject_disbursement);
}

/// The fund's totals, for anyone, without logging in: money donated and disbursed and the
/// balance (from the ledger), the estimated value of donated goods, and counts.
#[utoipa::path(tag = "fund", params(("id" = i64, Path, description = "Community id")),
    responses((status = 200, body = FundStatement), (status = 404, body = Problem)))]
#[get("/communities/{id}/fund/statement")]
async fn fund_statement(state: web::Data<AppState>, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let statement = state
        .db
        .run(move |conn| statement::statement(conn, community_id))
        .await?;
    Ok(HttpResponse::Ok().json(statement))
}

/// The fund's public list, newest first, without logging in: donations (anonymous donors as
/// 匿名, with no name or id) and disbursements once paid out, with what they paid for.
#[utoipa::path(tag = "fund", params(("id" = i64, Path, description = "Community id"), PageQuery),
    responses((status = 200, body = Paged<FundEntry>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/fund/entries")]
async fn fund_entries(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let PageQuery { cursor, limit } = page.into_inner();
    // Only the limit is checked here: this list's cursor is its own (time, kind and id).
    let limit = PageQuery {
        cursor: None,
        limit,
    }
    .page()?
    .limit;
    let (items, next_cursor) = state
        .db
        .run(move |conn| entries::entries(conn, community_id, cursor.as_deref(), limit))
        .await?;
    Ok(HttpResponse::Ok().json(Paged { items, next_cursor }))
}

/// Record a donation (staff): money goes into the fund through the ledger; goods are kept
/// with their estimated value. The donor is `donor_user_id` (a person on the platform),
/// `donor_organisation_id` or `donor_name`, as `donor_kind` allows.
#[utoipa::path(tag = "fund", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = DonationRequest, security(("bearer" = [])),
    responses((status = 201, body = DonationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/fund/donations")]
async fn record_donation(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<DonationRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| donations::record(conn, caller, community_id, body),
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisbursementFilter {
    /// `pending` lists those awaiting an approval.
    pub status: Option<Status>,
}

/// The community's disbursements, newest first, with who requested and approved each (staff).
#[utoipa::path(tag = "fund", params(("id" = i64, Path, description = "Community id"), DisbursementFilter, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<DisbursementView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/fund/disbursements")]
async fn list_disbursements(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<DisbursementFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (community_id, status, page) = (id.into_inner(), filter.status, page.page()?);
    let rows = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::ManageFund)?;
            disbursements::list(conn, community_id, status, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |d| d.id)))
}

/// Ask for money for a wish or a project of the community (staff); it stays `pending` until
/// two different staff members approve it. 422 `not_found` for a wish or project elsewhere.
#[utoipa::path(tag = "fund", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = DisbursementRequest, security(("bearer" = [])),
    responses((status = 201, body = DisbursementView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/fund/disbursements")]
async fn request_disbursement(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<DisbursementRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| approval::request(conn, caller, community_id, body),
    )
    .await
}

/// Approve a pending disbursement (staff). The first approval is recorded (the requester may
/// give it); the second, by someone else, pays the money out. 403 with field
/// `second_approver` when the first approver approves again; 409 `insufficient_balance` when
/// the fund holds less than the amount (nothing is written); 409 once decided.
#[utoipa::path(tag = "fund", params(("id" = i64, Path, description = "Community id"), ("disbursement_id" = i64, Path, description = "Disbursement id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    security(("bearer" = [])),
    responses((status = 200, body = DisbursementView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/fund/disbursements/{disbursement_id}/approve")]
async fn approve_disbursement(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, disbursement_id) = path.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        (),
        StatusCode::OK,
        move |conn, caller, _| approval::approve(conn, caller, community_id, disbursement_id),
    )
    .await
}

/// Turn down a pending disbursement, with a reason (staff). 409 once decided.
#[utoipa::path(tag = "fund", params(("id" = i64, Path, description = "Community id"), ("disbursement_id" = i64, Path, description = "Disbursement id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = DisbursementView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/fund/disbursements/{disbursement_id}/reject")]
async fn reject_disbursement(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, disbursement_id) = path.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::OK,
        move |conn, caller, body| {
            approval::reject(conn, caller, community_id, disbursement_id, &body.reason)
        },
    )
    .await
}
