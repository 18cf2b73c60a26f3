//! A caller's standing in a community or region: the roles that apply there.
//!
//! Callers with no standing at all get 404 for the community's records, exactly as if they
//! did not exist; callers with standing but not the right role get 403.

use super::Role;
use super::permission::{Permission, granters_of};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::{communities, memberships, regions, role_grants, users};
use diesel::prelude::*;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub struct Standing {
    pub roles: BTreeSet<Role>,
    /// Whether the thing itself is public (a region), so that lacking a role is 403, not 404.
    pub publicly_visible: bool,
}

impl Standing {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.roles.contains(r))
    }

    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        self.require_any(permission.allowed_roles())
    }

    pub fn require_any(&self, roles: &[Role]) -> Result<(), ApiError> {
        if self.roles.is_empty() && !self.publicly_visible {
            Err(ApiError::not_found())
        } else if self.has_any(roles) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// The refusal for someone whom no rule let through: 404 without any standing here, as for
    /// a record that does not exist, and 403 otherwise.
    pub fn refusal(&self) -> ApiError {
        match self.require_any(&[]) {
            Err(refused) => refused,
            Ok(()) => ApiError::forbidden(),
        }
    }

    pub fn require_can_grant(&self, role: Role) -> Result<(), ApiError> {
        self.require_any(granters_of(role))
    }
}

/// The ids of a region and its ancestors, from its materialised path `/1/5/23/`.
pub fn path_ids(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|p| p.parse().ok()).collect()
}

pub fn is_platform_admin(conn: &mut DbConnection, user_id: i64) -> Result<bool, ApiError> {
    Ok(users::table
        .find(user_id)
        .select(users::is_platform_admin)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

fn region_admin_over(
    conn: &mut DbConnection,
    user_id: i64,
    region_path: &str,
) -> Result<bool, ApiError> {
    let held: i64 = role_grants::table
        .filter(role_grants::user_id.eq(user_id))
        .filter(role_grants::role.eq(Role::RegionAdmin.as_str()))
        .filter(role_grants::revoked_at.is_null())
        .filter(role_grants::region_id.eq_any(path_ids(region_path)))
        .count()
        .get_result(conn)?;
    Ok(held > 0)
}

/// The caller's roles in `community_id`; 404 if the community does not exist.
///
/// This runs on nearly every request, so it is two queries built with diesel's DSL (whose
/// prepared statements are cached per connection, unlike `sql_query`'s, which PostgreSQL
/// plans afresh each time): the community's region with the caller's account and membership,
/// then every grant the caller holds.
pub fn in_community(
    conn: &mut DbConnection,
    user_id: i64,
    community_id: i64,
) -> Result<Standing, ApiError> {
    let (region_path, platform_admin, membership): (String, Option<bool>, Option<String>) =
        communities::table
            .inner_join(regions::table)
            .left_join(users::table.on(users::id.eq(user_id)))
            .left_join(
                memberships::table.on(memberships::community_id
                    .eq(communities::id)
                    .and(memberships::user_id.eq(user_id))),
            )
            .filter(communities::id.eq(community_id))
            .select((
                regions::path,
                users::is_platform_admin.nullable(),
                memberships::status.nullable(),
            ))
            .first(conn)?;
    let grants: Vec<(String, Option<i64>, Option<i64>)> = role_grants::table
        .filter(role_grants::user_id.eq(user_id))
        .filter(role_grants::revoked_at.is_null())
        .select((
            role_grants::role,
            role_grants::community_id,
            role_grants::region_id,
        ))
        .load(conn)?;
    let over_this = path_ids(&region_path);
    let mut roles = BTreeSet::new();
    if platform_admin == Some(true) {
        roles.insert(Role::PlatformAdmin);
    }
    for (role, community, region) in grants {
        let Some(role) = Role::parse(&role) else {
            continue;
        };
        // Of the grants on regions, only a region admin's reaches into the communities below.
        let applies = match (community, region) {
            (Some(community), _) => community == community_id,
            (None, Some(region)) => role == Role::RegionAdmin && over_this.contains(&region),
            (None, None) => false,
        };
        if applies {
            roles.insert(role);
        }
    }
    match membership.as_deref() {
        Some("verified") => roles.insert(Role::Resident),
        Some("pending") => roles.insert(Role::Member),
        _ => false,
    };
    Ok(Standing {
        roles,
        publicly_visible: false,
    })
}

/// Who reads a page that is public in part: a logged-in caller with their standing, or nobody
/// (still 404 for a missing community).
pub fn reader(
    conn: &mut DbConnection,
    caller: Option<&Caller>,
    community_id: i64,
) -> Result<Option<(i64, Standing)>, ApiError> {
    match caller {
        Some(caller) => {
            let standing = in_community(conn, caller.user_id, community_id)?;
            Ok(Some((caller.user_id, standing)))
        }
        None => {
            communities::table
                .find(community_id)
                .select(communities::id)
                .first::<i64>(conn)?;
            Ok(None)
        }
    }
}

/// The caller's standing in the community, if it allows `permission` (404 or 403 if not).
pub fn require(
    conn: &mut DbConnection,
    user_id: i64,
    community_id: i64,
    permission: Permission,
) -> Result<Standing, ApiError> {
    let standing = in_community(conn, user_id, community_id)?;
    standing.require(permission)?;
    Ok(standing)
}

/// Refuses (404 for a missing region, 403 otherwise) anyone but a platform admin or an admin
/// of `region_id` or a region above it.
pub fn require_region_admin(
    conn: &mut DbConnection,
    user_id: i64,
    region_id: i64,
) -> Result<(), ApiError> {
    in_region(conn, user_id, region_id)?.require_any(&[Role::PlatformAdmin, Role::RegionAdmin])
}

/// The caller's administrative roles over `region_id`; 404 if the region does not exist.
pub fn in_region(
    conn: &mut DbConnection,
    user_id: i64,
    region_id: i64,
) -> Result<Standing, ApiError> {
    let path: String = regions::table
        .find(region_id)
        .select(regions::path)
        .first(conn)?;
    let mut roles = BTreeSet::new();
    if is_platform_admin(conn, user_id)? {
        roles.insert(Role::PlatformAdmin);
    }
    if region_admin_over(conn, user_id, &path)? {
        roles.insert(Role::RegionAdmin);
    }
    Ok(Standing {
        roles,
        publicly_visible: true,
    })
}
