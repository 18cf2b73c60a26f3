//! What each reader is shown of a topic: people of the community see every stage with who
//! raised it and who did what on the timeline; everyone else sees decided topics only, with
//! no person named.

use super::outcome::{self, RatingSummary};
use super::procedure::{self, StepView};
use super::readers::Viewer;
use super::store::TopicRow;
use super::timeline::EventKind;
use super::types::{Origin, Procedure, TopicStage};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::schema::{organisations, topic_cosigners as cosigners, topic_events as events, topics};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One event of the timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub kind: EventKind,
    /// Who did it: for people of the community only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<i64>,
    pub body: Option<String>,
    /// Details by kind: `{from, to}` of a stage change, a vote's result, an update's
    /// attachments, the ratings of an evaluation...
    pub data: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TopicView {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub body: String,
    /// A special matter: two thirds of the votes cast to pass, by default.
    pub special: bool,
    pub procedure: Procedure,
    pub origin: Origin,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    /// Who raised it: for people of the community only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raised_by: Option<i64>,
    pub stage: TopicStage,
    pub rejection_reason: Option<String>,
    /// Co-signers a residents' topic needed when it was raised (0 for the others).
    pub cosigners_required: i32,
    pub cosigners: i64,
    /// Whether the reader co-signed it (logged-in readers of the community).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cosigned_by_me: Option<bool>,
    /// The 四议两公开 steps recorded so far, in order (empty for standard topics).
    pub procedure_steps: Vec<StepView>,
    /// The residents' rating of the outcome (效果共评), from implementation on.
    pub ratings: Option<RatingSummary>,
    /// The reader's own rating, if they gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub my_rating: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Oldest first; in the single-topic view and on the decisions page, not in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<EventView>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicFilter {
    pub stage: Option<TopicStage>,
    pub origin: Option<Origin>,
    pub procedure: Option<Procedure>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

pub fn timeline(
    conn: &mut DbConnection,
    topic_id: i64,
    viewer: Viewer,
) -> Result<Vec<EventView>, ApiError> {
    type Row = (
        i64,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        chrono::NaiveDateTime,
    );
    let rows: Vec<Row> = events::table
        .filter(events::topic_id.eq(topic_id))
        .order(events::id.asc())
        .select((
            events::id,
            events::kind,
            events::actor_id,
            events::body,
            events::data,
            events::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, kind, actor_id, body, data, created_at)| {
            Ok(EventView {
                id,
                kind: EventKind::parse(&kind)
                    .ok_or_else(|| ApiError::internal(format!("topic event kind {kind}")))?,
                actor_id: actor_id.filter(|_| viewer.community),
                body,
                data: data.and_then(|d| serde_json::from_str(&d).ok()),
                created_at: created_at.and_utc(),
            })
        })
        .collect()
}

pub fn cosigner_count(conn: &mut DbConnection, topic_id: i64) -> Result<i64, ApiError> {
    Ok(cosigners::table
        .filter(cosigners::topic_id.eq(topic_id))
        .count()
        .get_result(conn)?)
}

pub fn cosigned_by(conn: &mut DbConnection, topic_id: i64, user_id: i64) -> Result<bool, ApiError> {
    let found: i64 = cosigners::table
        .filter(cosigners::topic_id.eq(topic_id))
        .filter(cosigners::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// The topic as `viewer` may see it, with its timeline when `with_timeline`. The caller has
/// checked that the viewer may see the topic at all.
pub fn view(
    conn: &mut DbConnection,
    topic: TopicRow,
    viewer: Viewer,
    with_timeline: bool,
) -> Result<TopicView, ApiError> {
    let stage = topic.stage()?;
    let organisation_name = match topic.organisation_id {
        Some(id) => Some(
            organisations::table
                .find(id)
                .select(organisations::name)
                .first(conn)?,
        ),
        None => None,
    };
    let me = viewer.user_id.filter(|_| viewer.community);
    let cosigned_by_me = match me {
        Some(user_id) => Some(cosigned_by(conn, topic.id, user_id)?),
        None => None,
    };
    let ratings = match stage {
        TopicStage::Implementing | TopicStage::Evaluated => Some(outcome::summary(conn, topic.id)?),
        _ => None,
    };
    let my_rating = match (me, &ratings) {
        (Some(user_id), Some(_)) => outcome::rating_of(conn, topic.id, user_id)?,
        _ => None,
    };
    Ok(TopicView {
        procedure: topic.procedure()?,
        origin: topic.origin()?,
        cosigners: cosigner_count(conn, topic.id)?,
        procedure_steps: procedure::steps(conn, topic.id)?,
        timeline: if with_timeline {
            Some(timeline(conn, topic.id, viewer)?)
        } else {
            None
        },
        raised_by: Some(topic.raised_by).filter(|_| viewer.community),
        id: topic.id,
        community_id: topic.community_id,
        title: topic.title,
        body: topic.body,
        special: topic.special,
        organisation_id: topic.organisation_id,
        organisation_name,
        stage,
        rejection_reason: topic.rejection_reason,
        cosigners_required: topic.cosigners_required,
        cosigned_by_me,
        ratings,
        my_rating,
        created_at: topic.created_at.and_utc(),
        updated_at: topic.updated_at.and_utc(),
    })
}

/// A page of the community's topics the viewer may see, newest first; `decided_only` keeps
/// decided topics and what followed whoever reads.
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    viewer: Viewer,
    filter: &TopicFilter,
    decided_only: bool,
    page: Page,
) -> Result<Vec<TopicRow>, ApiError> {
    let mut query = topics::table
        .filter(topics::community_id.eq(community_id))
        .filter(topics::id.lt(page.before_id))
        .into_boxed();
    if decided_only || !viewer.community {
        let decided: Vec<&str> = TopicStage::ALL
            .iter()
            .filter(|s| s.is_decided())
            .map(|s| s.as_str())
            .collect();
        query = query.filter(topics::stage.eq_any(decided));
    }
    if let Some(stage) = filter.stage {
        query = query.filter(topics::stage.eq(stage.as_str()));
    }
    if let Some(origin) = filter.origin {
        query = query.filter(topics::origin.eq(origin.as_str()));
    }
    if let Some(procedure) = filter.procedure {
        query = query.filter(topics::procedure.eq(procedure.as_str()));
    }
    Ok(query
        .order(topics::id.desc())
        .limit(page.limit + 1)
        .select(TopicRow::as_select())
        .load(conn)?)
}
