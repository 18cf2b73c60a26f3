//! `/communities/{id}/organisations/{organisation_id}/members/...` and
//! `/communities/{id}/social-workers/...`: the people of the five societies' registry.

use super::members;
use super::social_workers::{self, SocialWorkerRequest, SocialWorkerView};
use super::types::{MemberRequest, MemberView};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::Permission;
use crate::roles::standing::reader;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_members)
        .service(set_member)
        .service(remove_member)
        .service(list_social_workers)
        .service(record_social_worker);
}

/// Everyone in the organisation, leaders first: display names and roles only. For people
/// verified in the community and the organisation's own members.
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), ("organisation_id" = i64, Path, description = "Organisation id")),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<MemberView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/organisations/{organisation_id}/members")]
async fn list_members(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, organisation_id) = path.into_inner();
    let roster = state
        .db
        .run(move |conn| members::list(conn, &caller, community_id, organisation_id))
        .await?;
    Ok(HttpResponse::Ok().json(roster))
}

/// Add anyone with an account to the organisation as leader or member, or change their role:
/// a leader of it, or staff. 422 `not_found` for no such account; 409 `last_leader` for
/// leaving members without a leader.
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), ("organisation_id" = i64, Path, description = "Organisation id"),
    ("user_id" = i64, Path, description = "The member's user id")),
    request_body = MemberRequest, security(("bearer" = [])),
    responses((status = 200, body = MemberView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/organisations/{organisation_id}/members/{user_id}")]
async fn set_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
    body: Json<MemberRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, organisation_id, user_id) = path.into_inner();
    let role = body.into_inner().role;
    let at = (community_id, organisation_id);
    let member = state
        .db
        .write(move |conn| members::set(conn, &caller, at, user_id, role))
        .await?;
    Ok(HttpResponse::Ok().json(member))
}

/// Take someone out of the organisation (a leader or staff), or leave it oneself. 204 also
/// when they were not in it; 409 `last_leader` for the only leader while others remain.
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), ("organisation_id" = i64, Path, description = "Organisation id"),
    ("user_id" = i64, Path, description = "The member's user id")),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[delete("/communities/{id}/organisations/{organisation_id}/members/{user_id}")]
async fn remove_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, organisation_id, user_id) = path.into_inner();
    let at = (community_id, organisation_id);
    state
        .db
        .write(move |conn| members::remove(conn, &caller, at, user_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The community's social workers, readable without logging in: name, certificate level and
/// employer; staff also see certificate numbers.
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), PageQuery),
    responses((status = 200, body = Paged<SocialWorkerView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/social-workers")]
async fn list_social_workers(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (community_id, page) = (id.into_inner(), page.page()?);
    let rows = state
        .db
        .run(move |conn| {
            let reader = reader(conn, caller.as_ref(), community_id)?;
            let staff =
                reader.is_some_and(|(_, s)| s.require(Permission::ManageOrganisations).is_ok());
            social_workers::list(conn, community_id, staff, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |w| w.user_id)))
}

/// Record a social worker's certificate and employer (staff). The person must hold the social
/// worker role in the community (404 otherwise); the employer is a social work agency serving
/// the community (`employer_organisation_id`) or a name (`employer_name`), exactly one.
#[utoipa::path(tag = "organisations", params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "The social worker's user id")),
    request_body = SocialWorkerRequest, security(("bearer" = [])),
    responses((status = 200, body = SocialWorkerView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/social-workers/{user_id}")]
async fn record_social_worker(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<SocialWorkerRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, user_id) = path.into_inner();
    let body = body.into_inner();
    let view = state
        .db
        .write(move |conn| social_workers::record(conn, &caller, community_id, user_id, &body))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
