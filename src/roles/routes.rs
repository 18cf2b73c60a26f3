//! `/communities/{id}/roles` and `/regions/{id}/roles`: appointing and removing role holders.

use super::Role;
use super::standing;
use super::store::{self, RoleGrantView, Scope};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::Json;
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::permission::Permission;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_community_roles)
        .service(grant_community_role)
        .service(revoke_community_role)
        .service(list_region_roles)
        .service(grant_region_role)
        .service(revoke_region_role);
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    #[validate(range(min = 1))]
    pub user_id: i64,
    pub role: Role,
}

/// Checks the caller may hold or change grants in `scope`, answering 404/403 otherwise.
fn authorize(
    conn: &mut crate::db::DbConnection,
    caller: &Caller,
    scope: Scope,
    change: Option<Role>,
) -> Result<(), ApiError> {
    let standing = match scope {
        Scope::Community(id) => standing::in_community(conn, caller.user_id, id)?,
        Scope::Region(id) => standing::in_region(conn, caller.user_id, id)?,
    };
    match (scope, change) {
        (Scope::Community(_), None) => standing.require(Permission::ViewRoster),
        (Scope::Community(_), Some(role)) => standing.require_can_grant(role),
        // Region admins appoint admins of the regions below theirs, never of their own.
        (Scope::Region(_), _) => {
            standing.require_any(&[Role::PlatformAdmin, Role::RegionAdmin])?;
            if standing.has(Role::PlatformAdmin)
                || !store::holds(conn, scope, caller.user_id, Role::RegionAdmin)?
            {
                Ok(())
            } else {
                Err(ApiError::forbidden())
            }
        }
    }
}

async fn list(
    state: &AppState,
    caller: Caller,
    scope: Scope,
    query: PageQuery,
) -> ApiResult<Paged<RoleGrantView>> {
    let page = query.page()?;
    state
        .db
        .run(move |conn| {
            authorize(conn, &caller, scope, None)?;
            let rows = store::list(conn, scope, page.before_id, page.limit + 1)?;
            Ok(Paged::from_rows(rows, page, |g| g.id))
        })
        .await
}

async fn grant(
    state: &AppState,
    caller: Caller,
    scope: Scope,
    body: GrantRequest,
) -> ApiResult<RoleGrantView> {
    let allowed = match scope {
        Scope::Community(_) => body.role.is_community_grant(),
        Scope::Region(_) => body.role == Role::RegionAdmin,
    };
    if !allowed {
        return Err(ApiError::invalid_field("role", "invalid_value"));
    }
    state
        .db
        .write(move |conn| {
            authorize(conn, &caller, scope, Some(body.role))?;
            let grant = store::grant(conn, scope, body.user_id, body.role, caller.actor_id())?;
            audit::record(
                conn,
                &(&caller).into(),
                Change::grant(scope, "role.granted", grant.id).after(&grant),
            )?;
            Ok(grant)
        })
        .await
}

async fn revoke(
    state: &AppState,
    caller: Caller,
    scope: Scope,
    grant_id: i64,
) -> ApiResult<HttpResponse> {
    state
        .db
        .write(move |conn| {
            let existing = store::get(conn, scope, grant_id)?;
            authorize(conn, &caller, scope, Some(existing.role))?;
            store::revoke(conn, grant_id, caller.actor_id())?;
            audit::record(
                conn,
                &(&caller).into(),
                Change::grant(scope, "role.revoked", grant_id).before(&existing),
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Role holders of a community (admins, staff, grid workers, social workers, volunteers).
#[utoipa::path(tag = "roles", params(("id" = i64, Path, description = "Community id"), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<RoleGrantView>), (status = 404, body = crate::error::Problem)))]
#[get("/communities/{id}/roles")]
async fn list_community_roles(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(list(&state, caller, Scope::Community(*id), query.into_inner()).await?))
}

/// Appoint someone to a community role. Community admins appoint staff, grid workers, social
/// workers and volunteers; region and platform admins also appoint community admins.
#[utoipa::path(tag = "roles", params(("id" = i64, Path, description = "Community id")), request_body = GrantRequest,
    security(("bearer" = [])), responses((status = 201, body = RoleGrantView), (status = 403, body = crate::error::Problem),
    (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/communities/{id}/roles")]
async fn grant_community_role(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<GrantRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(grant(&state, caller, Scope::Community(*id), body.into_inner()).await?))
}

/// Remove a community role; the grant is kept in history as revoked.
#[utoipa::path(tag = "roles", params(("id" = i64, Path, description = "Community id"), ("grant_id" = i64, Path, description = "Grant id")),
    security(("bearer" = [])), responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[delete("/communities/{id}/roles/{grant_id}")]
async fn revoke_community_role(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, grant_id) = path.into_inner();
    revoke(&state, caller, Scope::Community(id), grant_id).await
}

/// Region admins of a region.
#[utoipa::path(tag = "roles", params(("id" = i64, Path, description = "Region id"), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<RoleGrantView>), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[get("/regions/{id}/roles")]
async fn list_region_roles(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    Ok(
        HttpResponse::Ok()
            .json(list(&state, caller, Scope::Region(*id), query.into_inner()).await?),
    )
}

/// Appoint a region admin. Platform admins appoint anywhere; region admins below their region.
#[utoipa::path(tag = "roles", params(("id" = i64, Path, description = "Region id")), request_body = GrantRequest,
    security(("bearer" = [])), responses((status = 201, body = RoleGrantView), (status = 403, body = crate::error::Problem),
    (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/regions/{id}/roles")]
async fn grant_region_role(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<GrantRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(grant(&state, caller, Scope::Region(*id), body.into_inner()).await?))
}

/// Remove a region admin.
#[utoipa::path(tag = "roles", params(("id" = i64, Path, description = "Region id"), ("grant_id" = i64, Path, description = "Grant id")),
    security(("bearer" = [])), responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[delete("/regions/{id}/roles/{grant_id}")]
async fn revoke_region_role(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, grant_id) = path.into_inner();
    revoke(&state, caller, Scope::Region(id), grant_id).await
}
