//! `/communities/{id}/grids`: the grid (网格) divisions of a community.

use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::now;
use crate::error::ApiResult;
use crate::http::Json;
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::{Permission, standing};
use crate::schema::grids;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_grids).service(create_grid);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridView {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGrid {
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::http::text::single_line")
    )]
    pub name: String,
}

fn view(
    (id, community_id, name, created_at): (i64, i64, String, chrono::NaiveDateTime),
) -> GridView {
    GridView {
        id,
        community_id,
        name,
        created_at: created_at.and_utc(),
    }
}

/// The community's grids.
#[utoipa::path(tag = "communities", params(("id" = i64, Path, description = "Community id"), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<GridView>), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[get("/communities/{id}/grids")]
async fn list_grids(
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
            standing::in_community(conn, caller.user_id, community_id)?
                .require(Permission::ViewRoster)?;
            let rows: Vec<(i64, i64, String, chrono::NaiveDateTime)> = grids::table
                .filter(grids::community_id.eq(community_id))
                .filter(grids::id.lt(page.before_id))
                .order(grids::id.desc())
                .limit(page.limit + 1)
                .select((
                    grids::id,
                    grids::community_id,
                    grids::name,
                    grids::created_at,
                ))
                .load(conn)?;
            Ok(rows.into_iter().map(view).collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |g| g.id)))
}

/// Add a grid to the community (community admins).
#[utoipa::path(tag = "communities", params(("id" = i64, Path, description = "Community id")), request_body = CreateGrid,
    security(("bearer" = [])), responses((status = 201, body = GridView), (status = 403, body = crate::error::Problem),
    (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/communities/{id}/grids")]
async fn create_grid(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<CreateGrid>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let name = body.into_inner().name.trim().to_owned();
    let grid = state
        .db
        .write(move |conn| {
            standing::in_community(conn, caller.user_id, community_id)?
                .require(Permission::ManageGrids)?;
            let row = diesel::insert_into(grids::table)
                .values((
                    grids::community_id.eq(community_id),
                    grids::name.eq(&name),
                    grids::created_at.eq(now()),
                ))
                .returning((
                    grids::id,
                    grids::community_id,
                    grids::name,
                    grids::created_at,
                ))
                .get_result(conn)?;
            let grid = view(row);
            audit::record(
                conn,
                &(&caller).into(),
                Change::in_community(community_id, "grid.created", "grid", grid.id).after(&grid),
            )?;
            Ok(grid)
        })
        .await?;
    Ok(HttpResponse::Created().json(grid))
}
