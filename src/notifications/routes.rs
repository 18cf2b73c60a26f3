//! `/me/notifications` (the inbox) and `/me/notification-settings`.

use super::inbox::{self, NotificationView};
use super::settings::{self, SettingsChange, SettingsView};
use crate::auth::Caller;
use crate::error::{ApiResult, Lang, Problem};
use crate::http::Json;
use crate::http::pagination::{PageQuery, Paged};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(unread_count)
        .service(mark_read)
        .service(mark_all_read)
        .service(get_settings)
        .service(change_settings);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxFilter {
    /// Only notices not yet read.
    #[serde(default)]
    pub unread: bool,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// The caller's notices, newest first, in the language of `Accept-Language`.
#[utoipa::path(tag = "notifications", params(InboxFilter), security(("bearer" = [])),
    responses((status = 200, body = Paged<NotificationView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
#[get("/me/notifications")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<InboxFilter>,
) -> ApiResult<HttpResponse> {
    let filter = query.into_inner();
    let page = PageQuery {
        cursor: filter.cursor,
        limit: filter.limit,
    }
    .page()?;
    let lang = Lang::from_headers(req.headers());
    let rows = state
        .db
        .run(move |conn| inbox::list(conn, caller.user_id, filter.unread, page, lang))
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |n| n.id)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

/// How many of the caller's notices are unread (the badge on the app's bell).
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = UnreadCount), (status = 401, body = Problem)))]
#[get("/me/notifications/unread-count")]
async fn unread_count(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let unread = state
        .db
        .run(move |conn| inbox::unread(conn, caller.user_id))
        .await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread }))
}

/// Mark one notice read. Marking it again changes nothing; another person's is not found.
#[utoipa::path(tag = "notifications", params(("notification_id" = i64, Path, description = "Notification id")),
    security(("bearer" = [])), responses((status = 204, description = "Read"), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[post("/me/notifications/{notification_id}/read")]
async fn mark_read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, at) = (id.into_inner(), state.clock.now());
    state
        .db
        .write(move |conn| inbox::mark_read(conn, caller.user_id, id, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadAllRequest {
    /// Mark read only notices up to this id (the newest the app has shown), so one that
    /// arrives meanwhile stays unread. All of them when left out.
    pub up_to: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadAllView {
    pub marked: usize,
}

/// Mark all the caller's notices read, or those up to an id.
#[utoipa::path(tag = "notifications", request_body = ReadAllRequest, security(("bearer" = [])),
    responses((status = 200, body = ReadAllView), (status = 401, body = Problem), (status = 422, body = Problem)))]
#[post("/me/notifications/read-all")]
async fn mark_all_read(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<ReadAllRequest>,
) -> ApiResult<HttpResponse> {
    let (up_to, at) = (body.into_inner().up_to, state.clock.now());
    let marked = state
        .db
        .write(move |conn| inbox::mark_all_read(conn, caller.user_id, up_to, at))
        .await?;
    Ok(HttpResponse::Ok().json(ReadAllView { marked }))
}

/// The caller's notification settings: language, daily digest, and per kind of notice
/// whether it goes by email and through the operator's SMS/WeChat gateway.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = SettingsView), (status = 401, body = Problem)))]
#[get("/me/notification-settings")]
async fn get_settings(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let view = state
        .db
        .run(move |conn| settings::load(conn, caller.user_id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change notification settings; what is left out stays as it is.
#[utoipa::path(tag = "notifications", request_body = SettingsChange, security(("bearer" = [])),
    responses((status = 200, body = SettingsView), (status = 401, body = Problem), (status = 422, body = Problem)))]
#[put("/me/notification-settings")]
async fn change_settings(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<SettingsChange>,
) -> ApiResult<HttpResponse> {
    let change = body.into_inner();
    let view = state
        .db
        .write(move |conn| settings::update(conn, caller.user_id, change))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
