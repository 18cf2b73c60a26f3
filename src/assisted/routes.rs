//! `/communities/{id}/assisted-residents` and `/communities/{id}/assisted-sessions`.

use crate::accounts::identity::IdNumber;
use crate::accounts::store::{self as users, NewUser};
use crate::accounts::types::UserView;
use crate::audit::{self, Change};
use crate::auth::{Caller, revoke_sessions_now};
use crate::communities::households;
use crate::db::now;
use crate::error::{ApiError, ApiResult, Code};
use crate::http::Json;
use crate::memberships::{MembershipView, Status, routes::record_id_number, store as memberships};
use crate::roles::{Permission, Role, standing};
use crate::schema::assisted_sessions;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, post, web};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_resident)
        .service(start_session)
        .service(end_session);
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssistedResident {
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::http::text::single_line")
    )]
    pub display_name: String,
    /// The resident's household in this community; the membership is verified at once,
    /// since the staff member is vouching in person.
    pub household_id: i64,
    #[validate(length(max = 32))]
    pub id_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssistedResident {
    pub user: UserView,
    pub membership: MembershipView,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    #[validate(range(min = 1))]
    pub resident_user_id: i64,
    /// Why the staff member is acting for the resident (kept in the audit log).
    #[validate(
        length(min = 2, max = 200),
        custom(function = "crate::http::text::multi_line")
    )]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssistedSession {
    pub session_id: i64,
    pub resident_user_id: i64,
    /// Acts as the resident, on behalf of the staff member; it cannot be refreshed.
    pub access_token: String,
    pub expires_in: u64,
}

fn token_session_id(id: i64) -> String {
    format!("assist-{id}")
}

