//! Wishes on the wire: what a requester posts, and what each reader is shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = WishStatus)]
pub enum Status {
    Submitted,
    Published,
    Rejected,
    Claimed,
    Fulfilled,
    Confirmed,
    Cancelled,
    Expired,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Self::Submitted,
        Self::Published,
        Self::Rejected,
        Self::Claimed,
        Self::Fulfilled,
        Self::Confirmed,
        Self::Cancelled,
        Self::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Published => "published",
            Self::Rejected => "rejected",
            Self::Claimed => "claimed",
            Self::Fulfilled => "fulfilled",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Statuses anyone may see: the wish passed review. Submitted, rejected and cancelled
    /// wishes stay between the requester and staff.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Self::Published | Self::Claimed | Self::Fulfilled | Self::Confirmed | Self::Expired
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WishRequest {
    #[validate(
        length(min = 2, max = 60),
        custom(function = "crate::http::text::single_line")
    )]
    pub title: String,
    #[validate(
        length(min = 2, max = 1000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub story: String,
    /// One of the community's category codes (see `/wishes/settings`).
    #[validate(length(min = 1, max = 40))]
    pub category: String,
    /// Estimated value in fen, within the community's cap.
    #[validate(range(min = 0, max = 100_000_000))]
    pub estimated_value_fen: i64,
    pub deadline: DateTime<Utc>,
    /// Staff posting for a resident (an elderly or vulnerable one, often without a phone).
    pub on_behalf_of: Option<i64>,
}

/// The requester's details: for the requester, the live claimant and staff only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Requester {
    pub user_id: i64,
    pub display_name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// The current claim, as the wish shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimSummary {
    pub id: i64,
    /// `volunteer`, `team`, `organisation` or `donor`.
    pub claimant_kind: String,
    pub claimant_name: String,
    pub team_id: Option<i64>,
    pub organisation_id: Option<i64>,
    /// `active`, `fulfilled` or `confirmed`.
    pub status: String,
    pub claimed_at: DateTime<Utc>,
    pub fulfilment_note: Option<String>,
    pub photo_ref: Option<String>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Set when the deadline passed while the claim was still open.
    pub overdue: bool,
}

/// A wish. `requester` (and `claimant_id` of the claim) appear only for those allowed to
/// see who asked; everyone else learns the grid, never the name, phone or address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WishView {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub story: String,
    pub category: String,
    pub estimated_value_fen: i64,
    pub deadline: DateTime<Utc>,
    pub grid_id: Option<i64>,
    pub grid_name: Option<String>,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub claim: Option<ClaimSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<Requester>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejection_reason: Option<String>,
    /// Whether it was escalated for lying unclaimed (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalated: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WishFilter {
    pub status: Option<Status>,
    pub category: Option<String>,
    pub grid_id: Option<i64>,
    /// Created on or after.
    pub from: Option<DateTime<Utc>>,
    /// Created before.
    pub to: Option<DateTime<Utc>>,
    /// Only my own wishes (as requester), in any status.
    #[serde(default)]
    pub mine: bool,
    /// Only wishes I hold the live claim of.
    #[serde(default)]
    pub claimed_by_me: bool,
    /// Only wishes escalated for lying unclaimed (what the social worker and grid worker
    /// should look at).
    #[serde(default)]
    pub escalated: bool,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

impl WishFilter {
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        crate::calendar::plausible("from", self.from)?;
        crate::calendar::plausible("to", self.to)
    }
}
