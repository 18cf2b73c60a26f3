//! Live pushes of new inbox items to the apps' event streams (`/me/events`), on every node
//! through the event bus. The `live` outbox rows, written with the notices, say who has
//! something new once the notice's transaction has committed; each is taken once and
//! deleted. A push is a hint to refresh (the inbox is the record), so none is retried.

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::events::{Event, Topic};
use crate::state::AppState;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Nullable};
use serde_json::json;
use std::collections::HashMap;

/// Pushes taken at once.
const BATCH: usize = 500;

#[derive(diesel::QueryableByName)]
struct Fresh {
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    notification_id: Option<i64>,
}

#[derive(diesel::QueryableByName)]
struct Unread {
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = BigInt)]
    unread: i64,
}

/// Takes the waiting pushes with each person's unread count.
fn take(conn: &mut DbConnection) -> Result<Vec<(Fresh, i64)>, ApiError> {
    let fresh: Vec<Fresh> = diesel::sql_query(format!(
        "DELETE FROM outbox WHERE id IN \
           (SELECT id FROM outbox WHERE channel = 'live' ORDER BY id LIMIT {BATCH}) \
         RETURNING user_id, notification_id"
    ))
    .load(conn)?;
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let mut people: Vec<String> = fresh.iter().map(|f| f.user_id.to_string()).collect();
    people.sort();
    people.dedup();
    let sql = format!(
        "SELECT user_id, COUNT(*) AS unread FROM notifications \
         WHERE read_at IS NULL AND user_id IN ({}) GROUP BY user_id",
        people.join(", ")
    );
    let unread: HashMap<i64, i64> = diesel::sql_query(sql)
        .load::<Unread>(conn)?
        .into_iter()
        .map(|u| (u.user_id, u.unread))
        .collect();
    Ok(fresh
        .into_iter()
        .map(|f| {
            let count = unread.get(&f.user_id).copied().unwrap_or(0);
            (f, count)
        })
        .collect())
}

/// Pushes every waiting notice to its person's streams, a batch at a time; returns how many.
pub async fn push(state: &AppState) -> Result<usize, ApiError> {
    let mut pushed = 0;
    loop {
        let fresh = state.db.write(take).await?;
        let taken = fresh.len();
        let events = fresh.into_iter().map(|(notice, unread)| Event {
            topic: Topic::User(notice.user_id),
            kind: "notification".to_owned(),
            data: json!({ "id": notice.notification_id, "unread": unread }),
        });
        state.events.publish_all(events.collect());
        pushed += taken;
        if taken < BATCH {
            return Ok(pushed);
        }
    }
}
