//! The audit log: who changed what, when, from what to what.
//!
//! Entries are written in the same transaction as the change they describe, so there is never
//! a change without its record or a record without its change.

pub mod routes;

use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::roles::store::Scope;
use crate::schema::audit_log;
use diesel::prelude::*;
use serde::Serialize;

/// Who made a change: the person at the keyboard, and the resident they acted for, if any.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub on_behalf_of: Option<i64>,
    pub request_id: Option<String>,
}

impl From<&Caller> for Actor {
    fn from(caller: &Caller) -> Self {
        Self {
            user_id: Some(caller.actor_id()),
            on_behalf_of: caller.on_behalf_of(),
            request_id: caller.request_id.clone(),
        }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change {
    community_id: Option<i64>,
    region_id: Option<i64>,
    action: &'static str,
    target_type: &'static str,
    target_id: String,
    before: Option<String>,
    after: Option<String>,
}

impl Change {
    fn new(action: &'static str, target_type: &'static str, target_id: impl ToString) -> Self {
        Self {
            community_id: None,
            region_id: None,
            action,
            target_type,
            target_id: target_id.to_string(),
            before: None,
            after: None,
        }
    }

    /// A change to an account (registration, password, status).
    pub fn account(user_id: i64, action: &'static str) -> Self {
        Self::new(action, "user", user_id)
    }

    /// A change to a record of a community.
    pub fn in_community(
        community_id: i64,
        action: &'static str,
        target_type: &'static str,
        target_id: impl ToString,
    ) -> Self {
        Self {
            community_id: Some(community_id),
            ..Self::new(action, target_type, target_id)
        }
    }

    /// A change to a region or a record of it.
    pub fn in_region(
        region_id: i64,
        action: &'static str,
        target_type: &'static str,
        target_id: impl ToString,
    ) -> Self {
        Self {
            region_id: Some(region_id),
            ..Self::new(action, target_type, target_id)
        }
    }

    /// A change to something of the whole platform (a built-in evaluation standard).
    pub fn platform(
        action: &'static str,
        target_type: &'static str,
        target_id: impl ToString,
    ) -> Self {
        Self::new(action, target_type, target_id)
    }

    pub fn grant(scope: Scope, action: &'static str, grant_id: i64) -> Self {
        match scope {
            Scope::Community(id) => Self::in_community(id, action, "role_grant", grant_id),
            Scope::Region(id) => Self::in_region(id, action, "role_grant", grant_id),
        }
    }

    pub fn before(mut self, state: &impl Serialize) -> Self {
        self.before = serde_json::to_string(state).ok();
        self
    }

    pub fn after(mut self, state: &impl Serialize) -> Self {
        self.after = serde_json::to_string(state).ok();
        self
    }

    /// The state before, when there was one: nothing for a record the change created.
    pub fn before_if(self, state: Option<&impl Serialize>) -> Self {
        match state {
            Some(state) => self.before(state),
            None => self,
        }
    }
}

pub fn record(conn: &mut DbConnection, actor: &Actor, change: Change) -> Result<(), ApiError> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::community_id.eq(change.community_id),
            audit_log::region_id.eq(change.region_id),
            audit_log::actor_user_id.eq(actor.user_id),
            audit_log::on_behalf_of_user_id.eq(actor.on_behalf_of),
            audit_log::action.eq(change.action),
            audit_log::target_type.eq(change.target_type),
            audit_log::target_id.eq(change.target_id),
            audit_log::before_data.eq(change.before),
            audit_log::after_data.eq(change.after),
            audit_log::request_id.eq(&actor.request_id),
            audit_log::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
