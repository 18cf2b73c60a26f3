//! Community-scoped endpoints of the matrix: Fund, topics and organisations.

use super::*;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let none: fn(&Side, &World, usize) -> Option<Value> = |_, _, _| None;
    vec![
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
    ]
}

fn topic_path(side: &Side, rest: &str) -> String {
    format!(
        "/communities/{}/topics/{}{rest}",
        side.community, side.topic
    )
}
