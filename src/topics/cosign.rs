//! Co-signing a residents' topic (联名): verified residents of the community, once each, not
//! the one who raised it, while it is proposed; a co-signature may be withdrawn until then.
//! The timeline notes the moment the topic first has the co-signers it needs.

use super::readers::Viewer;
use super::store::{self, TopicRow};
use super::timeline::{self, Event, EventKind};
use super::types::{Origin, TopicStage};
use super::view::{self, TopicView};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::memberships::store::is_verified;
use crate::roles::{Permission, standing};
use crate::schema::{topic_cosigners as cosigners, topic_events as events};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

/// The topic, locked, if the caller may co-sign or withdraw now: a verified resident (403
/// for others with standing), a residents' topic still proposed (409).
fn open_for_signatures(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    topic_id: i64,
) -> Result<TopicRow, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::Deliberate)?;
    // A resident without a phone signs in an assisted session, face to face with staff;
    // the audit record names both.
    if !is_verified(conn, community_id, caller.user_id)? {
        return Err(ApiError::forbidden());
    }
    let topic = store::locked(conn, community_id, topic_id)?;
    if topic.origin()? != Origin::Residents {
        return Err(ApiError::new(Code::InvalidState).with_field("origin", "not_cosignable"));
    }
    if topic.stage()? != TopicStage::Proposed {
        return Err(ApiError::new(Code::InvalidState).with_field("stage", "invalid_transition"));
    }
    Ok(topic)
}

pub fn cosign(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    topic_id: i64,
    now: NaiveDateTime,
) -> Result<TopicView, ApiError> {
    let topic = open_for_signatures(conn, caller, community_id, topic_id)?;
    if topic.raised_by == caller.user_id {
        return Err(ApiError::new(Code::InvalidState).with_field("topic", "own_topic"));
    }
    if view::cosigned_by(conn, topic_id, caller.user_id)? {
        return Err(ApiError::conflict(Code::AlreadyExists).with_field("topic", "already_cosigned"));
    }
    diesel::insert_into(cosigners::table)
        .values((
            cosigners::topic_id.eq(topic_id),
            cosigners::user_id.eq(caller.user_id),
            cosigners::signed_at.eq(now),
        ))
        .execute(conn)?;
    let count = view::cosigner_count(conn, topic_id)?;
    if count >= i64::from(topic.cosigners_required) && !threshold_noted(conn, topic_id)? {
        let data = json!({ "cosigners": count, "required": topic.cosigners_required });
        timeline::record(
            conn,
            topic_id,
            Event::new(EventKind::Cosigned, None).data(data),
            now,
        )?;
    }
    recorded(conn, caller, topic, "topic.cosigned", count - 1, count)
}

pub fn withdraw(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    topic_id: i64,
) -> Result<TopicView, ApiError> {
    let topic = open_for_signatures(conn, caller, community_id, topic_id)?;
    let removed = diesel::delete(
        cosigners::table
            .filter(cosigners::topic_id.eq(topic_id))
            .filter(cosigners::user_id.eq(caller.user_id)),
    )
    .execute(conn)?;
    if removed == 0 {
        return Err(ApiError::new(Code::InvalidState).with_field("topic", "not_cosigned"));
    }
    let count = view::cosigner_count(conn, topic_id)?;
    recorded(
        conn,
        caller,
        topic,
        "topic.cosign_withdrawn",
        count + 1,
        count,
    )
}

/// Whether the timeline already says the topic reached its co-signers: it says so once, even
/// if withdrawals take it below and new signatures back up.
fn threshold_noted(conn: &mut DbConnection, topic_id: i64) -> Result<bool, ApiError> {
    let found: i64 = events::table
        .filter(events::topic_id.eq(topic_id))
        .filter(events::kind.eq(EventKind::Cosigned.as_str()))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

fn recorded(
    conn: &mut DbConnection,
    caller: &Caller,
    topic: TopicRow,
    action: &'static str,
    before: i64,
    after: i64,
) -> Result<TopicView, ApiError> {
    let change = Change::in_community(topic.community_id, action, "topic", topic.id)
        .before(&json!({ "cosigners": before }))
        .after(&json!({ "cosigners": after }));
    audit::record(conn, &caller.into(), change)?;
    view::view(conn, topic, Viewer::actor(caller), false)
}
