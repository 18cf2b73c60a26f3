//! `/evaluation-standards`: reading standards (public: they are policy), and region admins
//! creating standards for their region, adding versions and retiring them.

use super::definition::Definition;
use super::store::{self, StandardRow, StandardView};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::http::Json;
use crate::roles::standing;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_standards)
        .service(get_standard)
        .service(create_standard)
        .service(add_version)
        .service(retire_standard);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StandardFilter {
    /// Every version of this code, newest first; omitted, the newest version of each code.
    pub code: Option<String>,
}

/// Standards are few (built-ins plus a handful per region), so the list is whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardList {
    pub items: Vec<StandardView>,
}

/// The newest version of every standard, or every version of one code (public).
#[utoipa::path(tag = "indicators", params(StandardFilter), responses((status = 200, body = StandardList)))]
#[get("/evaluation-standards")]
async fn list_standards(
    state: web::Data<AppState>,
    filter: web::Query<StandardFilter>,
) -> ApiResult<HttpResponse> {
    let code = filter.into_inner().code;
    let items = state
        .db
        .run(move |conn| {
            let rows = match &code {
                Some(code) => store::versions(conn, code)?,
                None => store::latest(conn, None)?,
            };
            rows.iter()
                .map(StandardRow::view)
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(StandardList { items }))
}

/// One version of a standard with its full definition (public).
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Standard version id")),
    responses((status = 200, body = StandardView), (status = 404, body = Problem)))]
#[get("/evaluation-standards/{id}")]
async fn get_standard(state: web::Data<AppState>, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .db
        .run(move |conn| store::find(conn, id)?.view())
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStandard {
    /// Stable across versions: 2–64 of a–z, 0–9 and `_`/`-`, starting with a letter.
    pub code: String,
    pub definition: Definition,
}

fn valid_code(code: &str) -> bool {
    super::definition::is_valid_key(&code.replace('-', "_"))
}

/// A new standard rating the communities of region `id` (its admins, or a platform admin).
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Region id")),
    security(("bearer" = [])),
    responses((status = 201, body = StandardView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/regions/{id}/evaluation-standards")]
async fn create_standard(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: Json<CreateStandard>,
) -> ApiResult<HttpResponse> {
    let (region_id, request) = (path.into_inner(), body.into_inner());
    let view = state
        .db
        .write(move |conn| {
            standing::require_region_admin(conn, caller.user_id, region_id)?;
            if !valid_code(&request.code) {
                return Err(ApiError::invalid_field("code", "invalid_key"));
            }
            request.definition.check()?;
            if !store::versions(conn, &request.code)?.is_empty() {
                return Err(
                    ApiError::conflict(Code::AlreadyExists).with_field("code", "already_exists")
                );
            }
            let row = store::insert_version(
                conn,
                &request.code,
                Some(region_id),
                None,
                &request.definition,
                caller.user_id,
            )?;
            let change =
                Change::in_region(region_id, "standard.created", "evaluation_standard", row.id);
            audit::record(conn, &(&caller).into(), change.after(&request.definition))?;
            row.view()
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Who may edit the standard `row`: the admins of its region, or for a built-in, platform
/// admins only (it rates every community).
fn require_editor(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &StandardRow,
) -> ApiResult<Change> {
    let id = row.id;
    match row.region_id {
        Some(region_id) => {
            standing::require_region_admin(conn, caller.user_id, region_id)?;
            Ok(Change::in_region(
                region_id,
                "standard.changed",
                "evaluation_standard",
                id,
            ))
        }
        None if standing::is_platform_admin(conn, caller.user_id)? => Ok(Change::platform(
            "standard.changed",
            "evaluation_standard",
            id,
        )),
        None => Err(ApiError::forbidden()),
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    pub definition: Definition,
}

/// Adds the next version of the standard that version `id` belongs to. Snapshots already
/// computed keep the version they were computed with; periods computed from now on use this.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Any version's id")),
    security(("bearer" = [])),
    responses((status = 201, body = StandardView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/evaluation-standards/{id}/versions")]
async fn add_version(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: Json<NewVersion>,
) -> ApiResult<HttpResponse> {
    let (id, definition) = (path.into_inner(), body.into_inner().definition);
    let view = state
        .db
        .write(move |conn| {
            let row = store::find(conn, id)?;
            let change = require_editor(conn, &caller, &row)?;
            definition.check()?;
            let newest = store::versions(conn, &row.code)?.into_iter().next();
            let previous = newest.as_ref().map(StandardRow::definition).transpose()?;
            let added = store::insert_version(
                conn,
                &row.code,
                row.region_id,
                newest.as_ref(),
                &definition,
                caller.user_id,
            )?;
            audit::record(
                conn,
                &(&caller).into(),
                change.before_if(previous.as_ref()).after(&definition),
            )?;
            added.view()
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Retirement {
    /// `true` to stop computing it, `false` to take it up again.
    pub retired: bool,
}

/// Retires (or reinstates) every version of a standard: no new snapshots are computed with
/// it; those already computed stay.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Any version's id")),
    security(("bearer" = [])),
    responses((status = 200, body = StandardView), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[post("/evaluation-standards/{id}/retirement")]
async fn retire_standard(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: Json<Retirement>,
) -> ApiResult<HttpResponse> {
    let (id, retired) = (path.into_inner(), body.into_inner().retired);
    let view = state
        .db
        .write(move |conn| {
            let row = store::find(conn, id)?;
            let change = require_editor(conn, &caller, &row)?;
            store::set_retired(conn, &row.code, retired)?;
            let change = change.before(&serde_json::json!({"retired": row.retired}));
            audit::record(
                conn,
                &(&caller).into(),
                change.after(&serde_json::json!({"retired": retired})),
            )?;
            store::find(conn, id)?.view()
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
