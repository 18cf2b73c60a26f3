//! The topic's timeline: one event per step, readable with the topic.

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::topic_events;
use crate::stored_enum;
use chrono::NaiveDateTime;
use diesel::prelude::*;

stored_enum! {
    /// What happened to a topic.
    pub enum EventKind {
        Raised => "raised",
        Cosigned => "cosigned",
        StageChanged => "stage_changed",
        ProcedureStep => "procedure_step",
        MeetingRecorded => "meeting_recorded",
        VoteScheduled => "vote_scheduled",
        VoteOpened => "vote_opened",
        VoteCancelled => "vote_cancelled",
        /// A vote closed: the result, published (决议公开).
        VoteClosed => "vote_closed",
        /// 实施结果公开.
        ImplementationUpdate => "implementation_update",
        /// 效果共评: the evaluation closed with the residents' ratings.
        Evaluated => "evaluated",
    }
}

/// One event to add to a topic's timeline.
pub struct Event {
    pub kind: EventKind,
    pub actor_id: Option<i64>,
    pub body: Option<String>,
    pub data: Option<serde_json::Value>,
}

impl Event {
    pub fn new(kind: EventKind, actor_id: Option<i64>) -> Self {
        Self {
            kind,
            actor_id,
            body: None,
            data: None,
        }
    }

    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }
}

pub fn record(
    conn: &mut DbConnection,
    topic_id: i64,
    event: Event,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::insert_into(topic_events::table)
        .values((
            topic_events::topic_id.eq(topic_id),
            topic_events::kind.eq(event.kind.as_str()),
            topic_events::actor_id.eq(event.actor_id),
            topic_events::body.eq(event.body),
            topic_events::data.eq(event.data.map(|d| d.to_string())),
            topic_events::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
