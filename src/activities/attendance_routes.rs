//! `/communities/{id}/activities/{activity_id}/...`: attendance codes, check-in and check-out,
//! self-reported hours, and the organiser's review.

use super::attendance::{self, AttendanceStatus, CodeRequest, SelfReport};
use super::codes::{self, IssueRequest, IssuedCodes};
use super::review::{self, AttendanceView};
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
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(issue_codes)
        .service(check_in)
        .service(check_out)
        .service(report_hours)
        .service(list_attendance)
        .service(my_attendance)
        .service(approve)
        .service(reject);
}

/// Issue one-time codes for check-in or check-out (organisers). They are shown only in this
/// response; each works once, for this activity, until `expires_at`.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id")),
    request_body = IssueRequest, security(("bearer" = [])),
    responses((status = 201, body = IssuedCodes), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/codes")]
async fn issue_codes(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<IssueRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let request = body.into_inner();
    let clock = state.clock.clone();
    let issued = state
        .db
        .write(move |conn| {
            codes::issue(
                conn,
                &caller,
                community_id,
                activity_id,
                &request,
                clock.now(),
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(issued))
}

/// A check-in or check-out: the same request, the same retry safety.
type CodeStep = fn(
    &mut DbConnection,
    &Caller,
    i64,
    i64,
    &str,
    NaiveDateTime,
) -> Result<AttendanceView, ApiError>;

async fn with_code(
    state: &AppState,
    caller: Caller,
    req: &HttpRequest,
    key: IdempotencyKey,
    ((community_id, activity_id), step): ((i64, i64), CodeStep),
    body: CodeRequest,
    status: StatusCode,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    idempotency::once_with_body(
        state,
        caller,
        req,
        key,
        body,
        status,
        move |conn, caller, body| {
            step(
                conn,
                caller,
                community_id,
                activity_id,
                &body.code,
                clock.now(),
            )
        },
    )
    .await
}

/// Check in with a code (a confirmed sign-up is needed; from 30 minutes before the start until
/// the end). 422 on the `code` field: `unknown_code`, `code_expired`, `code_used`; 409
/// `schedule_conflict` when it overlaps another activity you attend. Retry-safe with an
/// `Idempotency-Key`, so a lost response does not burn the code.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = CodeRequest, security(("bearer" = [])),
    responses((status = 201, body = AttendanceView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/check-in")]
async fn check_in(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<CodeRequest>,
) -> ApiResult<HttpResponse> {
    let step = (path.into_inner(), attendance::check_in as CodeStep);
    with_code(
        &state,
        caller,
        &req,
        key,
        step,
        body.into_inner(),
        StatusCode::CREATED,
    )
    .await
}

/// Check out with a code. The session is verified if it covers the community's minimum share
/// of the activity, otherwise rejected as `below_coverage`.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = CodeRequest, security(("bearer" = [])),
    responses((status = 200, body = AttendanceView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/check-out")]
async fn check_out(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<CodeRequest>,
) -> ApiResult<HttpResponse> {
    let step = (path.into_inner(), attendance::check_out as CodeStep);
    with_code(
        &state,
        caller,
        &req,
        key,
        step,
        body.into_inner(),
        StatusCode::OK,
    )
    .await
}

/// Report my hours without codes, once the activity has begun; they wait for the organiser.
/// They must lie inside the window, end by now, and cover the minimum share.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id")),
    request_body = SelfReport, security(("bearer" = [])),
    responses((status = 201, body = AttendanceView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/attendance")]
async fn report_hours(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<SelfReport>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let report = body.into_inner();
    let clock = state.clock.clone();
    let view = state
        .db
        .write(move |conn| {
            attendance::self_report(
                conn,
                &caller,
                community_id,
                activity_id,
                &report,
                clock.now(),
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttendanceFilter {
    /// `pending` lists what awaits review.
    pub status: Option<AttendanceStatus>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// The activity's attendance (organisers), newest first.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"), AttendanceFilter),
    security(("bearer" = [])), responses((status = 200, body = Paged<AttendanceView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/activities/{activity_id}/attendance")]
async fn list_attendance(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    filter: web::Query<AttendanceFilter>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let filter = filter.into_inner();
    let page = PageQuery {
        cursor: filter.cursor,
        limit: filter.limit,
    }
    .page()?;
    let rows = state
        .db
        .run(move |conn| {
            review::list(
                conn,
                &caller,
                community_id,
                activity_id,
                filter.status,
                page,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |a| a.id)))
}

/// My attendance at the activity; 404 if I have none.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id")),
    security(("bearer" = [])), responses((status = 200, body = AttendanceView), (status = 404, body = Problem)))]
#[get("/communities/{id}/activities/{activity_id}/attendance/me")]
async fn my_attendance(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let view = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
            super::store::find(conn, community_id, activity_id)?;
            review::of_person(conn, activity_id, caller.user_id)?.ok_or_else(ApiError::not_found)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn decide(
    state: &AppState,
    caller: Caller,
    (community_id, activity_id, attendance_id): (i64, i64, i64),
    rejection: Option<String>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let view = state
        .db
        .write(move |conn| {
            let reason = rejection.as_deref().map(str::trim);
            let (now, ids) = (clock.now(), (activity_id, attendance_id));
            review::decide(conn, &caller, community_id, ids, reason, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Approve pending attendance (organisers; not one's own).
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"), ("attendance_id" = i64, Path, description = "Attendance id")),
    security(("bearer" = [])),
    responses((status = 200, body = AttendanceView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/attendance/{attendance_id}/approve")]
async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
) -> ApiResult<HttpResponse> {
    decide(&state, caller, path.into_inner(), None).await
}

/// Reject pending attendance with a reason the volunteer will see.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"), ("attendance_id" = i64, Path, description = "Attendance id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = AttendanceView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/attendance/{attendance_id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = body.into_inner().reason;
    decide(&state, caller, path.into_inner(), Some(reason)).await
}
