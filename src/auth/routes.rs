//! `/auth`: register, log in, refresh, log out.

use super::password::check_strength;
use super::sessions::{self, ClientInfo, Rotation};
use super::throttle::Throttle;
use super::{Caller, TokenPair, revoke_sessions_now};
use crate::accounts::identity::Login;
use crate::accounts::store::{self as users, NewUser};
use crate::accounts::types::UserView;
use crate::audit::{self, Actor, Change};
use crate::error::{ApiError, ApiResult, Code};
use crate::http::Json;
use crate::state::AppState;
use actix_web::{FromRequest, HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout);
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Mainland China mobile number or email address.
    #[validate(length(min = 3, max = 254))]
    pub login: String,
    /// 8 to 128 characters, not a common or guessable password.
    #[validate(length(max = 128))]
    pub password: String,
    /// The name shown to staff and neighbours.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::http::text::single_line")
    )]
    pub display_name: String,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Mobile number or email address.
    #[validate(length(min = 3, max = 254))]
    pub login: String,
    #[validate(length(min = 1, max = 128))]
    pub password: String,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    pub refresh_token: String,
}

/// Who is asking, for sessions and rate limits; behind a trusted proxy, the forwarded address.
pub fn client_info(req: &HttpRequest, state: &AppState) -> ClientInfo {
    let info = req.connection_info();
    let ip = if state.config.trust_proxy {
        info.realip_remote_addr()
    } else {
        info.peer_addr()
    };
    let ip = ip.map(|a| {
        a.parse::<std::net::SocketAddr>()
            .map(|s| s.ip().to_string())
            .unwrap_or_else(|_| a.to_owned())
    });
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(256).collect());
    ClientInfo { user_agent, ip }
}

fn throttle(state: &AppState) -> Throttle<'_> {
    Throttle {
        kv: &state.kv,
        limits: state.config.login_limits,
    }
}

/// Create an account with a phone number or email and a password.
#[utoipa::path(tag = "auth", request_body = RegisterRequest, responses(
    (status = 201, description = "Account created", body = UserView),
    (status = 409, description = "The login is taken", body = crate::error::Problem),
    (status = 422, description = "Invalid fields", body = crate::error::Problem),
    (status = 429, description = "Too many registrations from this address", body = crate::error::Problem),
))]
#[post("/auth/register")]
async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let account_login = Login::parse(&body.login).map_err(|f| ApiError::invalid(vec![f]))?;
    let display_name = body.display_name.trim().to_owned();
    check_strength("password", &body.password, &[&display_name, &body.login])
        .map_err(|f| ApiError::invalid(vec![f]))?;
    let client = client_info(&req, &state);
    throttle(&state)
        .check_registration(client.ip.as_deref().unwrap_or("unknown"))
        .await?;
    let hash = state.passwords.hash(body.password).await?;
    let request_id = tracing_actix_web::RequestId::extract(&req)
        .await
        .ok()
        .map(|id| id.to_string());
    let user = state
        .db
        .write(move |conn| {
            if users::find_by_login(conn, &account_login)?.is_some() {
                return Err(
                    ApiError::new(Code::AlreadyExists).with_field("login", "already_exists")
                );
            }
            let user = users::insert(
                conn,
                NewUser {
                    display_name: &display_name,
                    login: Some(&account_login),
                    password_hash: Some(&hash),
                    is_platform_admin: false,
                    assisted: false,
                    id_number: None,
                    created_by: None,
                },
            )?;
            let actor = Actor {
                user_id: Some(user.id),
                on_behalf_of: None,
                request_id,
            };
            audit::record(
                conn,
                &actor,
                Change::account(user.id, "account.registered").after(&UserView::from(&user)),
            )?;
            Ok(user)
        })
        .await?;
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}

/// Log in with a phone number or email and a password.
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, description = "Logged in", body = TokenPair),
    (status = 401, description = "Wrong login or password", body = crate::error::Problem),
    (status = 403, description = "The account is disabled", body = crate::error::Problem),
    (status = 429, description = "Too many failed attempts", body = crate::error::Problem),
))]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let client = client_info(&req, &state);
    let ip = client.ip.clone().unwrap_or_else(|| "unknown".into());
    // A malformed login is treated like an unknown one, so the answer reveals nothing.
    let account_login = Login::parse(&body.login).ok();
    let throttle_key = account_login
        .as_ref()
        .map_or_else(|| body.login.trim().to_lowercase(), ToString::to_string);
    let throttle = throttle(&state);
    throttle.begin_login(&throttle_key, &ip).await?;
    let user = match account_login {
        Some(account_login) => {
            state
                .db
                .run(move |conn| users::find_by_login(conn, &account_login))
                .await?
        }
        None => None,
    };
    let stored_hash = user.as_ref().and_then(|u| u.password_hash.clone());
    if !state.passwords.verify(stored_hash, body.password).await? {
        return Err(ApiError::new(Code::InvalidCredentials));
    }
    let Some(user) = user else {
        return Err(ApiError::new(Code::InvalidCredentials));
    };
    if !user.is_active() {
        return Err(ApiError::new(Code::AccountDisabled));
    }
    throttle.record_success(&throttle_key, &ip).await?;
    let ttl = state.config.refresh_token_ttl;
    let (session_id, refresh_token) = state
        .db
        .write(move |conn| sessions::create(conn, user.id, ttl, &client))
        .await?;
    Ok(HttpResponse::Ok().json(TokenPair::new(&state, user.id, &session_id, refresh_token)?))
}

/// Exchange a refresh token for a new pair. Each refresh token works once; presenting a spent
/// one revokes the whole session.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, description = "New tokens", body = TokenPair),
    (status = 401, description = "Invalid, expired or reused refresh token", body = crate::error::Problem),
))]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let presented = body.into_inner().refresh_token;
    match state
        .db
        .write(move |conn| sessions::rotate(conn, &presented))
        .await?
    {
        Rotation::Rotated {
            user_id,
            session_id,
            refresh_token,
        } => Ok(HttpResponse::Ok().json(TokenPair::new(
            &state,
            user_id,
            &session_id,
            refresh_token,
        )?)),
        Rotation::Reused { session_id } => {
            tracing::warn!(session_id, "refresh token reused; session revoked");
            revoke_sessions_now(&state, &[session_id]).await?;
            Err(ApiError::new(Code::RefreshTokenReused))
        }
    }
}

/// End the current session: its refresh token and access tokens stop working at once.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 204, description = "Logged out"),
    (status = 401, description = "Not logged in", body = crate::error::Problem),
))]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let session_id = caller.session_id.clone();
    if caller.acting_staff.is_none() {
        state
            .db
            .write(move |conn| sessions::revoke(conn, &session_id, "logout"))
            .await?;
    }
    revoke_sessions_now(&state, &[caller.session_id]).await?;
    Ok(HttpResponse::NoContent().finish())
}
