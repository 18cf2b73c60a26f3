//! `/communities/{id}/projects/...`: lists and projects (readable without logging in once
//! approved), proposing, and the staff steps of the lifecycle. People and milestones are in
//! `work_routes`.

use super::lifecycle;
use super::store;
use super::types::{CompletionRequest, ProjectFilter, ProjectRequest, ProjectView};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::text::ReasonRequest;
use crate::http::{Json, write_ok};
use crate::roles::standing::reader;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_projects)
        .service(propose)
        .service(get_project)
        .service(approve)
        .service(reject)
        .service(start)
        .service(complete)
        .service(cancel);
}

/// Projects of the community, newest first. Anyone sees approved, running and completed
/// ones, without the people in them; people of the community (anyone verified, staff) see
/// every status with proposer and participants. `min_societies` keeps projects linking at
/// least that many of the five societies.
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ProjectFilter),
    responses((status = 200, body = Paged<ProjectView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/projects")]
async fn list_projects(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    id: web::Path<i64>,
    filter: web::Query<ProjectFilter>,
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
            rows.into_iter()
                .map(|row| {
                    let insider = store::insider(conn, &row, as_reader)?;
                    store::view(conn, row, insider)
                })
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(views, page, |p| p.id)))
}

/// Propose a micro-governance project (微治理项目 / 公益创投): anyone verified in the
/// community, or a leader of an organisation serving it (`proposer_organisation_id`). A
/// carrying organisation must serve the community too. It waits for staff to decide.
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = ProjectRequest, security(("bearer" = [])),
    responses((status = 201, body = ProjectView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/projects")]
async fn propose(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<ProjectRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| lifecycle::propose(conn, caller, community_id, body),
    )
    .await
}

/// One project. Anyone reads it once approved (without the people in it); before that, and
/// after a rejection or cancellation, only people of the community and those taking part do.
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id")),
    responses((status = 200, body = ProjectView), (status = 404, body = Problem)))]
#[get("/communities/{id}/projects/{project_id}")]
async fn get_project(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, project_id) = path.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let reader = reader(conn, caller.as_ref(), community_id)?;
            let as_reader = reader.as_ref().map(|(id, s)| (*id, s));
            store::visible(conn, community_id, project_id, as_reader)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Approve a proposed project (staff; not one's own proposal). The community joins its
/// societies.
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id")),
    security(("bearer" = [])), responses((status = 200, body = ProjectView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/projects/{project_id}/approve")]
async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let at = path.into_inner();
    write_ok(&state, move |conn| {
        lifecycle::decide(conn, &caller, at, None)
    })
    .await
}

/// Reject a proposed project with a reason the proposer sees (staff; not one's own).
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = ProjectView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/projects/{project_id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let (at, reason) = (path.into_inner(), body.into_inner().reason);
    write_ok(&state, move |conn| {
        lifecycle::decide(conn, &caller, at, Some(&reason))
    })
    .await
}

/// Mark an approved project as under way (staff).
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id")),
    security(("bearer" = [])), responses((status = 200, body = ProjectView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/projects/{project_id}/start")]
async fn start(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let at = path.into_inner();
    write_ok(&state, move |conn| lifecycle::start(conn, &caller, at)).await
}

/// Close a project under way with its completion report (staff).
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id")),
    request_body = CompletionRequest, security(("bearer" = [])),
    responses((status = 200, body = ProjectView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/projects/{project_id}/complete")]
async fn complete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<CompletionRequest>,
) -> ApiResult<HttpResponse> {
    let (at, report) = (path.into_inner(), body.into_inner().report);
    write_ok(&state, move |conn| {
        lifecycle::complete(conn, &caller, at, &report)
    })
    .await
}

/// Call off a project that is proposed, approved or under way, with a reason (staff).
#[utoipa::path(tag = "projects", params(("id" = i64, Path, description = "Community id"), ("project_id" = i64, Path, description = "Project id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = ProjectView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/projects/{project_id}/cancel")]
async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let (at, reason) = (path.into_inner(), body.into_inner().reason);
    write_ok(&state, move |conn| {
        lifecycle::cancel(conn, &caller, at, &reason)
    })
    .await
}
