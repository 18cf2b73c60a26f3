//! `Idempotency-Key`: a write that a phone retries (a double-tapped button, a lost answer)
//! happens once. The first request's answer is stored in the same database transaction as its
//! effect; a replay with the same key and body gets that answer back and writes nothing; the
//! same key with a different request is refused with 422.

use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::schema::idempotency_keys as keys;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::future::{Ready, ready};
use std::sync::Arc;

pub const HEADER: &str = "Idempotency-Key";
/// Set on a response that repeats the stored answer of an earlier request.
pub const REPLAYED_HEADER: &str = "Idempotent-Replayed";

/// The optional `Idempotency-Key` header: 1 to 200 visible ASCII characters (a UUID fits).
#[derive(Debug, Clone)]
pub struct IdempotencyKey(Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get(HEADER) else {
            return ready(Ok(Self(None)));
        };
        let valid = value
            .to_str()
            .ok()
            .filter(|v| (1..=200).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic()));
        ready(match valid {
            Some(key) => Ok(Self(Some(key.to_owned()))),
            None => Err(ApiError::invalid(vec![
                FieldError::new(HEADER, "length").with_bounds(Some(1), Some(200)),
            ])),
        })
    }
}

/// What identifies a request for replay: method, path and the parsed body.
pub fn fingerprint(req: &HttpRequest, body: &impl Serialize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(b" ");
    hasher.update(req.path());
    hasher.update(b"\n");
    hasher.update(serde_json::to_vec(body).unwrap_or_default());
    hex::encode(hasher.finalize())
}

enum Outcome {
    Done {
        status: u16,
        body: String,
    },
    Replay {
        status: u16,
        body: String,
    },
    /// Another request with the same key committed while this one waited; look again.
    Raced,
}

/// Runs `work` in a write transaction, at most once per key for this caller, and answers
/// `status` with its result as JSON. Without a key the work simply runs.
pub async fn once<T, F>(
    state: &AppState,
    caller: &Caller,
    key: IdempotencyKey,
    fingerprint: String,
    status: StatusCode,
    work: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize + Send + 'static,
    F: Fn(&mut DbConnection) -> ApiResult<T> + Send + Sync + 'static,
{
    let Some(key) = key.0 else {
        let value = state.db.write(move |conn| work(conn)).await?;
        return Ok(HttpResponse::build(status).json(value));
    };
    let work = Arc::new(work);
    let user_id = caller.user_id;
    // The second attempt finds the answer the racing request stored.
    for _ in 0..2 {
        let (work, key, fingerprint) = (work.clone(), key.clone(), fingerprint.clone());
        let outcome = state
            .db
            .write(move |conn| {
                if let Some(stored) = stored(conn, user_id, &key, &fingerprint)? {
                    return Ok(stored);
                }
                if !claim(conn, user_id, &key, &fingerprint)? {
                    return Ok(Outcome::Raced);
                }
                let body = serde_json::to_string(&work(conn)?).map_err(ApiError::internal)?;
                diesel::update(keys::table.find((user_id, &key)))
                    .set((
                        keys::response_status.eq(i32::from(status.as_u16())),
                        keys::response_body.eq(&body),
                    ))
                    .execute(conn)?;
                Ok(Outcome::Done {
                    status: status.as_u16(),
                    body,
                })
            })
            .await?;
        match outcome {
            Outcome::Done { status, body } => return Ok(respond(status, body, false)),
            Outcome::Replay { status, body } => return Ok(respond(status, body, true)),
            Outcome::Raced => continue,
        }
    }
    Err(ApiError::unavailable("idempotency key still in flight"))
}

/// The usual shape of a retryable write: the request body is fingerprinted, then `work` runs
/// once per key with the caller and the body.
pub async fn once_with_body<B, T, F>(
    state: &AppState,
    caller: Caller,
    req: &HttpRequest,
    key: IdempotencyKey,
    body: B,
    status: StatusCode,
    work: F,
) -> ApiResult<HttpResponse>
where
    B: Serialize + Send + Sync + 'static,
    T: Serialize + Send + 'static,
    F: Fn(&mut DbConnection, &Caller, &B) -> ApiResult<T> + Send + Sync + 'static,
{
    let fingerprint = fingerprint(req, &body);
    let actor = caller.clone();
    once(state, &caller, key, fingerprint, status, move |conn| {
        work(conn, &actor, &body)
    })
    .await
}

fn respond(status: u16, body: String, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.content_type("application/json");
    if replayed {
        response.insert_header((REPLAYED_HEADER, "true"));
    }
    response.body(body)
}

fn stored(
    conn: &mut DbConnection,
    user_id: i64,
    key: &str,
    fingerprint: &str,
) -> ApiResult<Option<Outcome>> {
    let row: Option<(String, i32, String)> = keys::table
        .find((user_id, key))
        .select((
            keys::request_fingerprint,
            keys::response_status,
            keys::response_body,
        ))
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some((stored, _, _)) if stored != fingerprint => {
            Err(ApiError::new(Code::IdempotencyKeyReused).with_field(HEADER, "invalid_value"))
        }
        Some((_, status, body)) => Ok(Some(Outcome::Replay {
            status: u16::try_from(status).unwrap_or(200),
            body,
        })),
    }
}

/// Records the key before the work runs. On PostgreSQL a concurrent request with the same key
/// waits here until the first commits, then inserts nothing: that is the race, answered by a
/// replay. On SQLite write transactions are serial, so `stored` has already seen it.
fn claim(conn: &mut DbConnection, user_id: i64, key: &str, fingerprint: &str) -> ApiResult<bool> {
    let inserted = diesel::sql_query(
        "INSERT INTO idempotency_keys \
         (user_id, idempotency_key, request_fingerprint, response_status, response_body, created_at) \
         VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<Text, _>(key)
    .bind::<Text, _>(fingerprint)
    .bind::<Timestamp, _>(crate::db::now())
    .execute(conn)?;
    Ok(inserted == 1)
}
