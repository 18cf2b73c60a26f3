//! One-time attendance codes (签到码 / 签退码). The organiser issues a batch for check-in or
//! check-out; each code works once, for that activity and purpose only, until it expires, and
//! never for the organiser who issued it (nobody verifies their own hours). Only a hash is
//! stored: codes do not sit in the database in the clear, though with short codes that is a
//! speed bump for someone holding a copy, not a wall; their short life is the real defence.

use super::store;
use super::types::Status;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::roles::{Permission, standing};
use crate::schema::attendance_codes as codes;
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use validator::Validate;

/// Letters and digits that cannot be mistaken for one another when read aloud or off a screen.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    CheckIn,
    CheckOut,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::CheckOut => "check_out",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    pub purpose: Purpose,
    /// How many codes, one per volunteer (default 1).
    #[validate(range(min = 1, max = 500))]
    pub count: Option<i32>,
    /// Minutes until they expire (default 15).
    #[validate(range(min = 1, max = 1440))]
    pub valid_minutes: Option<i64>,
}

/// The codes, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedCodes {
    pub purpose: Purpose,
    pub codes: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

fn hash(code: &str) -> String {
    hex::encode(Sha256::digest(code.as_bytes()))
}

/// What a person typed, as issued: capitals, without spaces or dashes.
fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn generate() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LENGTH)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

pub fn issue(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    request: &IssueRequest,
    now: NaiveDateTime,
) -> Result<IssuedCodes, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageActivities,
    )?;
    let (activity, _) = store::find(conn, community_id, activity_id)?;
    if !matches!(
        activity.status_at(now)?,
        Status::Published | Status::InProgress
    ) {
        return Err(ApiError::new(Code::InvalidState));
    }
    let expires_at = now + TimeDelta::minutes(request.valid_minutes.unwrap_or(15));
    let issued: Vec<String> = (0..request.count.unwrap_or(1))
        .map(|_| generate())
        .collect();
    // One statement per code: diesel's multi-backend connection has no batch insert.
    for code in &issued {
        diesel::insert_into(codes::table)
            .values((
                codes::activity_id.eq(activity_id),
                codes::purpose.eq(request.purpose.as_str()),
                codes::code_hash.eq(hash(code)),
                codes::issued_by.eq(caller.actor_id()),
                codes::issued_at.eq(now),
                codes::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
    }
    let summary = serde_json::json!({
        "purpose": request.purpose,
        "count": issued.len(),
        "expires_at": expires_at.and_utc(),
    });
    let change = Change::in_community(
        community_id,
        "activity.codes_issued",
        "activity",
        activity_id,
    );
    audit::record(conn, &caller.into(), change.after(&summary))?;
    Ok(IssuedCodes {
        purpose: request.purpose,
        codes: issued,
        expires_at: expires_at.and_utc(),
    })
}

/// Uses up `typed` for `purpose` at this activity, or says (on the `code` field) why not. A
/// code of another activity is as unknown here as a made-up one.
pub fn redeem(
    conn: &mut DbConnection,
    activity_id: i64,
    purpose: Purpose,
    typed: &str,
    user_id: i64,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let found: Option<(i64, i64, NaiveDateTime, Option<NaiveDateTime>)> = codes::table
        .filter(codes::code_hash.eq(hash(&normalise(typed))))
        .filter(codes::activity_id.eq(activity_id))
        .filter(codes::purpose.eq(purpose.as_str()))
        .select((
            codes::id,
            codes::issued_by,
            codes::expires_at,
            codes::used_at,
        ))
        .first(conn)
        .optional()?;
    let (id, issued_by, expires_at, used_at) =
        found.ok_or_else(|| ApiError::invalid_field("code", "unknown_code"))?;
    if issued_by == user_id {
        return Err(ApiError::invalid_field("code", "own_code"));
    }
    if used_at.is_some() {
        return Err(ApiError::invalid_field("code", "code_used"));
    }
    if now >= expires_at {
        return Err(ApiError::invalid_field("code", "code_expired"));
    }
    // The `used_at IS NULL` guard makes a race between two people typing one code a clean
    // refusal for the second rather than a double use.
    let taken = diesel::update(codes::table.find(id).filter(codes::used_at.is_null()))
        .set((codes::used_by.eq(user_id), codes::used_at.eq(now)))
        .execute(conn)?;
    if taken == 0 {
        return Err(ApiError::invalid_field("code", "code_used"));
    }
    Ok(())
}
