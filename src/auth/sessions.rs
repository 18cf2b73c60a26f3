//! Login sessions and their rotating refresh tokens.
//!
//! A session is a family of refresh tokens; each refresh spends the presented token and issues
//! the next. A spent token presented again means it was copied: the whole session is revoked,
//! so both the thief and the owner must log in again (OAuth 2.0 Security BCP, section 4.14).

use crate::db::{DbConnection, now};
use crate::error::{ApiError, Code};
use crate::schema::{refresh_tokens, sessions, users};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Where a session was opened from, shown to the user in a session list later.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

pub enum Rotation {
    Rotated {
        user_id: i64,
        session_id: String,
        refresh_token: String,
    },
    /// The token had been spent before: the session is now revoked.
    Reused { session_id: String },
}

fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn add(at: NaiveDateTime, ttl: Duration) -> NaiveDateTime {
    at + chrono::TimeDelta::from_std(ttl).unwrap_or(chrono::TimeDelta::days(30))
}

/// Opens a session and returns its id and first refresh token.
pub fn create(
    conn: &mut DbConnection,
    user_id: i64,
    ttl: Duration,
    client: &ClientInfo,
) -> Result<(String, String), ApiError> {
    let session_id = random_token(16);
    let now = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now),
            sessions::last_used_at.eq(now),
            sessions::expires_at.eq(add(now, ttl)),
            sessions::user_agent.eq(&client.user_agent),
            sessions::ip.eq(&client.ip),
        ))
        .execute(conn)?;
    let refresh_token = issue_refresh_token(conn, &session_id, now)?;
    Ok((session_id, refresh_token))
}

fn issue_refresh_token(
    conn: &mut DbConnection,
    session_id: &str,
    now: NaiveDateTime,
) -> Result<String, ApiError> {
    let token = random_token(32);
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::token_hash.eq(hash_token(&token)),
            refresh_tokens::issued_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Spends `presented` and issues its successor; run inside a write transaction.
pub fn rotate(conn: &mut DbConnection, presented: &str) -> Result<Rotation, ApiError> {
    let invalid = || ApiError::new(Code::RefreshTokenInvalid);
    let now = now();
    let found: Option<(
        i64,
        Option<NaiveDateTime>,
        String,
        i64,
        NaiveDateTime,
        Option<NaiveDateTime>,
        String,
    )> = refresh_tokens::table
        .inner_join(sessions::table.inner_join(users::table))
        .filter(refresh_tokens::token_hash.eq(hash_token(presented)))
        .select((
            refresh_tokens::id,
            refresh_tokens::used_at,
            sessions::id,
            sessions::user_id,
            sessions::expires_at,
            sessions::revoked_at,
            users::status,
        ))
        .first(conn)
        .optional()?;
    let (token_id, used_at, session_id, user_id, expires_at, revoked_at, status) =
        found.ok_or_else(invalid)?;
    if revoked_at.is_some() || expires_at <= now {
        return Err(invalid());
    }
    if status != crate::accounts::store::ACTIVE {
        return Err(ApiError::new(Code::AccountDisabled));
    }
    // Spend the token only if nobody else has: two refreshes racing with one token is reuse.
    let spent = used_at.is_none()
        && diesel::update(
            refresh_tokens::table
                .find(token_id)
                .filter(refresh_tokens::used_at.is_null()),
        )
        .set(refresh_tokens::used_at.eq(now))
        .execute(conn)?
            == 1;
    if !spent {
        revoke(conn, &session_id, "refresh_token_reused")?;
        return Ok(Rotation::Reused { session_id });
    }
    diesel::update(sessions::table.find(&session_id))
        .set(sessions::last_used_at.eq(now))
        .execute(conn)?;
    let refresh_token = issue_refresh_token(conn, &session_id, now)?;
    Ok(Rotation::Rotated {
        user_id,
        session_id,
        refresh_token,
    })
}

pub fn revoke(conn: &mut DbConnection, session_id: &str, reason: &str) -> Result<(), ApiError> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now()),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(())
}

/// Revokes every live session of a user except `keep`; returns the ids revoked.
pub fn revoke_all(
    conn: &mut DbConnection,
    user_id: i64,
    keep: Option<&str>,
    reason: &str,
) -> Result<Vec<String>, ApiError> {
    let live: Vec<String> = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now()))
        .select(sessions::id)
        .load(conn)?;
    let revoked: Vec<String> = live
        .into_iter()
        .filter(|id| Some(id.as_str()) != keep)
        .collect();
    for id in &revoked {
        revoke(conn, id, reason)?;
    }
    Ok(revoked)
}
