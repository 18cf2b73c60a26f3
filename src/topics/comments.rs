//! The discussion: threaded comments by people of the community while the topic is accepted,
//! in discussion or being voted on. Staff hide a comment with a reason: residents then see
//! that it was hidden and why, not what it said; staff still read it in full.

use super::readers::Viewer;
use super::store;
use super::types::TopicStage;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::http::pagination::Page;
use crate::roles::{Permission, standing};
use crate::schema::{topic_comments as comments, users};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// How deep replies nest: a comment, a reply, a reply to that... five levels in all.
pub const MAX_DEPTH: usize = 5;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub body: String,
    /// The comment of the same topic this replies to.
    #[validate(range(min = 1))]
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub topic_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub author_name: String,
    /// None when hidden, except for staff.
    pub body: Option<String>,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    pub hidden_at: Option<DateTime<Utc>>,
    /// Who hid it: staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = comments)]
struct CommentRow {
    id: i64,
    topic_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    body: String,
    hidden_reason: Option<String>,
    hidden_by: Option<i64>,
    hidden_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

impl CommentRow {
    fn view(self, author_name: String, viewer: Viewer) -> CommentView {
        let hidden = self.hidden_at.is_some();
        CommentView {
            id: self.id,
            topic_id: self.topic_id,
            parent_id: self.parent_id,
            author_id: self.author_id,
            author_name,
            body: Some(self.body).filter(|_| !hidden || viewer.staff),
            hidden,
            hidden_reason: self.hidden_reason,
            hidden_at: self.hidden_at.map(|t| t.and_utc()),
            hidden_by: self.hidden_by.filter(|_| viewer.staff),
            created_at: self.created_at.and_utc(),
        }
    }
}

/// The comment of the topic, as `viewer` sees it; 404 for another topic's.
fn load(
    conn: &mut DbConnection,
    (topic_id, comment_id): (i64, i64),
    viewer: Viewer,
) -> Result<CommentView, ApiError> {
    let (row, name): (CommentRow, String) = comments::table
        .inner_join(users::table.on(users::id.eq(comments::author_id)))
        .filter(comments::id.eq(comment_id))
        .filter(comments::topic_id.eq(topic_id))
        .select((CommentRow::as_select(), users::display_name))
        .first(conn)?;
    Ok(row.view(name, viewer))
}

/// 422 unless `parent_id` is a comment of this topic with room for a reply below it.
fn check_parent(conn: &mut DbConnection, topic_id: i64, parent_id: i64) -> Result<(), ApiError> {
    let mut next = Some(parent_id);
    for depth in 1.. {
        let Some(id) = next else { return Ok(()) };
        if depth >= MAX_DEPTH {
            return Err(ApiError::invalid_field("parent_id", "too_deep"));
        }
        let parent: Option<(i64, Option<i64>)> = comments::table
            .find(id)
            .select((comments::topic_id, comments::parent_id))
            .first(conn)
            .optional()?;
        match parent {
            Some((topic, up)) if topic == topic_id => next = up,
            _ => return Err(ApiError::invalid_field("parent_id", "not_found")),
        }
    }
    Ok(())
}

pub fn post(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, topic_id): (i64, i64),
    request: &CommentRequest,
    now: NaiveDateTime,
) -> Result<CommentView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::Deliberate)?;
    let topic = store::find(conn, community_id, topic_id)?;
    let open = [
        TopicStage::Accepted,
        TopicStage::Discussion,
        TopicStage::Voting,
    ];
    if !open.contains(&topic.stage()?) {
        return Err(ApiError::new(Code::InvalidState).with_field("stage", "discussion_closed"));
    }
    if let Some(parent) = request.parent_id {
        check_parent(conn, topic_id, parent)?;
    }
    let id: i64 = diesel::insert_into(comments::table)
        .values((
            comments::topic_id.eq(topic_id),
            comments::parent_id.eq(request.parent_id),
            comments::author_id.eq(caller.user_id),
            comments::body.eq(request.body.trim()),
            comments::created_at.eq(now),
        ))
        .returning(comments::id)
        .get_result(conn)?;
    recorded(
        conn,
        caller,
        (community_id, topic_id, id),
        "topic_comment.posted",
        None,
    )
}

/// Records a change to a comment in the audit log, in full (its readers are admins), and
/// answers the comment as its author or the moderator now sees it.
fn recorded(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, topic_id, comment_id): (i64, i64, i64),
    action: &'static str,
    before: Option<&CommentView>,
) -> Result<CommentView, ApiError> {
    let staff = Viewer {
        staff: true,
        ..Viewer::actor(caller)
    };
    let after = load(conn, (topic_id, comment_id), staff)?;
    let mut change = Change::in_community(community_id, action, "topic_comment", comment_id);
    if let Some(before) = before {
        change = change.before(before);
    }
    audit::record(conn, &caller.into(), change.after(&after))?;
    Ok(after)
}

/// Hides a comment with a reason, or shows it again when `reason` is None (staff).
pub fn moderate(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, topic_id, comment_id): (i64, i64, i64),
    reason: Option<&str>,
    now: NaiveDateTime,
) -> Result<CommentView, ApiError> {
    let standing = standing::require(conn, caller.user_id, community_id, Permission::ManageTopics)?;
    store::locked(conn, community_id, topic_id)?;
    let viewer = Viewer::of(Some(&(caller.user_id, standing)));
    let before = load(conn, (topic_id, comment_id), viewer)?;
    if before.hidden == reason.is_some() {
        return Err(ApiError::new(Code::InvalidState).with_field("hidden", "already_so"));
    }
    let reason = reason.map(str::trim);
    diesel::update(comments::table.find(comment_id))
        .set((
            comments::hidden_reason.eq(reason),
            comments::hidden_by.eq(reason.map(|_| caller.actor_id())),
            comments::hidden_at.eq(reason.map(|_| now)),
        ))
        .execute(conn)?;
    let action = if reason.is_some() {
        "topic_comment.hidden"
    } else {
        "topic_comment.shown"
    };
    recorded(
        conn,
        caller,
        (community_id, topic_id, comment_id),
        action,
        Some(&before),
    )
}

/// A page of the topic's comments, newest first (people of the community).
pub fn list(
    conn: &mut DbConnection,
    topic_id: i64,
    viewer: Viewer,
    page: Page,
) -> Result<Vec<CommentView>, ApiError> {
    let rows: Vec<(CommentRow, String)> = comments::table
        .inner_join(users::table.on(users::id.eq(comments::author_id)))
        .filter(comments::topic_id.eq(topic_id))
        .filter(comments::id.lt(page.before_id))
        .order(comments::id.desc())
        .limit(page.limit + 1)
        .select((CommentRow::as_select(), users::display_name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, name)| row.view(name, viewer))
        .collect())
}
