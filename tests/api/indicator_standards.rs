//! Evaluation standards as data and manual values: a standard is checked field by field and
//! versioned, only its region's admins (or, for a built-in, platform admins) change it; a
//! manual value needs evidence and the approval of a region admin who did not enter it, once,
//! and every step is audited.

use crate::helpers::TestApp;
use crate::indicators::path;
use crate::world::{self, audit_of, created, done};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn field_codes(body: &Value) -> Vec<(String, String)> {
    crate::fund::field_errors(body)
}

/// A small valid definition: one dimension scoring the volunteer registration rate.
pub fn definition() -> Value {
    json!({
        "name": "岳麓区志愿服务专项评价", "community_kind": "any", "pass_score": 60,
        "star_bands": [{ "min_score": 60, "stars": 1 }, { "min_score": 80, "stars": 2 }],
        "dimensions": [{ "key": "volunteering", "name": "志愿服务", "weight": 1, "indicators": [
            { "key": "registration", "name": "注册率", "source": { "metric": "volunteer_registration_rate" },
              "target": 0.15, "rule": "linear", "weight": 1 },
            { "key": "incidents", "name": "安全事故", "source": { "manual": "safety_accidents" },
              "direction": "at_most", "target": 0, "rule": "threshold", "weight": 1, "hard_threshold": 0 }
        ]}]
    })
}

