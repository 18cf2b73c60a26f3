//! Organisations on the wire: what a founder registers, and what each reader is shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// The five kinds of community social organisation (社区社会组织).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = OrganisationCategory)]
pub enum Category {
    /// 生活服务类
    LifeService,
    /// 公益慈善类
    Charity,
    /// 居民互助类
    MutualAid,
    /// 文体类
    CultureSports,
    /// 专业社工机构
    SocialWorkAgency,
}

/// How the organisation stands with the civil-affairs bureau.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = OrganisationRegistration)]
pub enum Registration {
    /// 备案: filed with the street office.
    Filed,
    /// 登记: registered as a legal person.
    Registered,
}

/// Where the organisation stands in one community it asked to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = OrganisationStatus)]
pub enum Status {
    /// Waiting for staff of the community.
    Pending,
    /// Serves the community; shown to everyone.
    Approved,
    Rejected,
    /// The organisation (or staff) ended its service there.
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = OrganisationRole)]
pub enum MemberRole {
    /// Manages the members, asks to serve communities, proposes projects for it.
    Leader,
    Member,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationRequest {
    #[validate(
        length(min = 2, max = 60),
        custom(function = "crate::http::text::single_line")
    )]
    pub name: String,
    pub category: Category,
    pub registration: Registration,
    /// The filing or registration number (统一社会信用代码 or 备案号), when it has one.
    #[validate(
        length(min = 1, max = 40),
        custom(function = "crate::http::text::single_line")
    )]
    pub registration_number: Option<String>,
    /// The organisation's public contact (an office line, a mailbox, a meeting place), shown
    /// to everyone: never a member's own phone.
    #[validate(
        length(min = 2, max = 100),
        custom(function = "crate::http::text::single_line")
    )]
    pub contact: Option<String>,
    #[validate(
        length(min = 2, max = 1000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub description: Option<String>,
}

/// An organisation as seen from one community: its public facts and where it stands there.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: i64,
    /// The community these routes belong to; `status` is the organisation's standing there.
    pub community_id: i64,
    pub name: String,
    pub category: Category,
    pub registration: Registration,
    pub registration_number: Option<String>,
    pub contact: Option<String>,
    pub description: Option<String>,
    pub status: Status,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub member_count: i64,
    /// Every community that approved it, this one included when it did.
    pub serves: Vec<ServedCommunity>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServedCommunity {
    pub id: i64,
    pub name: String,
}

/// A member as the community sees them: a display name and a role, nothing more.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = OrganisationMember)]
pub struct MemberView {
    pub user_id: i64,
    pub display_name: String,
    pub role: MemberRole,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OrganisationMemberRequest)]
pub struct MemberRequest {
    pub role: MemberRole,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationFilter {
    pub category: Option<Category>,
    pub registration: Option<Registration>,
    /// Staff only: without it they see pending and approved ones; everyone else sees approved
    /// ones whatever they ask.
    pub status: Option<Status>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}
