//! Indicators and community ratings: a month of known activity computed into every metric and
//! scored against the built-in standards, checked against hand calculations; an empty period;
//! recomputing a closed period to the same figures; ranks, trend and the region's roll-up.

use crate::helpers::TestApp;
use crate::indicator_street::{EXPECTED, october};
use crate::world::{self, Side, done};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub fn path(side: &Side, rest: &str) -> String {
    format!("/communities/{}{rest}", side.community)
}

/// Computes `period` for the side's community as its staff member (a recomputation as its
/// region admin, whose it is); answers the dashboard.
pub async fn compute(app: &TestApp, side: &Side, period: &str, recompute: bool) -> Value {
    let query = format!("/indicators/compute?period={period}&recompute={recompute}");
    let by = if recompute {
        &side.region_admin
    } else {
        &side.staff
    };
    done(app, &path(side, &query), by, Value::Null).await["dashboard"].clone()
}

/// The snapshot of standard `code` in a dashboard.
pub fn snapshot<'a>(dashboard: &'a Value, code: &str) -> &'a Value {
    dashboard["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["standard"]["code"] == code)
        .unwrap_or_else(|| panic!("no {code} snapshot in {dashboard}"))
}

/// Enters a manual value as the side's staff member and approves it as its region admin.
pub async fn approved_value(
    app: &TestApp,
    side: &Side,
    key: &str,
    period: &str,
    value: f64,
) -> Value {
    let body = json!({ "key": key, "period": period, "value": value, "evidence": "街道验收单 2026-17 号" });
    let entry = world::created(app, &path(side, "/manual-indicators"), &side.staff, body).await;
    let decision = path(
        side,
        &format!("/manual-indicators/{}/decision", entry["id"]),
    );
    done(
        app,
        &decision,
        &side.region_admin,
        json!({ "approve": true }),
    )
    .await
}

fn dimension(snapshot: &Value, key: &str) -> f64 {
    let dimensions = snapshot["detail"]["evaluation"]["dimensions"]
        .as_array()
        .unwrap();
    let found = dimensions.iter().find(|d| d["key"] == key).unwrap();
    found["score"].as_f64().unwrap()
}

async fn october_street(app: &TestApp) -> world::World {
    let w = world::build(app).await;
    october(app, &w.a, 800_000).await;
    approved_value(app, &w.a, "service_facility_area_m2", "2026", 650.0).await;
    approved_value(app, &w.a, "criminal_cases", "2026-10", 0.0).await;
    w
}

