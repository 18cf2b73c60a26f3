//! `/regions`: the public tree, and creating regions in it.

use super::Level;
use super::store::{self, RegionView};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::Json;
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::standing;
use crate::schema::users;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_regions)
        .service(get_region)
        .service(create_region);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionFilter {
    /// Children of this region; omitted, the provinces.
    pub parent_id: Option<i64>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRegion {
    /// Omitted for a province.
    pub parent_id: Option<i64>,
    pub level: Level,
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::http::text::single_line")
    )]
    pub name: String,
    /// Administrative division code (行政区划代码), 6 to 12 digits.
    #[validate(length(min = 6, max = 12), custom(function = "digits_only"))]
    pub code: Option<String>,
}

fn digits_only(value: &str) -> Result<(), validator::ValidationError> {
    value
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then_some(())
        .ok_or_else(|| validator::ValidationError::new("invalid_value"))
}

/// Regions under a parent (public).
#[utoipa::path(tag = "regions", params(RegionFilter, PageQuery), responses((status = 200, body = Paged<RegionView>)))]
#[get("/regions")]
async fn list_regions(
    state: web::Data<AppState>,
    filter: web::Query<RegionFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let parent = filter.parent_id;
    let rows = state
        .db
        .run(move |conn| store::list(conn, parent, page.before_id, page.limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |r| r.id)))
}

/// One region (public).
#[utoipa::path(tag = "regions", params(("id" = i64, Path, description = "Region id")),
    responses((status = 200, body = RegionView), (status = 404, body = crate::error::Problem)))]
#[get("/regions/{id}")]
async fn get_region(state: web::Data<AppState>, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(state.db.run(move |conn| store::get(conn, id)).await?))
}

/// Create a region: provinces by platform admins, lower levels by an admin of the parent.
#[utoipa::path(tag = "regions", request_body = CreateRegion, security(("bearer" = [])), responses(
    (status = 201, body = RegionView), (status = 403, body = crate::error::Problem),
    (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/regions")]
async fn create_region(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateRegion>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let region = state
        .db
        .write(move |conn| {
            let parent = match body.parent_id {
                None => {
                    let is_platform_admin: bool = users::table
                        .find(caller.user_id)
                        .select(users::is_platform_admin)
                        .first(conn)?;
                    if !is_platform_admin {
                        return Err(ApiError::forbidden());
                    }
                    if body.level != Level::Province {
                        return Err(ApiError::invalid_field("level", "invalid_value"));
                    }
                    None
                }
                Some(parent_id) => {
                    let (parent_level, _) = store::level_and_path(conn, parent_id)
                        .map_err(|_| ApiError::invalid_field("parent_id", "not_found"))?;
                    standing::require_region_admin(conn, caller.user_id, parent_id)?;
                    if parent_level.child() != Some(body.level) {
                        return Err(ApiError::invalid_field("level", "invalid_value"));
                    }
                    Some(parent_id)
                }
            };
            let name = body.name.trim();
            let region = store::insert(conn, parent, body.level, name, body.code.as_deref())?;
            audit::record(
                conn,
                &(&caller).into(),
                Change::in_region(region.id, "region.created", "region", region.id).after(&region),
            )?;
            Ok(region)
        })
        .await?;
    Ok(HttpResponse::Created().json(region))
}