/// Create an account for a resident without a phone or email (staff and grid workers).
#[utoipa::path(tag = "assisted", params(("id" = i64, Path, description = "Community id")), request_body = NewAssistedResident,
    security(("bearer" = [])), responses((status = 201, body = AssistedResident), (status = 403, body = crate::error::Problem),
    (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/communities/{id}/assisted-residents")]
async fn create_resident(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<NewAssistedResident>,
) -> ApiResult<HttpResponse> {
    caller.require_in_person()?;
    let community_id = id.into_inner();
    let body = body.into_inner();
    let id_number = match body.id_number.as_deref() {
        Some(raw) => Some(
            IdNumber::parse(raw)
                .ok_or_else(|| ApiError::invalid_field("id_number", "invalid_id_number"))?,
        ),
        None => None,
    };
    let key = state.config.id_hash_key.clone();
    let created = state
        .db
        .write(move |conn| {
            standing::in_community(conn, caller.user_id, community_id)?
                .require(Permission::AssistResidents)?;
            let household =
                households::in_community(conn, community_id, body.household_id, "household_id")?;
            let user = users::insert(
                conn,
                NewUser {
                    display_name: body.display_name.trim(),
                    login: None,
                    password_hash: None,
                    is_platform_admin: false,
                    assisted: true,
                    id_number: None,
                    created_by: Some(caller.actor_id()),
                },
            )?;
            if let Some(id_number) = id_number {
                record_id_number(conn, user.id, &id_number, &key)?;
            }
            let membership_id = memberships::apply(
                conn,
                community_id,
                user.id,
                Some(household.id),
                &households::address(&household),
            )?;
            memberships::decide(
                conn,
                membership_id,
                Status::Verified,
                caller.actor_id(),
                None,
                None,
            )?;
            let created = AssistedResident {
                user: UserView::from(&users::get(conn, user.id)?),
                membership: memberships::get(conn, community_id, membership_id)?,
            };
            let change =
                Change::in_community(community_id, "account.assisted_created", "user", user.id)
                    .after(&created.membership);
            audit::record(conn, &(&caller).into(), change)?;
            Ok(created)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Start acting for a verified resident of the community, face to face. The token expires
/// after the configured assisted-session lifetime and every action records both people.
#[utoipa::path(tag = "assisted", params(("id" = i64, Path, description = "Community id")), request_body = SessionRequest,
    security(("bearer" = [])), responses((status = 201, body = AssistedSession), (status = 403, body = crate::error::Problem),
    (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/communities/{id}/assisted-sessions")]
async fn start_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<SessionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_in_person()?;
    let community_id = id.into_inner();
    let body = body.into_inner();
    let resident_user_id = body.resident_user_id;
    let ttl = state.config.assisted_session_ttl;
    let staff_id = caller.user_id;
    let session_id = state
        .db
        .write(move |conn| {
            standing::in_community(conn, caller.user_id, community_id)?
                .require(Permission::AssistResidents)?;
            // Only accounts made for residents without a phone can be acted for: anyone else
            // logs in themselves, and acting for a role holder would lend their powers.
            let assisted: bool = crate::schema::users::table
                .find(body.resident_user_id)
                .select(crate::schema::users::assisted)
                .first(conn)
                .optional()?
                .unwrap_or(false);
            let standing = standing::in_community(conn, body.resident_user_id, community_id)?;
            if !assisted || !standing.has(Role::Resident) {
                return Err(ApiError::invalid_field("resident_user_id", "not_found"));
            }
            let started = now();
            let id: i64 = diesel::insert_into(assisted_sessions::table)
                .values((
                    assisted_sessions::community_id.eq(community_id),
                    assisted_sessions::staff_user_id.eq(caller.user_id),
                    assisted_sessions::resident_user_id.eq(body.resident_user_id),
                    assisted_sessions::reason.eq(body.reason.trim()),
                    assisted_sessions::started_at.eq(started),
                    assisted_sessions::expires_at
                        .eq(started + chrono::TimeDelta::from_std(ttl).unwrap_or_default()),
                ))
                .returning(assisted_sessions::id)
                .get_result(conn)?;
            let change = Change::in_community(
                community_id,
                "assisted_session.started",
                "user",
                body.resident_user_id,
            )
            .after(&serde_json::json!({ "session_id": id, "reason": body.reason.trim() }));
            audit::record(conn, &(&caller).into(), change)?;
            Ok(id)
        })
        .await?;
    let access_token = state.tokens.issue(
        resident_user_id,
        &token_session_id(session_id),
        Some(staff_id),
        ttl,
    )?;
    Ok(HttpResponse::Created().json(AssistedSession {
        session_id,
        resident_user_id,
        access_token,
        expires_in: ttl.as_secs(),
    }))
}

/// End an assisted session early; its token stops working at once.
#[utoipa::path(tag = "assisted", params(("id" = i64, Path, description = "Community id"), ("session_id" = i64, Path, description = "Assisted session id")),
    security(("bearer" = [])), responses((status = 204), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
#[delete("/communities/{id}/assisted-sessions/{session_id}")]
async fn end_session(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, session_id) = path.into_inner();
    state
        .db
        .write(move |conn| {
            let staff_id = caller.actor_id();
            let resident: i64 = assisted_sessions::table
                .filter(assisted_sessions::id.eq(session_id))
                .filter(assisted_sessions::community_id.eq(community_id))
                .filter(assisted_sessions::staff_user_id.eq(staff_id))
                .select(assisted_sessions::resident_user_id)
                .first(conn)?;
            let ended = diesel::update(
                assisted_sessions::table
                    .find(session_id)
                    .filter(assisted_sessions::ended_at.is_null()),
            )
            .set(assisted_sessions::ended_at.eq(now()))
            .execute(conn)?;
            if ended == 0 {
                return Err(ApiError::new(Code::InvalidState));
            }
            let change =
                Change::in_community(community_id, "assisted_session.ended", "user", resident)
                    .after(&serde_json::json!({ "session_id": session_id }));
            audit::record(conn, &(&caller).into(), change)
        })
        .await?;
    revoke_sessions_now(&state, &[token_session_id(session_id)]).await?;
    Ok(HttpResponse::NoContent().finish())
}
