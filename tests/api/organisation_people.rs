//! The people of the registry: an organisation's members (leaders manage them, one leader is
//! always kept) and the community's social workers (certificate numbers for staff only).

use crate::fund::field_errors;
use crate::helpers::{TestApp, User};
use crate::organisations::{org, registered};
use crate::world::{self, Side, done};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn set(app: &TestApp, side: &Side, user: i64, role: &str, by: &User) -> (StatusCode, Value) {
    let path = org(side, side.organisation, &format!("/members/{user}"));
    app.call(
        Method::PUT,
        &path,
        by.token(),
        Some(json!({ "role": role })),
    )
    .await
}

async fn remove(app: &TestApp, side: &Side, user: i64, by: &User) -> (StatusCode, Value) {
    let path = org(side, side.organisation, &format!("/members/{user}"));
    app.call(Method::DELETE, &path, by.token(), None).await
}

async fn roster(app: &TestApp, side: &Side, by: Option<&str>) -> (StatusCode, Value) {
    app.get(&org(side, side.organisation, "/members"), by).await
}

async fn leaders_manage_members_and_one_leader_stays(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let leader = &a.resident;
    let (status, added) = set(&app, a, a.volunteer.id, "member", leader).await;
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(
        (&added["display_name"], &added["role"]),
        (&json!("志愿者"), &json!("member"))
    );
    // A member of another community may join: a member is anyone with an account.
    let (status, _) = set(&app, a, b.resident.id, "member", leader).await;
    assert_eq!(status, StatusCode::OK);
    let (status, refused) = set(&app, a, 999_999, "member", leader).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&refused),
        [("user_id".into(), "not_found".into())]
    );
    let (status, _) = set(&app, a, a.grid_worker.id, "member", &a.volunteer).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "plain members manage nobody");

    let (status, list) = roster(&app, a, a.volunteer.token()).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let roles: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["display_name"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [("居民", "leader"), ("志愿者", "member"), ("居民", "member")]
    );
    for m in list.as_array().unwrap() {
        let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["display_name", "joined_at", "role", "user_id"],
            "{m}"
        );
    }
    // B's resident reads it as a member, though not of A.
    assert_eq!(roster(&app, a, b.resident.token()).await.0, StatusCode::OK);
    assert_eq!(roster(&app, a, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        roster(&app, a, world.outsider.token()).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        roster(&app, a, a.member.token()).await.0,
        StatusCode::FORBIDDEN
    );

    let (status, refused) = set(&app, a, leader.id, "member", leader).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_errors(&refused),
        [("user_id".into(), "last_leader".into())]
    );
    assert_eq!(
        remove(&app, a, leader.id, leader).await.0,
        StatusCode::CONFLICT
    );
    let (status, _) = set(&app, a, a.volunteer.id, "leader", leader).await;
    assert_eq!(status, StatusCode::OK);
    let (status, demoted) = set(&app, a, leader.id, "member", &a.volunteer).await;
    assert_eq!(
        (status, &demoted["role"]),
        (StatusCode::OK, &json!("member"))
    );
    // Anyone may leave; removing someone no longer there changes nothing.
    assert_eq!(
        remove(&app, a, b.resident.id, &b.resident).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        remove(&app, a, b.resident.id, &a.volunteer).await.0,
        StatusCode::NO_CONTENT
    );
    // Staff keep the roster too.
    assert_eq!(
        remove(&app, a, leader.id, &a.staff).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, list) = roster(&app, a, a.staff.token()).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let audit = "SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'organisation.member_%'";
    assert_eq!(app.count(audit).await, 6, "four set, two removed");
    // Not in a community that has not approved it.
    let (status, _) = app
        .get(&org(b, a.organisation, "/members"), b.staff.token())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn worker(side: &Side, user: i64) -> String {
    format!("/communities/{}/social-workers/{user}", side.community)
}

async fn record(app: &TestApp, side: &Side, user: i64, body: Value) -> (StatusCode, Value) {
    app.call(
        Method::PUT,
        &worker(side, user),
        side.staff.token(),
        Some(body),
    )
    .await
}

async fn workers(app: &TestApp, side: &Side, by: Option<&str>) -> Value {
    let path = format!("/communities/{}/social-workers", side.community);
    let (status, body) = app.get(&path, by).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"][0].clone()
}

async fn social_workers_show_certificate_numbers_to_staff_only(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let sw = a.social_worker.id;
    let unrecorded = workers(&app, a, None).await;
    assert_eq!(
        (&unrecorded["user_id"], &unrecorded["certificate_level"]),
        (&json!(sw), &Value::Null)
    );
    let by_name = json!({ "certificate_level": "intermediate", "certificate_number": "S2020430000001",
                          "employer_name": "岳麓区社区服务中心" });
    let (status, saved) = record(&app, a, sw, by_name.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (&saved["certificate_title"], &saved["certificate_number"]),
        (&json!("社会工作师"), &json!("S2020430000001"))
    );
    for token in [
        None,
        a.resident.token(),
        a.social_worker.token(),
        b.staff.token(),
    ] {
        let seen = workers(&app, a, token).await;
        assert_eq!(seen["employer"]["name"], "岳麓区社区服务中心");
        assert_eq!(seen["certificate_level"], "intermediate");
        assert!(seen.get("certificate_number").is_none(), "{seen}");
    }
    assert_eq!(
        workers(&app, a, a.staff.token()).await["certificate_number"],
        "S2020430000001"
    );

    // Only someone holding the role here, recorded by staff.
    assert_eq!(
        record(&app, a, a.volunteer.id, by_name.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        record(&app, a, b.social_worker.id, by_name.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = app
        .call(
            Method::PUT,
            &worker(a, sw),
            a.resident.token(),
            Some(by_name),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let both = json!({ "certificate_level": "senior", "employer_name": "某机构",
                       "employer_organisation_id": a.organisation });
    let neither = json!({ "certificate_level": "senior" });
    for body in [both, neither] {
        let (status, refused) = record(&app, a, sw, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused["errors"].as_array().unwrap().len(), 2, "{refused}");
    }
    let agency = |id: i64| json!({ "certificate_level": "senior", "employer_organisation_id": id });
    let (_, refused) = record(&app, a, sw, agency(a.organisation)).await;
    assert_eq!(
        field_errors(&refused),
        [("employer_organisation_id".into(), "invalid_value".into())],
        "a mutual-aid group is no social work agency"
    );
    let elsewhere = registered(&app, b, &b.resident, "social_work_agency").await;
    done(&app, &org(b, elsewhere, "/approve"), &b.staff, Value::Null).await;
    let (_, refused) = record(&app, a, sw, agency(elsewhere)).await;
    assert_eq!(
        field_errors(&refused),
        [("employer_organisation_id".into(), "not_found".into())]
    );
    let here = registered(&app, a, &a.resident, "social_work_agency").await;
    done(&app, &org(a, here, "/approve"), &a.staff, Value::Null).await;
    let (status, saved) = record(&app, a, sw, agency(here)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (
            &saved["employer"]["organisation_id"],
            &saved["employer"]["name"]
        ),
        (&json!(here), &json!("岳麓书画社"))
    );
    assert_eq!(saved["certificate_title"], "高级社会工作师");
    assert!(saved["certificate_number"].is_null(), "cleared: {saved}");
    let audit = "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'social_worker.recorded'";
    assert_eq!(app.count(audit).await, 2);
}

crate::backend_tests!(
    leaders_manage_members_and_one_leader_stays,
    social_workers_show_certificate_numbers_to_staff_only,
);
