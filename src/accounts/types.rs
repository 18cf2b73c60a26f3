//! How an account is shown to its owner.

use super::store::UserRow;
use crate::memberships::Status;
use crate::roles::Role;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An account as its owner sees it (contact details included: it is their own).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub display_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub is_platform_admin: bool,
    /// Created by staff for a resident without a phone or email.
    pub assisted: bool,
    pub id_number_last4: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&UserRow> for UserView {
    fn from(row: &UserRow) -> Self {
        Self {
            id: row.id,
            display_name: row.display_name.clone(),
            phone: row.phone.clone(),
            email: row.email.clone(),
            is_platform_admin: row.is_platform_admin,
            assisted: row.assisted,
            id_number_last4: row.id_number_last4.clone(),
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyMembership {
    pub id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub status: Status,
    pub household_id: Option<i64>,
    pub address: String,
    pub rejection_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyRole {
    pub role: Role,
    pub community_id: Option<i64>,
    pub region_id: Option<i64>,
}

/// `GET /me`: the account, its memberships and its roles.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeView {
    #[serde(flatten)]
    pub user: UserView,
    pub memberships: Vec<MyMembership>,
    pub roles: Vec<MyRole>,
    /// Set when a staff member is acting for this resident in an assisted session.
    pub acting_staff_id: Option<i64>,
}
