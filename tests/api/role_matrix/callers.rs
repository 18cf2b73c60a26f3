//! The callers of the matrix: one person per role of community A, the platform admin, an
//! outsider and nobody, with the groups of them each rule lets through.

use crate::world::World;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    PlatformAdmin,
    RegionAdmin,
    CommunityAdmin,
    Staff,
    GridWorker,
    SocialWorker,
    Volunteer,
    Resident,
    Member,
    Outsider,
}
pub use Who::*;

pub const EVERYONE: [Who; 11] = [
    Anonymous,
    PlatformAdmin,
    RegionAdmin,
    CommunityAdmin,
    Staff,
    GridWorker,
    SocialWorker,
    Volunteer,
    Resident,
    Member,
    Outsider,
];
pub const ROSTER: &[Who] = &[
    PlatformAdmin,
    RegionAdmin,
    CommunityAdmin,
    Staff,
    GridWorker,
];
pub const VERIFIERS: &[Who] = &[PlatformAdmin, CommunityAdmin, Staff, GridWorker];
pub const ASSISTERS: &[Who] = &[CommunityAdmin, Staff, GridWorker];
/// Everyone with any standing in the community.
pub const STANDING: &[Who] = &[
    PlatformAdmin,
    RegionAdmin,
    CommunityAdmin,
    Staff,
    GridWorker,
    SocialWorker,
    Volunteer,
    Resident,
    Member,
];
pub const LEDGER_READERS: &[Who] = &[PlatformAdmin, RegionAdmin, CommunityAdmin, Staff];
pub const POINT_RULERS: &[Who] = &[PlatformAdmin, CommunityAdmin];
pub const SHOPKEEPERS: &[Who] = &[CommunityAdmin, Staff];
pub const FUND_KEEPERS: &[Who] = &[CommunityAdmin, Staff];
/// Anyone verified in the community: everyone with standing but a member awaiting verification.
pub const VOLUNTEERS: &[Who] = &[
    PlatformAdmin,
    RegionAdmin,
    CommunityAdmin,
    Staff,
    GridWorker,
    SocialWorker,
    Volunteer,
    Resident,
];
/// Who reads a community's indicators: its workers and the region's admins.
pub const INDICATOR_READERS: &[Who] = &[
    PlatformAdmin,
    RegionAdmin,
    CommunityAdmin,
    Staff,
    GridWorker,
    SocialWorker,
];
/// Who enters manual indicator values: the community's staff, not the region that approves.
pub const INDICATOR_ENTERERS: &[Who] = &[CommunityAdmin, Staff];
pub const VOLUNTEER_MANAGERS: &[Who] = &[CommunityAdmin, Staff, SocialWorker];
pub const ORGANISERS: &[Who] = &[CommunityAdmin, Staff, SocialWorker];
pub const ORGANISATION_KEEPERS: &[Who] = &[PlatformAdmin, CommunityAdmin, Staff];
/// Staff, and the resident, who leads the side's organisation.
pub const ORGANISATION_LEADERS: &[Who] = &[PlatformAdmin, CommunityAdmin, Staff, Resident];
pub const PROJECT_KEEPERS: &[Who] = &[CommunityAdmin, Staff];
/// Staff, and the resident, who leads the organisation carrying the side's project.
pub const PROJECT_MANAGERS: &[Who] = &[CommunityAdmin, Staff, Resident];
pub const TOPIC_KEEPERS: &[Who] = &[CommunityAdmin, Staff];
/// Those who take part in a topic's discussion: verified people and the community's workers.
pub const DELIBERATORS: &[Who] = &[
    CommunityAdmin,
    Staff,
    GridWorker,
    SocialWorker,
    Volunteer,
    Resident,
];

pub fn token(world: &World, who: Who) -> Option<&str> {
    let a = &world.a;
    match who {
        Anonymous => None,
        PlatformAdmin => world.admin.token(),
        RegionAdmin => a.region_admin.token(),
        CommunityAdmin => a.community_admin.token(),
        Staff => a.staff.token(),
        GridWorker => a.grid_worker.token(),
        SocialWorker => a.social_worker.token(),
        Volunteer => a.volunteer.token(),
        Resident => a.resident.token(),
        Member => a.member.token(),
        Outsider => world.outsider.token(),
    }
}

/// The login of `who`, to open a session of their own apart from the world's (see
/// `world::build` for the numbers).
pub fn login_of(who: Who) -> Option<String> {
    let on_a = |n: u32| Some(format!("1370000{n:04}"));
    match who {
        Anonymous => None,
        PlatformAdmin => Some("13500000000".into()),
        RegionAdmin => on_a(1),
        CommunityAdmin => on_a(2),
        Staff => on_a(3),
        GridWorker => on_a(4),
        SocialWorker => on_a(5),
        Volunteer => on_a(6),
        Resident => on_a(7),
        Member => on_a(8),
        Outsider => Some("13400000000".into()),
    }
}