async fn every_metric_and_score_matches_hand_counts(app: TestApp) {
    let w = october_street(&app).await;
    let dashboard = compute(&app, &w.a, "2026-10", false).await;
    assert_eq!(dashboard["closed"], true);
    let hunan = snapshot(&dashboard, "hunan-2022-urban");
    for (key, expected) in EXPECTED {
        assert_eq!(hunan["detail"]["metrics"][key].as_f64(), *expected, "{key}");
    }
    // The month's manual values: the area entered for the year, the cases for the month.
    assert_eq!(
        hunan["detail"]["metrics"]["facility_m2_per_100_households"],
        16250
    );
    assert_eq!(
        hunan["detail"]["manual"]["service_facility_area_m2"]["value"],
        650
    );
    // Hunan (urban), dimension by dimension (see the note in indicator_street.rs):
    // autonomy (100 + 50 + 0 + 70.1789) / 4; management (20 + 100 + 100) / 3;
    // services (100 + 74.0778 + 35.0842 + 66.67 + 0) / 5; security (52.6316 + 100) / 2;
    // environment 0; civility (0 + 100 + 100) / 3; composite weighted 20/15/20/15/15/15.
    for (key, score) in [
        ("autonomy", 55.0447),
        ("management", 73.3333),
        ("services", 55.1664),
        ("security", 76.3158),
        ("environment", 0.0),
        ("civility", 66.6667),
    ] {
        assert_eq!(dimension(hunan, key), score, "{key}");
    }
    assert_eq!(hunan["composite"], 54.4896);
    assert_eq!(
        (hunan["eligible"].clone(), hunan["passed"].clone()),
        (json!(false), json!(false))
    );
    let failed = &hunan["detail"]["evaluation"]["failed_thresholds"];
    assert_eq!(
        failed,
        &json!([
            { "indicator": "resident_satisfaction", "threshold": 0.9, "value": 0.6667, "reason": "below" },
            { "indicator": "security_satisfaction", "threshold": 0.95, "value": 0.5, "reason": "below" },
        ])
    );
    // Wuhan: six equal indices; turnout 0.6 earns the 80 band; 62.4488 is two stars, short of
    // the three that pass.
    let wuhan = snapshot(&dashboard, "wuhan-happy-community");
    for (key, score) in [
        ("convenience", 37.037),
        ("spiritual_life", 66.6667),
        ("safety", 77.7778),
        ("liveability", 50.0),
        ("vitality", 66.6667),
        ("support", 76.5445),
    ] {
        assert_eq!(dimension(wuhan, key), score, "{key}");
    }
    assert_eq!(
        (wuhan["composite"].clone(), wuhan["stars"].clone()),
        (json!(62.4488), json!(2))
    );
    assert_eq!(
        (wuhan["eligible"].clone(), wuhan["passed"].clone()),
        (json!(true), json!(false))
    );
    // Ziyang (urban) rates it too; Hunan rural does not (an urban community).
    snapshot(&dashboard, "ziyang-2018-urban");
    assert_eq!(dashboard["snapshots"].as_array().unwrap().len(), 3);
    // Community B, with nothing in October: no residents, no rates, nothing scored.
    let b = compute(&app, &w.b, "2026-10", false).await;
    let b_hunan = snapshot(&b, "hunan-2022-urban");
    assert_eq!(b_hunan["detail"]["metrics"]["residents"], 0);
    assert_eq!(
        b_hunan["detail"]["metrics"]["volunteer_registration_rate"],
        Value::Null
    );
    assert_eq!(b_hunan["composite"], 0);
    let reasons: Vec<&Value> = b_hunan["detail"]["evaluation"]["failed_thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["reason"])
        .collect();
    assert_eq!(reasons, ["no_value"; 4]);
    assert_eq!(snapshot(&b, "wuhan-happy-community")["stars"], 0);
    // Ranks: first of one in A's street and district, first of two in the city.
    let again = app
        .get(&path(&w.a, "/indicators?period=2026-10"), w.a.staff.token())
        .await
        .1;
    let ranks: Vec<(String, i64, i64)> = snapshot(&again, "hunan-2022-urban")["ranks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["level"].as_str().unwrap().to_owned(),
                r["position"].as_i64().unwrap(),
                r["of"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        [
            ("street".into(), 1, 1),
            ("district".into(), 1, 1),
            ("city".into(), 1, 2),
            ("province".into(), 1, 2)
        ]
    );
}

async fn a_closed_period_recomputes_to_the_same_figures(app: TestApp) {
    let w = october_street(&app).await;
    let first = compute(&app, &w.a, "2026-10", false).await;
    // November brings new residents, hours and a new version of a standard; none of it may
    // move October.
    october_in_november(&app, &w.a).await;
    let mut definition = app
        .get("/evaluation-standards?code=hunan-2022-urban", None)
        .await
        .1["items"][0]["definition"]
        .clone();
    definition["pass_score"] = json!(50);
    let id = snapshot(&first, "hunan-2022-urban")["standard"]["id"].clone();
    let version = world::created(
        &app,
        &format!("/evaluation-standards/{id}/versions"),
        &w.admin,
        json!({ "definition": definition }),
    )
    .await;
    assert_eq!(version["version"], 2);
    // Without recompute a closed period already computed is left alone; with it, the same.
    let skipped = done(
        &app,
        &path(&w.a, "/indicators/compute?period=2026-10"),
        &w.a.staff,
        Value::Null,
    )
    .await;
    assert_eq!(skipped["report"]["snapshots"], 0);
    // Redoing a closed period is the region's call, not the community's.
    let redo = path(&w.a, "/indicators/compute?period=2026-10&recompute=true");
    let (status, _) = app.post(&redo, w.a.staff.token(), Value::Null).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A period that has not begun has nothing to compute.
    let (status, body) = app
        .post(
            &path(&w.a, "/indicators/compute?period=2030"),
            w.a.staff.token(),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let second = compute(&app, &w.a, "2026-10", true).await;
    for code in [
        "hunan-2022-urban",
        "wuhan-happy-community",
        "ziyang-2018-urban",
    ] {
        let (before, after) = (snapshot(&first, code), snapshot(&second, code));
        assert_eq!(before["detail"], after["detail"], "{code}");
        assert_eq!(
            before["standard"], after["standard"],
            "{code}: same version"
        );
        assert_eq!(
            (&before["composite"], &before["stars"]),
            (&after["composite"], &after["stars"])
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM indicator_snapshots WHERE period = '2026-10'")
            .await,
        3
    );
    // The open month uses the new version, and its trend compares with October.
    let november = compute(&app, &w.a, "2026-11", false).await;
    let hunan = snapshot(&november, "hunan-2022-urban");
    assert_eq!(hunan["standard"]["version"], 2);
    assert_eq!(hunan["final"], false);
    assert_eq!(hunan["trend"]["previous_period"], "2026-10");
    assert_eq!(hunan["trend"]["previous_composite"], 54.4896);
    assert!(hunan["detail"]["metrics"]["residents"].as_i64().unwrap() > 8);
    // Every change of figures left an audit record; recomputing to the same left none.
    let audited = app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'indicators.snapshot_computed' AND target_id LIKE '%/2026-10'").await;
    assert_eq!(audited, 3);
}

/// November activity in A (beside the world's residents, verified today): an hour served, and
/// an hour served on 30 October but only recorded (settled) in November.
async fn october_in_november(app: &TestApp, side: &Side) {
    for (served, recorded) in [("11-03", "11-03"), ("10-30", "11-02")] {
        app.sql(&format!(
            "INSERT INTO service_hours (community_id, user_id, kind, minutes, served_at, \
             description, evidence, points, recorded_at) VALUES ({}, 800001, 'honour', 60, \
             '2026-{served} 02:00:00', '助老', '台账', 0, '2026-{recorded} 02:00:00')",
            side.community
        ))
        .await;
    }
}

async fn an_empty_period_has_nothing_to_divide(app: TestApp) {
    let w = october_street(&app).await;
    let june = compute(&app, &w.a, "2026-06", false).await;
    let hunan = snapshot(&june, "hunan-2022-urban");
    let metrics = &hunan["detail"]["metrics"];
    for rate in [
        "volunteer_registration_rate",
        "wish_fulfilment_rate",
        "vote_turnout",
        "security_satisfaction",
        "service_good_rate",
        "linkage_index",
        "social_worker_ratio",
        "wish_median_days_to_fulfil",
        "verified_hours_per_resident",
    ] {
        assert_eq!(metrics[rate], Value::Null, "{rate}");
    }
    for count in [
        "residents",
        "households",
        "active_volunteers_90d",
        "social_organisations",
        "fund_raised_fen",
    ] {
        assert_eq!(metrics[count], 0, "{count}");
    }
    // The year's facility area is in force from January; October's cases are not.
    assert_eq!(
        hunan["detail"]["manual"]["service_facility_area_m2"]["value"],
        650
    );
    assert!(hunan["detail"]["manual"].get("criminal_cases").is_none());
    // Services: the facility (100) of four scored indicators, the rectification rate left out
    // (no poor ratings to rectify): 25, weighted 20 of 100.
    assert_eq!(hunan["composite"], 5);
}

async fn the_region_rolls_up_ranks_nominates_and_publishes(app: TestApp) {
    let w = october_street(&app).await;
    let city = app
        .count(&format!(
            "SELECT parent_id AS n FROM regions WHERE id = {}",
            w.a.district
        ))
        .await;
    let computed = done(
        &app,
        &format!("/regions/{city}/indicators/compute?period=2026-10"),
        &w.admin,
        Value::Null,
    )
    .await;
    assert_eq!(
        (
            computed["communities"].clone(),
            computed["snapshots"].clone()
        ),
        (json!(2), json!(6))
    );
    let (status, view) = app
        .get(
            &format!("/regions/{city}/indicators?period=2026-10&standard=wuhan-happy-community"),
            w.admin.token(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["communities_rated"], 2);
    // (62.4488 + 0) / 2.
    assert_eq!(view["mean_composite"], 31.2244);
    assert_eq!(
        view["stars"],
        json!([{ "stars": 0, "communities": 1 }, { "stars": 2, "communities": 1 }])
    );
    let ranking: Vec<i64> = view["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["community_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ranking, [w.a.community, w.b.community]);
    // A district's admin sees only their district; another's region is 403.
    let own = app
        .get(
            &format!(
                "/regions/{}/indicators?period=2026-10&standard=wuhan-happy-community",
                w.a.district
            ),
            w.a.region_admin.token(),
        )
        .await
        .1;
    assert_eq!(own["communities_rated"], 1);
    let (status, _) = app
        .get(
            &format!(
                "/regions/{}/indicators?period=2026-10&standard=wuhan-happy-community",
                w.b.district
            ),
            w.a.region_admin.token(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The nomination list is annual and lists only communities meeting every hard threshold:
    // Wuhan has none, so both, best first.
    done(
        &app,
        &format!("/regions/{city}/indicators/compute?period=2026"),
        &w.admin,
        Value::Null,
    )
    .await;
    let (status, _) = app
        .get(
            &format!(
                "/regions/{city}/nominations.csv?period=2026-10&standard=wuhan-happy-community"
            ),
            w.admin.token(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let csv = app
        .client
        .get(app.url(&format!(
            "/regions/{city}/nominations.csv?period=2026&standard=wuhan-happy-community"
        )))
        .bearer_auth(&w.admin.access)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[0].starts_with(
            "rank,community_id,community,standard,version,composite,stars,passed,final,生活便利指数"
        ),
        "{csv}"
    );
    assert!(
        lines[1].starts_with(&format!("1,{},", w.a.community)),
        "{csv}"
    );
    // Hunan: A fails two hard thresholds, B four: nobody is nominated.
    let hunan = app
        .client
        .get(app.url(&format!(
            "/regions/{city}/nominations.csv?period=2026&standard=hunan-2022-urban"
        )))
        .bearer_auth(&w.admin.access)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(hunan.lines().count(), 1, "{hunan}");
    // Publishing: an open period is refused; a closed one appears on the public page.
    let (status, _) = app
        .post(
            &format!("/regions/{city}/indicators/publish"),
            w.admin.token(),
            json!({ "period": "2026", "standard": "wuhan-happy-community" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let public = app.get(&path(&w.a, "/rating"), None).await.1;
    assert_eq!(public["ratings"], json!([]));
    let published = done(
        &app,
        &format!("/regions/{city}/indicators/publish"),
        &w.admin,
        json!({ "period": "2026-10", "standard": "wuhan-happy-community" }),
    )
    .await;
    assert_eq!(published["published"], 2);
    // Published figures are the public record: a recomputation leaves them alone.
    let redo = format!("/regions/{city}/indicators/compute?period=2026-10&recompute=true");
    let redone = done(&app, &redo, &w.admin, Value::Null).await;
    assert_eq!(redone["snapshots"], 4, "the other two standards only");
    let public = app.get(&path(&w.a, "/rating"), None).await.1;
    assert_eq!(public["ratings"].as_array().unwrap().len(), 1, "{public}");
    assert_eq!(public["ratings"][0]["stars"], 2);
    assert!(public["ratings"][0].get("detail").is_none());
    // Charts: SVG a committee can print.
    for (chart, text) in [
        (
            "/indicators/charts/radar.svg?standard=wuhan-happy-community&period=2026-10",
            "社区活力指数",
        ),
        (
            "/indicators/charts/trend.svg?standard=wuhan-happy-community",
            "武汉市幸福社区",
        ),
    ] {
        let response = app
            .client
            .get(app.url(&path(&w.a, chart)))
            .bearer_auth(&w.a.staff.access)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["content-type"],
            "image/svg+xml; charset=utf-8"
        );
        let svg = response.text().await.unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains(text),
            "{chart}: {svg}"
        );
    }
    let (status, _) = app
        .get(
            &path(
                &w.a,
                "/indicators/charts/radar.svg?standard=wuhan-happy-community&period=2026-10",
            ),
            w.a.resident.token(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

crate::backend_tests!(
    every_metric_and_score_matches_hand_counts,
    a_closed_period_recomputes_to_the_same_figures,
    an_empty_period_has_nothing_to_divide,
    the_region_rolls_up_ranks_nominates_and_publishes,
);
