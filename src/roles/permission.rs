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
    /// See one's own balances and statement: anyone with standing in the community.
    ViewOwnAccount,
    /// See anyone's balances and statements, the ledger summary and its verification.
    ViewLedger,
    /// Undo a ledger transaction with a reversing one.
    ReverseTransactions,
    /// Credit or debit points by hand, and approve another staff member's large adjustment.
    AdjustPoints,
    /// Browse the rewards shop and spend one's own points there: anyone with standing, since
    /// anyone may hold points; the balance is the real limit.
    Redeem,
    /// Stock the rewards shop and hand over (or cancel) redemptions.
    ManageRewards,
    /// Change the community's points, time-bank and expiry settings.
    ManagePointSettings,
    /// Keep a volunteer profile, join teams, sign up for activities and record attendance:
    /// anyone verified in the community (not a member still awaiting verification).
    Volunteer,
    /// See volunteers' profiles and hours, manage teams, back-fill honour hours and review
    /// anomaly flags.
    ManageVolunteers,
    /// Create, publish, cancel and settle activities, issue attendance codes and review hours.
    ManageActivities,
    /// Review micro-wishes, post them for residents without phones, see requesters' details,
    /// confirm for a requester who cannot, and be told of wishes lying unclaimed.
    ManageWishes,
    /// Approve social organisations into the community and keep social workers' records.
    ManageOrganisations,
    /// Approve, follow and close micro-governance projects.
    ManageProjects,
    /// Record donations and request or approve disbursements of the charity fund.
    ManageFund,
    /// Raise and co-sign topics, take part in their discussion and rate their outcome: anyone
    /// verified in the community.
    Deliberate,
    /// Accept or reject topics, move them through their stages, record 四议两公开 steps and
    /// meetings, moderate comments and publish implementation updates.
    ManageTopics,
    /// Set up and open votes, cast a witnessed proxy ballot for a resident without the app, and
    /// enter or confirm a batch of paper ballots.
    ManageVotes,
    /// Close a vote before its time: a recorded act of the committee, with a reason.
    CloseVotesEarly,
    /// Build, open, close and archive surveys, and read their results, free-text answers and
    /// CSV export while they run.
    ManageSurveys,
    /// Rate a service one received (好差评) and answer the reply to one's poor rating: anyone
    /// verified in the community.
    RateServices,
    /// Record service-counter cases, read the community's ratings and their figures, and reply
    /// to rectification cases.
    HandleRatings,
    /// Read a community's good and rectification rates for a period: its staff, and the
    /// region and platform admins who rate communities on them.
    ViewRatingFigures,
    /// Read the community's indicator values, scores, ranks and charts.
    ViewIndicators,
    /// Compute the community's indicators for a period on demand.
    ComputeIndicators,
    /// Enter manual indicator values (facility area, incidents) with their evidence.
    EnterManualIndicators,
    /// Approve or reject manual indicator values: the region's civil-affairs staff, never
    /// the community that entered them.
    ApproveManualIndicators,
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
            Self::ViewOwnAccount | Self::Redeem => &Role::ALL,
            Self::ViewLedger => &[PlatformAdmin, RegionAdmin, CommunityAdmin, CommunityStaff],
            Self::ReverseTransactions => &[PlatformAdmin, CommunityAdmin],
            Self::AdjustPoints | Self::ManageRewards => &[CommunityAdmin, CommunityStaff],
            Self::ManagePointSettings => &[PlatformAdmin, CommunityAdmin],
            Self::Volunteer => &[
                PlatformAdmin,
                RegionAdmin,
                CommunityAdmin,
                CommunityStaff,
                GridWorker,
                SocialWorker,
                Volunteer,
                Resident,
            ],
            Self::ManageVolunteers | Self::ManageActivities => {
                &[CommunityAdmin, CommunityStaff, SocialWorker]
            }
            Self::ManageWishes => &[CommunityAdmin, CommunityStaff, GridWorker, SocialWorker],
            Self::ManageOrganisations => &[PlatformAdmin, CommunityAdmin, CommunityStaff],
            Self::ManageProjects | Self::ManageFund => &[CommunityAdmin, CommunityStaff],
            Self::Deliberate | Self::RateServices => &[
                CommunityAdmin,
                CommunityStaff,
                GridWorker,
                SocialWorker,
                Volunteer,
                Resident,
            ],
            Self::ManageTopics | Self::ManageVotes => &[CommunityAdmin, CommunityStaff],
            Self::CloseVotesEarly => &[CommunityAdmin],
            Self::ManageSurveys => &[CommunityAdmin, CommunityStaff, SocialWorker],
            Self::HandleRatings => &[CommunityAdmin, CommunityStaff, GridWorker, SocialWorker],
            Self::ViewRatingFigures => &[
                PlatformAdmin,
                RegionAdmin,
                CommunityAdmin,
                CommunityStaff,
                GridWorker,
                SocialWorker,
            ],
            Self::ViewIndicators => &[
                PlatformAdmin,
                RegionAdmin,
                CommunityAdmin,
                CommunityStaff,
                GridWorker,
                SocialWorker,
            ],
            Self::ComputeIndicators => {
                &[PlatformAdmin, RegionAdmin, CommunityAdmin, CommunityStaff]
            }
            Self::EnterManualIndicators => &[CommunityAdmin, CommunityStaff],
            Self::ApproveManualIndicators => &[PlatformAdmin, RegionAdmin],
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
