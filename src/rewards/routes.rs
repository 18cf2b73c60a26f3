//! `/communities/{id}/rewards/...`: the shop's items, redemptions, and handing them over.

use super::checkout;
use super::items::{self, ItemRequest, ItemView};
use super::redemptions::{self, CancelRequest, Filter, RedemptionRequest, RedemptionView, Status};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::kv::limit::{self, Action};
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_items)
        .service(create_item)
        .service(update_item)
        .service(redeem)
        .service(list_redemptions)
        .service(my_redemptions)
        .service(collect)
        .service(cancel);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemFilter {
    /// Also items off the shelf (staff who stock the shop only).
    pub include_inactive: Option<bool>,
}

/// The shop's items, newest first: those on offer, or all of them for staff who ask.
#[utoipa::path(tag = "rewards", params(("id" = i64, Path, description = "Community id"), ItemFilter, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<ItemView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/rewards/items")]
async fn list_items(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<ItemFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let page = page.page()?;
    let include_inactive = filter.include_inactive.unwrap_or(false);
    let rows = state
        .db
        .run(move |conn| {
            let roles = standing::require(conn, caller.user_id, community_id, Permission::Redeem)?;
            if include_inactive {
                roles.require(Permission::ManageRewards)?;
            }
            items::list(conn, community_id, include_inactive, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |i| i.id)))
}

/// Put a new item in the shop.
#[utoipa::path(tag = "rewards", params(("id" = i64, Path, description = "Community id")), request_body = ItemRequest, security(("bearer" = [])),
    responses((status = 201, body = ItemView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/rewards/items")]
async fn create_item(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<ItemRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let body = body.into_inner();
    let created = state
        .db
        .write(move |conn| items::create(conn, &caller, community_id, &body))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Change an item's name, description, price, stock or limit, or take it off the shelf
/// (`active: false`; items are never deleted). Audited with the values before and after.
#[utoipa::path(tag = "rewards", params(("id" = i64, Path, description = "Community id"), ("item_id" = i64, Path, description = "Item id")),
    request_body = ItemRequest, security(("bearer" = [])),
    responses((status = 200, body = ItemView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/rewards/items/{item_id}")]
async fn update_item(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ItemRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, item_id) = path.into_inner();
    let body = body.into_inner();
    let updated = state
        .db
        .write(move |conn| items::update(conn, &caller, community_id, item_id, &body))
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Spend points on an item, which is reserved until staff hand it over. 409 with
/// `out_of_stock`, `limit_exceeded` (the item's per-person limit) or `insufficient_balance`;
/// 404 for an item off the shelf.
#[utoipa::path(tag = "rewards", params(("id" = i64, Path, description = "Community id"), ("item_id" = i64, Path, description = "Item id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = RedemptionRequest, security(("bearer" = [])),
    responses((status = 201, body = RedemptionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, description = "Too many redemptions (`WUSHE_REDEMPTION_LIMIT`)")))]
#[post("/communities/{id}/rewards/items/{item_id}/redemptions")]
async fn redeem(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<RedemptionRequest>,
) -> ApiResult<HttpResponse> {
    limit::per_person(&state, Action::Redemption, &caller).await?;
    let (community_id, item_id) = path.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| checkout::redeem(conn, caller, community_id, item_id, body),
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RedemptionFilter {
    pub status: Option<Status>,
    /// Only this person's (staff list only).
    pub user_id: Option<i64>,
}

async fn redemption_page(
    state: &AppState,
    caller: Caller,
    community_id: i64,
    permission: Permission,
    filter: Filter,
    page: PageQuery,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let rows = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, permission)?;
            redemptions::list(conn, community_id, filter, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |r| r.id)))
}

/// The community's redemptions, newest first, for the staff who hand items over; filter by
/// `status` (`reserved` are those waiting to be picked up) and by `user_id`.
#[utoipa::path(tag = "rewards", params(("id" = i64, Path, description = "Community id"), RedemptionFilter, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<RedemptionView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/rewards/redemptions")]
async fn list_redemptions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<RedemptionFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let filter = Filter {
        status: filter.status,
        user_id: filter.user_id,
    };
    let permission = Permission::ManageRewards;
    redemption_page(&state, caller, *id, permission, filter, page.into_inner()).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyRedemptionFilter {
    pub status: Option<Status>,
}

/// My redemptions in the community, newest first.
#[utoipa::path(tag = "rewards", params(("id" = i64, Path, description = "Community id"), MyRedemptionFilter, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<RedemptionView>), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/rewards/redemptions/mine")]
async fn my_redemptions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<MyRedemptionFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let filter = Filter {
        status: filter.status,
        user_id: Some(caller.user_id),
    };
    let permission = Permission::Redeem;
    redemption_page(&state, caller, *id, permission, filter, page.into_inner()).await
}

/// Hand a reserved item over (staff). 409 once it is collected or cancelled.
#[utoipa::path(tag = "rewards", params(("id" = i64, Path, description = "Community id"), ("redemption_id" = i64, Path, description = "Redemption id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    security(("bearer" = [])),
    responses((status = 200, body = RedemptionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/rewards/redemptions/{redemption_id}/collect")]
async fn collect(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, redemption_id) = path.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        (),
        StatusCode::OK,
        move |conn, caller, _| checkout::collect(conn, caller, community_id, redemption_id),
    )
    .await
}

/// Call off a reserved redemption, returning the points and the stock: the redeemer their
/// own, staff anyone's with a reason. 409 once it is collected or cancelled.
#[utoipa::path(tag = "rewards", params(("id" = i64, Path, description = "Community id"), ("redemption_id" = i64, Path, description = "Redemption id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = CancelRequest, security(("bearer" = [])),
    responses((status = 200, body = RedemptionView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/rewards/redemptions/{redemption_id}/cancel")]
async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<CancelRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, redemption_id) = path.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::OK,
        move |conn, caller, body| checkout::cancel(conn, caller, community_id, redemption_id, body),
    )
    .await
}
