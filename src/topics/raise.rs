//! Raising a topic: by staff, by the leader of an organisation serving the community, or by
//! a verified resident, whose topic then needs co-signers before staff may accept it.

use super::readers::Viewer;
use super::settings;
use super::store;
use super::timeline::{self, Event, EventKind};
use super::types::{Origin, Procedure, TopicStage};
use super::view::{self, TopicView};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::memberships::store::is_verified;
use crate::roles::{Permission, Standing, standing};
use crate::schema::{organisation_communities, organisation_members, topics};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicRequest {
    #[validate(
        length(min = 2, max = 80),
        custom(function = "crate::http::text::single_line")
    )]
    pub title: String,
    #[validate(
        length(min = 2, max = 5000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub body: String,
    /// A special matter (two thirds to pass, by default).
    #[serde(default)]
    pub special: bool,
    /// `four_two` (四议两公开) only for topics raised by staff: the party branch proposes.
    #[serde(default = "standard")]
    pub procedure: Procedure,
    /// `residents` (the default) needs co-signers; `staff` needs the right to manage topics;
    /// `organisation` needs `organisation_id`, of an organisation the caller leads and that
    /// serves the community.
    #[serde(default = "residents")]
    pub origin: Origin,
    #[validate(range(min = 1))]
    pub organisation_id: Option<i64>,
}

fn standard() -> Procedure {
    Procedure::Standard
}

fn residents() -> Origin {
    Origin::Residents
}

/// Whether `user_id` leads `organisation_id` and the organisation is approved to serve the
/// community. Read from the organisations' tables directly, as the one fact topics need.
pub fn leads_serving_organisation(
    conn: &mut DbConnection,
    community_id: i64,
    organisation_id: i64,
    user_id: i64,
) -> Result<bool, ApiError> {
    let leads: i64 = organisation_members::table
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .filter(organisation_members::user_id.eq(user_id))
        .filter(organisation_members::role.eq("leader"))
        .count()
        .get_result(conn)?;
    let serves: i64 = organisation_communities::table
        .filter(organisation_communities::organisation_id.eq(organisation_id))
        .filter(organisation_communities::community_id.eq(community_id))
        .filter(organisation_communities::status.eq("approved"))
        .count()
        .get_result(conn)?;
    Ok(leads > 0 && serves > 0)
}

/// Checks the caller may raise a topic of this origin; returns the co-signers it needs.
fn cosigners_required(
    conn: &mut DbConnection,
    caller: &Caller,
    standing: &Standing,
    community_id: i64,
    request: &TopicRequest,
) -> Result<i32, ApiError> {
    if request.procedure == Procedure::FourTwo && request.origin != Origin::Staff {
        return Err(ApiError::invalid_field("procedure", "staff_only"));
    }
    if request.organisation_id.is_some() != (request.origin == Origin::Organisation) {
        return Err(ApiError::invalid_field("organisation_id", "exactly_one"));
    }
    match (request.origin, request.organisation_id) {
        (Origin::Staff, _) => standing.require(Permission::ManageTopics).map(|()| 0),
        (Origin::Organisation, Some(organisation)) => {
            if leads_serving_organisation(conn, community_id, organisation, caller.user_id)? {
                Ok(0)
            } else {
                // Strangers learn nothing; people of the community learn what is wrong.
                standing.require(Permission::Deliberate)?;
                Err(ApiError::invalid_field("organisation_id", "not_a_leader"))
            }
        }
        (Origin::Residents, _) => {
            standing.require(Permission::Deliberate)?;
            if !is_verified(conn, community_id, caller.user_id)? {
                return Err(ApiError::forbidden());
            }
            let rules = settings::view(conn, community_id)?;
            i32::try_from(rules.cosigners_required).map_err(ApiError::internal)
        }
        (Origin::Organisation, None) => Err(ApiError::invalid_field("organisation_id", "required")),
    }
}

pub fn raise(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    request: &TopicRequest,
    now: NaiveDateTime,
) -> Result<TopicView, ApiError> {
    let standing = standing::in_community(conn, caller.user_id, community_id)?;
    let required = cosigners_required(conn, caller, &standing, community_id, request)?;
    let id: i64 = diesel::insert_into(topics::table)
        .values((
            topics::community_id.eq(community_id),
            topics::title.eq(request.title.trim()),
            topics::body.eq(request.body.trim()),
            topics::special.eq(request.special),
            topics::procedure.eq(request.procedure.as_str()),
            topics::origin.eq(request.origin.as_str()),
            topics::raised_by.eq(caller.user_id),
            topics::organisation_id.eq(request.organisation_id),
            topics::cosigners_required.eq(required),
            topics::stage.eq(TopicStage::Proposed.as_str()),
            topics::created_at.eq(now),
            topics::updated_at.eq(now),
        ))
        .returning(topics::id)
        .get_result(conn)?;
    let data = json!({ "origin": request.origin, "cosigners_required": required });
    let event = Event::new(EventKind::Raised, Some(caller.actor_id())).data(data);
    timeline::record(conn, id, event, now)?;
    let topic = store::find(conn, community_id, id)?;
    // The audit record and a replayed answer carry what the public would see of it.
    let public = view::view(conn, topic.clone(), Viewer::public(), false)?;
    let change = Change::in_community(community_id, "topic.raised", "topic", id);
    audit::record(conn, &caller.into(), change.after(&public))?;
    view::view(conn, topic, Viewer::actor(caller), true)
}
