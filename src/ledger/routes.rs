//! `/communities/{id}/ledger/...`: balances, statements, the ledger summary, verification of
//! the hash chain, and reversals.

use super::chain::{self, ChainReport};
use super::statement::{self, AssetSummary, Balances, StatementEntry};
use super::{Asset, reverse};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_balances)
        .service(my_entries)
        .service(member_balances)
        .service(member_entries)
        .service(ledger_summary)
        .service(verify_chain)
        .service(reverse_transaction);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// `points` (default) or `time_credits`.
    pub asset: Option<Asset>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// Anyone with standing reads their own account; other people's need the ledger right.
fn to_read(caller: &Caller, user_id: i64) -> Permission {
    if user_id == caller.user_id {
        Permission::ViewOwnAccount
    } else {
        Permission::ViewLedger
    }
}

async fn balances(
    state: &AppState,
    caller: Caller,
    community_id: i64,
    user_id: i64,
) -> ApiResult<Balances> {
    state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                to_read(&caller, user_id),
            )?;
            statement::balances(conn, community_id, user_id)
        })
        .await
}

async fn entries(
    state: &AppState,
    caller: Caller,
    community_id: i64,
    user_id: i64,
    query: EntriesQuery,
) -> ApiResult<Paged<StatementEntry>> {
    let page = PageQuery {
        cursor: query.cursor,
        limit: query.limit,
    }
    .page()?;
    let asset = query.asset.unwrap_or(Asset::Points);
    state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                to_read(&caller, user_id),
            )?;
            let rows = statement::entries(conn, community_id, user_id, asset, page)?;
            Ok(Paged::from_rows(rows, page, |e| e.id))
        })
        .await
}

/// My balances in the community: points and time-bank credits.
#[utoipa::path(tag = "ledger", params(("id" = i64, Path, description = "Community id")), security(("bearer" = [])),
    responses((status = 200, body = Balances), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/ledger/me")]
async fn my_balances(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let user_id = caller.user_id;
    Ok(HttpResponse::Ok().json(balances(&state, caller, *id, user_id).await?))
}

/// My statement: entries of one asset, newest first, with the reason for each.
#[utoipa::path(tag = "ledger", params(("id" = i64, Path, description = "Community id"), EntriesQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<StatementEntry>), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/ledger/me/entries")]
async fn my_entries(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<EntriesQuery>,
) -> ApiResult<HttpResponse> {
    let user_id = caller.user_id;
    Ok(HttpResponse::Ok().json(entries(&state, caller, *id, user_id, query.into_inner()).await?))
}

/// A person's balances, for staff.
#[utoipa::path(tag = "ledger", params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "User id")),
    security(("bearer" = [])), responses((status = 200, body = Balances), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/ledger/members/{user_id}")]
async fn member_balances(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, user_id) = path.into_inner();
    Ok(HttpResponse::Ok().json(balances(&state, caller, id, user_id).await?))
}

/// A person's statement, for staff.
#[utoipa::path(tag = "ledger", params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "User id"), EntriesQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<StatementEntry>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/ledger/members/{user_id}/entries")]
async fn member_entries(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    query: web::Query<EntriesQuery>,
) -> ApiResult<HttpResponse> {
    let (id, user_id) = path.into_inner();
    Ok(HttpResponse::Ok().json(entries(&state, caller, id, user_id, query.into_inner()).await?))
}

#[derive(Serialize, ToSchema)]
pub struct LedgerSummary {
    pub community_id: i64,
    pub assets: Vec<AssetSummary>,
}

/// Points and time credits issued, redeemed, expired, in escrow and held, for auditors.
#[utoipa::path(tag = "ledger", params(("id" = i64, Path, description = "Community id")), security(("bearer" = [])),
    responses((status = 200, body = LedgerSummary), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/ledger/summary")]
async fn ledger_summary(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let summary = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::ViewLedger)?;
            let assets = [Asset::Points, Asset::TimeCredits]
                .into_iter()
                .map(|asset| statement::summary(conn, community_id, asset))
                .collect::<Result<_, _>>()?;
            Ok(LedgerSummary {
                community_id,
                assets,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(summary))
}

/// Recomputes the community's hash chain and balances, and says whether anything in the
/// ledger was changed, removed or inserted outside the application.
#[utoipa::path(tag = "ledger", params(("id" = i64, Path, description = "Community id")), security(("bearer" = [])),
    responses((status = 200, body = ChainReport), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/ledger/verify")]
async fn verify_chain(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let report = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::ViewLedger)?;
            chain::verify(conn, community_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReversalRequest {
    /// Why the transaction is undone; shown on the statements of everyone it touched.
    #[validate(
        length(min = 2, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReversalView {
    pub transaction_id: i64,
    pub reverses_id: i64,
}

/// Undo a ledger transaction with its mirror image. Refused (409) if it was already reversed,
/// if someone has since spent what it credited them, for a redemption or time-bank booking
/// (cancel those through the shop or the booking, which also return the stock or escrow), or
/// for the charity fund's donations and disbursements (money leaves the fund only by a
/// disbursement that two staff members approve).
#[utoipa::path(tag = "ledger", params(("id" = i64, Path, description = "Community id"), ("transaction_id" = i64, Path, description = "Transaction id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = ReversalRequest, security(("bearer" = [])),
    responses((status = 201, body = ReversalView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/ledger/transactions/{transaction_id}/reversal")]
async fn reverse_transaction(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<ReversalRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, transaction_id) = path.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ReverseTransactions,
            )?;
            let memo = &body.reason;
            let posted = reverse(
                conn,
                community_id,
                transaction_id,
                memo,
                Some(caller.actor_id()),
            )?;
            let change = Change::in_community(
                community_id,
                "ledger.reversed",
                "ledger_transaction",
                transaction_id,
            )
            .after(&serde_json::json!({ "reversal_id": posted.transaction_id, "reason": memo }));
            audit::record(conn, &caller.into(), change)?;
            Ok(ReversalView {
                transaction_id: posted.transaction_id,
                reverses_id: transaction_id,
            })
        },
    )
    .await
}
