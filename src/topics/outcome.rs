//! After the decision: implementation updates (实施结果公开) on the public timeline, and the
//! residents' rating of the outcome (效果共评), once per person and changeable while the
//! topic is being implemented, summed up on the timeline when staff close the evaluation.
//! Nobody but the rater learns what a given person rated.

use super::store::{self, TopicRow};
use super::timeline::{self, Event, EventKind};
use super::types::TopicStage;
use super::view::EventView;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::memberships::store::is_verified;
use crate::roles::{Permission, standing};
use crate::schema::topic_ratings as ratings;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// What has been done, what is left, what it cost.
    #[validate(
        length(min = 2, max = 2000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub body: String,
    /// Photos or documents by reference (up to 20).
    #[serde(default)]
    #[validate(custom(function = "super::types::attachment_refs"))]
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TopicRatingRequest)]
pub struct RatingRequest {
    /// 1 (very poor) to 5 (very good).
    #[validate(range(min = 1, max = 5))]
    pub rating: i32,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub comment: Option<String>,
}

/// A rating without its rater: one's own, or one of the list staff read.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TopicRatingView)]
pub struct RatingView {
    pub rating: i32,
    pub comment: Option<String>,
    pub rated_at: DateTime<Utc>,
}

/// The ratings of an outcome: how many, their average, never who gave them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TopicRatingSummary)]
pub struct RatingSummary {
    pub count: i64,
    /// Rounded to two decimals; none before the first rating.
    pub average: Option<f64>,
    /// How many gave 1, 2, 3, 4 and 5.
    pub distribution: [i64; 5],
}

pub fn summary(conn: &mut DbConnection, topic_id: i64) -> Result<RatingSummary, ApiError> {
    let rows: Vec<(i32, i64)> = ratings::table
        .filter(ratings::topic_id.eq(topic_id))
        .group_by(ratings::rating)
        .select((ratings::rating, diesel::dsl::count_star()))
        .load(conn)?;
    let mut distribution = [0; 5];
    for (rating, n) in rows {
        if let Some(slot) = usize::try_from(rating - 1)
            .ok()
            .and_then(|i| distribution.get_mut(i))
        {
            *slot = n;
        }
    }
    let count: i64 = distribution.iter().sum();
    let total: i64 = (1..).zip(distribution).map(|(score, n)| score * n).sum();
    let average = (count > 0).then(|| (total as f64 * 100.0 / count as f64).round() / 100.0);
    Ok(RatingSummary {
        count,
        average,
        distribution,
    })
}

pub fn rating_of(
    conn: &mut DbConnection,
    topic_id: i64,
    user_id: i64,
) -> Result<Option<i32>, ApiError> {
    Ok(ratings::table
        .find((topic_id, user_id))
        .select(ratings::rating)
        .first(conn)
        .optional()?)
}

/// Publishes an implementation update (staff, while implementing).
pub fn post_update(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, topic_id): (i64, i64),
    request: &UpdateRequest,
    now: NaiveDateTime,
) -> Result<EventView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageTopics)?;
    let topic = store::locked(conn, community_id, topic_id)?;
    require_implementing(&topic)?;
    let body = request.body.trim();
    let data = json!({ "attachments": request.attachments });
    let event = Event::new(EventKind::ImplementationUpdate, Some(caller.actor_id()))
        .body(body)
        .data(data.clone());
    let id = timeline::record_returning_id(conn, topic_id, event, now)?;
    let change = Change::in_community(
        community_id,
        "topic.implementation_update",
        "topic",
        topic_id,
    );
    audit::record(
        conn,
        &caller.into(),
        change.after(&json!({ "event_id": id, "body": body, "data": data })),
    )?;
    Ok(EventView {
        id,
        kind: EventKind::ImplementationUpdate,
        actor_id: Some(caller.actor_id()),
        body: Some(body.to_owned()),
        data: Some(data),
        created_at: now.and_utc(),
    })
}

fn require_implementing(topic: &TopicRow) -> Result<(), ApiError> {
    if topic.stage()? != TopicStage::Implementing {
        return Err(ApiError::new(Code::InvalidState).with_field("stage", "invalid_transition"));
    }
    Ok(())
}

/// Sets the caller's rating of the outcome (verified residents, while implementing): a
/// second rating replaces the first.
pub fn rate(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, topic_id): (i64, i64),
    request: &RatingRequest,
    now: NaiveDateTime,
) -> Result<RatingView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::Deliberate)?;
    if !is_verified(conn, community_id, caller.user_id)? {
        return Err(ApiError::forbidden());
    }
    let topic = store::locked(conn, community_id, topic_id)?;
    require_implementing(&topic)?;
    let key = (topic_id, caller.user_id);
    let before: Option<(i32, Option<String>)> = ratings::table
        .find(key)
        .select((ratings::rating, ratings::comment))
        .first(conn)
        .optional()?;
    let comment = request.comment.as_deref().map(str::trim);
    let values = (
        ratings::rating.eq(request.rating),
        ratings::comment.eq(comment),
        ratings::rated_at.eq(now),
    );
    if before.is_some() {
        diesel::update(ratings::table.find(key))
            .set(values)
            .execute(conn)?;
    } else {
        diesel::insert_into(ratings::table)
            .values((
                ratings::topic_id.eq(topic_id),
                ratings::user_id.eq(caller.user_id),
                values,
            ))
            .execute(conn)?;
    }
    let after = json!({ "rating": request.rating, "comment": comment });
    let change = Change::in_community(community_id, "topic.rated", "topic", topic_id)
        .before(&before.map(|(rating, comment)| json!({ "rating": rating, "comment": comment })))
        .after(&after);
    audit::record(conn, &caller.into(), change)?;
    Ok(RatingView {
        rating: request.rating,
        comment: comment.map(str::to_owned),
        rated_at: now.and_utc(),
    })
}

/// How many ratings staff read at once: the latest; the summary counts them all.
const RATINGS_LISTED: i64 = 500;

/// The latest ratings with their comments, newest first, without who gave them (staff).
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, topic_id): (i64, i64),
) -> Result<Vec<RatingView>, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageTopics)?;
    store::find(conn, community_id, topic_id)?;
    let rows: Vec<(i32, Option<String>, NaiveDateTime)> = ratings::table
        .filter(ratings::topic_id.eq(topic_id))
        .order(ratings::rated_at.desc())
        .limit(RATINGS_LISTED)
        .select((ratings::rating, ratings::comment, ratings::rated_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(rating, comment, at)| RatingView {
            rating,
            comment,
            rated_at: at.and_utc(),
        })
        .collect())
}

/// The `evaluated` event: the ratings as they stood when staff closed the evaluation.
pub fn note_evaluation(
    conn: &mut DbConnection,
    caller: &Caller,
    topic: &TopicRow,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let summary = summary(conn, topic.id)?;
    let data = json!({ "count": summary.count, "average": summary.average, "distribution": summary.distribution });
    let event = Event::new(EventKind::Evaluated, Some(caller.actor_id())).data(data);
    timeline::record(conn, topic.id, event, now)
}
