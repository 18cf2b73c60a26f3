//! Community-scoped endpoints of the matrix: Activities, volunteering and wishes (the first cells: the community before anyone in
//! the matrix applies to join it).

use super::*;

pub(super) fn endpoints() -> Vec<Endpoint> {
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
    ]
}
