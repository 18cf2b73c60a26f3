//! Moving a topic from one stage to the next, with its timeline event and audit record.

use super::store::TopicRow;
use super::timeline::{self, Event, EventKind};
use super::types::TopicStage;
use crate::audit::{self, Actor, Change};
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::schema::topics;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

/// Moves `topic` to `to` if its stage allows it (409 otherwise). The update re-checks the
/// stage, so two people moving the same topic at once cannot both succeed.
pub fn advance(
    conn: &mut DbConnection,
    actor: &Actor,
    topic: &TopicRow,
    to: TopicStage,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let from = topic.stage()?;
    if !from.next().contains(&to) {
        return Err(ApiError::new(Code::InvalidState).with_field("stage", "invalid_transition"));
    }
    let moved = diesel::update(
        topics::table
            .filter(topics::id.eq(topic.id))
            .filter(topics::stage.eq(from.as_str())),
    )
    .set((topics::stage.eq(to.as_str()), topics::updated_at.eq(at)))
    .execute(conn)?;
    if moved == 0 {
        return Err(ApiError::new(Code::InvalidState).with_field("stage", "invalid_transition"));
    }
    let change = json!({"from": from, "to": to});
    timeline::record(
        conn,
        topic.id,
        Event::new(EventKind::StageChanged, actor.user_id).data(change.clone()),
        at,
    )?;
    audit::record(
        conn,
        actor,
        Change::in_community(topic.community_id, "topic.stage", "topic", topic.id)
            .before(&json!({"stage": from}))
            .after(&json!({"stage": to})),
    )
}
