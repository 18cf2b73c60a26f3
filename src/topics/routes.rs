//! `/communities/{id}/consultation-settings` and `/communities/{id}/topics/...`: the rules,
//! listing, raising and reading topics, co-signing, and the 四议两公开 steps. Stage moves are
//! in `stage_routes`, the discussion in `discussion_routes`, what follows the decision in
//! `outcome_routes`.

use super::settings::{self, ConsultationSettings, SettingsView};
use super::view::{self, TopicFilter, TopicView};
use super::{cosign, procedure, raise, readers};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_settings)
        .service(put_settings)
        .service(list_topics)
        .service(raise_topic)
        .service(get_topic)
        .service(cosign_topic)
        .service(withdraw_cosign)
        .service(record_step);
}

/// The co-signer rules and what they mean today; readable without logging in.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id")),
    responses((status = 200, body = SettingsView), (status = 404, body = Problem)))]
#[get("/communities/{id}/consultation-settings")]
async fn get_settings(state: web::Data<AppState>, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let view = state
        .db
        .run(move |conn| {
            crate::roles::standing::reader(conn, None, community_id)?;
            settings::view(conn, community_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Replace the co-signer rules (staff); topics already raised keep their number.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id")),
    request_body = ConsultationSettings, security(("bearer" = [])),
    responses((status = 200, body = SettingsView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/consultation-settings")]
async fn put_settings(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<ConsultationSettings>,
) -> ApiResult<HttpResponse> {
    let (community_id, rules, clock) = (id.into_inner(), body.into_inner(), state.clock.clone());
    let saved = state
        .db
        .write(move |conn| settings::replace(conn, &caller, community_id, &rules, clock.now()))
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// Topics, newest first. People of the community see every stage; everyone else, logged in
/// or not, sees decided topics and what followed.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), TopicFilter),
    responses((status = 200, body = Paged<TopicView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/topics")]
async fn list_topics(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    id: web::Path<i64>,
    filter: web::Query<TopicFilter>,
) -> ApiResult<HttpResponse> {
    let (community_id, filter) = (id.into_inner(), filter.into_inner());
    let page = PageQuery {
        cursor: filter.cursor.clone(),
        limit: filter.limit,
    }
    .page()?;
    let views = state
        .db
        .run(move |conn| {
            let viewer = readers::viewer(conn, caller.as_ref(), community_id)?;
            let rows = view::list(conn, community_id, viewer, &filter, false, page)?;
            rows.into_iter()
                .map(|row| view::view(conn, row, viewer, false))
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(views, page, |t| t.id)))
}

/// Raise a topic: as a resident (it then needs co-signers), for an organisation one leads,
/// or as staff (the only ones who raise 四议两公开 topics).
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = raise::TopicRequest, security(("bearer" = [])),
    responses((status = 201, body = TopicView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/topics")]
async fn raise_topic(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<raise::TopicRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, clock) = (id.into_inner(), state.clock.clone());
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| raise::raise(conn, caller, community_id, body, clock.now()),
    )
    .await
}

/// One topic with its co-signers, 四议两公开 steps and timeline; 404 for a topic the reader
/// may not see.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    responses((status = 200, body = TopicView), (status = 404, body = Problem)))]
#[get("/communities/{id}/topics/{topic_id}")]
async fn get_topic(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, topic_id) = path.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let viewer = readers::viewer(conn, caller.as_ref(), community_id)?;
            let topic = readers::visible(conn, community_id, topic_id, viewer)?;
            view::view(conn, topic, viewer, true)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Co-sign a residents' topic while it is proposed (verified residents, once, not one's own).
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    security(("bearer" = [])), responses((status = 200, body = TopicView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/cosign")]
async fn cosign_topic(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let ((community_id, topic_id), clock) = (path.into_inner(), state.clock.clone());
    let view = state
        .db
        .write(move |conn| cosign::cosign(conn, &caller, community_id, topic_id, clock.now()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraw one's co-signature while the topic is proposed.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    security(("bearer" = [])), responses((status = 200, body = TopicView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[delete("/communities/{id}/topics/{topic_id}/cosign")]
async fn withdraw_cosign(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, topic_id) = path.into_inner();
    let view = state
        .db
        .write(move |conn| cosign::withdraw(conn, &caller, community_id, topic_id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Record the next 四议两公开 step of a `four_two` topic (staff): in order, each in its stage.
#[utoipa::path(tag = "topics", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id")),
    request_body = procedure::StepRequest, security(("bearer" = [])),
    responses((status = 201, body = procedure::StepView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/procedure-steps")]
async fn record_step(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<procedure::StepRequest>,
) -> ApiResult<HttpResponse> {
    let ((community_id, topic_id), clock) = (path.into_inner(), state.clock.clone());
    let step = body.into_inner();
    let view = state
        .db
        .write(move |conn| {
            procedure::record(conn, &caller, community_id, topic_id, &step, clock.now())
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
