//! Community-scoped endpoints of the matrix: Projects, households, people, points and the rewards shop.

use super::*;

pub(super) fn endpoints() -> Vec<Endpoint> {
    let none: fn(&Side, &World, usize) -> Option<Value> = |_, _, _| None;
    vec![
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
    ]
}
