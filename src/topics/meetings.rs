//! Meeting records (民情恳谈, 听证会, 议事会): when and where, who attended as the minutes name
//! them, the minutes and attachments by reference. Each is an event on the timeline; the
//! attendees are shown to people of the community only.

use super::readers::Viewer;
use super::store;
use super::timeline::{self, Event, EventKind};
use super::types::{MeetingKind, TopicStage};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::roles::{Permission, standing};
use crate::schema::topic_meetings as meetings;
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

/// How long ago a meeting may have been held to be recorded now.
const OLDEST_MEETING: TimeDelta = TimeDelta::days(366);

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingRequest {
    pub kind: MeetingKind,
    /// When it was held: in the past year, not in the future.
    pub held_at: DateTime<Utc>,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::http::text::single_line")
    )]
    pub location: Option<String>,
    /// Names and capacities as the minutes give them (`张三（居民代表）`): up to 300, each
    /// one line of 1 to 60 characters.
    #[validate(length(min = 1, max = 300), custom(function = "attendee_names"))]
    pub attendees: Vec<String>,
    #[validate(
        length(min = 2, max = 20000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub minutes: String,
    #[serde(default)]
    #[validate(custom(function = "super::types::attachment_refs"))]
    pub attachments: Vec<String>,
}

fn attendee_names(names: &[String]) -> Result<(), ValidationError> {
    let fits = |name: &String| {
        (1..=60).contains(&name.trim().chars().count()) && !name.chars().any(char::is_control)
    };
    if names.iter().all(fits) {
        Ok(())
    } else {
        Err(ValidationError::new("invalid_attendee"))
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub topic_id: i64,
    pub kind: MeetingKind,
    pub held_at: DateTime<Utc>,
    pub location: Option<String>,
    /// For people of the community only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendees: Option<Vec<String>>,
    pub attendee_count: usize,
    pub minutes: String,
    pub attachments: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = meetings)]
struct MeetingRow {
    id: i64,
    topic_id: i64,
    kind: String,
    held_at: NaiveDateTime,
    location: Option<String>,
    attendees: String,
    minutes: String,
    attachments: String,
    created_at: NaiveDateTime,
}

fn json_list(text: &str) -> Result<Vec<String>, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(format!("stored list: {e}")))
}

fn to_json(list: &[impl Serialize]) -> Result<String, ApiError> {
    serde_json::to_string(list).map_err(ApiError::internal)
}

impl MeetingRow {
    fn view(self, viewer: Viewer) -> Result<MeetingView, ApiError> {
        let attendees = json_list(&self.attendees)?;
        Ok(MeetingView {
            id: self.id,
            topic_id: self.topic_id,
            kind: MeetingKind::parse(&self.kind)
                .ok_or_else(|| ApiError::internal(format!("meeting kind {}", self.kind)))?,
            held_at: self.held_at.and_utc(),
            location: self.location,
            attendee_count: attendees.len(),
            attendees: Some(attendees).filter(|_| viewer.community),
            minutes: self.minutes,
            attachments: json_list(&self.attachments)?,
            created_at: self.created_at.and_utc(),
        })
    }
}

/// Records a meeting (staff), on any topic not yet closed (rejected or evaluated).
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, topic_id): (i64, i64),
    request: &MeetingRequest,
    now: NaiveDateTime,
) -> Result<MeetingView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageTopics)?;
    let held_at = request.held_at.naive_utc();
    if held_at > now {
        return Err(ApiError::invalid_field("held_at", "in_future"));
    }
    if held_at < now - OLDEST_MEETING {
        return Err(ApiError::invalid_field("held_at", "over_a_year_ago"));
    }
    let topic = store::locked(conn, community_id, topic_id)?;
    if matches!(topic.stage()?, TopicStage::Rejected | TopicStage::Evaluated) {
        return Err(ApiError::new(Code::InvalidState).with_field("stage", "invalid_transition"));
    }
    let names: Vec<&str> = request.attendees.iter().map(|n| n.trim()).collect();
    let id: i64 = diesel::insert_into(meetings::table)
        .values((
            meetings::topic_id.eq(topic_id),
            meetings::kind.eq(request.kind.as_str()),
            meetings::held_at.eq(held_at),
            meetings::location.eq(request.location.as_deref().map(str::trim)),
            meetings::attendees.eq(to_json(&names)?),
            meetings::minutes.eq(request.minutes.trim()),
            meetings::attachments.eq(to_json(&request.attachments)?),
            meetings::recorded_by.eq(caller.actor_id()),
            meetings::created_at.eq(now),
        ))
        .returning(meetings::id)
        .get_result(conn)?;
    // The timeline is public for decided topics: the event names nobody.
    let data = json!({ "meeting_id": id, "kind": request.kind, "held_at": request.held_at });
    let event = Event::new(EventKind::MeetingRecorded, Some(caller.actor_id())).data(data);
    timeline::record(conn, topic_id, event, now)?;
    let row = meetings::table
        .find(id)
        .select(MeetingRow::as_select())
        .first(conn)?;
    let view = row.view(Viewer::actor(caller))?;
    let change = Change::in_community(community_id, "topic_meeting.recorded", "topic", topic_id);
    audit::record(conn, &caller.into(), change.after(&view))?;
    Ok(view)
}

/// The topic's meetings, latest held first, as the viewer may see them.
pub fn list(
    conn: &mut DbConnection,
    topic_id: i64,
    viewer: Viewer,
) -> Result<Vec<MeetingView>, ApiError> {
    meetings::table
        .filter(meetings::topic_id.eq(topic_id))
        .order((meetings::held_at.desc(), meetings::id.desc()))
        .select(MeetingRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| row.view(viewer))
        .collect()
}
