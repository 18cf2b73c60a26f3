//! `/communities/{id}/memberships`: apply for residency, and verify or reject applications.

use super::store::{self, Filter};
use super::{MembershipView, Status};
use crate::accounts::identity::IdNumber;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::communities::{households, store as communities};
use crate::error::{ApiError, ApiResult, Code};
use crate::http::Json;
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::{Permission, standing};
use crate::schema::users;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(apply)
        .service(list)
        .service(verify)
        .service(reject);
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The household, when the applicant can pick it from the community's list.
    pub household_id: Option<i64>,
    /// Otherwise the address as the applicant writes it.
    #[validate(
        length(min = 2, max = 200),
        custom(function = "crate::http::text::single_line")
    )]
    pub address: Option<String>,
    /// Optional resident ID number; only a keyed hash and the last four characters are kept.
    #[validate(length(max = 32))]
    pub id_number: Option<String>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// Links the member to this household of the community on verifying.
    pub household_id: Option<i64>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    /// Shown to the applicant.
    #[validate(
        length(min = 2, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub reason: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembershipFilter {
    pub status: Option<Status>,
}

/// Apply to be verified as a resident of the community. Re-applying after a rejection
/// re-opens the application; applying again while pending changes nothing.
#[utoipa::path(tag = "memberships", params(("id" = i64, Path, description = "Community id")), request_body = Application,
    security(("bearer" = [])), responses((status = 201, body = MembershipView), (status = 200, description = "Already pending", body = MembershipView),
    (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/communities/{id}/memberships")]
async fn apply(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<Application>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let body = body.into_inner();
    let id_number = match body.id_number.as_deref() {
        Some(raw) => Some(
            IdNumber::parse(raw)
                .ok_or_else(|| ApiError::invalid_field("id_number", "invalid_id_number"))?,
        ),
        None => None,
    };
    let id_key = state.config.id_hash_key.clone();
    let (created, membership) = state
        .db
        .write(move |conn| {
            communities::get(conn, community_id)?;
            let address = match (body.household_id, body.address) {
                (Some(household_id), _) => households::address(&households::in_community(
                    conn,
                    community_id,
                    household_id,
                    "household_id",
                )?),
                (None, Some(address)) => address.trim().to_owned(),
                (None, None) => return Err(ApiError::invalid_field("address", "required")),
            };
            if let Some(existing) = store::find_for_user(conn, community_id, caller.user_id)? {
                match existing.status {
                    Status::Pending => return Ok((false, existing)),
                    Status::Verified => return Err(ApiError::new(Code::AlreadyExists)),
                    Status::Rejected => {}
                }
            }
            if let Some(id_number) = id_number {
                record_id_number(conn, caller.user_id, &id_number, &id_key)?;
            }
            let id = store::apply(
                conn,
                community_id,
                caller.user_id,
                body.household_id,
                &address,
            )?;
            let membership = store::get(conn, community_id, id)?;
            let change = Change::in_community(community_id, "membership.applied", "membership", id)
                .after(&membership);
            audit::record(conn, &(&caller).into(), change)?;
            Ok((true, membership))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    }
    .json(membership))
}

/// Keeps the keyed hash of a person's ID number and the birth date it holds (votes are for
/// adults); the same number on two accounts is refused.
pub fn record_id_number(
    conn: &mut crate::db::DbConnection,
    user_id: i64,
    id_number: &IdNumber,
    key: &[u8],
) -> Result<(), ApiError> {
    let hash = id_number.keyed_hash(key);
    let current: Option<String> = users::table
        .find(user_id)
        .select(users::id_number_hash)
        .first(conn)?;
    match current {
        Some(existing) if existing == hash => Ok(()),
        Some(_) => Err(ApiError::new(Code::InvalidState).with_field("id_number", "invalid_value")),
        None => {
            if crate::accounts::store::id_number_taken(conn, &hash)? {
                return Err(
                    ApiError::new(Code::AlreadyExists).with_field("id_number", "already_exists")
                );
            }
            diesel::update(users::table.find(user_id))
                .set((
                    users::id_number_hash.eq(hash),
                    users::id_number_last4.eq(id_number.last4()),
                    users::birth_date.eq(id_number.birth_date()),
                ))
                .execute(conn)?;
            Ok(())
        }
    }
}

/// Applications and residents of the community (staff).
#[utoipa::path(tag = "memberships", params(("id" = i64, Path, description = "Community id"), MembershipFilter, PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<MembershipView>), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[get("/communities/{id}/memberships")]
async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<MembershipFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let page = page.page()?;
    let status = filter.status;
    let rows = state
        .db
        .run(move |conn| {
            standing::in_community(conn, caller.user_id, community_id)?
                .require(Permission::ViewRoster)?;
            store::list(
                conn,
                community_id,
                Filter {
                    status,
                    ..Filter::default()
                },
                page.before_id,
                page.limit + 1,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |m| m.id)))
}

async fn decide(
    state: &AppState,
    caller: Caller,
    community_id: i64,
    membership_id: i64,
    decision: Status,
    household_id: Option<i64>,
    reason: Option<String>,
) -> ApiResult<MembershipView> {
    state
        .db
        .write(move |conn| {
            standing::in_community(conn, caller.user_id, community_id)?
                .require(Permission::VerifyResidents)?;
            let before = store::get(conn, community_id, membership_id)?;
            // Nobody decides their own residency: a second person must vouch for it.
            if before.user_id == caller.actor_id() {
                return Err(ApiError::forbidden().with_field("membership_id", "own_application"));
            }
            if let Some(household_id) = household_id {
                households::in_community(conn, community_id, household_id, "household_id")?;
            }
            if !store::decide(
                conn,
                membership_id,
                decision,
                caller.actor_id(),
                household_id,
                reason.as_deref(),
            )? {
                return Err(ApiError::new(Code::InvalidState));
            }
            let after = store::get(conn, community_id, membership_id)?;
            let action = if decision == Status::Verified {
                "membership.verified"
            } else {
                "membership.rejected"
            };
            audit::record(
                conn,
                &(&caller).into(),
                Change::in_community(community_id, action, "membership", membership_id)
                    .before(&before)
                    .after(&after),
            )?;
            Ok(after)
        })
        .await
}

/// Verify a pending application (staff, grid workers, community admins).
#[utoipa::path(tag = "memberships", params(("id" = i64, Path, description = "Community id"), ("membership_id" = i64, Path, description = "Membership id")),
    request_body = Verification, security(("bearer" = [])), responses((status = 200, body = MembershipView), (status = 403, body = crate::error::Problem),
    (status = 404, body = crate::error::Problem), (status = 409, description = "Not pending", body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/communities/{id}/memberships/{membership_id}/verify")]
async fn verify(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<Verification>,
) -> ApiResult<HttpResponse> {
    let (community_id, membership_id) = path.into_inner();
    let household = body.into_inner().household_id;
    Ok(HttpResponse::Ok().json(
        decide(
            &state,
            caller,
            community_id,
            membership_id,
            Status::Verified,
            household,
            None,
        )
        .await?,
    ))
}

/// Reject a pending application with a reason the applicant will see.
#[utoipa::path(tag = "memberships", params(("id" = i64, Path, description = "Community id"), ("membership_id" = i64, Path, description = "Membership id")),
    request_body = Rejection, security(("bearer" = [])), responses((status = 200, body = MembershipView), (status = 403, body = crate::error::Problem),
    (status = 404, body = crate::error::Problem), (status = 409, description = "Not pending", body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/communities/{id}/memberships/{membership_id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<Rejection>,
) -> ApiResult<HttpResponse> {
    let (community_id, membership_id) = path.into_inner();
    let reason = body.into_inner().reason.trim().to_owned();
    Ok(HttpResponse::Ok().json(
        decide(
            &state,
            caller,
            community_id,
            membership_id,
            Status::Rejected,
            None,
            Some(reason),
        )
        .await?,
    ))
}
