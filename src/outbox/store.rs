//! The outbox's states. A sender claims due rows under a token of its own until a deadline;
//! only the token's holder can mark a row sent or failed, so a message is marked once even
//! when a crashed node's claim lapses and another node takes the row up again.

use crate::db::{DbConnection, numbered};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};

/// A claimed message with what is needed to write it.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    /// `email` or `webhook`.
    #[diesel(sql_type = Text)]
    pub channel: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub phone: Option<String>,
    #[diesel(sql_type = Text)]
    pub locale: String,
    /// The account's status now: messages to a disabled account are not sent.
    #[diesel(sql_type = Text)]
    pub user_status: String,
    /// The notice; for a digest, `digest_of` lists its notifications instead.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub notification_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub kind: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub params: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub digest_of: Option<String>,
}

/// Claims up to `limit` messages on `channels` due at `at` (or abandoned by a sender whose
/// claim lapsed, which counts as an attempt, so a message that wedges its sender still runs
/// out of attempts) for `token` until `until`, and returns them oldest first.
pub fn claim(
    conn: &mut DbConnection,
    token: &str,
    channels: &[&str],
    (at, until): (NaiveDateTime, NaiveDateTime),
    limit: i64,
) -> Result<Vec<Claimed>, ApiError> {
    if channels.is_empty() {
        return Ok(Vec::new());
    }
    let channels = channels
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    // PostgreSQL senders skip rows another is claiming instead of queueing behind it; SQLite
    // runs one writer at a time.
    let skip_locked = match conn {
        DbConnection::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        DbConnection::Sqlite(_) => "",
    };
    let sql = format!(
        "UPDATE outbox SET attempts = attempts + CASE WHEN status = 'sending' THEN 1 ELSE 0 END, \
                status = 'sending', claim_token = $1, claimed_until = $2 \
         WHERE id IN (SELECT id FROM outbox \
            WHERE channel IN ({channels}) AND ((status = 'pending' AND next_attempt_at <= $3) \
               OR (status = 'sending' AND claimed_until < $3)) \
            ORDER BY next_attempt_at, id LIMIT {limit} {skip_locked})"
    );
    diesel::sql_query(numbered(conn, &sql))
        .bind::<Text, _>(token)
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(at)
        .execute(conn)?;
    let sql = "SELECT o.id, o.user_id, o.channel, o.attempts, u.email, u.phone, \
                      u.status AS user_status, COALESCE(s.locale, 'zh-CN') AS locale, o.notification_id, n.kind, n.params, \
                      o.digest_of \
               FROM outbox o JOIN users u ON u.id = o.user_id \
               LEFT JOIN notification_settings s ON s.user_id = o.user_id \
               LEFT JOIN notifications n ON n.id = o.notification_id \
               WHERE o.claim_token = $1 AND o.status = 'sending' ORDER BY o.id";
    Ok(diesel::sql_query(numbered(conn, sql))
        .bind::<Text, _>(token)
        .load(conn)?)
}

/// Marks `ids` sent, if `token` still holds them; returns how many it marked.
pub fn mark_sent(
    conn: &mut DbConnection,
    token: &str,
    ids: &[i64],
    at: NaiveDateTime,
) -> Result<usize, ApiError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let list = ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, \
                claim_token = NULL, claimed_until = NULL, last_error = NULL \
         WHERE claim_token = $2 AND id IN ({list})"
    );
    Ok(diesel::sql_query(numbered(conn, &sql))
        .bind::<Timestamp, _>(at)
        .bind::<Text, _>(token)
        .execute(conn)?)
}

/// What became of an attempt that did not deliver.
pub enum Setback<'a> {
    /// Tried and failed: try again at the time given, or give up when it is `None`.
    Failed {
        error: &'a str,
        retry_at: Option<NaiveDateTime>,
    },
    /// Not tried, because the server was unreachable for an earlier message of the batch:
    /// back in the queue for the time given, without counting an attempt.
    Deferred { retry_at: NaiveDateTime },
}

/// Records a setback for `id`, if `token` still holds it.
pub fn set_back(
    conn: &mut DbConnection,
    token: &str,
    id: i64,
    setback: Setback,
) -> Result<(), ApiError> {
    let (sql, error, at) = match setback {
        Setback::Failed {
            error,
            retry_at: Some(at),
        } => (
            "UPDATE outbox SET status = 'pending', attempts = attempts + 1, last_error = $1, \
                    next_attempt_at = $2, claim_token = NULL, claimed_until = NULL \
             WHERE id = $3 AND claim_token = $4",
            Some(error),
            Some(at),
        ),
        Setback::Failed {
            error,
            retry_at: None,
        } => (
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1, \
                    next_attempt_at = COALESCE($2, next_attempt_at), claim_token = NULL, \
                    claimed_until = NULL \
             WHERE id = $3 AND claim_token = $4",
            Some(error),
            None,
        ),
        Setback::Deferred { retry_at } => (
            "UPDATE outbox SET status = 'pending', last_error = $1, \
                    next_attempt_at = $2, claim_token = NULL, claimed_until = NULL \
             WHERE id = $3 AND claim_token = $4",
            Some("not tried: the server did not answer an earlier message"),
            Some(retry_at),
        ),
    };
    diesel::sql_query(numbered(conn, sql))
        .bind::<Nullable<Text>, _>(error)
        .bind::<Nullable<Timestamp>, _>(at)
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(token)
        .execute(conn)?;
    Ok(())
}

/// Deletes rows delivered (or folded into a digest) before `before`; failed ones stay as the
/// record of what never arrived.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, ApiError> {
    use crate::schema::outbox;
    use diesel::prelude::*;
    Ok(diesel::delete(
        outbox::table
            .filter(outbox::status.eq_any(["sent", "digested"]))
            .filter(outbox::sent_at.lt(before)),
    )
    .execute(conn)?)
}

/// Gives up on messages written before `before` that no sender ever took up (no attempt and
/// no deferral): their channel is configured on no node (say, webhook preferences kept after
/// the operator removed `WUSHE_WEBHOOK_URL`). Recorded as failed, so they are not left
/// pending for ever; the inbox still has them.
pub fn abandon_untaken(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, ApiError> {
    use crate::schema::outbox;
    use diesel::prelude::*;
    Ok(diesel::update(
        outbox::table
            .filter(outbox::status.eq("pending"))
            .filter(outbox::attempts.eq(0))
            .filter(outbox::last_error.is_null())
            .filter(outbox::channel.ne("live"))
            .filter(outbox::created_at.lt(before)),
    )
    .set((
        outbox::status.eq("failed"),
        outbox::last_error.eq("no server delivers this channel"),
    ))
    .execute(conn)?)
}
