//! Residency: a member applies with a household address, staff verify or reject with a reason.
//! Verified residency is what later decides who may vote, answer surveys and post wishes.

pub mod routes;
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = MembershipStatus)]
pub enum Status {
    Pending,
    Verified,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Verified => "verified",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Verified, Self::Rejected]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// A membership as staff see it: with the applicant's contact details and address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MembershipView {
    pub id: i64,
    pub community_id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub phone: Option<String>,
    pub household_id: Option<i64>,
    pub address: String,
    pub status: Status,
    /// Last four characters of the ID number, for checking it with the person.
    pub id_number_last4: Option<String>,
    pub applied_at: DateTime<Utc>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
}
