//! Residency: apply, verify or reject with a reason, re-apply; all audited.

use crate::helpers::TestApp;
use crate::world::{self, created};
use reqwest::StatusCode;
use serde_json::json;

async fn verification_flow(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let applicant = app.user("13912345678", "王小明").await;
    let path = format!("/communities/{}/memberships", a.community);
    let application = created(
        &app,
        &path,
        &applicant,
        json!({ "household_id": a.household, "id_number": "11010519491231002X" }),
    )
    .await;
    assert_eq!(application["status"], "pending");
    assert_eq!(application["address"], "1栋 2单元 301");
    assert_eq!(application["id_number_last4"], "002X");
    let id = application["id"].as_i64().unwrap();
    // Applying again while pending changes nothing.
    let (status, again) = app
        .post(&path, applicant.token(), json!({ "address": "别处" }))
        .await;
    assert_eq!((status, again["id"].as_i64()), (StatusCode::OK, Some(id)));

    let (status, pending) = app
        .get(&format!("{path}?status=pending"), a.staff.token())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        pending["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == id)
    );

    // A rejection needs a reason; the applicant sees it.
    let (status, body) = app
        .post(
            &format!("{path}/{id}/reject"),
            a.staff.token(),
            json!({ "reason": " " }),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let (status, rejected) = app
        .post(
            &format!("{path}/{id}/reject"),
            a.staff.token(),
            json!({ "reason": "门牌号与登记不符" }),
        )
        .await;
    assert_eq!(
        (status, rejected["status"].as_str()),
        (StatusCode::OK, Some("rejected"))
    );
    let (_, me) = app.get("/me", applicant.token()).await;
    assert_eq!(me["memberships"][0]["rejection_reason"], "门牌号与登记不符");
    let (status, _) = app
        .post(&format!("{path}/{id}/verify"), a.staff.token(), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "only pending applications are decided"
    );

    // Re-applying re-opens it; verifying links the household.
    let reopened = created(
        &app,
        &path,
        &applicant,
        json!({ "address": "1栋2单元301室" }),
    )
    .await;
    assert_eq!(
        (reopened["id"].as_i64(), reopened["status"].as_str()),
        (Some(id), Some("pending"))
    );
    let (status, verified) = app
        .post(
            &format!("{path}/{id}/verify"),
            a.grid_worker.token(),
            json!({ "household_id": a.household }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(
        (
            verified["status"].as_str(),
            verified["household_id"].as_i64()
        ),
        (Some("verified"), Some(a.household))
    );
    assert_eq!(verified["decided_by"], a.grid_worker.id);
    let (_, me) = app.get("/me", applicant.token()).await;
    assert_eq!(me["memberships"][0]["status"], "verified");
    let (status, _) = app
        .post(&path, applicant.token(), json!({ "address": "again" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A household of the other community cannot be linked.
    let other = app.user("13912345679", "赵六").await;
    let (status, body) = app
        .post(
            &path,
            other.token(),
            json!({ "household_id": world.b.household }),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("household_id"))
    );
    // The same ID number on a second account is refused.
    let (status, body) = app
        .post(
            &path,
            other.token(),
            json!({ "address": "3栋", "id_number": "11010519491231002X" }),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::CONFLICT, Some("id_number"))
    );

    // The audit log holds each decision with before and after.
    let (status, log) = app
        .get(
            &format!(
                "/communities/{}/audit-log?action=membership.verified",
                a.community
            ),
            a.community_admin.token(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let entry = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target_id"].as_str() == Some(id.to_string().as_str()))
        .expect("audited");
    assert_eq!(entry["actor_user_id"], a.grid_worker.id);
    assert_eq!(entry["before"]["status"], "pending");
    assert_eq!(entry["after"]["status"], "verified");
    assert!(entry["request_id"].is_string());
    let (_, rejections) = app
        .get(
            &format!(
                "/communities/{}/audit-log?action=membership.rejected",
                a.community
            ),
            a.community_admin.token(),
        )
        .await;
    assert_eq!(
        rejections["items"][0]["after"]["rejection_reason"],
        "门牌号与登记不符"
    );
    // ID numbers are never stored in the clear.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users WHERE id_number_hash LIKE '%110105%'")
            .await,
        0
    );
}

async fn roles_are_granted_and_revoked_with_an_audit_trail(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let path = format!("/communities/{}/roles", a.community);
    // Community admins appoint staff but not other admins; region admins above may.
    let (status, _) = app
        .post(
            &path,
            a.community_admin.token(),
            json!({ "user_id": world.outsider.id, "role": "community_admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &path,
            a.community_admin.token(),
            json!({ "user_id": world.outsider.id, "role": "region_admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let grant = created(
        &app,
        &path,
        &a.region_admin,
        json!({ "user_id": world.outsider.id, "role": "community_admin" }),
    )
    .await;
    let (status, _) = app
        .post(
            &path,
            a.region_admin.token(),
            json!({ "user_id": world.outsider.id, "role": "community_admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app
        .post(
            &path,
            a.region_admin.token(),
            json!({ "user_id": 999_999, "role": "volunteer" }),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("user_id"))
    );
    let (_, me) = app.get("/me", world.outsider.token()).await;
    assert_eq!(me["roles"][0]["role"], "community_admin");
    // The new admin can now read the roster; after revocation, no longer.
    let (status, _) = app
        .get(
            &format!("/communities/{}/memberships", a.community),
            world.outsider.token(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let grant_id = grant["id"].as_i64().unwrap();
    let (status, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("{path}/{grant_id}"),
            a.community_admin.token(),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a community admin cannot remove another"
    );
    let (status, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("{path}/{grant_id}"),
            a.region_admin.token(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("{path}/{grant_id}"),
            a.region_admin.token(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get(
            &format!("/communities/{}/memberships", a.community),
            world.outsider.token(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Region admins of one district have no say in another's communities or regions.
    let (status, _) = app
        .post(
            &format!("/communities/{}/roles", world.b.community),
            a.region_admin.token(),
            json!({ "user_id": world.outsider.id, "role": "volunteer" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .post(
            &format!("/regions/{}/roles", world.b.district),
            a.region_admin.token(),
            json!({ "user_id": world.outsider.id, "role": "region_admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &format!("/regions/{}/roles", a.district),
            a.region_admin.token(),
            json!({ "user_id": world.outsider.id, "role": "region_admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not at their own level");
    created(
        &app,
        &format!("/regions/{}/roles", a.street),
        &a.region_admin,
        json!({ "user_id": world.outsider.id, "role": "region_admin" }),
    )
    .await;
    let (_, log) = app
        .get(
            &format!("/communities/{}/audit-log?action=role.revoked", a.community),
            a.community_admin.token(),
        )
        .await;
    assert_eq!(log["items"][0]["before"]["role"], "community_admin");
    assert_eq!(log["items"][0]["actor_user_id"], a.region_admin.id);
}

async fn public_community_views_hide_personal_data(app: TestApp) {
    let world = world::build(&app).await;
    let (status, list) = app.get("/communities", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let (status, filtered) = app
        .get(
            &format!("/communities?region_id={}", world.a.district),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(filtered["items"][0]["id"], world.a.community);
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    let text = list.to_string();
    for secret in ["13700000007", "13700000008", "2栋1单元502"] {
        assert!(!text.contains(secret), "{secret} leaked in a public list");
    }
    // Pagination walks every community exactly once.
    let (_, page1) = app.get("/communities?limit=1", None).await;
    let cursor = page1["next_cursor"].as_str().unwrap();
    let (_, page2) = app
        .get(&format!("/communities?limit=1&cursor={cursor}"), None)
        .await;
    assert_ne!(page1["items"][0]["id"], page2["items"][0]["id"]);
    assert!(page2["next_cursor"].is_null());
}

crate::backend_tests!(
    verification_flow,
    roles_are_granted_and_revoked_with_an_audit_trail,
    public_community_views_hide_personal_data
);

/// Staff who live in the community apply like anyone else, and someone else must verify them.
async fn nobody_verifies_their_own_residency(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let application = created(
        &app,
        &format!("/communities/{}/memberships", a.community),
        &a.grid_worker,
        json!({ "household_id": a.household }),
    )
    .await;
    let verify = format!(
        "/communities/{}/memberships/{}/verify",
        a.community, application["id"]
    );
    let (status, body) = app.post(&verify, a.grid_worker.token(), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app.post(&verify, a.staff.token(), json!({})).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("verified"))
    );
}

crate::backend_tests!(nobody_verifies_their_own_residency);
