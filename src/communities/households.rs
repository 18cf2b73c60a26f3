//! `/communities/{id}/households`: the households (户) residents are verified against.

use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult};
use crate::http::Json;
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::{Permission, standing};
use crate::schema::{grids, households};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_households).service(create_household);
}

#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = households)]
pub struct HouseholdView {
    pub id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    /// Building (楼栋) or, in villages, the group (村民小组).
    pub building: String,
    pub unit: String,
    pub room: String,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHousehold {
    pub grid_id: Option<i64>,
    #[validate(
        length(min = 1, max = 32),
        custom(function = "crate::http::text::single_line")
    )]
    pub building: String,
    #[validate(length(max = 32))]
    #[serde(default)]
    pub unit: String,
    #[validate(
        length(min = 1, max = 32),
        custom(function = "crate::http::text::single_line")
    )]
    pub room: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseholdFilter {
    pub grid_id: Option<i64>,
}

/// A household of `community_id`, or 422 naming `field` if there is none.
pub fn in_community(
    conn: &mut DbConnection,
    community_id: i64,
    household_id: i64,
    field: &str,
) -> Result<HouseholdView, ApiError> {
    households::table
        .filter(households::id.eq(household_id))
        .filter(households::community_id.eq(community_id))
        .select(HouseholdView::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::invalid(vec![crate::error::FieldError::new(field, "not_found")]))
}

/// The address a household stands for, as staff would write it.
pub fn address(household: &HouseholdView) -> String {
    if household.unit.is_empty() {
        format!("{} {}", household.building, household.room)
    } else {
        format!(
            "{} {} {}",
            household.building, household.unit, household.room
        )
    }
}

/// The community's households, optionally one grid's.
#[utoipa::path(tag = "communities", params(("id" = i64, Path, description = "Community id"), HouseholdFilter, PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<HouseholdView>), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[get("/communities/{id}/households")]
async fn list_households(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<HouseholdFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let page = page.page()?;
    let grid = filter.grid_id;
    let rows = state
        .db
        .run(move |conn| {
            standing::in_community(conn, caller.user_id, community_id)?
                .require(Permission::ViewRoster)?;
            let mut query = households::table
                .filter(households::community_id.eq(community_id))
                .filter(households::id.lt(page.before_id))
                .into_boxed();
            if let Some(grid) = grid {
                query = query.filter(households::grid_id.eq(grid));
            }
            Ok(query
                .order(households::id.desc())
                .limit(page.limit + 1)
                .select(HouseholdView::as_select())
                .load(conn)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |h| h.id)))
}

/// Register a household (staff and grid workers).
#[utoipa::path(tag = "communities", params(("id" = i64, Path, description = "Community id")), request_body = CreateHousehold,
    security(("bearer" = [])), responses((status = 201, body = HouseholdView), (status = 403, body = crate::error::Problem),
    (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/communities/{id}/households")]
async fn create_household(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<CreateHousehold>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let body = body.into_inner();
    let household = state
        .db
        .write(move |conn| {
            standing::in_community(conn, caller.user_id, community_id)?
                .require(Permission::ManageHouseholds)?;
            if let Some(grid_id) = body.grid_id {
                let grid_here: i64 = grids::table
                    .filter(grids::id.eq(grid_id))
                    .filter(grids::community_id.eq(community_id))
                    .count()
                    .get_result(conn)?;
                if grid_here == 0 {
                    return Err(ApiError::invalid_field("grid_id", "not_found"));
                }
            }
            let household_id: i64 = diesel::insert_into(households::table)
                .values((
                    households::community_id.eq(community_id),
                    households::grid_id.eq(body.grid_id),
                    households::building.eq(body.building.trim()),
                    households::unit.eq(body.unit.trim()),
                    households::room.eq(body.room.trim()),
                    households::created_at.eq(now()),
                ))
                .returning(households::id)
                .get_result(conn)?;
            let household = in_community(conn, community_id, household_id, "household_id")?;
            audit::record(
                conn,
                &(&caller).into(),
                Change::in_community(community_id, "household.created", "household", household.id)
                    .after(&household),
            )?;
            Ok(household)
        })
        .await?;
    Ok(HttpResponse::Created().json(household))
}
