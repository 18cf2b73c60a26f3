//! Staff moving a topic through the stages that are theirs to decide: accepting it (a
//! residents' topic only with its co-signers), rejecting it with a reason, opening the
//! discussion, and starting implementation once decided. Votes move it into `voting` and
//! `decided`; the evaluation closes in `outcome`.

use super::readers::Viewer;
use super::stage;
use super::store;
use super::types::{Origin, TopicStage};
use super::view::{self, TopicView};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::roles::{Permission, standing};
use chrono::NaiveDateTime;

/// A move staff may ask for through the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffMove {
    Accept,
    OpenDiscussion,
    StartImplementation,
    CloseEvaluation,
}

impl StaffMove {
    pub fn stage(self) -> TopicStage {
        match self {
            Self::Accept => TopicStage::Accepted,
            Self::OpenDiscussion => TopicStage::Discussion,
            Self::StartImplementation => TopicStage::Implementing,
            Self::CloseEvaluation => TopicStage::Evaluated,
        }
    }
}

/// Makes the move `Ok(move)` (staff), or rejects the topic for `Err(reason)`.
pub fn transition(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, topic_id): (i64, i64),
    to: Result<StaffMove, &str>,
    now: NaiveDateTime,
) -> Result<TopicView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageTopics)?;
    let topic = store::locked(conn, community_id, topic_id)?;
    let actor = caller.into();
    match to {
        Ok(StaffMove::Accept) if topic.origin()? == Origin::Residents => {
            let cosigners = view::cosigner_count(conn, topic_id)?;
            if cosigners < i64::from(topic.cosigners_required) {
                return Err(ApiError::new(Code::InvalidState).with_field("cosigners", "too_few"));
            }
            stage::advance(conn, &actor, &topic, TopicStage::Accepted, now)?;
        }
        Ok(StaffMove::CloseEvaluation) => {
            stage::advance(conn, &actor, &topic, TopicStage::Evaluated, now)?;
            // The timeline sums up the residents' ratings as they stand at the close.
            super::outcome::note_evaluation(conn, caller, &topic, now)?;
        }
        Ok(other) => stage::advance(conn, &actor, &topic, other.stage(), now)?,
        Err(reason) => {
            let reason = reason.trim();
            stage::advance_noting(
                conn,
                &actor,
                &topic,
                TopicStage::Rejected,
                now,
                Some(reason),
            )?;
        }
    }
    let topic = store::find(conn, community_id, topic_id)?;
    view::view(conn, topic, Viewer::actor(caller), true)
}
