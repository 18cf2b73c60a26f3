//! `/communities/{id}/projects/{project_id}/participants/...` and `.../milestones/...`: the
//! people of a project and its milestones, managed by staff, its leads and the leaders of its
//! organisations while it is open.

use super::types::{
    MilestoneDoneRequest, MilestoneRequest, MilestoneView, ParticipantRequest, ParticipantView,
};
use super::{milestones, participants};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::{Json, write_ok};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(set_participant)
        .service(remove_participant)
        .service(add_milestone)
        .service(milestone_done);
}

/// Add someone to the project as its lead, a social worker (who must hold that role in the
/// community) or a volunteer (verified in the community, or one of its volunteers), or change
/// their role. 422 on `user_id` for someone who may not take that role; 409 once closed.
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id"),
    ("user_id" = i64, Path, description = "The participant's user id")),
    request_body = ParticipantRequest, security(("bearer" = [])),
    responses((status = 200, body = ParticipantView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/projects/{project_id}/participants/{user_id}")]
async fn set_participant(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
    body: Json<ParticipantRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, project_id, user_id) = path.into_inner();
    let role = body.into_inner().role;
    write_ok(&state, move |conn| {
        participants::set(conn, &caller, (community_id, project_id), user_id, role)
    })
    .await
}

/// Take someone out of the project; 204 also when they were not in it.
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id"),
    ("user_id" = i64, Path, description = "The participant's user id")),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[delete("/communities/{id}/projects/{project_id}/participants/{user_id}")]
async fn remove_participant(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, project_id, user_id) = path.into_inner();
    state
        .db
        .write(move |conn| participants::remove(conn, &caller, (community_id, project_id), user_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Set a milestone with its due date; 409 once the project is closed.
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = MilestoneRequest, security(("bearer" = [])),
    responses((status = 201, body = MilestoneView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/projects/{project_id}/milestones")]
async fn add_milestone(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<MilestoneRequest>,
) -> ApiResult<HttpResponse> {
    let at = path.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| milestones::add(conn, caller, at, body),
    )
    .await
}

/// Mark a milestone done, with a note of what was done; 409 if it already is.
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id"),
    ("milestone_id" = i64, Path, description = "Milestone id")),
    request_body = MilestoneDoneRequest, security(("bearer" = [])),
    responses((status = 200, body = MilestoneView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/projects/{project_id}/milestones/{milestone_id}/done")]
async fn milestone_done(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
    body: Json<MilestoneDoneRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, project_id, milestone_id) = path.into_inner();
    let note = body.into_inner().note;
    write_ok(&state, move |conn| {
        milestones::done(
            conn,
            &caller,
            (community_id, project_id),
            milestone_id,
            &note,
        )
    })
    .await
}
