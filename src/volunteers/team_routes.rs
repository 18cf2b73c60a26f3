//! `/communities/{id}/volunteers/teams/...`: service teams and their members.

use super::team_members;
use super::teams::{self, MemberRequest, MemberView, TeamDetail, TeamRequest, TeamView};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_teams)
        .service(create_team)
        .service(team_detail)
        .service(update_team)
        .service(set_member)
        .service(remove_member);
}

/// The community's teams, newest first, with how many are in each.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<TeamView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/volunteers/teams")]
async fn list_teams(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let page = page.page()?;
    let rows = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
            teams::list(conn, community_id, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |t| t.id)))
}

/// Start a team (staff). 409 if the community already has a team of that name.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id")), request_body = TeamRequest, security(("bearer" = [])),
    responses((status = 201, body = TeamView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/volunteers/teams")]
async fn create_team(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<TeamRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let body = body.into_inner();
    let created = state
        .db
        .write(move |conn| teams::create(conn, &caller, community_id, &body))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// A team with its members (display names and roles only).
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), ("team_id" = i64, Path, description = "Team id")),
    security(("bearer" = [])),
    responses((status = 200, body = TeamDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/volunteers/teams/{team_id}")]
async fn team_detail(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, team_id) = path.into_inner();
    let detail = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
            teams::detail(conn, community_id, team_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Rename a team or change its description (staff). Audited before and after.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), ("team_id" = i64, Path, description = "Team id")),
    request_body = TeamRequest, security(("bearer" = [])),
    responses((status = 200, body = TeamView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/volunteers/teams/{team_id}")]
async fn update_team(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<TeamRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, team_id) = path.into_inner();
    let body = body.into_inner();
    let updated = state
        .db
        .write(move |conn| teams::update(conn, &caller, community_id, team_id, &body))
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Add a volunteer to a team as leader or member, or change their role: staff, or a leader
/// of the team. 422 if they have no volunteer profile here; 409 `last_leader` for demoting a
/// team's only leader.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), ("team_id" = i64, Path, description = "Team id"),
    ("user_id" = i64, Path, description = "Volunteer's user id")),
    request_body = MemberRequest, security(("bearer" = [])),
    responses((status = 200, body = MemberView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/volunteers/teams/{team_id}/members/{user_id}")]
async fn set_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
    body: Json<MemberRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, team_id, user_id) = path.into_inner();
    let role = body.into_inner().role;
    let member = state
        .db
        .write(move |conn| team_members::set(conn, &caller, community_id, team_id, user_id, role))
        .await?;
    Ok(HttpResponse::Ok().json(member))
}

/// Take a volunteer out of a team: staff, or a leader of the team. 204 also when they were
/// not in it; 409 `last_leader` for the only leader while others remain.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), ("team_id" = i64, Path, description = "Team id"),
    ("user_id" = i64, Path, description = "Volunteer's user id")),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[delete("/communities/{id}/volunteers/teams/{team_id}/members/{user_id}")]
async fn remove_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, team_id, user_id) = path.into_inner();
    state
        .db
        .write(move |conn| team_members::remove(conn, &caller, community_id, team_id, user_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
