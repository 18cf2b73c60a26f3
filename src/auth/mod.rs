//! Authentication: passwords, tokens, sessions, and the `Caller` extractor.

mod caller;
mod password;
pub mod routes;
pub mod sessions;
mod throttle;
mod tokens;

pub use caller::{Caller, MaybeCaller, revoked_session_key};
pub use password::{Passwords, check_strength};
pub use tokens::{ActingParty, Claims, TokenKeys};

use crate::error::ApiError;
use crate::state::AppState;
use serde::Serialize;
use utoipa::ToSchema;

/// The answer to a login or refresh.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

impl TokenPair {
    pub fn new(
        state: &AppState,
        user_id: i64,
        session_id: &str,
        refresh_token: String,
    ) -> Result<Self, ApiError> {
        let ttl = state.config.access_token_ttl;
        Ok(Self {
            access_token: state.tokens.issue(user_id, session_id, None, ttl)?,
            refresh_token,
            token_type: "Bearer",
            expires_in: ttl.as_secs(),
        })
    }
}

/// Makes the access tokens of these sessions invalid on every node straight away, for as long
/// as any of them could still be unexpired.
pub async fn revoke_sessions_now(state: &AppState, session_ids: &[String]) -> Result<(), ApiError> {
    let ttl = state
        .config
        .access_token_ttl
        .max(state.config.assisted_session_ttl)
        + std::time::Duration::from_secs(60);
    for id in session_ids {
        state.kv.set_flag(&revoked_session_key(id), ttl).await?;
    }
    Ok(())
}
