//! What each role may do in a community: the one table every handler consults.

use super::Role::{self, *};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See members, households, grids and role holders (personal data inside).
    ViewRoster,
    VerifyResidents,
    EditCommunityFacts,
    ManageGrids,
    ManageHouseholds,
    ViewAuditLog,
    /// Create accounts for residents without phones and act for them in person.
    AssistResidents,
}

impl Permission {
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            Self::ViewRoster => &[
                PlatformAdmin,
                RegionAdmin,
                CommunityAdmin,
                CommunityStaff,
                GridWorker,
            ],
            Self::VerifyResidents => &[PlatformAdmin, CommunityAdmin, CommunityStaff, GridWorker],
            Self::EditCommunityFacts => &[PlatformAdmin, RegionAdmin, CommunityAdmin],
            Self::ManageGrids => &[PlatformAdmin, CommunityAdmin],
            Self::ManageHouseholds => &[PlatformAdmin, CommunityAdmin, CommunityStaff, GridWorker],
            Self::ViewAuditLog => &[PlatformAdmin, RegionAdmin, CommunityAdmin],
            // Acting for a resident is done face to face by local staff, not from the centre.
            Self::AssistResidents => &[CommunityAdmin, CommunityStaff, GridWorker],
        }
    }
}

/// Who may grant (and revoke) a community role.
pub fn granters_of(role: Role) -> &'static [Role] {
    match role {
        CommunityAdmin => &[PlatformAdmin, RegionAdmin],
        CommunityStaff | GridWorker | SocialWorker | Volunteer => {
            &[PlatformAdmin, RegionAdmin, CommunityAdmin]
        }
        PlatformAdmin | RegionAdmin | Resident | Member => &[],
    }
}
