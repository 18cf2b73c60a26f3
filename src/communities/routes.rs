//! `/communities`: public facts, creation by region admins, updates by the community.

use super::store::{self, Facts};
use super::{CommunityView, Kind};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::{CACHE_TTL, Json, json_bytes};
use crate::regions::{self, Level};
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_communities)
        .service(get_community)
        .service(create_community)
        .service(update_community);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunityFilter {
    /// Communities anywhere below this region.
    pub region_id: Option<i64>,
    pub kind: Option<Kind>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommunity {
    /// The street or township.
    pub region_id: i64,
    pub kind: Kind,
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::http::text::single_line")
    )]
    pub name: String,
    /// A local code for the community, unique platform-wide.
    #[validate(
        length(min = 1, max = 32),
        custom(function = "crate::http::text::single_line")
    )]
    pub code: Option<String>,
    /// The remaining facts, which default to zero and can be updated later.
    #[serde(default)]
    #[validate(nested)]
    pub facts: Facts,
}

/// Communities, optionally below a region (public).
#[utoipa::path(tag = "communities", params(CommunityFilter, PageQuery), responses(
    (status = 200, body = Paged<CommunityView>), (status = 422, body = crate::error::Problem)))]
#[get("/communities")]
async fn list_communities(
    state: web::Data<AppState>,
    filter: web::Query<CommunityFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let filter = filter.into_inner();
    let rows = state
        .db
        .run(move |conn| {
            let path = match filter.region_id {
                Some(region) => Some(
                    regions::store::path_of(conn, region)
                        .map_err(|_| ApiError::invalid_field("region_id", "not_found"))?,
                ),
                None => None,
            };
            store::list(
                conn,
                path.as_deref(),
                filter.kind,
                page.before_id,
                page.limit + 1,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |c| c.id)))
}

/// One community's public facts.
#[utoipa::path(tag = "communities", params(("id" = i64, Path, description = "Community id")),
    responses((status = 200, body = CommunityView), (status = 404, body = crate::error::Problem)))]
#[get("/communities/{id}")]
async fn get_community(state: web::Data<AppState>, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let load = state.db.run(move |conn| store::get(conn, id));
    let body = state
        .kv
        .cached_json(id, "community", CACHE_TTL, load)
        .await?;
    Ok(json_bytes(body))
}

/// Create a community under a street (platform admins, or region admins above the street).
#[utoipa::path(tag = "communities", request_body = CreateCommunity, security(("bearer" = [])), responses(
    (status = 201, body = CommunityView), (status = 403, body = crate::error::Problem),
    (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/communities")]
async fn create_community(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateCommunity>,
) -> ApiResult<HttpResponse> {
    let mut body = body.into_inner();
    body.facts.name = Some(body.name.trim().to_owned());
    let community = state
        .db
        .write(move |conn| {
            let (level, _) = regions::store::level_and_path(conn, body.region_id)
                .map_err(|_| ApiError::invalid_field("region_id", "not_found"))?;
            standing::require_region_admin(conn, caller.user_id, body.region_id)?;
            if level != Level::Street {
                return Err(ApiError::invalid_field("region_id", "invalid_value"));
            }
            let community = store::insert(
                conn,
                body.region_id,
                body.kind,
                body.code.as_deref(),
                &body.facts,
            )?;
            let change =
                Change::in_community(community.id, "community.created", "community", community.id)
                    .after(&community);
            audit::record(conn, &(&caller).into(), change)?;
            Ok(community)
        })
        .await?;
    Ok(HttpResponse::Created().json(community))
}

/// Update a community's facts (community admins, region admins above it, platform admins).
#[utoipa::path(tag = "communities", params(("id" = i64, Path, description = "Community id")), request_body = Facts,
    security(("bearer" = [])), responses((status = 200, body = CommunityView), (status = 403, body = crate::error::Problem),
    (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[patch("/communities/{id}")]
async fn update_community(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<Facts>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let facts = body.into_inner();
    let community = state
        .db
        .write(move |conn| {
            standing::in_community(conn, caller.user_id, id)?
                .require(Permission::EditCommunityFacts)?;
            let before = store::get(conn, id)?;
            let after = store::update(conn, id, &facts)?;
            audit::record(
                conn,
                &(&caller).into(),
                Change::in_community(id, "community.updated", "community", id)
                    .before(&before)
                    .after(&after),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(community))
}
