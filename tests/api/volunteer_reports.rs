//! Reports over volunteers' service: certificates and star levels, leaderboards of hours and
//! of points earned for service, and anomaly flags for staff.

use crate::helpers::{TestApp, User};
use crate::points::{adjust, assert_ledger_sound, set_rules};
use crate::rewards::redeem;
use crate::volunteers::{backfilled, save_profile, volunteers_path};
use crate::world::{self, Side, World};
use chrono::{DateTime, Duration, Months, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wushe::ledger::{Holder, NewTransaction, Posting, SystemAccount, TxKind};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// Credit hours as activity settlement writes them: an activity, verified attendance decided
/// by `organiser`, and the service-hours row.
async fn credit_hours(app: &TestApp, side: &Side, user: &User, organiser: &User, minutes: i64) {
    let id = app
        .count("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM activities")
        .await;
    let (community, user, organiser) = (side.community, user.id, organiser.id);
    let times = "'2026-03-01 01:00:00', '2026-03-01 05:00:00'";
    app.sql(&format!(
        "INSERT INTO activities (id, community_id, title, place, starts_at, ends_at, \
         signup_deadline, capacity, status, organiser_id, created_at, updated_at) VALUES \
         ({id}, {community}, '清理楼道', '1栋', {times}, '2026-03-01 00:00:00', 10, 'settled', \
         {organiser}, {times})"
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO attendance (id, activity_id, user_id, source, started_at, ended_at, minutes, \
         status, decided_by, decided_at, created_at) VALUES ({id}, {id}, {user}, 'self_report', \
         {times}, {minutes}, 'verified', {organiser}, '2026-03-01 06:00:00', '2026-03-01 05:00:00')"
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO service_hours (community_id, user_id, kind, minutes, served_at, description, \
         activity_id, attendance_id, points, recorded_by, recorded_at) VALUES ({community}, {user}, \
         'credit', {minutes}, '2026-03-01 01:00:00', '清理楼道', {id}, {id}, 0, {organiser}, \
         '2026-03-01 06:00:00')"
    ))
    .await;
}

/// Points earned for service, posted as settlement (or wish fulfilment) does; returns the
/// transaction id.
async fn earn(app: &TestApp, side: &Side, user: &User, kind: TxKind, points: i64) -> i64 {
    let (community, user_id) = (side.community, user.id);
    app.state
        .db
        .write(move |conn| {
            wushe::ledger::post(
                conn,
                NewTransaction {
                    community_id: community,
                    kind,
                    memo: "服务积分",
                    reference: None,
                    reverses: None,
                    created_by: None,
                    postings: Posting::transfer(
                        Holder::System(SystemAccount::Issuance),
                        Holder::Person(user_id),
                        wushe::ledger::Asset::Points,
                        points,
                    )
                    .to_vec(),
                },
            )
        })
        .await
        .unwrap()
        .transaction_id
}

async fn certificates_count_years_by_beijing_time_and_stars(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    set_rules(
        &app,
        &world,
        json!({ "star_thresholds_hours": [1, 2, 100] }),
    )
    .await;
    save_profile(&app, a, &a.volunteer, json!({ "skills": ["维修"] })).await;
    // 1 January 2026, 01:00 in Beijing, though still 2025 in UTC.
    let new_year = at("2025-12-31T17:00:00Z");
    backfilled(&app, a, &a.staff, a.volunteer.id, 60, new_year).await;
    backfilled(
        &app,
        a,
        &a.staff,
        a.volunteer.id,
        45,
        at("2025-12-31T15:00:00Z"),
    )
    .await;
    credit_hours(&app, a, &a.volunteer, &a.staff, 30).await;

    let path = volunteers_path(a, &format!("/{}/certificate", a.volunteer.id));
    let (status, certificate) = app.get(&path, a.volunteer.token()).await;
    assert_eq!(status, StatusCode::OK, "{certificate}");
    assert_eq!(certificate["volunteer_name"], "志愿者");
    assert_eq!(certificate["community_name"], "岳麓社区");
    assert_eq!(certificate["service"]["total_minutes"], 135);
    assert_eq!(certificate["service"]["total_hours"], "2.2", "rounded down");
    assert_eq!(certificate["service"]["star_level"], 2);
    assert_eq!(certificate["service"]["next_star_hours"], 100);
    assert_eq!(
        (
            &certificate["credit_minutes"],
            &certificate["honour_minutes"]
        ),
        (&json!(30), &json!(105))
    );
    assert_eq!(certificate["activities"], 1);
    assert_eq!(
        certificate["years"],
        json!([
            { "year": 2025, "minutes": 45, "hours": "0.7", "activities": 0 },
            { "year": 2026, "minutes": 90, "hours": "1.5", "activities": 1 }
        ])
    );
    let text = certificate.to_string();
    assert!(
        !text.contains("1370000") && !text.contains("phone"),
        "{text}"
    );

    let (_, again) = app.get(&path, a.staff.token()).await;
    assert_eq!(
        again["number"], certificate["number"],
        "same record, same number"
    );
    assert!(certificate["number"].as_str().unwrap().starts_with("ZYFW-"));
    backfilled(
        &app,
        a,
        &a.staff,
        a.volunteer.id,
        6,
        Utc::now() - Duration::hours(1),
    )
    .await;
    let (_, changed) = app.get(&path, a.staff.token()).await;
    assert_ne!(changed["number"], certificate["number"]);
    assert_eq!(changed["service"]["total_hours"], "2.3");

    let (_, profile) = app
        .get(&volunteers_path(a, "/me"), a.volunteer.token())
        .await;
    assert_eq!(profile["service"]["star_level"], 2, "{profile}");
    refused_to_residents_and_other_communities(&app, &world, &path).await;
}

/// Residents get 403 for `path` of community A, and another community's staff 404.
async fn refused_to_residents_and_other_communities(app: &TestApp, world: &World, path: &str) {
    let resident = app.get(path, world.a.resident.token()).await;
    assert_eq!(resident.0, StatusCode::FORBIDDEN, "{}", resident.1);
    let foreign = app.get(path, world.b.staff.token()).await;
    assert_eq!(foreign.0, StatusCode::NOT_FOUND, "{}", foreign.1);
}

fn board(
    app: &TestApp,
    side: &Side,
    user: &User,
    query: String,
) -> impl Future<Output = (StatusCode, Value)> {
    let path = format!("/communities/{}/leaderboards?{query}", side.community);
    let token = user.access.clone();
    async move { app.get(&path, Some(&token)).await }
}

/// (user id, rank, value) of each place.
fn places(board: &Value) -> Vec<(i64, i64, i64)> {
    let places = board["places"].as_array().unwrap();
    places
        .iter()
        .map(|p| {
            let n = |key: &str| p[key].as_i64().unwrap();
            (n("user_id"), n("rank"), n("value"))
        })
        .collect()
}

async fn leaderboards_rank_hours_and_points_earned_for_service(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let now = Utc::now();
    let earlier = now - Duration::days(70);
    backfilled(&app, a, &a.staff, a.resident.id, 120, earlier).await;
    for user in [&a.volunteer, &a.grid_worker] {
        let just_now = now - Duration::minutes(1);
        backfilled(&app, a, &a.staff, user.id, 60, just_now).await;
    }
    let beijing_month = |t: DateTime<Utc>| (t + Duration::hours(8)).format("%Y-%m").to_string();
    let this_month = beijing_month(now);

    let (status, hours) = board(&app, a, &a.resident, "metric=hours&period=all".into()).await;
    assert_eq!(status, StatusCode::OK, "{hours}");
    assert_eq!(
        places(&hours),
        [
            (a.resident.id, 1, 120),
            (a.grid_worker.id, 2, 60),
            (a.volunteer.id, 2, 60)
        ],
        "equal values share a rank"
    );
    assert_eq!(hours["places"][0]["hours"], "2.0");
    assert_eq!(hours["places"][0]["display_name"], "居民");
    assert!(!hours.to_string().contains("1370000"));
    let (_, month) = board(&app, a, &a.volunteer, "period=month".into()).await;
    assert_eq!(month["month"], this_month.as_str());
    assert_eq!(
        places(&month),
        [(a.grid_worker.id, 1, 60), (a.volunteer.id, 1, 60)]
    );
    let query = format!("period=month&month={}", beijing_month(earlier));
    assert_eq!(
        places(&board(&app, a, &a.volunteer, query).await.1),
        [(a.resident.id, 1, 120)]
    );
    assert_eq!(
        places(&board(&app, a, &a.volunteer, "limit=1".into()).await.1).len(),
        1
    );
    for (query, field) in [
        ("limit=101", "limit"),
        ("period=month&month=2026-13", "month"),
        ("period=month&month=2026-1", "month"),
        ("metric=stars", "query"),
    ] {
        let (status, problem) = board(&app, a, &a.volunteer, query.into()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
    }
    assert_eq!(
        board(&app, a, &a.member, String::new()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        board(&app, a, &b.staff, String::new()).await.0,
        StatusCode::NOT_FOUND
    );

    // Points earned for service; adjustments neither raise nor lower them, nor does spending.
    earn(&app, a, &a.resident, TxKind::ActivitySettlement, 50).await;
    earn(&app, a, &a.volunteer, TxKind::ActivitySettlement, 30).await;
    let wish = earn(&app, a, &a.grid_worker, TxKind::WishFulfilment, 40).await;
    assert_eq!(
        adjust(&app, a.community, &a.staff, a.social_worker.id, 90)
            .await
            .0,
        StatusCode::CREATED
    );
    let expected = [
        (a.resident.id, 1, 50),
        (a.grid_worker.id, 2, 40),
        (a.volunteer.id, 3, 30),
    ];
    let points = |query: &str| board(&app, a, &a.resident, format!("metric=points&{query}"));
    assert_eq!(places(&points("period=all").await.1), expected);
    assert_eq!(
        redeem(&app, a, a.reward_item, &a.resident, 1).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        adjust(&app, a.community, &a.staff, a.volunteer.id, -10)
            .await
            .0,
        StatusCode::CREATED
    );
    assert_eq!(
        places(&points("period=all").await.1),
        expected,
        "spending never lowers it"
    );
    let (_, this) = points(&format!("period=month&month={this_month}")).await;
    assert_eq!(places(&this), expected);
    let last = beijing_month(now.checked_sub_months(Months::new(1)).unwrap());
    let (_, previous) = points(&format!("period=month&month={last}")).await;
    assert!(places(&previous).is_empty(), "{previous}");

    // A reversed settlement no longer counts.
    let reversal = format!(
        "/communities/{}/ledger/transactions/{wish}/reversal",
        a.community
    );
    let (status, body) = app
        .post(
            &reversal,
            a.community_admin.token(),
            json!({ "reason": "心愿未完成" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        places(&points("period=all").await.1),
        [(a.resident.id, 1, 50), (a.volunteer.id, 2, 30)]
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn anomalies_flag_backfill_spikes_and_mutual_crediting(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let yesterday = Utc::now() - Duration::days(1);
    // The staff member back-fills 24 hours this week with no history: a spike.
    for _ in 0..2 {
        backfilled(&app, a, &a.staff, a.volunteer.id, 720, yesterday).await;
    }
    // The social worker does the same, but has back-filled 108 hours in the weeks before:
    // 24 is not more than three times a weekly average of 9.
    for _ in 0..9 {
        backfilled(&app, a, &a.social_worker, a.resident.id, 720, yesterday).await;
    }
    let month_ago = (Utc::now() - Duration::days(30)).format("%Y-%m-%d %H:%M:%S");
    app.sql(&format!(
        "UPDATE service_hours SET recorded_at = '{month_ago}' WHERE recorded_by = {}",
        a.social_worker.id
    ))
    .await;
    for _ in 0..2 {
        backfilled(&app, a, &a.social_worker, a.resident.id, 720, yesterday).await;
    }
    // The admin back-fills 10 hours: below the floor.
    backfilled(&app, a, &a.community_admin, a.volunteer.id, 600, yesterday).await;
    // The admin and the staff member credit each other three times; the staff member credits
    // the resident only one way.
    for _ in 0..3 {
        assert_eq!(
            adjust(&app, a.community, &a.staff, a.community_admin.id, 1)
                .await
                .0,
            StatusCode::CREATED
        );
        assert_eq!(
            adjust(&app, a.community, &a.community_admin, a.staff.id, 1)
                .await
                .0,
            StatusCode::CREATED
        );
        adjust(&app, a.community, &a.staff, a.resident.id, 1).await;
    }
    // Two credits back are not enough.
    for _ in 0..2 {
        adjust(&app, a.community, &a.community_admin, a.resident.id, 1).await;
    }

    let path = volunteers_path(a, "/anomalies");
    let (status, found) = app.get(&path, a.social_worker.token()).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["thresholds"]["spike_floor_minutes"], 1200);
    let spikes = found["backfill_spikes"].as_array().unwrap();
    assert_eq!(spikes.len(), 1, "{found}");
    assert_eq!(
        (
            &spikes[0]["user_id"],
            &spikes[0]["recent_minutes"],
            &spikes[0]["recent_records"]
        ),
        (&json!(a.staff.id), &json!(1440), &json!(2))
    );
    assert_eq!(spikes[0]["baseline_minutes"], 0);
    let pairs = found["mutual_credits"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{found}");
    let pair = &pairs[0];
    let mut people = [
        pair["first_user_id"].as_i64().unwrap(),
        pair["second_user_id"].as_i64().unwrap(),
    ];
    people.sort();
    let mut expected = [a.staff.id, a.community_admin.id];
    expected.sort();
    assert_eq!(people, expected);
    assert_eq!(
        (&pair["first_to_second"], &pair["second_to_first"]),
        (&json!(3), &json!(3))
    );
    assert!(pair["first_display_name"].is_string());

    refused_to_residents_and_other_communities(&app, &world, &path).await;
}

crate::backend_tests!(
    certificates_count_years_by_beijing_time_and_stars,
    leaderboards_rank_hours_and_points_earned_for_service,
    anomalies_flag_backfill_spikes_and_mutual_crediting,
);
