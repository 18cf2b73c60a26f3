//! Role grants: who holds which role where, with their history kept (revoked, not deleted).

use super::Role;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, Code};
use crate::schema::{role_grants, users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

/// Where a grant applies.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Community(i64),
    Region(i64),
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleGrantView {
    pub id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub role: Role,
    pub community_id: Option<i64>,
    pub region_id: Option<i64>,
    pub granted_by: Option<i64>,
    pub granted_at: DateTime<Utc>,
}

type GrantRow = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    chrono::NaiveDateTime,
);

fn view(
    (id, user_id, display_name, role, community_id, region_id, granted_by, granted_at): GrantRow,
) -> Option<RoleGrantView> {
    Some(RoleGrantView {
        id,
        user_id,
        display_name,
        role: Role::parse(&role)?,
        community_id,
        region_id,
        granted_by,
        granted_at: granted_at.and_utc(),
    })
}

fn scoped(scope: Scope) -> role_grants::BoxedQuery<'static, crate::db::DbBackend> {
    let query = role_grants::table
        .filter(role_grants::revoked_at.is_null())
        .into_boxed();
    match scope {
        Scope::Community(id) => query.filter(role_grants::community_id.eq(id)),
        Scope::Region(id) => query.filter(role_grants::region_id.eq(id)),
    }
}

/// Active grants in a scope, newest first, `limit` rows with ids below `before_id`.
pub fn list(
    conn: &mut DbConnection,
    scope: Scope,
    before_id: i64,
    limit: i64,
) -> Result<Vec<RoleGrantView>, ApiError> {
    let ids: Vec<i64> = scoped(scope)
        .filter(role_grants::id.lt(before_id))
        .order(role_grants::id.desc())
        .limit(limit)
        .select(role_grants::id)
        .load(conn)?;
    let rows: Vec<GrantRow> = role_grants::table
        .inner_join(users::table.on(users::id.eq(role_grants::user_id)))
        .filter(role_grants::id.eq_any(&ids))
        .order(role_grants::id.desc())
        .select((
            role_grants::id,
            role_grants::user_id,
            users::display_name,
            role_grants::role,
            role_grants::community_id,
            role_grants::region_id,
            role_grants::granted_by,
            role_grants::granted_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(view).collect())
}

pub fn get(
    conn: &mut DbConnection,
    scope: Scope,
    grant_id: i64,
) -> Result<RoleGrantView, ApiError> {
    let id: i64 = scoped(scope)
        .filter(role_grants::id.eq(grant_id))
        .select(role_grants::id)
        .first(conn)?;
    list(conn, scope, id + 1, 1)?
        .into_iter()
        .next()
        .ok_or_else(ApiError::not_found)
}

/// Does `user_id` hold `role` in exactly this scope (not inherited from above)?
pub fn holds(
    conn: &mut DbConnection,
    scope: Scope,
    user_id: i64,
    role: Role,
) -> Result<bool, ApiError> {
    let held: i64 = scoped(scope)
        .filter(role_grants::user_id.eq(user_id))
        .filter(role_grants::role.eq(role.as_str()))
        .count()
        .get_result(conn)?;
    Ok(held > 0)
}

pub fn grant(
    conn: &mut DbConnection,
    scope: Scope,
    user_id: i64,
    role: Role,
    by: i64,
) -> Result<RoleGrantView, ApiError> {
    let assisted: Option<bool> = users::table
        .find(user_id)
        .select(users::assisted)
        .first(conn)
        .optional()?;
    match assisted {
        None => return Err(ApiError::invalid_field("user_id", "not_found")),
        // Staff act for assisted residents in person; lending them a role would let any
        // assisted session exercise it.
        Some(true) => return Err(ApiError::invalid_field("user_id", "assisted_account")),
        Some(false) => {}
    }
    if holds(conn, scope, user_id, role)? {
        return Err(ApiError::new(Code::AlreadyExists).with_field("role", "already_exists"));
    }
    let (community_id, region_id) = match scope {
        Scope::Community(id) => (Some(id), None),
        Scope::Region(id) => (None, Some(id)),
    };
    let id: i64 = diesel::insert_into(role_grants::table)
        .values((
            role_grants::user_id.eq(user_id),
            role_grants::role.eq(role.as_str()),
            role_grants::community_id.eq(community_id),
            role_grants::region_id.eq(region_id),
            role_grants::granted_by.eq(by),
            role_grants::granted_at.eq(now()),
        ))
        .returning(role_grants::id)
        .get_result(conn)?;
    get(conn, scope, id)
}

pub fn revoke(conn: &mut DbConnection, grant_id: i64, by: i64) -> Result<(), ApiError> {
    diesel::update(
        role_grants::table
            .find(grant_id)
            .filter(role_grants::revoked_at.is_null()),
    )
    .set((
        role_grants::revoked_at.eq(now()),
        role_grants::revoked_by.eq(by),
    ))
    .execute(conn)?;
    Ok(())
}
