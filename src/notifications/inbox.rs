//! A person's inbox: their notices newest first, rendered in the language they read in.

use super::notice::Notice;
use super::templates::render;
use crate::db::DbConnection;
use crate::error::{ApiError, Lang};
use crate::http::pagination::Page;
use crate::schema::notifications;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Queryable)]
struct Row {
    id: i64,
    community_id: Option<i64>,
    kind: String,
    subject_type: Option<String>,
    subject_id: Option<i64>,
    params: String,
    created_at: NaiveDateTime,
    read_at: Option<NaiveDateTime>,
}

/// The record a notice is about, for the app to open.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NoticeSubject)]
pub struct Subject {
    /// `wish`, `activity`, `vote`, `survey`, `redemption` or `rectification`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// What happened: one of the kinds listed at `/me/notification-settings`.
    pub kind: String,
    pub community_id: Option<i64>,
    pub subject: Option<Subject>,
    pub title: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

fn view(row: Row, lang: Lang) -> Result<NotificationView, ApiError> {
    let rendered = render(
        &Notice::from_stored(&row.kind, &row.params).map_err(ApiError::internal)?,
        lang,
    );
    Ok(NotificationView {
        id: row.id,
        kind: row.kind,
        community_id: row.community_id,
        subject: row
            .subject_type
            .zip(row.subject_id)
            .map(|(kind, id)| Subject { kind, id }),
        title: rendered.title,
        body: rendered.body,
        created_at: row.created_at,
        read_at: row.read_at,
    })
}

/// One page of `user_id`'s notices, newest first; only unread ones with `unread_only`.
pub fn list(
    conn: &mut DbConnection,
    user_id: i64,
    unread_only: bool,
    page: Page,
    lang: Lang,
) -> Result<Vec<NotificationView>, ApiError> {
    let mut query = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::id.lt(page.before_id))
        .into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    query
        .select((
            notifications::id,
            notifications::community_id,
            notifications::kind,
            notifications::subject_type,
            notifications::subject_id,
            notifications::params,
            notifications::created_at,
            notifications::read_at,
        ))
        .order(notifications::id.desc())
        .limit(page.limit + 1)
        .load::<Row>(conn)?
        .into_iter()
        .map(|row| view(row, lang))
        .collect()
}

pub fn unread(conn: &mut DbConnection, user_id: i64) -> Result<i64, ApiError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Marks one of `user_id`'s notices read (again is harmless); someone else's is not found.
pub fn mark_read(
    conn: &mut DbConnection,
    user_id: i64,
    id: i64,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let mine = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id));
    let found: i64 = mine.count().get_result(conn)?;
    if found == 0 {
        return Err(ApiError::not_found());
    }
    diesel::update(mine.filter(notifications::read_at.is_null()))
        .set(notifications::read_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Marks all of `user_id`'s notices up to `up_to` (all when `None`) read; returns how many.
pub fn mark_all_read(
    conn: &mut DbConnection,
    user_id: i64,
    up_to: Option<i64>,
    at: NaiveDateTime,
) -> Result<usize, ApiError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null())
            .filter(notifications::id.le(up_to.unwrap_or(i64::MAX))),
    )
    .set(notifications::read_at.eq(at))
    .execute(conn)?)
}
