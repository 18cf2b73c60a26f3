//! Reading topics.

use super::types::{Procedure, TopicStage};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::topics;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = topics)]
pub struct TopicRow {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub body: String,
    pub special: bool,
    pub procedure: String,
    pub origin: String,
    pub raised_by: i64,
    pub organisation_id: Option<i64>,
    pub cosigners_required: i32,
    pub stage: String,
    pub rejection_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TopicRow {
    pub fn stage(&self) -> Result<TopicStage, ApiError> {
        TopicStage::parse(&self.stage).ok_or_else(|| {
            ApiError::internal(format!("topic {} has stage {}", self.id, self.stage))
        })
    }

    pub fn procedure(&self) -> Result<Procedure, ApiError> {
        Procedure::parse(&self.procedure).ok_or_else(|| {
            ApiError::internal(format!(
                "topic {} has procedure {}",
                self.id, self.procedure
            ))
        })
    }
}

/// The community's topic; 404 for another community's.
pub fn find(
    conn: &mut DbConnection,
    community_id: i64,
    topic_id: i64,
) -> Result<TopicRow, ApiError> {
    topics::table
        .filter(topics::id.eq(topic_id))
        .filter(topics::community_id.eq(community_id))
        .select(TopicRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// The community's topic, with its row lock held for the rest of the write transaction, so
/// that writes to one topic (co-signatures, stage changes, ratings) happen one after another
/// and each sees the stage the one before left. A no-op write; on SQLite the write
/// transaction already holds the database lock.
pub fn locked(
    conn: &mut DbConnection,
    community_id: i64,
    topic_id: i64,
) -> Result<TopicRow, ApiError> {
    let touched = diesel::update(
        topics::table
            .filter(topics::id.eq(topic_id))
            .filter(topics::community_id.eq(community_id)),
    )
    .set(topics::updated_at.eq(topics::updated_at))
    .execute(conn)?;
    if touched == 0 {
        return Err(ApiError::not_found());
    }
    find(conn, community_id, topic_id)
}

impl TopicRow {
    pub fn origin(&self) -> Result<super::types::Origin, ApiError> {
        super::types::Origin::parse(&self.origin).ok_or_else(|| {
            ApiError::internal(format!("topic {} has origin {}", self.id, self.origin))
        })
    }
}
