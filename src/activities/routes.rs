//! `/communities/{id}/activities/...`: the activity itself, its lifecycle and sign-ups.
//! Attendance is in `attendance_routes`.

use super::settlement::{self, SettlementView};
use super::types::{ActivityFilter, ActivityRequest, ActivityView, Status};
use super::{lifecycle, store};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::text::ReasonRequest;
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::NaiveDateTime;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    // `mine` (in `signup_routes`) is registered before `{activity_id}`, which would
    // otherwise take the word for an id.
    cfg.service(list_activities)
        .service(create_activity)
        .service(get_activity)
        .service(edit_activity)
        .service(publish)
        .service(cancel)
        .service(complete)
        .service(settle);
}

/// Runs one retry-safe step on an activity at the service's current time.
async fn step<T, F>(
    state: &AppState,
    caller: Caller,
    req: &HttpRequest,
    key: IdempotencyKey,
    (community_id, activity_id): (i64, i64),
    status: StatusCode,
    work: F,
) -> ApiResult<HttpResponse>
where
    T: serde::Serialize + Send + 'static,
    F: Fn(&mut DbConnection, &Caller, i64, i64, NaiveDateTime) -> Result<T, ApiError>
        + Send
        + Sync
        + 'static,
{
    let clock = state.clock.clone();
    idempotency::once_with_body(
        state,
        caller,
        req,
        key,
        (),
        status,
        move |conn, caller, _| work(conn, caller, community_id, activity_id, clock.now()),
    )
    .await
}

/// Activities of the community, newest first. Filter by `status` (`in_progress` is a
/// published activity under way), start time, `skill`, `grid_id`, or `near_me` (the grid of
/// your household). Drafts are listed for organisers only.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ActivityFilter), security(("bearer" = [])),
    responses((status = 200, body = Paged<ActivityView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/activities")]
async fn list_activities(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<ActivityFilter>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let filter = filter.into_inner();
    let page = PageQuery {
        cursor: filter.cursor.clone(),
        limit: filter.limit,
    }
    .page()?;
    filter.check()?;
    let clock = state.clock.clone();
    let rows = state
        .db
        .run(move |conn| {
            let standing = standing::in_community(conn, caller.user_id, community_id)?;
            standing.require(Permission::ViewOwnAccount)?;
            let organiser = standing.require(Permission::ManageActivities).is_ok();
            if filter.status == Some(Status::Draft) && !organiser {
                return Err(ApiError::forbidden());
            }
            store::list(
                conn,
                community_id,
                caller.user_id,
                organiser,
                &filter,
                page,
                clock.now(),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |a| a.id)))
}

/// Create a draft activity (organisers).
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = ActivityRequest, security(("bearer" = [])),
    responses((status = 201, body = ActivityView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/activities")]
async fn create_activity(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<ActivityRequest>,
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
        move |conn, caller, body| lifecycle::create(conn, caller, community_id, body, clock.now()),
    )
    .await
}

/// One activity. Drafts are visible to organisers only.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id")),
    security(("bearer" = [])), responses((status = 200, body = ActivityView), (status = 404, body = Problem)))]
#[get("/communities/{id}/activities/{activity_id}")]
async fn get_activity(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let clock = state.clock.clone();
    let activity = state
        .db
        .run(move |conn| {
            let standing = standing::in_community(conn, caller.user_id, community_id)?;
            standing.require(Permission::ViewOwnAccount)?;
            let activity = store::view(conn, community_id, activity_id, clock.now())?;
            let organiser = standing.require(Permission::ManageActivities).is_ok();
            if activity.status == Status::Draft && !organiser {
                return Err(ApiError::not_found());
            }
            Ok(activity)
        })
        .await?;
    Ok(HttpResponse::Ok().json(activity))
}

/// Replace the terms of a draft or published activity before it starts. A raised capacity
/// confirms people from the waitlist; it cannot drop below those already confirmed.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id")),
    request_body = ActivityRequest, security(("bearer" = [])),
    responses((status = 200, body = ActivityView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/activities/{activity_id}")]
async fn edit_activity(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ActivityRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let request = body.into_inner();
    let clock = state.clock.clone();
    let edited = state
        .db
        .write(move |conn| {
            lifecycle::edit(
                conn,
                &caller,
                community_id,
                activity_id,
                &request,
                clock.now(),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(edited))
}

/// Open sign-ups (organisers). A time-bank service is published by the resident it serves
/// (or staff acting for them in person), whose time credits then go into escrow: 409
/// `insufficient_balance` if they lack them.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    security(("bearer" = [])),
    responses((status = 200, body = ActivityView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/publish")]
async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    step(
        &state,
        caller,
        &req,
        key,
        path.into_inner(),
        StatusCode::OK,
        lifecycle::publish,
    )
    .await
}

/// Call the activity off with a reason: every sign-up is cancelled, and a time-bank escrow is
/// returned. Not possible once settled.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = ActivityView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/cancel")]
async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let clock = state.clock.clone();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::OK,
        move |conn, caller, body| {
            let reason = body.reason.trim();
            lifecycle::cancel(conn, caller, community_id, activity_id, reason, clock.now())
        },
    )
    .await
}

/// End the activity once it has begun. Sessions without a check-out are closed and flagged.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    security(("bearer" = [])),
    responses((status = 200, body = ActivityView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/complete")]
async fn complete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    step(
        &state,
        caller,
        &req,
        key,
        path.into_inner(),
        StatusCode::OK,
        lifecycle::complete,
    )
    .await
}

/// Credit every verified participant once: service hours, points, and time credits. 409 if
/// already settled, or while attendance still awaits review.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    security(("bearer" = [])),
    responses((status = 200, body = SettlementView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/settle")]
async fn settle(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    step(
        &state,
        caller,
        &req,
        key,
        path.into_inner(),
        StatusCode::OK,
        settlement::settle,
    )
    .await
}
