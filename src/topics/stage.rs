//! Moving a topic from one stage to the next, with its timeline event and audit record.

use super::procedure;
use super::store::TopicRow;
use super::timeline::{self, Event, EventKind};
use super::types::{Procedure, ProcedureStep, TopicStage};
use crate::audit::{self, Actor, Change};
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::schema::topics;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

/// Moves `topic` to `to` if its stage allows it (409 otherwise). The update re-checks the
/// stage, so two people moving the same topic at once cannot both succeed. A 四议两公开 topic
/// also needs the step that precedes `to` recorded (see the module `topics`).
pub fn advance(
    conn: &mut DbConnection,
    actor: &Actor,
    topic: &TopicRow,
    to: TopicStage,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    advance_noting(conn, actor, topic, to, at, None)
}

/// [`advance`] with a note shown on the timeline event and kept in the audit record: the
/// reason for a rejection.
pub fn advance_noting(
    conn: &mut DbConnection,
    actor: &Actor,
    topic: &TopicRow,
    to: TopicStage,
    at: NaiveDateTime,
    note: Option<&str>,
) -> Result<(), ApiError> {
    let from = topic.stage()?;
    if !from.next().contains(&to) {
        return Err(invalid_transition());
    }
    if topic.procedure()? == Procedure::FourTwo
        && let Some(step) = ProcedureStep::required_before(to)
        && !procedure::is_recorded(conn, topic.id, step)?
    {
        return Err(ApiError::new(Code::InvalidState).with_field("procedure", "step_missing"));
    }
    let moved = diesel::update(
        topics::table
            .filter(topics::id.eq(topic.id))
            .filter(topics::stage.eq(from.as_str())),
    )
    .set((
        topics::stage.eq(to.as_str()),
        topics::updated_at.eq(at),
        topics::rejection_reason.eq(note.filter(|_| to == TopicStage::Rejected)),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Err(invalid_transition());
    }
    let change = json!({"from": from, "to": to});
    let mut event = Event::new(EventKind::StageChanged, actor.user_id).data(change);
    if let Some(note) = note {
        event = event.body(note);
    }
    timeline::record(conn, topic.id, event, at)?;
    audit::record(
        conn,
        actor,
        Change::in_community(topic.community_id, "topic.stage", "topic", topic.id)
            .before(&json!({"stage": from}))
            .after(&json!({"stage": to, "note": note})),
    )
}

fn invalid_transition() -> ApiError {
    ApiError::new(Code::InvalidState).with_field("stage", "invalid_transition")
}
