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
        TopicStage::parse(&self.stage)
            .ok_or_else(|| ApiError::internal(format!("topic {} has stage {}", self.id, self.stage)))
    }

    pub fn procedure(&self) -> Result<Procedure, ApiError> {
        Procedure::parse(&self.procedure).ok_or_else(|| {
            ApiError::internal(format!("topic {} has procedure {}", self.id, self.procedure))
        })
    }
}

/// The community's topic; 404 for another community's.
pub fn find(conn: &mut DbConnection, community_id: i64, topic_id: i64) -> Result<TopicRow, ApiError> {
    topics::table
        .filter(topics::id.eq(topic_id))
        .filter(topics::community_id.eq(community_id))
        .select(TopicRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}
