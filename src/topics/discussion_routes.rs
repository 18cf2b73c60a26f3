//! `/communities/{id}/topics/{topic_id}/comments` and `/meetings`: the discussion, its
//! moderation, and the meeting records.

use super::comments::{self, CommentRequest, CommentView};
use super::meetings::{self, MeetingRequest, MeetingView};
use super::readers;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::text::ReasonRequest;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_comments)
        .service(post_comment)
        .service(hide_comment)
        .service(unhide_comment)
        .service(list_meetings)
        .service(record_meeting);
}

/// The discussion, newest first, for people of the community. A hidden comment shows its
/// reason; staff also read what it said.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id"), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<CommentView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/topics/{topic_id}/comments")]
async fn list_comments(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let ((community_id, topic_id), page) = (path.into_inner(), page.page()?);
    let views = state
        .db
        .run(move |conn| {
            let viewer = readers::of_community(conn, &caller, community_id)?;
            super::store::find(conn, community_id, topic_id)?;
            comments::list(conn, topic_id, viewer, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(views, page, |c| c.id)))
}

/// Comment, or reply to a comment of the same topic, while the topic is accepted, in
/// discussion or being voted on.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = CommentRequest, security(("bearer" = [])),
    responses((status = 201, body = CommentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/comments")]
async fn post_comment(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<CommentRequest>,
) -> ApiResult<HttpResponse> {
    let (path, body) = (path.into_inner(), body.into_inner());
    add_to_topic(&state, (caller, &req, key), path, body, comments::post).await
}

/// What adds something to a topic, given the caller, the community and topic ids, the request
/// and the time.
type Addition<B, T> = fn(&mut DbConnection, &Caller, (i64, i64), &B, NaiveDateTime) -> ApiResult<T>;

/// A retryable write that adds something to a topic (a comment, a meeting, an update): it
/// happens once per Idempotency-Key and answers 201 with what was added.
pub(super) async fn add_to_topic<B, T>(
    state: &AppState,
    (caller, req, key): (Caller, &HttpRequest, IdempotencyKey),
    path: (i64, i64),
    body: B,
    work: Addition<B, T>,
) -> ApiResult<HttpResponse>
where
    B: Serialize + Send + Sync + 'static,
    T: Serialize + Send + 'static,
{
    let clock = state.clock.clone();
    idempotency::once_with_body(
        state,
        caller,
        req,
        key,
        body,
        StatusCode::CREATED,
        move |conn, caller, body| work(conn, caller, path, body, clock.now()),
    )
    .await
}

async fn moderate(
    state: &AppState,
    caller: Caller,
    path: (i64, i64, i64),
    reason: Option<String>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let view = state
        .db
        .write(move |conn| comments::moderate(conn, &caller, path, reason.as_deref(), clock.now()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Hide a comment with a reason residents see in its place (staff).
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id"), ("comment_id" = i64, Path, description = "Comment id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = CommentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/comments/{comment_id}/hide")]
async fn hide_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    moderate(
        &state,
        caller,
        path.into_inner(),
        Some(body.into_inner().reason),
    )
    .await
}

/// Show a hidden comment again (staff).
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id"), ("comment_id" = i64, Path, description = "Comment id")),
    security(("bearer" = [])), responses((status = 200, body = CommentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/comments/{comment_id}/unhide")]
async fn unhide_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
) -> ApiResult<HttpResponse> {
    moderate(&state, caller, path.into_inner(), None).await
}

/// The topic's meetings, latest first; who attended is for people of the community only.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    responses((status = 200, body = Vec<MeetingView>), (status = 404, body = Problem)))]
#[get("/communities/{id}/topics/{topic_id}/meetings")]
async fn list_meetings(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, topic_id) = path.into_inner();
    let views = state
        .db
        .run(move |conn| {
            let viewer = readers::viewer(conn, caller.as_ref(), community_id)?;
            readers::visible(conn, community_id, topic_id, viewer)?;
            meetings::list(conn, topic_id, viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

/// Record a meeting held about the topic (民情恳谈, 听证会, 议事会; staff).
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = MeetingRequest, security(("bearer" = [])),
    responses((status = 201, body = MeetingView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/meetings")]
async fn record_meeting(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<MeetingRequest>,
) -> ApiResult<HttpResponse> {
    let (path, body) = (path.into_inner(), body.into_inner());
    add_to_topic(&state, (caller, &req, key), path, body, meetings::record).await
}
