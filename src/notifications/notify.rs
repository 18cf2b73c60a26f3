//! Telling people: one inbox row per person, and an outbox row per channel their preferences
//! allow, written in the caller's transaction so the notice exists exactly when the event does.
//!
//! Rows are written a few hundred at a time in one statement each (a vote opening may tell
//! thousands), and a reminder carries a key so each person gets it once however often its job
//! runs.

use super::notice::{Channel, Kind, Notice};
use crate::db::{DbConnection, now, numbered};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};

/// People per statement: small enough for any backend's parameter and statement limits.
const CHUNK: usize = 250;

#[derive(diesel::QueryableByName)]
struct Created {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    user_id: i64,
}

/// How a person wants this kind of notice, and where it can reach them.
#[derive(diesel::QueryableByName)]
struct Reach {
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = Bool)]
    has_email: bool,
    #[diesel(sql_type = Bool)]
    has_phone: bool,
    #[diesel(sql_type = Bool)]
    digest: bool,
    #[diesel(sql_type = Nullable<Bool>)]
    email: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    webhook: Option<bool>,
}

/// Tells `recipients` (user ids; repeats are told once) of `notice` about a record of
/// `community_id`. With `dedupe`, anyone already told under that key is skipped. Returns how
/// many were told.
pub fn notify(
    conn: &mut DbConnection,
    community_id: Option<i64>,
    notice: &Notice,
    recipients: &[i64],
    dedupe: Option<&str>,
) -> Result<usize, ApiError> {
    let mut recipients = recipients.to_vec();
    recipients.sort_unstable();
    recipients.dedup();
    let (kind, params) = notice.to_stored().map_err(ApiError::internal)?;
    let subject = notice.subject();
    let at = now();
    let mut told = 0;
    for chunk in recipients.chunks(CHUNK) {
        let rows = chunk
            .iter()
            .map(|id| format!("({id}, $1, $2, $3, $4, $5, $6, $7)"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO notifications \
             (user_id, community_id, kind, subject_type, subject_id, params, dedupe_key, created_at) \
             VALUES {rows} ON CONFLICT DO NOTHING RETURNING id, user_id"
        );
        let created: Vec<Created> = diesel::sql_query(numbered(conn, &sql))
            .bind::<Nullable<BigInt>, _>(community_id)
            .bind::<Text, _>(kind.as_str())
            .bind::<Nullable<Text>, _>(subject.map(|(t, _)| t))
            .bind::<Nullable<BigInt>, _>(subject.map(|(_, id)| id))
            .bind::<Text, _>(&params)
            .bind::<Nullable<Text>, _>(dedupe)
            .bind::<Timestamp, _>(at)
            .load(conn)?;
        enqueue(conn, kind, &created, at)?;
        told += created.len();
    }
    Ok(told)
}

/// Writes the outbox rows for the notifications just created: email to those with an address
/// who want this kind by email (held for the digest if they take one), and the operator's
/// gateway to those with a phone who want it there, and a push to the apps' live streams.
fn enqueue(
    conn: &mut DbConnection,
    kind: Kind,
    created: &[Created],
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    if created.is_empty() {
        return Ok(());
    }
    let ids = created
        .iter()
        .map(|c| c.user_id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT u.id AS user_id, u.email IS NOT NULL AS has_email, u.phone IS NOT NULL AS has_phone, \
                COALESCE(s.email_digest, FALSE) AS digest, \
                (SELECT p.enabled FROM notification_preferences p \
                  WHERE p.user_id = u.id AND p.kind = $1 AND p.channel = 'email') AS email, \
                (SELECT p.enabled FROM notification_preferences p \
                  WHERE p.user_id = u.id AND p.kind = $1 AND p.channel = 'webhook') AS webhook \
         FROM users u LEFT JOIN notification_settings s ON s.user_id = u.id \
         WHERE u.id IN ({ids}) AND u.status = 'active'"
    );
    let reach: Vec<Reach> = diesel::sql_query(numbered(conn, &sql))
        .bind::<Text, _>(kind.as_str())
        .load(conn)?;
    let mut rows = Vec::new();
    for person in &reach {
        let Some(notification) = created.iter().find(|c| c.user_id == person.user_id) else {
            continue;
        };
        let wants = |choice: Option<bool>, channel| choice.unwrap_or(kind.on_by_default(channel));
        if person.has_email && wants(person.email, Channel::Email) {
            let status = if person.digest { "held" } else { "pending" };
            rows.push(format!(
                "({}, {}, 'email', '{status}', $1, $1)",
                person.user_id, notification.id
            ));
        }
        if person.has_phone && wants(person.webhook, Channel::Webhook) {
            rows.push(format!(
                "({}, {}, 'webhook', 'pending', $1, $1)",
                person.user_id, notification.id
            ));
        }
        rows.push(format!(
            "({}, {}, 'live', 'pending', $1, $1)",
            person.user_id, notification.id
        ));
    }
    for chunk in rows.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO outbox (user_id, notification_id, channel, status, next_attempt_at, created_at) \
             VALUES {}",
            chunk.join(", ")
        );
        diesel::sql_query(numbered(conn, &sql))
            .bind::<Timestamp, _>(at)
            .execute(conn)?;
    }
    Ok(())
}
