//! What follows the decision: `/communities/{id}/decisions` (决议公开, no login),
//! implementation updates, and the residents' rating of the outcome.

use super::outcome::{self, RatingRequest, RatingView, UpdateRequest};
use super::readers::Viewer;
use super::view::{self, EventView, TopicFilter, TopicView};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::IdempotencyKey;
use crate::http::pagination::{PageQuery, Paged};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(decisions)
        .service(post_update)
        .service(rate)
        .service(list_ratings);
}

/// 决议公开: decided topics and what followed, newest first, for anyone without logging in:
/// each with its timeline (the vote's result, implementation updates, the evaluation) and
/// the residents' ratings as a count and an average, never who did what.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), PageQuery),
    responses((status = 200, body = Paged<TopicView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/decisions")]
async fn decisions(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (community_id, page) = (id.into_inner(), page.page()?);
    let views = state
        .db
        .run(move |conn| {
            crate::roles::standing::reader(conn, None, community_id)?;
            let everyone = TopicFilter {
                stage: None,
                origin: None,
                procedure: None,
                cursor: None,
                limit: None,
            };
            let rows = view::list(conn, community_id, Viewer::public(), &everyone, true, page)?;
            rows.into_iter()
                .map(|row| view::view(conn, row, Viewer::public(), true))
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(views, page, |t| t.id)))
}

/// Publish an implementation update (实施结果公开) on the topic's public timeline (staff,
/// while implementing).
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = UpdateRequest, security(("bearer" = [])),
    responses((status = 201, body = EventView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/updates")]
async fn post_update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<UpdateRequest>,
) -> ApiResult<HttpResponse> {
    let (path, body) = (path.into_inner(), body.into_inner());
    super::discussion_routes::add_to_topic(
        &state,
        (caller, &req, key),
        path,
        body,
        outcome::post_update,
    )
    .await
}

/// Rate the outcome 1–5 (效果共评; verified residents, while implementing). Rating again
/// replaces one's rating.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    request_body = RatingRequest, security(("bearer" = [])),
    responses((status = 200, body = RatingView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/topics/{topic_id}/rating")]
async fn rate(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<RatingRequest>,
) -> ApiResult<HttpResponse> {
    let (path, rating, clock) = (path.into_inner(), body.into_inner(), state.clock.clone());
    let view = state
        .db
        .write(move |conn| outcome::rate(conn, &caller, path, &rating, clock.now()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The latest ratings with their comments, without who gave them (staff).
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    security(("bearer" = [])), responses((status = 200, body = Vec<RatingView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/topics/{topic_id}/ratings")]
async fn list_ratings(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let path = path.into_inner();
    let views = state
        .db
        .run(move |conn| outcome::list(conn, &caller, path))
        .await?;
    Ok(HttpResponse::Ok().json(views))
}
