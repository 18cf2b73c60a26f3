//! The permission matrix: every community-scoped endpoint, called by every role of community A
//! against community A and against community B. The expectations are written out here, apart
//! from the code's own permission table, so a change to either shows up as a failure.

use crate::helpers::TestApp;
use crate::world::{self, Side, World};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
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
use Who::*;

const EVERYONE: [Who; 11] = [
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
const ROSTER: &[Who] = &[
    PlatformAdmin,
    RegionAdmin,
    CommunityAdmin,
    Staff,
    GridWorker,
];
const VERIFIERS: &[Who] = &[PlatformAdmin, CommunityAdmin, Staff, GridWorker];
const ASSISTERS: &[Who] = &[CommunityAdmin, Staff, GridWorker];
/// Everyone with any standing in the community.
const STANDING: &[Who] = &[
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
const LEDGER_READERS: &[Who] = &[PlatformAdmin, RegionAdmin, CommunityAdmin, Staff];
const POINT_RULERS: &[Who] = &[PlatformAdmin, CommunityAdmin];
const SHOPKEEPERS: &[Who] = &[CommunityAdmin, Staff];
const FUND_KEEPERS: &[Who] = &[CommunityAdmin, Staff];
/// Anyone verified in the community: everyone with standing but a member awaiting verification.
const VOLUNTEERS: &[Who] = &[
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
const INDICATOR_READERS: &[Who] = &[
    PlatformAdmin,
    RegionAdmin,
    CommunityAdmin,
    Staff,
    GridWorker,
    SocialWorker,
];
/// Who enters manual indicator values: the community's staff, not the region that approves.
const INDICATOR_ENTERERS: &[Who] = &[CommunityAdmin, Staff];
const VOLUNTEER_MANAGERS: &[Who] = &[CommunityAdmin, Staff, SocialWorker];
const ORGANISERS: &[Who] = &[CommunityAdmin, Staff, SocialWorker];
const ORGANISATION_KEEPERS: &[Who] = &[PlatformAdmin, CommunityAdmin, Staff];
/// Staff, and the resident, who leads the side's organisation.
const ORGANISATION_LEADERS: &[Who] = &[PlatformAdmin, CommunityAdmin, Staff, Resident];
const PROJECT_KEEPERS: &[Who] = &[CommunityAdmin, Staff];
/// Staff, and the resident, who leads the organisation carrying the side's project.
const PROJECT_MANAGERS: &[Who] = &[CommunityAdmin, Staff, Resident];
const TOPIC_KEEPERS: &[Who] = &[CommunityAdmin, Staff];
/// Those who take part in a topic's discussion: verified people and the community's workers.
const DELIBERATORS: &[Who] = &[
    CommunityAdmin,
    Staff,
    GridWorker,
    SocialWorker,
    Volunteer,
    Resident,
];

/// Who may call an endpoint on their own community.
enum Allowed {
    /// Anyone, logged in or not.
    Public,
    /// Anyone logged in.
    AnyUser,
    Roles(&'static [Who]),
}

struct Endpoint {
    method: Method,
    /// The documented path, to check that the matrix covers every operation.
    documented: &'static str,
    path: fn(&Side) -> String,
    body: fn(&Side, &World, usize) -> Option<Value>,
    allowed: Allowed,
}

fn endpoints() -> Vec<Endpoint> {
    let none: fn(&Side, &World, usize) -> Option<Value> = |_, _, _| None;
    let community = |s: &Side| format!("/communities/{}", s.community);
    vec![
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}",
            path: community,
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::PATCH,
            documented: "/api/v1/communities/{id}",
            path: community,
            body: |_, _, n| Some(json!({ "households_count": 1300 + n })),
            allowed: Allowed::Roles(&[PlatformAdmin, RegionAdmin, CommunityAdmin]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/wishes",
            path: |s| format!("/communities/{}/wishes", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/wishes/counts",
            path: |s| format!("/communities/{}/wishes/counts", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/wishes/settings",
            path: |s| format!("/communities/{}/wishes/settings", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/wishes/settings",
            path: |s| format!("/communities/{}/wishes/settings", s.community),
            body: |_, _, _| {
                Some(json!({
                    "value_cap_fen": 50000, "escalate_after_days": 3,
                    "categories": [{ "code": "life_help", "name": "生活帮扶", "points": 20 }]
                }))
            },
            allowed: Allowed::Roles(POINT_RULERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/wishes",
            path: |s| format!("/communities/{}/wishes", s.community),
            body: |_, _, _| {
                let deadline = chrono::Utc::now() + chrono::TimeDelta::days(7);
                Some(json!({
                    "title": "需要一把轮椅", "story": "腿脚不便，想借一把轮椅。",
                    "category": "life_help", "estimated_value_fen": 10000,
                    "deadline": deadline.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                }))
            },
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        // Before anyone in the matrix applies to join: that would give outsiders standing.
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/activities",
            path: |s| format!("/communities/{}/activities", s.community),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/activities",
            path: |s| format!("/communities/{}/activities", s.community),
            body: |_, _, _| Some(crate::activities::tomorrow()),
            allowed: Allowed::Roles(ORGANISERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/activities/mine",
            path: |s| format!("/communities/{}/activities/mine", s.community),
            body: none,
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/activities/{activity_id}",
            path: |s| format!("/communities/{}/activities/{}", s.community, s.activity),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/activities/{activity_id}/signups",
            path: |s| {
                format!(
                    "/communities/{}/activities/{}/signups",
                    s.community, s.activity
                )
            },
            body: none,
            allowed: Allowed::Roles(ORGANISERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/activities/{activity_id}/signups",
            path: |s| {
                format!(
                    "/communities/{}/activities/{}/signups",
                    s.community, s.activity
                )
            },
            body: none,
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/activities/{activity_id}/attendance",
            path: |s| {
                format!(
                    "/communities/{}/activities/{}/attendance",
                    s.community, s.activity
                )
            },
            body: none,
            allowed: Allowed::Roles(ORGANISERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/activities/{activity_id}/codes",
            path: |s| {
                format!(
                    "/communities/{}/activities/{}/codes",
                    s.community, s.activity
                )
            },
            body: |_, _, _| Some(json!({ "purpose": "check_in" })),
            allowed: Allowed::Roles(ORGANISERS),
        },
        // Volunteering, while the member still awaits verification (verified below). The
        // profile is saved first, so that everyone allowed then has one to read.
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/volunteers/me",
            path: |s| format!("/communities/{}/volunteers/me", s.community),
            body: |_, _, _| {
                Some(
                    json!({ "skills": ["矩阵"], "availability": [{ "weekday": 1, "period": "morning" }] }),
                )
            },
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/volunteers/me",
            path: |s| format!("/communities/{}/volunteers/me", s.community),
            body: none,
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/volunteers",
            path: |s| format!("/communities/{}/volunteers", s.community),
            body: none,
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        // The admin's own record: everyone else needs the right to read other people's.
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/volunteers/{user_id}",
            path: |s| {
                format!(
                    "/communities/{}/volunteers/{}",
                    s.community, s.community_admin.id
                )
            },
            body: none,
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/volunteers/{user_id}/service-hours",
            path: |s| {
                format!(
                    "/communities/{}/volunteers/{}/service-hours",
                    s.community, s.community_admin.id
                )
            },
            body: none,
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/volunteers/{user_id}/certificate",
            path: |s| {
                format!(
                    "/communities/{}/volunteers/{}/certificate",
                    s.community, s.community_admin.id
                )
            },
            body: none,
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        // For the side's volunteer, whom none of the managers is.
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/volunteers/{user_id}/service-hours",
            path: |s| {
                format!(
                    "/communities/{}/volunteers/{}/service-hours",
                    s.community, s.volunteer.id
                )
            },
            body: |_, _, _| {
                let served_at = chrono::Utc::now() - chrono::Duration::days(1);
                Some(json!({
                    "served_at": served_at, "minutes": 30, "description": "矩阵测试补录",
                    "evidence": "签到表 001"
                }))
            },
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/volunteers/anomalies",
            path: |s| format!("/communities/{}/volunteers/anomalies", s.community),
            body: none,
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/volunteers/teams",
            path: |s| format!("/communities/{}/volunteers/teams", s.community),
            body: none,
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/volunteers/teams",
            path: |s| format!("/communities/{}/volunteers/teams", s.community),
            body: |_, _, n| Some(json!({ "name": format!("服务队{n}") })),
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/volunteers/teams/{team_id}",
            path: |s| {
                format!(
                    "/communities/{}/volunteers/teams/{}",
                    s.community, s.volunteer_team
                )
            },
            body: none,
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/volunteers/teams/{team_id}",
            path: |s| {
                format!(
                    "/communities/{}/volunteers/teams/{}",
                    s.community, s.volunteer_team
                )
            },
            body: |_, _, n| Some(json!({ "name": format!("志愿服务队{n}") })),
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        // The side's volunteer, who has a profile by now and leads nothing.
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/volunteers/teams/{team_id}/members/{user_id}",
            path: |s| {
                format!(
                    "/communities/{}/volunteers/teams/{}/members/{}",
                    s.community, s.volunteer_team, s.volunteer.id
                )
            },
            body: |_, _, _| Some(json!({ "role": "member" })),
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        // Removing someone no longer in the team succeeds too, so every manager gets 204.
        Endpoint {
            method: Method::DELETE,
            documented: "/api/v1/communities/{id}/volunteers/teams/{team_id}/members/{user_id}",
            path: |s| {
                format!(
                    "/communities/{}/volunteers/teams/{}/members/{}",
                    s.community, s.volunteer_team, s.volunteer.id
                )
            },
            body: none,
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/leaderboards",
            path: |s| {
                format!(
                    "/communities/{}/leaderboards?metric=points&period=month",
                    s.community
                )
            },
            body: none,
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/fund/statement",
            path: |s| format!("/communities/{}/fund/statement", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/fund/entries",
            path: |s| format!("/communities/{}/fund/entries", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/fund/donations",
            path: |s| format!("/communities/{}/fund/donations", s.community),
            body: |_, _, n| {
                Some(json!({
                    "donor_kind": "company", "donor_name": format!("矩阵公司{n}"),
                    "kind": "money", "amount_fen": 100 + n
                }))
            },
            allowed: Allowed::Roles(FUND_KEEPERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/fund/disbursements",
            path: |s| format!("/communities/{}/fund/disbursements", s.community),
            body: none,
            allowed: Allowed::Roles(FUND_KEEPERS),
        },
        // Topics. The side's topic was raised by staff, so co-signing it and rating it are
        // 409 for the resident; it is accepted, opened for discussion and finally rejected
        // by the first keeper, the others then getting 409.
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/consultation-settings",
            path: |s| format!("/communities/{}/consultation-settings", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/consultation-settings",
            path: |s| format!("/communities/{}/consultation-settings", s.community),
            body: |_, _, _| {
                Some(json!({ "cosigners_minimum": 5, "cosigners_household_permille": 10 }))
            },
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/topics",
            path: |s| format!("/communities/{}/topics", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics",
            path: |s| format!("/communities/{}/topics", s.community),
            body: |_, _, n| {
                Some(json!({ "title": format!("矩阵议题{n}"), "body": "小区停车位不够用。" }))
            },
            allowed: Allowed::Roles(&[Resident]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/decisions",
            path: |s| format!("/communities/{}/decisions", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/cosign",
            path: |s| topic_path(s, "/cosign"),
            body: none,
            allowed: Allowed::Roles(&[Resident]),
        },
        Endpoint {
            method: Method::DELETE,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/cosign",
            path: |s| topic_path(s, "/cosign"),
            body: none,
            allowed: Allowed::Roles(&[Resident]),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/procedure-steps",
            path: |s| topic_path(s, "/procedure-steps"),
            body: |_, _, _| Some(json!({ "step": "branch_proposal", "note": "党支部提议" })),
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/accept",
            path: |s| topic_path(s, "/accept"),
            body: none,
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/open-discussion",
            path: |s| topic_path(s, "/open-discussion"),
            body: none,
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/comments",
            path: |s| topic_path(s, "/comments"),
            body: none,
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/comments",
            path: |s| topic_path(s, "/comments"),
            body: |_, _, n| Some(json!({ "body": format!("矩阵评论{n}") })),
            allowed: Allowed::Roles(DELIBERATORS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/meetings",
            path: |s| topic_path(s, "/meetings"),
            body: |_, _, _| {
                let held_at = chrono::Utc::now() - chrono::TimeDelta::days(1);
                Some(json!({
                    "kind": "council", "attendees": ["王书记（社区党委）"], "minutes": "议事会纪要",
                    "held_at": held_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                }))
            },
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/start-implementation",
            path: |s| topic_path(s, "/start-implementation"),
            body: none,
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/updates",
            path: |s| topic_path(s, "/updates"),
            body: |_, _, _| Some(json!({ "body": "电梯已开工" })),
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/rating",
            path: |s| topic_path(s, "/rating"),
            body: |_, _, _| Some(json!({ "rating": 4 })),
            allowed: Allowed::Roles(&[Resident]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/ratings",
            path: |s| topic_path(s, "/ratings"),
            body: none,
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/close-evaluation",
            path: |s| topic_path(s, "/close-evaluation"),
            body: none,
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/topics/{topic_id}/reject",
            path: |s| topic_path(s, "/reject"),
            body: |_, _, _| Some(json!({ "reason": "已有同类议题" })),
            allowed: Allowed::Roles(TOPIC_KEEPERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/organisations",
            path: |s| format!("/communities/{}/organisations", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/organisations",
            path: |s| format!("/communities/{}/organisations", s.community),
            body: |_, _, n| {
                Some(json!({
                    "name": format!("矩阵协会{n}"), "category": "culture_sports",
                    "registration": "filed"
                }))
            },
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/organisations/{organisation_id}",
            path: |s| {
                format!(
                    "/communities/{}/organisations/{}",
                    s.community, s.organisation
                )
            },
            body: none,
            allowed: Allowed::Public,
        },
        // The side's organisation is approved already: those allowed get 409.
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/organisations/{organisation_id}/approve",
            path: |s| {
                format!(
                    "/communities/{}/organisations/{}/approve",
                    s.community, s.organisation
                )
            },
            body: none,
            allowed: Allowed::Roles(ORGANISATION_KEEPERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/organisations/{organisation_id}/reject",
            path: |s| {
                format!(
                    "/communities/{}/organisations/{}/reject",
                    s.community, s.organisation
                )
            },
            body: |_, _, _| Some(json!({ "reason": "材料不全" })),
            allowed: Allowed::Roles(ORGANISATION_KEEPERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/organisations/{organisation_id}/members",
            path: |s| {
                format!(
                    "/communities/{}/organisations/{}/members",
                    s.community, s.organisation
                )
            },
            body: none,
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/organisations/{organisation_id}/members/{user_id}",
            path: |s| {
                format!(
                    "/communities/{}/organisations/{}/members/{}",
                    s.community, s.organisation, s.assisted_resident
                )
            },
            body: |_, _, _| Some(json!({ "role": "member" })),
            allowed: Allowed::Roles(ORGANISATION_LEADERS),
        },
        // Removing someone no longer in it succeeds too, so everyone allowed gets 204. The member
        // is nobody calling here: anyone may take themself out.
        Endpoint {
            method: Method::DELETE,
            documented: "/api/v1/communities/{id}/organisations/{organisation_id}/members/{user_id}",
            path: |s| {
                format!(
                    "/communities/{}/organisations/{}/members/{}",
                    s.community, s.organisation, s.assisted_resident
                )
            },
            body: none,
            allowed: Allowed::Roles(ORGANISATION_LEADERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/social-workers",
            path: |s| format!("/communities/{}/social-workers", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/social-workers/{user_id}",
            path: |s| {
                format!(
                    "/communities/{}/social-workers/{}",
                    s.community, s.social_worker.id
                )
            },
            body: |_, _, n| {
                Some(json!({
                    "certificate_level": "intermediate", "certificate_number": format!("S{n}"),
                    "employer_name": "社区居委会"
                }))
            },
            allowed: Allowed::Roles(ORGANISATION_KEEPERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/projects",
            path: |s| format!("/communities/{}/projects", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/projects",
            path: |s| format!("/communities/{}/projects", s.community),
            body: |_, _, n| {
                Some(json!({
                    "title": format!("矩阵项目{n}"), "summary": "为矩阵测试提出的项目。",
                    "budget_fen": 1000
                }))
            },
            allowed: Allowed::Roles(VOLUNTEERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/projects/{project_id}",
            path: |s| format!("/communities/{}/projects/{}", s.community, s.project),
            body: none,
            allowed: Allowed::Public,
        },
        // The side's project is approved already: those allowed get 409.
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/projects/{project_id}/approve",
            path: |s| {
                format!(
                    "/communities/{}/projects/{}/approve",
                    s.community, s.project
                )
            },
            body: none,
            allowed: Allowed::Roles(PROJECT_KEEPERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/projects/{project_id}/reject",
            path: |s| format!("/communities/{}/projects/{}/reject", s.community, s.project),
            body: |_, _, _| Some(json!({ "reason": "预算不合理" })),
            allowed: Allowed::Roles(PROJECT_KEEPERS),
        },
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/projects/{project_id}/participants/{user_id}",
            path: |s| {
                format!(
                    "/communities/{}/projects/{}/participants/{}",
                    s.community, s.project, s.volunteer.id
                )
            },
            body: |_, _, _| Some(json!({ "role": "volunteer" })),
            allowed: Allowed::Roles(PROJECT_MANAGERS),
        },
        Endpoint {
            method: Method::DELETE,
            documented: "/api/v1/communities/{id}/projects/{project_id}/participants/{user_id}",
            path: |s| {
                format!(
                    "/communities/{}/projects/{}/participants/{}",
                    s.community, s.project, s.volunteer.id
                )
            },
            body: none,
            allowed: Allowed::Roles(PROJECT_MANAGERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/projects/{project_id}/milestones",
            path: |s| {
                format!(
                    "/communities/{}/projects/{}/milestones",
                    s.community, s.project
                )
            },
            body: |_, _, n| {
                Some(json!({ "title": format!("节点{n}"), "due_at": "2027-03-01T00:00:00Z" }))
            },
            allowed: Allowed::Roles(PROJECT_MANAGERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/memberships",
            path: |s| format!("/communities/{}/memberships", s.community),
            body: none,
            allowed: Allowed::Roles(ROSTER),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/memberships/{membership_id}/verify",
            path: |s| {
                format!(
                    "/communities/{}/memberships/{}/verify",
                    s.community, s.pending_membership
                )
            },
            body: |_, _, _| Some(json!({})),
            allowed: Allowed::Roles(VERIFIERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/memberships/{membership_id}/reject",
            path: |s| {
                format!(
                    "/communities/{}/memberships/{}/reject",
                    s.community, s.pending_membership
                )
            },
            body: |_, _, _| Some(json!({ "reason": "地址核实不符" })),
            allowed: Allowed::Roles(VERIFIERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/grids",
            path: |s| format!("/communities/{}/grids", s.community),
            body: none,
            allowed: Allowed::Roles(ROSTER),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/grids",
            path: |s| format!("/communities/{}/grids", s.community),
            body: |_, _, n| Some(json!({ "name": format!("网格{n}") })),
            allowed: Allowed::Roles(&[PlatformAdmin, CommunityAdmin]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/households",
            path: |s| format!("/communities/{}/households", s.community),
            body: none,
            allowed: Allowed::Roles(ROSTER),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/households",
            path: |s| format!("/communities/{}/households", s.community),
            body: |_, _, n| Some(json!({ "building": "9栋", "room": format!("{n}") })),
            allowed: Allowed::Roles(VERIFIERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/roles",
            path: |s| format!("/communities/{}/roles", s.community),
            body: none,
            allowed: Allowed::Roles(ROSTER),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/roles",
            path: |s| format!("/communities/{}/roles", s.community),
            // The side's own resident, so nobody without standing gains some.
            body: |s, _, _| Some(json!({ "user_id": s.resident.id, "role": "volunteer" })),
            allowed: Allowed::Roles(&[PlatformAdmin, RegionAdmin, CommunityAdmin]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/audit-log",
            path: |s| format!("/communities/{}/audit-log", s.community),
            body: none,
            allowed: Allowed::Roles(&[PlatformAdmin, RegionAdmin, CommunityAdmin]),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/assisted-residents",
            path: |s| format!("/communities/{}/assisted-residents", s.community),
            body: |s, _, n| {
                Some(json!({ "display_name": format!("老人{n}"), "household_id": s.household }))
            },
            allowed: Allowed::Roles(ASSISTERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/assisted-sessions",
            path: |s| format!("/communities/{}/assisted-sessions", s.community),
            body: |s, _, _| {
                Some(json!({ "resident_user_id": s.assisted_resident, "reason": "代为办理" }))
            },
            allowed: Allowed::Roles(ASSISTERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/ledger/me",
            path: |s| format!("/communities/{}/ledger/me", s.community),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/ledger/me/entries",
            path: |s| format!("/communities/{}/ledger/me/entries", s.community),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        // The admin's own account: everyone else needs the right to read other people's.
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/ledger/members/{user_id}",
            path: |s| {
                format!(
                    "/communities/{}/ledger/members/{}",
                    s.community, s.community_admin.id
                )
            },
            body: none,
            allowed: Allowed::Roles(LEDGER_READERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/ledger/members/{user_id}/entries",
            path: |s| {
                format!(
                    "/communities/{}/ledger/members/{}/entries",
                    s.community, s.community_admin.id
                )
            },
            body: none,
            allowed: Allowed::Roles(LEDGER_READERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/ledger/summary",
            path: |s| format!("/communities/{}/ledger/summary", s.community),
            body: none,
            allowed: Allowed::Roles(LEDGER_READERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/ledger/verify",
            path: |s| format!("/communities/{}/ledger/verify", s.community),
            body: none,
            allowed: Allowed::Roles(LEDGER_READERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/points/settings",
            path: |s| format!("/communities/{}/points/settings", s.community),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/points/settings",
            path: |s| format!("/communities/{}/points/settings", s.community),
            body: |_, _, _| {
                Some(json!({
                    "time_bank_enabled": true, "min_coverage_percent": 60,
                    "star_thresholds_hours": [100, 300, 600, 1000, 1500],
                    "gift_monthly_limit_points": 500, "gift_monthly_limit_minutes": 600,
                    "points_expiry_months": null, "adjustment_daily_limit": 500,
                    "adjustment_approval_threshold": 100
                }))
            },
            allowed: Allowed::Roles(POINT_RULERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/points/adjustments",
            path: |s| format!("/communities/{}/points/adjustments", s.community),
            body: none,
            allowed: Allowed::Roles(LEDGER_READERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/points/adjustments",
            path: |s| format!("/communities/{}/points/adjustments", s.community),
            body: |s, _, _| {
                Some(
                    json!({ "user_id": s.resident.id, "asset": "points", "amount": 1, "reason": "矩阵测试调整" }),
                )
            },
            allowed: Allowed::Roles(&[CommunityAdmin, Staff]),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/points/expiry-runs",
            path: |s| format!("/communities/{}/points/expiry-runs", s.community),
            body: none,
            allowed: Allowed::Roles(POINT_RULERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/rewards/items",
            path: |s| format!("/communities/{}/rewards/items", s.community),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/rewards/items",
            path: |s| format!("/communities/{}/rewards/items", s.community),
            body: |_, _, n| {
                Some(json!({ "name": format!("毛巾{n}"), "price_points": 5, "stock": 10 }))
            },
            allowed: Allowed::Roles(SHOPKEEPERS),
        },
        Endpoint {
            method: Method::PUT,
            documented: "/api/v1/communities/{id}/rewards/items/{item_id}",
            path: |s| {
                format!(
                    "/communities/{}/rewards/items/{}",
                    s.community, s.reward_item
                )
            },
            body: |_, _, n| {
                Some(json!({ "name": format!("环保购物袋{n}"), "price_points": 20, "stock": 1000 }))
            },
            allowed: Allowed::Roles(SHOPKEEPERS),
        },
        // Nobody holds points here: those allowed get 409 insufficient_balance.
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/rewards/items/{item_id}/redemptions",
            path: |s| {
                format!(
                    "/communities/{}/rewards/items/{}/redemptions",
                    s.community, s.reward_item
                )
            },
            body: |_, _, _| Some(json!({ "quantity": 1 })),
            allowed: Allowed::Roles(STANDING),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/rewards/redemptions",
            path: |s| format!("/communities/{}/rewards/redemptions", s.community),
            body: none,
            allowed: Allowed::Roles(SHOPKEEPERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/rewards/redemptions/mine",
            path: |s| format!("/communities/{}/rewards/redemptions/mine", s.community),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        // Service ratings (好差评) and rectification.
        // The member was verified above, so rates like a resident. Posting a rating of the
        // side's activity, which has not taken place, is 409 for everyone allowed.
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/service-cases",
            path: |s| format!("/communities/{}/service-cases", s.community),
            body: |s, _, _| {
                Some(
                    json!({ "resident_id": s.resident.id, "service": "居住证办理", "summary": "矩阵测试" }),
                )
            },
            allowed: Allowed::Roles(&[CommunityAdmin, Staff, GridWorker, SocialWorker]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/service-cases",
            path: |s| format!("/communities/{}/service-cases", s.community),
            body: none,
            allowed: Allowed::Roles(&[CommunityAdmin, Staff, GridWorker, SocialWorker]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/service-cases/mine",
            path: |s| format!("/communities/{}/service-cases/mine", s.community),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/ratings",
            path: |s| format!("/communities/{}/ratings", s.community),
            body: |s, _, _| {
                Some(json!({ "subject": "activity", "subject_id": s.activity, "grade": "good" }))
            },
            allowed: Allowed::Roles(&[
                CommunityAdmin,
                Staff,
                GridWorker,
                SocialWorker,
                Volunteer,
                Resident,
                Member,
            ]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/ratings/mine",
            path: |s| format!("/communities/{}/ratings/mine", s.community),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/ratings",
            path: |s| format!("/communities/{}/ratings", s.community),
            body: none,
            allowed: Allowed::Roles(&[CommunityAdmin, Staff, GridWorker, SocialWorker]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/ratings/summary",
            path: |s| {
                format!(
                    "/communities/{}/ratings/summary?from=2026-10-01&to=2026-12-31",
                    s.community
                )
            },
            body: none,
            allowed: Allowed::Roles(&[
                PlatformAdmin,
                RegionAdmin,
                CommunityAdmin,
                Staff,
                GridWorker,
                SocialWorker,
            ]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/rectifications",
            path: |s| format!("/communities/{}/rectifications", s.community),
            body: none,
            allowed: Allowed::Roles(&[CommunityAdmin, Staff, GridWorker, SocialWorker]),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/rectifications/mine",
            path: |s| format!("/communities/{}/rectifications/mine", s.community),
            body: none,
            allowed: Allowed::Roles(STANDING),
        },
        // Closed votes are public; the others list for people with standing only.
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/votes",
            path: |s| format!("/communities/{}/votes", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        // Surveys.
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/surveys",
            path: |s| format!("/communities/{}/surveys", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/surveys",
            path: |s| format!("/communities/{}/surveys", s.community),
            body: |_, _, _| {
                Some(json!({
                    "title": "满意度测评", "audience": "residents",
                    "opens_at": "2030-01-01T00:00:00Z", "closes_at": "2030-01-31T00:00:00Z",
                    "questions": [{"key": "q", "kind": "likert", "prompt": "满意吗？"}],
                }))
            },
            allowed: Allowed::Roles(VOLUNTEER_MANAGERS),
        },
        // Indicators.
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/indicators",
            path: |s| format!("/communities/{}/indicators?period=2026-10", s.community),
            body: none,
            allowed: Allowed::Roles(INDICATOR_READERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/indicators/compute",
            path: |s| {
                format!(
                    "/communities/{}/indicators/compute?period=2026-10",
                    s.community
                )
            },
            body: none,
            allowed: Allowed::Roles(LEDGER_READERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/indicators/history",
            path: |s| {
                format!(
                    "/communities/{}/indicators/history?standard=hunan-2022-urban",
                    s.community
                )
            },
            body: none,
            allowed: Allowed::Roles(INDICATOR_READERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/indicators/charts/trend.svg",
            path: |s| {
                format!(
                    "/communities/{}/indicators/charts/trend.svg?standard=hunan-2022-urban",
                    s.community
                )
            },
            body: none,
            allowed: Allowed::Roles(INDICATOR_READERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/indicators/charts/radar.svg",
            path: |s| {
                format!(
                    "/communities/{}/indicators/charts/radar.svg?standard=hunan-2022-urban&period=2026-10",
                    s.community
                )
            },
            body: none,
            allowed: Allowed::Roles(INDICATOR_READERS),
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/rating",
            path: |s| format!("/communities/{}/rating", s.community),
            body: none,
            allowed: Allowed::Public,
        },
        Endpoint {
            method: Method::GET,
            documented: "/api/v1/communities/{id}/manual-indicators",
            path: |s| format!("/communities/{}/manual-indicators", s.community),
            body: none,
            allowed: Allowed::Roles(INDICATOR_READERS),
        },
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/manual-indicators",
            path: |s| format!("/communities/{}/manual-indicators", s.community),
            body: |_, _, n| {
                Some(
                    json!({ "key": "criminal_cases", "period": "2026-10", "value": n, "evidence": "派出所证明" }),
                )
            },
            allowed: Allowed::Roles(INDICATOR_ENTERERS),
        },
        // Last: applying gives the caller standing in the community, changing later cells.
        Endpoint {
            method: Method::POST,
            documented: "/api/v1/communities/{id}/memberships",
            path: |s| format!("/communities/{}/memberships", s.community),
            body: |_, _, n| Some(json!({ "address": format!("{n}栋") })),
            allowed: Allowed::AnyUser,
        },
    ]
}

fn topic_path(side: &Side, rest: &str) -> String {
    format!(
        "/communities/{}/topics/{}{rest}",
        side.community, side.topic
    )
}

/// Community-scoped operations tested elsewhere, with the reason.
const COVERED_ELSEWHERE: &[(&str, &str)] = &[
    // Indicators.
    (
        "POST /api/v1/communities/{id}/manual-indicators/{entry_id}/decision",
        "a region admin who did not enter it, once: indicator_standards tests",
    ),
    // Surveys.
    (
        "GET /api/v1/communities/{id}/surveys/{survey_id}",
        "a draft for staff only, others for people with standing, closed public ones for all: survey tests",
    ),
    (
        "PUT /api/v1/communities/{id}/surveys/{survey_id}",
        "only a draft, by staff: survey tests",
    ),
    (
        "POST /api/v1/communities/{id}/surveys/{survey_id}/publish",
        "a draft publishes once, by staff: survey tests",
    ),
    (
        "POST /api/v1/communities/{id}/surveys/{survey_id}/close",
        "an open survey closes once, by staff: survey tests",
    ),
    (
        "POST /api/v1/communities/{id}/surveys/{survey_id}/archive",
        "only a closed survey, by staff: survey tests",
    ),
    (
        "POST /api/v1/communities/{id}/surveys/{survey_id}/responses",
        "only the frozen audience, once: survey tests and survey races",
    ),
    (
        "PUT /api/v1/communities/{id}/surveys/{survey_id}/responses/mine",
        "needs one's own response in a survey allowing edits: survey tests",
    ),
    (
        "GET /api/v1/communities/{id}/surveys/{survey_id}/responses/mine",
        "needs one's own response to a named survey: survey tests",
    ),
    (
        "GET /api/v1/communities/{id}/surveys/{survey_id}/results",
        "staff while open, everyone once closed when public: survey result tests",
    ),
    (
        "GET /api/v1/communities/{id}/surveys/{survey_id}/export.csv",
        "staff only, needs responses: survey result tests",
    ),
    (
        "POST /api/v1/communities/{id}/topics/{topic_id}/votes",
        "needs a topic under discussion, one vote pending at a time: vote tests",
    ),
    (
        "GET /api/v1/communities/{id}/votes/{vote_id}",
        "an open vote for people with standing, a closed one for all: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/open",
        "a scheduled vote opens once, by staff: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/close",
        "an open vote closes early once, by a community admin: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/cancel",
        "only a vote not yet open, by staff: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/ballot",
        "only the frozen electorate, once: vote tests",
    ),
    (
        "PUT /api/v1/communities/{id}/votes/{vote_id}/ballot",
        "needs one's own receipt in a vote allowing changes: vote channel tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/receipt-check",
        "needs a receipt: vote tests",
    ),
    (
        "GET /api/v1/communities/{id}/votes/{vote_id}/ballots",
        "published at close only: vote tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/proxy-ballots",
        "staff, for an elector who has not voted: vote channel tests",
    ),
    (
        "GET /api/v1/communities/{id}/votes/{vote_id}/paper-batches",
        "staff, on a vote of the community: vote channel tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/paper-batches",
        "staff, with electors of the open vote: vote channel tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/paper-batches/{batch_id}/confirm",
        "a second officer with the same count: vote channel tests",
    ),
    (
        "POST /api/v1/communities/{id}/votes/{vote_id}/paper-batches/{batch_id}/reject",
        "a pending batch, once: vote channel tests",
    ),
    (
        "DELETE /api/v1/communities/{id}/roles/{grant_id}",
        "roles are revoked in auth and grants tests (needs a fresh grant per call)",
    ),
    (
        "POST /api/v1/communities/{id}/points/adjustments/{adjustment_id}/approve",
        "needs a pending adjustment by another staff member: points tests",
    ),
    (
        "POST /api/v1/communities/{id}/points/adjustments/{adjustment_id}/reject",
        "needs a pending adjustment: points tests",
    ),
    (
        "POST /api/v1/communities/{id}/points/gifts",
        "needs two people of one household with points: points tests",
    ),
    (
        "POST /api/v1/communities/{id}/ledger/transactions/{transaction_id}/reversal",
        "needs a transaction to reverse, once: ledger tests",
    ),
    (
        "POST /api/v1/communities/{id}/rewards/redemptions/{redemption_id}/collect",
        "needs a reserved redemption, paid with points: rewards tests",
    ),
    (
        "POST /api/v1/communities/{id}/rewards/redemptions/{redemption_id}/cancel",
        "needs a reserved redemption, and the redeemer may cancel their own: rewards tests",
    ),
    (
        "DELETE /api/v1/communities/{id}/assisted-sessions/{session_id}",
        "only the starting staff member may end it: assisted tests",
    ),
    (
        "PUT /api/v1/communities/{id}/activities/{activity_id}",
        "organisers edit before the start: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/publish",
        "a draft is published once: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/cancel",
        "an activity is cancelled once: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/complete",
        "needs an activity under way: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/settle",
        "needs a completed activity, settled once: activity tests",
    ),
    (
        "DELETE /api/v1/communities/{id}/activities/{activity_id}/signups/me",
        "needs one's own sign-up: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/check-in",
        "needs a code and a confirmed sign-up during the window: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/check-out",
        "needs an open session and a code: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/attendance",
        "needs a confirmed sign-up once the activity has begun: activity tests",
    ),
    (
        "GET /api/v1/communities/{id}/activities/{activity_id}/attendance/me",
        "needs one's own attendance: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/attendance/{attendance_id}/approve",
        "needs pending attendance, decided once, not one's own: activity tests",
    ),
    (
        "POST /api/v1/communities/{id}/activities/{activity_id}/attendance/{attendance_id}/reject",
        "needs pending attendance, decided once: activity tests",
    ),
    (
        "GET /api/v1/communities/{id}/wishes/{wish_id}",
        "what each reader sees of a wish depends on its status and claim: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/publish",
        "needs a submitted wish, reviewed once, not one's own: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/reject",
        "needs a submitted wish, reviewed once: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/cancel",
        "the requester's own wish before it is claimed: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/claim",
        "needs a published wish, claimed once: wish tests (and fifty at once)",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/release",
        "the live claimant or staff: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/fulfil",
        "the live claimant: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/confirm",
        "the requester, or staff for one without a phone: wish tests",
    ),
    (
        "GET /api/v1/communities/{id}/wishes/{wish_id}/messages",
        "the parties to a claimed wish: wish tests (strangers walk every endpoint)",
    ),
    (
        "POST /api/v1/communities/{id}/wishes/{wish_id}/messages",
        "the parties to a claimed wish: wish tests",
    ),
    (
        "POST /api/v1/communities/{id}/fund/disbursements",
        "needs a wish or project of the community, made elsewhere: fund_disbursements tests",
    ),
    (
        "POST /api/v1/communities/{id}/fund/disbursements/{disbursement_id}/approve",
        "needs a pending disbursement, approved by two different people: fund_disbursements tests",
    ),
    (
        "POST /api/v1/communities/{id}/fund/disbursements/{disbursement_id}/reject",
        "needs a pending disbursement, decided once: fund_disbursements tests",
    ),
    (
        "POST /api/v1/communities/{id}/organisations/{organisation_id}/request",
        "a leader of the organisation asks, whatever their roles in the community: organisations tests",
    ),
    (
        "POST /api/v1/communities/{id}/organisations/{organisation_id}/withdraw",
        "a leader or staff, once: organisations tests",
    ),
    (
        "POST /api/v1/communities/{id}/projects/{project_id}/start",
        "an approved project starts once: projects tests",
    ),
    (
        "POST /api/v1/communities/{id}/projects/{project_id}/complete",
        "a project under way completes once: projects tests",
    ),
    (
        "POST /api/v1/communities/{id}/projects/{project_id}/cancel",
        "an open project is cancelled once: projects tests",
    ),
    (
        "POST /api/v1/communities/{id}/projects/{project_id}/milestones/{milestone_id}/done",
        "a milestone is done once: projects tests",
    ),
    (
        "GET /api/v1/communities/{id}/topics/{topic_id}",
        "who sees a topic depends on its stage (strangers only decided ones): topics tests",
    ),
    (
        "GET /api/v1/communities/{id}/topics/{topic_id}/meetings",
        "who sees the meetings depends on the topic's stage: topics tests",
    ),
    (
        "POST /api/v1/communities/{id}/topics/{topic_id}/comments/{comment_id}/hide",
        "needs a comment, hidden once: topics tests",
    ),
    (
        "POST /api/v1/communities/{id}/topics/{topic_id}/comments/{comment_id}/unhide",
        "needs a hidden comment: topics tests",
    ),
    // Service ratings (好差评) and rectification.
    (
        "POST /api/v1/communities/{id}/service-cases/{case_id}/done",
        "needs a case recorded, done once: ratings tests",
    ),
    (
        "POST /api/v1/communities/{id}/rectifications/{rectification_id}/reply",
        "needs a poor rating: ratings tests",
    ),
    (
        "POST /api/v1/communities/{id}/rectifications/{rectification_id}/accept",
        "needs a poor rating answered, by its rater only: ratings tests",
    ),
    (
        "POST /api/v1/communities/{id}/rectifications/{rectification_id}/reject",
        "needs a poor rating answered, by its rater only: ratings tests",
    ),
];

fn token(world: &World, who: Who) -> Option<&str> {
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

/// What `who` (of community A) should get calling `endpoint` on A (`own`) or on B.
fn expected(endpoint: &Endpoint, who: Who, own: bool) -> Result<(), StatusCode> {
    match (&endpoint.allowed, who) {
        (Allowed::Public, _) => Ok(()),
        (_, Anonymous) => Err(StatusCode::UNAUTHORIZED),
        (Allowed::AnyUser, _) => Ok(()),
        (Allowed::Roles(roles), PlatformAdmin) => {
            if roles.contains(&PlatformAdmin) {
                Ok(())
            } else {
                Err(StatusCode::FORBIDDEN)
            }
        }
        (Allowed::Roles(_), Outsider) => Err(StatusCode::NOT_FOUND),
        (Allowed::Roles(_), _) if !own => Err(StatusCode::NOT_FOUND),
        (Allowed::Roles(roles), _) => {
            if roles.contains(&who) {
                Ok(())
            } else {
                Err(StatusCode::FORBIDDEN)
            }
        }
    }
}

async fn role_matrix(app: TestApp) {
    let world = world::build(&app).await;
    let mut failures = Vec::new();
    let mut n = 0;
    for endpoint in endpoints() {
        for who in EVERYONE {
            for (own, side) in [(true, &world.a), (false, &world.b)] {
                n += 1;
                let path = (endpoint.path)(side);
                let body = (endpoint.body)(side, &world, n);
                let (status, response) = app
                    .call(endpoint.method.clone(), &path, token(&world, who), body)
                    .await;
                let ok = match expected(&endpoint, who, own) {
                    Ok(()) => status.is_success() || status == StatusCode::CONFLICT,
                    Err(want) => status == want,
                };
                if !ok {
                    let side = if own { "own" } else { "foreign" };
                    failures.push(format!(
                        "{} {path} as {who:?} ({side}): got {status}, want {:?}: {response}",
                        endpoint.method,
                        expected(&endpoint, who, own)
                    ));
                }
                // A refused request must never carry the other community's data.
                if status == StatusCode::NOT_FOUND {
                    assert!(
                        response.get("items").is_none() && response.get("id").is_none(),
                        "{path}: {response}"
                    );
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

crate::backend_tests!(role_matrix);

#[test]
fn the_matrix_covers_every_community_scoped_operation() {
    let doc: Value = serde_json::from_str(&wushe::openapi::document_json()).unwrap();
    let tested: Vec<String> = endpoints()
        .iter()
        .map(|e| format!("{} {}", e.method, e.documented))
        .collect();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/communities/{id}") {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            let operation = format!("{} {path}", method.to_uppercase());
            let covered = tested.contains(&operation)
                || COVERED_ELSEWHERE.iter().any(|(op, _)| *op == operation);
            assert!(covered, "{operation} is missing from the permission matrix");
        }
    }
}
