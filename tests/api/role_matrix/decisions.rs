//! Community-scoped endpoints of the matrix: Ratings, votes, surveys, indicators and, last, applying to join.

use super::*;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let none: fn(&Side, &World, usize) -> Option<Value> = |_, _, _| None;
    vec![
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