async fn standards_are_checked_versioned_and_kept_to_their_region(app: TestApp) {
    let w = world::build(&app).await;
    let create = format!("/regions/{}/evaluation-standards", w.a.district);
    // Every fault is named.
    let mut faulty = definition();
    faulty["pass_score"] = json!(120);
    faulty["star_bands"] =
        json!([{ "min_score": 80, "stars": 2 }, { "min_score": 60, "stars": 1 }]);
    faulty["dimensions"][0]["weight"] = json!(0);
    faulty["dimensions"][0]["indicators"][0]["source"] = json!({ "metric": "happiness" });
    faulty["dimensions"][0]["indicators"][1]["key"] = json!("registration");
    let (status, body) = app
        .post(
            &create,
            w.a.region_admin.token(),
            json!({ "code": "yuelu-volunteering", "definition": faulty }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut faults = field_codes(&body);
    faults.sort();
    assert_eq!(
        faults,
        [
            (
                "definition.dimensions[0].indicators[0].source".into(),
                "unknown_metric".into()
            ),
            (
                "definition.dimensions[0].indicators[1].key".into(),
                "duplicate".into()
            ),
            ("definition.dimensions[0].weight".into(), "range".into()),
            ("definition.pass_score".into(), "range".into()),
            ("definition.star_bands".into(), "not_ascending".into()),
        ]
    );
    // Unknown fields and a bad code are refused too; nothing was written.
    let mut extra = definition();
    extra["secret"] = json!(true);
    let (status, _) = app
        .post(
            &create,
            w.a.region_admin.token(),
            json!({ "code": "x-y", "definition": extra }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .post(
            &create,
            w.a.region_admin.token(),
            json!({ "code": "Bad Code", "definition": definition() }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM evaluation_standards")
            .await,
        5
    );
    // Only the region's admins create and edit it.
    for who in [&w.b.region_admin, &w.a.community_admin] {
        let (status, _) = app
            .post(
                &create,
                who.token(),
                json!({ "code": "yuelu-volunteering", "definition": definition() }),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let v1 = created(
        &app,
        &create,
        &w.a.region_admin,
        json!({ "code": "yuelu-volunteering", "definition": definition() }),
    )
    .await;
    assert_eq!(
        (v1["version"].clone(), v1["built_in"].clone()),
        (json!(1), json!(false))
    );
    let (status, _) = app
        .post(
            &create,
            w.a.region_admin.token(),
            json!({ "code": "yuelu-volunteering", "definition": definition() }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "the code is taken");
    let versions = format!("/evaluation-standards/{}/versions", v1["id"]);
    let mut changed = definition();
    changed["pass_score"] = json!(70);
    let (status, _) = app
        .post(
            &versions,
            w.b.region_admin.token(),
            json!({ "definition": changed }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let v2 = created(
        &app,
        &versions,
        &w.a.region_admin,
        json!({ "definition": changed }),
    )
    .await;
    assert_eq!(v2["version"], 2);
    let listed = app
        .get("/evaluation-standards?code=yuelu-volunteering", None)
        .await
        .1;
    let listed: Vec<i64> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["version"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, [2, 1]);
    assert_eq!(
        app.get(&format!("/evaluation-standards/{}", v1["id"]), None)
            .await
            .1["definition"]["pass_score"],
        60
    );
    // It rates A's communities, not B's.
    let a = crate::indicators::compute(&app, &w.a, "2026-10", false).await;
    assert!(
        a["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["standard"]["code"] == "yuelu-volunteering")
    );
    let b = crate::indicators::compute(&app, &w.b, "2026-10", false).await;
    assert!(
        b["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["standard"]["code"] != "yuelu-volunteering")
    );
    // A built-in is the platform's: region admins cannot change it.
    let builtin = app
        .get("/evaluation-standards?code=hunan-2022-urban", None)
        .await
        .1["items"][0]
        .clone();
    let builtin_versions = format!("/evaluation-standards/{}/versions", builtin["id"]);
    let (status, _) = app
        .post(
            &builtin_versions,
            w.a.region_admin.token(),
            json!({ "definition": builtin["definition"] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Retired, it computes no more snapshots.
    let retire = format!("/evaluation-standards/{}/retirement", v1["id"]);
    done(&app, &retire, &w.a.region_admin, json!({ "retired": true })).await;
    let again = crate::indicators::compute(&app, &w.a, "2026-11", false).await;
    assert!(
        again["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["standard"]["code"] != "yuelu-volunteering")
    );
    let trail = app
        .count("SELECT COUNT(*) AS n FROM audit_log WHERE target_type = 'evaluation_standard'")
        .await;
    assert_eq!(trail, 3, "created, new version, retired");
}

async fn manual_values_need_evidence_and_someone_elses_approval(app: TestApp) {
    let w = world::build(&app).await;
    let entries = path(&w.a, "/manual-indicators");
    let body = |value: Value| json!({ "key": "service_facility_area_m2", "period": "2026", "value": value, "evidence": "竣工验收备案表" });
    for (bad, field) in [
        (
            json!({ "key": "Area!", "period": "2026", "value": 1, "evidence": "x" }),
            "key",
        ),
        (
            json!({ "key": "area_m2", "period": "2026-13", "value": 1, "evidence": "x" }),
            "period",
        ),
        (body(json!(-5)), "value"),
        (
            json!({ "key": "area_m2", "period": "2026", "value": 1, "evidence": "" }),
            "evidence",
        ),
        (
            json!({ "key": "area_m2", "period": "2026", "value": 1, "evidence": "x", "status": "approved" }),
            "",
        ),
    ] {
        let (status, response) = app.post(&entries, w.a.staff.token(), bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{response}");
        assert!(
            field.is_empty() || field_codes(&response).iter().any(|(f, _)| f == field),
            "{response}"
        );
    }
    let entry = created(&app, &entries, &w.a.staff, body(json!(650.5))).await;
    assert_eq!(
        (entry["status"].clone(), entry["value"].clone()),
        (json!("pending"), json!(650.5))
    );
    let decision = path(
        &w.a,
        &format!("/manual-indicators/{}/decision", entry["id"]),
    );
    // Not the community's own staff, not another district's admin (404: no standing there),
    // and not the admin who entered it.
    let (status, _) = app
        .post(
            &decision,
            w.a.community_admin.token(),
            json!({ "approve": true }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &decision,
            w.b.region_admin.token(),
            json!({ "approve": true }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, response) = app
        .post(
            &decision,
            w.a.region_admin.token(),
            json!({ "approve": false }),
        )
        .await;
    assert_eq!(
        (status, field_codes(&response)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("reason".into(), "required".into())]
        )
    );
    let approved = done(
        &app,
        &decision,
        &w.a.region_admin,
        json!({ "approve": true }),
    )
    .await;
    assert_eq!(
        (approved["status"].clone(), approved["decided_by"].clone()),
        (json!("approved"), json!(w.a.region_admin.id))
    );
    let (status, _) = app
        .post(
            &decision,
            w.admin.token(),
            json!({ "approve": false, "reason": "重复" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Another community's entry id through A's path is 404.
    let other = created(
        &app,
        &path(&w.b, "/manual-indicators"),
        &w.b.staff,
        body(json!(300)),
    )
    .await;
    let crossed = path(
        &w.a,
        &format!("/manual-indicators/{}/decision", other["id"]),
    );
    let (status, _) = app
        .post(
            &crossed,
            w.a.region_admin.token(),
            json!({ "approve": true }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A rejection keeps its reason; pending and approved are listed apart.
    let second = created(&app, &entries, &w.a.staff, body(json!(700))).await;
    let rejected = done(
        &app,
        &path(
            &w.a,
            &format!("/manual-indicators/{}/decision", second["id"]),
        ),
        &w.a.region_admin,
        json!({ "approve": false, "reason": "面积含车库" }),
    )
    .await;
    assert_eq!(rejected["rejection_reason"], "面积含车库");
    let listed = app
        .get(
            &format!("{entries}?status=approved"),
            w.a.grid_worker.token(),
        )
        .await
        .1;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    // The approved value is what the indicators use; the rejected one is not.
    let october = crate::indicators::compute(&app, &w.a, "2026-10", false).await;
    let manual = &crate::indicators::snapshot(&october, "hunan-2022-urban")["detail"]["manual"];
    assert_eq!(
        manual["service_facility_area_m2"],
        json!({ "value": 650.5, "entry_id": entry["id"] })
    );
    let trail: Vec<String> = audit_of(
        &app,
        &w.a,
        "manual_indicator_value",
        entry["id"].as_i64().unwrap(),
    )
    .await
    .iter()
    .map(|r| r["action"].as_str().unwrap().to_owned())
    .collect();
    assert_eq!(
        trail,
        ["manual_indicator.decided", "manual_indicator.entered"]
    );
}

crate::backend_tests!(
    standards_are_checked_versioned_and_kept_to_their_region,
    manual_values_need_evidence_and_someone_elses_approval,
);
