//! `/me`: the caller's own account.

use super::store;
use super::types::{MeView, MyMembership, MyRole, UserView};
use crate::audit::{self, Change};
use crate::auth::{Caller, check_strength, revoke_sessions_now, sessions};
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Code};
use crate::http::Json;
use crate::memberships::Status;
use crate::roles::Role;
use crate::schema::{communities, memberships, role_grants};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(me).service(change_password);
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[validate(length(min = 1, max = 128))]
    pub current_password: String,
    #[validate(length(max = 128))]
    pub new_password: String,
}

fn load_me(conn: &mut DbConnection, caller: &Caller) -> Result<MeView, ApiError> {
    let user = store::get(conn, caller.user_id)?;
    let membership_rows: Vec<(
        i64,
        i64,
        String,
        String,
        Option<i64>,
        String,
        Option<String>,
    )> = memberships::table
        .inner_join(communities::table)
        .filter(memberships::user_id.eq(caller.user_id))
        .order(memberships::id)
        .select((
            memberships::id,
            memberships::community_id,
            communities::name,
            memberships::status,
            memberships::household_id,
            memberships::address,
            memberships::rejection_reason,
        ))
        .load(conn)?;
    let grant_rows: Vec<(String, Option<i64>, Option<i64>)> = role_grants::table
        .filter(role_grants::user_id.eq(caller.user_id))
        .filter(role_grants::revoked_at.is_null())
        .order(role_grants::id)
        .select((
            role_grants::role,
            role_grants::community_id,
            role_grants::region_id,
        ))
        .load(conn)?;
    let mut roles: Vec<MyRole> = grant_rows
        .into_iter()
        .filter_map(|(role, community_id, region_id)| {
            Some(MyRole {
                role: Role::parse(&role)?,
                community_id,
                region_id,
            })
        })
        .collect();
    if user.is_platform_admin {
        roles.insert(
            0,
            MyRole {
                role: Role::PlatformAdmin,
                community_id: None,
                region_id: None,
            },
        );
    }
    let memberships = membership_rows
        .into_iter()
        .map(
            |(
                id,
                community_id,
                community_name,
                status,
                household_id,
                address,
                rejection_reason,
            )| MyMembership {
                id,
                community_id,
                community_name,
                status: Status::parse(&status).unwrap_or(Status::Pending),
                household_id,
                address,
                rejection_reason,
            },
        )
        .collect();
    Ok(MeView {
        user: UserView::from(&user),
        memberships,
        roles,
        acting_staff_id: caller.acting_staff,
    })
}

/// The caller's account, residency applications and roles.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, body = MeView), (status = 401, body = crate::error::Problem)))]
#[get("/me")]
async fn me(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let me = state.db.run(move |conn| load_me(conn, &caller)).await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Change the password. Every other session of the account is logged out.
#[utoipa::path(tag = "accounts", request_body = PasswordChange, security(("bearer" = [])), responses(
    (status = 204, description = "Changed"), (status = 401, body = crate::error::Problem),
    (status = 403, description = "Not allowed in an assisted session", body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/me/password")]
async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<PasswordChange>,
) -> ApiResult<HttpResponse> {
    caller.require_in_person()?;
    let body = body.into_inner();
    let user_id = caller.user_id;
    let user = state.db.run(move |conn| store::get(conn, user_id)).await?;
    if !state
        .passwords
        .verify(user.password_hash.clone(), body.current_password.clone())
        .await?
    {
        return Err(
            ApiError::new(Code::InvalidCredentials).with_field("current_password", "invalid_value")
        );
    }
    if body.new_password == body.current_password {
        return Err(ApiError::invalid_field("new_password", "same_as_current"));
    }
    let personal: Vec<&str> = [
        Some(user.display_name.as_str()),
        user.phone.as_deref(),
        user.email.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    check_strength("new_password", &body.new_password, &personal)
        .map_err(|f| ApiError::invalid(vec![f]))?;
    let hash = state.passwords.hash(body.new_password).await?;
    let revoked = state
        .db
        .write(move |conn| {
            store::set_password_hash(conn, user_id, &hash)?;
            let revoked =
                sessions::revoke_all(conn, user_id, Some(&caller.session_id), "password_changed")?;
            audit::record(
                conn,
                &(&caller).into(),
                Change::account(user_id, "account.password_changed")
                    .after(&serde_json::json!({ "sessions_revoked": revoked.len() })),
            )?;
            Ok(revoked)
        })
        .await?;
    revoke_sessions_now(&state, &revoked).await?;
    Ok(HttpResponse::NoContent().finish())
}
