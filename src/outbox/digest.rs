//! The daily digest: people who chose it have their email held, and once a day everything
//! held for each of them goes out as one message.

use super::store::Claimed;
use crate::db::DbConnection;
use crate::error::{ApiError, Lang};
use crate::notifications::Notice;
use crate::notifications::templates::{Rendered, render};
use crate::schema::{notifications, outbox};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The notices a claimed message carries: its own, or those its digest lists. The inner
/// error is a row this version cannot read, which fails that message alone.
pub fn notices_of(
    conn: &mut DbConnection,
    row: &Claimed,
) -> Result<Result<Vec<Notice>, String>, ApiError> {
    let unreadable = |e: serde_json::Error| e.to_string();
    if let (Some(kind), Some(params)) = (&row.kind, &row.params) {
        return Ok(Notice::from_stored(kind, params)
            .map(|n| vec![n])
            .map_err(unreadable));
    }
    let ids: Vec<i64> = match row.digest_of.as_deref().map(serde_json::from_str) {
        Some(Ok(ids)) => ids,
        Some(Err(e)) => return Ok(Err(unreadable(e))),
        None => return Ok(Err("an outbox row with nothing to send".into())),
    };
    Ok(notifications::table
        .filter(notifications::id.eq_any(ids))
        .order(notifications::id)
        .select((notifications::kind, notifications::params))
        .load::<(String, String)>(conn)?
        .iter()
        .map(|(kind, params)| Notice::from_stored(kind, params).map_err(unreadable))
        .collect())
}

/// Several notices as one email: each title with its text, oldest first.
pub fn render_digest(notices: &[Notice], lang: Lang) -> Rendered {
    let title = match lang {
        Lang::Zh => format!("社区通知摘要（{} 条）", notices.len()),
        Lang::En => format!("Your community notices ({})", notices.len()),
    };
    let body = notices
        .iter()
        .map(|notice| {
            let one = render(notice, lang);
            format!("■ {}\n{}", one.title, one.body)
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    Rendered { title, body }
}

/// Turns everything held into one pending digest per person; returns how many digests.
pub fn run(conn: &mut DbConnection, at: NaiveDateTime) -> Result<usize, ApiError> {
    let held: Vec<(i64, i64, Option<i64>)> = outbox::table
        .filter(outbox::status.eq("held"))
        .select((outbox::user_id, outbox::id, outbox::notification_id))
        .order((outbox::user_id, outbox::id))
        .load(conn)?;
    let mut digests = 0;
    for person in held.chunk_by(|a, b| a.0 == b.0) {
        let user_id = person[0].0;
        let rows: Vec<i64> = person.iter().map(|(_, id, _)| *id).collect();
        let notices: Vec<i64> = person.iter().filter_map(|(_, _, n)| *n).collect();
        diesel::insert_into(outbox::table)
            .values((
                outbox::user_id.eq(user_id),
                outbox::channel.eq("email"),
                outbox::status.eq("pending"),
                outbox::digest_of.eq(serde_json::to_string(&notices).map_err(ApiError::internal)?),
                outbox::next_attempt_at.eq(at),
                outbox::created_at.eq(at),
            ))
            .execute(conn)?;
        diesel::update(outbox::table.filter(outbox::id.eq_any(rows)))
            .set((outbox::status.eq("digested"), outbox::sent_at.eq(at)))
            .execute(conn)?;
        digests += 1;
    }
    Ok(digests)
}
