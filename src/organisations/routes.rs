//! `/communities/{id}/organisations/...`: the organisations serving a community (readable
//! without logging in), registering one, asking to serve a further community, staff decisions
//! and withdrawal. Members are in `member_routes`, social workers in `social_worker_routes`.

use super::lifecycle;
use super::store;
use super::types::{OrganisationFilter, OrganisationRequest, OrganisationView};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::text::ReasonRequest;
use crate::http::{Json, write_ok};
use crate::roles::Permission;
use crate::roles::standing::reader;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_organisations)
        .service(register)
        .service(get_organisation)
        .service(request_service)
        .service(approve)
        .service(reject)
        .service(withdraw);
}

/// Organisations serving the community, newest first. Anyone, logged in or not, sees the
/// approved ones; staff also see those waiting for a decision (and any status they filter on).
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), OrganisationFilter),
    responses((status = 200, body = Paged<OrganisationView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/organisations")]
async fn list_organisations(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    id: web::Path<i64>,
    filter: web::Query<OrganisationFilter>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let filter = filter.into_inner();
    let page = PageQuery {
        cursor: filter.cursor.clone(),
        limit: filter.limit,
    }
    .page()?;
    let rows = state
        .db
        .run(move |conn| {
            let reader = reader(conn, caller.as_ref(), community_id)?;
            let staff =
                reader.is_some_and(|(_, s)| s.require(Permission::ManageOrganisations).is_ok());
            store::list(conn, community_id, staff, &filter, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |o| o.id)))
}

/// Register a social organisation and ask for it to serve the community (anyone verified
/// here, staff included). The caller becomes its first leader; it is `pending` until staff
/// decide. A `registered` organisation needs its `registration_number`.
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = OrganisationRequest, security(("bearer" = [])),
    responses((status = 201, body = OrganisationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/organisations")]
async fn register(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<OrganisationRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| lifecycle::register(conn, caller, community_id, body),
    )
    .await
}

/// One organisation as the community sees it. Anyone sees it once approved here; until then
/// only staff and its own members do, and everyone else gets 404.
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), ("organisation_id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationView), (status = 404, body = Problem)))]
#[get("/communities/{id}/organisations/{organisation_id}")]
async fn get_organisation(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, organisation_id) = path.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let reader = reader(conn, caller.as_ref(), community_id)?;
            let as_reader = reader.as_ref().map(|(id, s)| (*id, s));
            let link = store::visible_link(conn, community_id, organisation_id, as_reader)?;
            store::view(conn, link)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Ask for the organisation to serve this community too (a leader of it), or again after a
/// rejection or withdrawal; 409 while pending or approved. 404 for anyone but its leaders.
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), ("organisation_id" = i64, Path, description = "Organisation id")),
    security(("bearer" = [])), responses((status = 200, body = OrganisationView), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/organisations/{organisation_id}/request")]
async fn request_service(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, organisation_id) = path.into_inner();
    write_ok(&state, move |conn| {
        lifecycle::request_service(conn, &caller, community_id, organisation_id)
    })
    .await
}

/// Approve a pending organisation into the community (staff; not for a request of one's own
/// or an organisation one belongs to).
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), ("organisation_id" = i64, Path, description = "Organisation id")),
    security(("bearer" = [])), responses((status = 200, body = OrganisationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/organisations/{organisation_id}/approve")]
async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, organisation_id) = path.into_inner();
    write_ok(&state, move |conn| {
        lifecycle::decide(conn, &caller, community_id, organisation_id, None)
    })
    .await
}

/// Reject a pending organisation with a reason its leaders see (staff).
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), ("organisation_id" = i64, Path, description = "Organisation id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = OrganisationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/organisations/{organisation_id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, organisation_id) = path.into_inner();
    let reason = body.into_inner().reason;
    write_ok(&state, move |conn| {
        lifecycle::decide(conn, &caller, community_id, organisation_id, Some(&reason))
    })
    .await
}

/// End the organisation's service in the community, or its pending request: a leader of it,
/// or staff. 409 once rejected or withdrawn.
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), ("organisation_id" = i64, Path, description = "Organisation id")),
    security(("bearer" = [])), responses((status = 200, body = OrganisationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/organisations/{organisation_id}/withdraw")]
async fn withdraw(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, organisation_id) = path.into_inner();
    write_ok(&state, move |conn| {
        lifecycle::withdraw(conn, &caller, community_id, organisation_id)
    })
    .await
}
