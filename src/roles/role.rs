//! The roles of DOMAIN.md section 2.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, everywhere; creates regions and communities.
    PlatformAdmin,
    /// Civil-affairs bureau or street office over a region subtree: reads, rates, exports.
    RegionAdmin,
    /// 两委成员: verifies residents, appoints staff, moderates, opens votes, manages the fund.
    CommunityAdmin,
    /// 社区工作者: reviews wishes, approves hours, runs surveys, enters manual indicators.
    CommunityStaff,
    /// 网格员: knows the households of a grid; verifies residents and helps those without phones.
    GridWorker,
    /// 社工: runs activities and projects, claims wishes, follows up cases.
    SocialWorker,
    /// Signs up for activities, claims wishes, redeems points.
    Volunteer,
    /// A verified resident: posts wishes, votes, answers surveys.
    Resident,
    /// Applied to the community, not yet verified: reads public content only.
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlatformAdmin => "platform_admin",
            Self::RegionAdmin => "region_admin",
            Self::CommunityAdmin => "community_admin",
            Self::CommunityStaff => "community_staff",
            Self::GridWorker => "grid_worker",
            Self::SocialWorker => "social_worker",
            Self::Volunteer => "volunteer",
            Self::Resident => "resident",
            Self::Member => "member",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub const ALL: [Role; 9] = [
        Self::PlatformAdmin,
        Self::RegionAdmin,
        Self::CommunityAdmin,
        Self::CommunityStaff,
        Self::GridWorker,
        Self::SocialWorker,
        Self::Volunteer,
        Self::Resident,
        Self::Member,
    ];

    /// Roles granted within one community (the others are global, regional or derived from
    /// residency verification).
    pub fn is_community_grant(self) -> bool {
        matches!(
            self,
            Self::CommunityAdmin
                | Self::CommunityStaff
                | Self::GridWorker
                | Self::SocialWorker
                | Self::Volunteer
        )
    }
}
