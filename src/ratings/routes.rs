//! `/communities/{id}/ratings/...`: rating a service, one's own ratings, the community's
//! ratings for staff, and the figures of a period. Service-counter cases are in
//! `case_routes`, rectification cases in `rectification_routes`.

use super::figures::{self, RatingSummary};
use super::period::{DateRange, PeriodQuery};
use super::rate;
use super::store;
use super::types::{RatingFilter, RatingRequest, RatingView};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{Page, PageQuery, Paged};
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(rate_service)
        .service(my_ratings)
        .service(summary)
        .service(list_ratings);
    super::case_routes::routes(cfg);
    super::rectification_routes::routes(cfg);
}

/// Answers one page of a list, for callers holding `permission`: their own records if `own`,
/// else the whole community's. `load` gets the community, whose records to read (none for
/// all), the page and the time; `id_of` gives the cursor of a row.
pub async fn page_of<T, F>(
    state: &AppState,
    (caller, community_id): (Caller, i64),
    (permission, own): (Permission, bool),
    query: PageQuery,
    load: F,
    id_of: fn(&T) -> i64,
) -> ApiResult<HttpResponse>
where
    T: Serialize + ToSchema + Send + 'static,
    F: FnOnce(&mut DbConnection, (i64, Option<i64>), Page, NaiveDateTime) -> ApiResult<Vec<T>>
        + Send
        + 'static,
{
    let page = query.page()?;
    let now = state.clock.now();
    let rows = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, permission)?;
            let whose = own.then_some(caller.user_id);
            load(conn, (community_id, whose), page, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, id_of)))
}

/// Who reads a list: anyone reading their own, or staff the community's.
pub fn access(own: bool, staff: Permission) -> (Permission, bool) {
    if own {
        (Permission::ViewOwnAccount, true)
    } else {
        (staff, false)
    }
}

/// Rate a service one received (好差评): a fulfilled wish (its requester), an activity that
/// has ended (those whose attendance was verified) or a service-counter case marked done (its
/// resident). Once per person and service. A poor rating opens a rectification case.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = RatingRequest, security(("bearer" = [])),
    responses((status = 201, body = RatingView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/ratings")]
async fn rate_service(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<RatingRequest>,
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
        move |conn, caller, body| rate::rate(conn, caller, community_id, body, clock.now()),
    )
    .await
}

async fn ratings_page(
    state: &AppState,
    (caller, community_id): (Caller, i64),
    own: bool,
    filter: RatingFilter,
) -> ApiResult<HttpResponse> {
    let query = PageQuery {
        cursor: filter.cursor.clone(),
        limit: filter.limit,
    };
    let load = move |conn: &mut DbConnection, whose, page, now| {
        store::list(conn, whose, &filter, page, now)
    };
    let access = access(own, Permission::HandleRatings);
    page_of(
        state,
        (caller, community_id),
        access,
        query,
        load,
        |r: &RatingView| r.id,
    )
    .await
}

/// My ratings in the community, newest first, with where each rectification stands.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), RatingFilter),
    security(("bearer" = [])),
    responses((status = 200, body = Paged<RatingView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/ratings/mine")]
async fn my_ratings(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<RatingFilter>,
) -> ApiResult<HttpResponse> {
    ratings_page(&state, (caller, id.into_inner()), true, filter.into_inner()).await
}

/// The community's ratings, newest first (staff): with the rater's display name, never
/// their phone or address. `from` and `to` are Beijing dates, both included.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), RatingFilter),
    security(("bearer" = [])),
    responses((status = 200, body = Paged<RatingView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/ratings")]
async fn list_ratings(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<RatingFilter>,
) -> ApiResult<HttpResponse> {
    ratings_page(
        &state,
        (caller, id.into_inner()),
        false,
        filter.into_inner(),
    )
    .await
}

/// The figures of a period, `from` to `to` (Beijing dates, both included; a month, quarter
/// or year is just its first and last day): ratings by grade and subject, the good rate, the
/// rectification and on-time rectification rates, and open and overdue cases. Rates are in
/// basis points beside the counts they divide. For staff, and region and platform admins.
#[utoipa::path(tag = "ratings", params(("id" = i64, Path, description = "Community id"), PeriodQuery),
    security(("bearer" = [])),
    responses((status = 200, body = RatingSummary), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/ratings/summary")]
async fn summary(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let (from, to) = DateRange::required(&query)?;
    let now = state.clock.now();
    let figures = state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ViewRatingFigures,
            )?;
            figures::summary_at(conn, community_id, from, to, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(figures))
}
