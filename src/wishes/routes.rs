//! `/communities/{id}/wishes/...`: lists (readable without logging in), posting, review,
//! cancellation, counts for badges, and the community's wish rules. Claims and the message
//! thread are in `claim_routes`.

use super::lifecycle;
use super::settings::{self, WishSettings};
use super::store;
use super::types::{Status, WishFilter, WishRequest, WishView};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::text::ReasonRequest;
use crate::kv::limit::{self, Action};
use crate::roles::Permission;
use crate::roles::standing::reader;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    // Fixed words (`counts`, `settings`) before `{wish_id}`, which would take them for ids.
    cfg.service(wish_counts)
        .service(get_settings)
        .service(put_settings)
        .service(list_wishes)
        .service(submit)
        .service(get_wish)
        .service(publish)
        .service(reject)
        .service(cancel);
}

/// Wishes of the community, newest first. Anyone, logged in or not, sees reviewed wishes
/// without the requester's name, phone or address; `mine=true` lists my own in any status;
/// staff see every status.
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), WishFilter),
    responses((status = 200, body = Paged<WishView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/wishes")]
async fn list_wishes(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    id: web::Path<i64>,
    filter: web::Query<WishFilter>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let filter = filter.into_inner();
    filter.check()?;
    let page = PageQuery {
        cursor: filter.cursor.clone(),
        limit: filter.limit,
    }
    .page()?;
    let views = state
        .db
        .run(move |conn| {
            let reader = reader(conn, caller.as_ref(), community_id)?;
            let as_reader = reader.as_ref().map(|(id, s)| (*id, s));
            let rows = store::list(conn, community_id, as_reader, &filter, page)?;
            store::views(conn, rows, as_reader.map(|r| r.1), as_reader.map(|r| r.0))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(views, page, |w| w.id)))
}

/// One wish. The requester, the live claimant and staff also see who asked; others see a
/// reviewed wish without it, and get 404 for one not yet reviewed.
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id")),
    responses((status = 200, body = WishView), (status = 404, body = Problem)))]
#[get("/communities/{id}/wishes/{wish_id}")]
async fn get_wish(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, wish_id) = path.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let reader = reader(conn, caller.as_ref(), community_id)?;
            let wish = store::find(conn, community_id, wish_id)?;
            let view = store::view(
                conn,
                wish,
                reader.as_ref().map(|r| &r.1),
                reader.as_ref().map(|r| r.0),
            )?;
            if !view.status.is_public() && view.requester.is_none() {
                return Err(ApiError::not_found());
            }
            Ok(view)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Post a wish (verified residents), or post one for a resident (staff, `on_behalf_of`). It
/// waits for staff review.
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = WishRequest, security(("bearer" = [])),
    responses((status = 201, body = WishView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, description = "Too many wishes (`WUSHE_WISH_LIMIT`)")))]
#[post("/communities/{id}/wishes")]
async fn submit(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<WishRequest>,
) -> ApiResult<HttpResponse> {
    limit::per_person(&state, Action::Wish, &caller).await?;
    let community_id = id.into_inner();
    let clock = state.clock.clone();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| lifecycle::submit(conn, caller, community_id, body, clock.now()),
    )
    .await
}

async fn review(
    state: &AppState,
    caller: Caller,
    (community_id, wish_id): (i64, i64),
    rejection: Option<String>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let view = state
        .db
        .write(move |conn| {
            let reason = rejection.as_deref().map(str::trim);
            lifecycle::review(conn, &caller, community_id, wish_id, reason, clock.now())
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Publish a submitted wish after review (staff; not one's own).
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id")),
    security(("bearer" = [])), responses((status = 200, body = WishView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/wishes/{wish_id}/publish")]
async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    review(&state, caller, path.into_inner(), None).await
}

/// Reject a submitted wish with a reason the requester sees (staff).
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = WishView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/wishes/{wish_id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    review(
        &state,
        caller,
        path.into_inner(),
        Some(body.into_inner().reason),
    )
    .await
}

/// Withdraw my wish before anyone claims it (or staff for the requester).
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id"), ("wish_id" = i64, Path, description = "Wish id")),
    security(("bearer" = [])), responses((status = 200, body = WishView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/wishes/{wish_id}/cancel")]
async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, wish_id) = path.into_inner();
    let clock = state.clock.clone();
    let view = state
        .db
        .write(move |conn| lifecycle::cancel(conn, &caller, community_id, wish_id, clock.now()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WishCounts {
    /// Wishes per status, of those the reader may list.
    pub by_status: BTreeMap<String, i64>,
}

/// Counts per status for the apps' badges; readable without logging in (reviewed statuses).
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id")),
    responses((status = 200, body = WishCounts), (status = 404, body = Problem)))]
#[get("/communities/{id}/wishes/counts")]
async fn wish_counts(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let counts = state
        .db
        .run(move |conn| {
            let reader = reader(conn, caller.as_ref(), community_id)?;
            let staff = reader.is_some_and(|(_, s)| s.require(Permission::ManageWishes).is_ok());
            store::counts(conn, community_id, staff)
        })
        .await?;
    let by_status = counts
        .into_iter()
        .map(|(s, n): (Status, i64)| (s.as_str().to_owned(), n))
        .collect();
    Ok(HttpResponse::Ok().json(WishCounts { by_status }))
}

/// The community's wish rules: value cap, escalation, categories and their points.
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id")),
    responses((status = 200, body = WishSettings), (status = 404, body = Problem)))]
#[get("/communities/{id}/wishes/settings")]
async fn get_settings(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let rules = state
        .db
        .run(move |conn| {
            reader(conn, caller.as_ref(), community_id)?;
            settings::load(conn, community_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rules))
}

/// Replace the community's wish rules (community admins).
#[utoipa::path(tag = "wishes", params(("id" = i64, Path, description = "Community id")),
    request_body = WishSettings, security(("bearer" = [])),
    responses((status = 200, body = WishSettings), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/wishes/settings")]
async fn put_settings(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<WishSettings>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let rules = body.into_inner();
    let clock = state.clock.clone();
    let saved = state
        .db
        .write(move |conn| settings::replace(conn, &caller, community_id, &rules, clock.now()))
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}
