//! Volunteers: profiles (validation, filters, privacy), teams and their leaders, and honour
//! hours back-filled by staff. Certificates, leaderboards and anomaly flags are in
//! `volunteer_reports`.

use crate::helpers::{TestApp, User};
use crate::world::{self, Side};
use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub fn volunteers_path(side: &Side, rest: &str) -> String {
    format!("/communities/{}/volunteers{rest}", side.community)
}

pub async fn put(app: &TestApp, path: &str, user: &User, body: Value) -> (StatusCode, Value) {
    app.call(Method::PUT, path, user.token(), Some(body)).await
}

/// Saves `user`'s profile in `side`'s community; returns it.
pub async fn save_profile(app: &TestApp, side: &Side, user: &User, body: Value) -> Value {
    let (status, profile) = put(app, &volunteers_path(side, "/me"), user, body).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    profile
}

pub fn backfill_body(minutes: i64, served_at: DateTime<Utc>) -> Value {
    json!({
        "served_at": served_at, "minutes": minutes, "description": "社区环境整治",
        "evidence": "签到表 2026-017"
    })
}

/// `by` back-fills `minutes` of honour hours for `user_id`, served at `served_at`.
pub async fn backfill(
    app: &TestApp,
    side: &Side,
    by: &User,
    user_id: i64,
    minutes: i64,
    served_at: DateTime<Utc>,
) -> (StatusCode, Value) {
    let path = volunteers_path(side, &format!("/{user_id}/service-hours"));
    app.post(&path, by.token(), backfill_body(minutes, served_at))
        .await
}

/// Like [`backfill`], which must succeed.
pub async fn backfilled(
    app: &TestApp,
    side: &Side,
    by: &User,
    user_id: i64,
    minutes: i64,
    served_at: DateTime<Utc>,
) {
    let (status, body) = backfill(app, side, by, user_id, minutes, served_at).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// The community's audit entries of `action`, newest first.
pub async fn audit_entries(app: &TestApp, side: &Side, action: &str) -> Vec<Value> {
    let path = format!("/communities/{}/audit-log?action={action}", side.community);
    let (status, log) = app.get(&path, side.community_admin.token()).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    log["items"].as_array().unwrap().clone()
}

fn ids(list: &Value) -> Vec<i64> {
    let items = list["items"].as_array().unwrap();
    items
        .iter()
        .map(|i| i["user_id"].as_i64().unwrap())
        .collect()
}

fn error_field(body: &Value) -> (&str, &str) {
    let error = &body["errors"][0];
    (
        error["field"].as_str().unwrap_or(""),
        error["code"].as_str().unwrap_or(""),
    )
}

async fn profiles_are_saved_replaced_validated_and_private(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let me = volunteers_path(a, "/me");
    let first = json!({
        "skills": [" 维修 ", "维修", "医疗"],
        "availability": [
            { "weekday": 3, "period": "morning" }, { "weekday": 3, "period": "morning" },
            { "weekday": 6, "period": "evening" }
        ],
        "dual_report": true, "dual_report_unit": "  岳麓区财政局党支部 ", "introduction": "退休电工"
    });
    let saved = save_profile(&app, a, &a.resident, first).await;
    assert_eq!(
        saved["skills"],
        json!(["医疗", "维修"]),
        "trimmed, deduplicated"
    );
    assert_eq!(saved["availability"].as_array().unwrap().len(), 2);
    assert_eq!(saved["dual_report_unit"], "岳麓区财政局党支部");
    assert_eq!(saved["service"]["star_level"], 0);
    let (status, read) = app.get(&me, a.resident.token()).await;
    assert_eq!(
        (status, &read["skills"]),
        (StatusCode::OK, &saved["skills"])
    );

    // Replacing drops what is not sent again; a unit without 双报到 is not kept.
    let second = json!({
        "skills": ["书法"], "availability": [{ "weekday": 6, "period": "afternoon" }],
        "dual_report": false, "dual_report_unit": "某单位"
    });
    let replaced = save_profile(&app, a, &a.resident, second).await;
    assert_eq!(replaced["skills"], json!(["书法"]));
    assert_eq!(replaced["dual_report_unit"], Value::Null);
    assert_eq!(replaced["introduction"], Value::Null);
    assert_eq!(replaced["created_at"], saved["created_at"]);

    let too_many: Vec<String> = (0..11).map(|n| format!("技能{n}")).collect();
    for (body, field, code) in [
        (
            json!({ "dual_report": true }),
            "dual_report_unit",
            "required",
        ),
        (json!({ "skills": too_many }), "skills", "length"),
        (
            json!({ "skills": ["一".repeat(21)] }),
            "skills",
            "invalid_skill",
        ),
        (
            json!({ "availability": [{ "weekday": 8, "period": "morning" }] }),
            "availability[0].weekday",
            "range",
        ),
        (
            json!({ "availability": [{ "weekday": 1, "period": "night" }] }),
            "availability[0].period",
            "invalid_value",
        ),
    ] {
        let (status, problem) = put(&app, &me, &a.volunteer, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(error_field(&problem), (field, code), "{body}: {problem}");
    }
    assert_eq!(
        put(&app, &me, &a.member, json!({})).await.0,
        StatusCode::FORBIDDEN,
        "a member awaiting verification cannot volunteer yet"
    );
    assert_eq!(
        put(&app, &me, &world.outsider, json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&me, a.staff.token()).await.0, StatusCode::NOT_FOUND);

    let volunteer = json!({
        "skills": ["维修"], "availability": [{ "weekday": 3, "period": "evening" }],
        "dual_report": true, "dual_report_unit": "湖南大学党委"
    });
    save_profile(&app, a, &a.volunteer, volunteer).await;
    let list = |query: &'static str| {
        let path = volunteers_path(a, &format!("?{query}"));
        let app = &app;
        let token = a.staff.access.clone();
        async move { app.get(&path, Some(&token)).await }
    };
    let (status, all) = list("").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(
        ids(&all),
        [a.resident.id, a.volunteer.id],
        "newest account first"
    );
    assert_eq!(ids(&list("skill=维修").await.1), [a.volunteer.id]);
    assert_eq!(ids(&list("dual_report=true").await.1), [a.volunteer.id]);
    assert_eq!(ids(&list("dual_report=false").await.1), [a.resident.id]);
    assert_eq!(ids(&list("available_weekday=6").await.1), [a.resident.id]);
    assert_eq!(
        ids(&list("available_weekday=6&skill=维修").await.1),
        [] as [i64; 0]
    );
    let (status, paged) = list("limit=1").await;
    assert_eq!((status, ids(&paged)), (StatusCode::OK, vec![a.resident.id]));
    assert!(paged["next_cursor"].is_string());
    let (status, problem) = list("available_weekday=8").await;
    assert_eq!(
        (status, error_field(&problem).0),
        (StatusCode::UNPROCESSABLE_ENTITY, "available_weekday")
    );

    // Staff and the volunteer themselves read a profile; nobody sees contact details.
    let resident_path = volunteers_path(a, &format!("/{}", a.resident.id));
    let (status, profile) = app.get(&resident_path, a.social_worker.token()).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(
        app.get(&resident_path, a.resident.token()).await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&resident_path, a.volunteer.token()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&volunteers_path(a, ""), a.resident.token()).await.0,
        StatusCode::FORBIDDEN
    );
    for body in [&all, &profile, &saved] {
        let text = body.to_string();
        assert!(
            !text.contains("1370000") && !text.contains("phone"),
            "{text}"
        );
        assert!(
            !text.contains("address") && !text.contains("id_number"),
            "{text}"
        );
    }
    assert_eq!(
        app.get(&resident_path, b.staff.token()).await.0,
        StatusCode::NOT_FOUND,
        "another community's staff"
    );
    let through_b = volunteers_path(b, &format!("/{}", a.resident.id));
    assert_eq!(
        app.get(&through_b, b.staff.token()).await.0,
        StatusCode::NOT_FOUND,
        "not known in community B"
    );
    let logged = audit_entries(&app, a, "volunteers.profile_saved").await;
    assert_eq!(
        logged.len(),
        3,
        "two saves by the resident, one by the volunteer"
    );
}

async fn teams_are_run_by_staff_and_their_leaders(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let teams = volunteers_path(a, "/teams");
    let team = json!({ "name": "助老服务队", "description": "陪伴独居老人" });
    let (status, _) = app.post(&teams, a.resident.token(), team.clone()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "residents do not create teams"
    );
    assert_eq!(
        app.post(&teams, b.staff.token(), team.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let created = world::created(&app, &teams, &a.staff, team.clone()).await;
    let (status, taken) = app.post(&teams, a.social_worker.token(), team).await;
    assert_eq!(
        (status, error_field(&taken)),
        (StatusCode::CONFLICT, ("name", "already_exists"))
    );
    let team_path = format!("{teams}/{}", created["id"]);
    assert_eq!(
        app.get(&team_path, b.staff.token()).await.0,
        StatusCode::NOT_FOUND
    );
    let foreign = volunteers_path(b, &format!("/teams/{}", created["id"]));
    assert_eq!(
        app.get(&foreign, b.staff.token()).await.0,
        StatusCode::NOT_FOUND,
        "another community's team id"
    );

    let member_path = |user: &User| format!("{team_path}/members/{}", user.id);
    // `by` makes `user` the team's `role`: (status, role answered or error field and code).
    let set_role = |user: &User, by: &User, role: &'static str| {
        let (app, path, token) = (&app, member_path(user), by.access.clone());
        async move {
            let body = json!({ "role": role });
            let (status, body) = app.call(Method::PUT, &path, Some(&token), Some(body)).await;
            let outcome = match body["role"].as_str() {
                Some(role) => (role.to_owned(), String::new()),
                None => {
                    let (field, code) = error_field(&body);
                    (field.to_owned(), code.to_owned())
                }
            };
            (status, outcome)
        }
    };
    let answered = |status, role: &str| (status, (role.to_owned(), String::new()));
    let refused = |status, field: &str, code: &str| (status, (field.to_owned(), code.to_owned()));
    assert_eq!(
        set_role(&a.volunteer, &a.staff, "leader").await,
        refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "user_id",
            "no_volunteer_profile"
        )
    );
    for user in [&a.volunteer, &a.resident, &a.grid_worker] {
        save_profile(&app, a, user, json!({ "skills": ["陪伴"] })).await;
    }
    assert_eq!(
        set_role(&a.volunteer, &a.staff, "leader").await,
        answered(StatusCode::OK, "leader")
    );
    assert_eq!(
        set_role(&a.resident, &a.volunteer, "member").await,
        answered(StatusCode::OK, "member"),
        "a leader adds members"
    );
    assert_eq!(
        set_role(&a.grid_worker, &a.resident, "member").await.0,
        StatusCode::FORBIDDEN,
        "a plain member does not"
    );
    let remove = |user: &User, by: &User| {
        let (app, path, token) = (&app, member_path(user), by.access.clone());
        async move { app.call(Method::DELETE, &path, Some(&token), None).await.0 }
    };
    assert_eq!(
        remove(&a.volunteer, &a.resident).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(remove(&a.volunteer, &b.staff).await, StatusCode::NOT_FOUND);

    let (status, detail) = app.get(&team_path, a.resident.token()).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["member_count"], 2);
    let members = detail["members"].as_array().unwrap();
    assert_eq!(
        (members[0]["user_id"].as_i64(), members[0]["role"].as_str()),
        (Some(a.volunteer.id), Some("leader"))
    );
    assert_eq!(members[1]["display_name"], "居民");
    assert!(!detail.to_string().contains("1370000"), "{detail}");

    // The only leader stays until someone else leads.
    assert_eq!(
        set_role(&a.volunteer, &a.volunteer, "member").await,
        refused(StatusCode::CONFLICT, "user_id", "last_leader")
    );
    assert_eq!(remove(&a.volunteer, &a.staff).await, StatusCode::CONFLICT);
    assert_eq!(
        set_role(&a.resident, &a.volunteer, "leader").await,
        answered(StatusCode::OK, "leader")
    );
    assert_eq!(
        set_role(&a.volunteer, &a.volunteer, "member").await,
        answered(StatusCode::OK, "member")
    );
    assert_eq!(
        remove(&a.volunteer, &a.resident).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        remove(&a.volunteer, &a.resident).await,
        StatusCode::NO_CONTENT,
        "removing again changes nothing"
    );

    let other = world::created(&app, &teams, &a.staff, json!({ "name": "环保队" })).await;
    let rename = |name: &str| json!({ "name": name });
    let (status, _) = put(&app, &team_path, &a.staff, rename("环保队")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = put(&app, &team_path, &a.volunteer, rename("新名字")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "leaders do not rename teams");
    let (status, renamed) = put(&app, &team_path, &a.staff, rename("助老陪伴队")).await;
    assert_eq!(
        (status, renamed["name"].as_str()),
        (StatusCode::OK, Some("助老陪伴队"))
    );
    let (status, list) = app.get(&teams, a.volunteer.token()).await;
    assert_eq!(status, StatusCode::OK);
    let listed: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            other["id"].as_i64().unwrap(),
            created["id"].as_i64().unwrap(),
            a.volunteer_team
        ]
    );
    assert_eq!(
        app.get(&teams, a.member.token()).await.0,
        StatusCode::FORBIDDEN
    );
    let removed = audit_entries(&app, a, "volunteers.team_member_removed").await;
    assert_eq!(removed.len(), 1);
}

async fn honour_hours_are_backfilled_with_evidence_and_earn_no_points(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let yesterday = Utc::now() - Duration::days(1);
    let (status, hours) = backfill(&app, a, &a.staff, a.volunteer.id, 90, yesterday).await;
    assert_eq!(status, StatusCode::CREATED, "{hours}");
    assert_eq!(
        (
            hours["kind"].as_str(),
            hours["points"].as_i64(),
            hours["minutes"].as_i64()
        ),
        (Some("honour"), Some(0), Some(90))
    );
    assert_eq!(hours["evidence"], "签到表 2026-017");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM ledger_transactions")
            .await,
        0
    );

    let (status, problem) = backfill(&app, a, &a.staff, a.staff.id, 60, yesterday).await;
    assert_eq!(
        (status, error_field(&problem)),
        (StatusCode::FORBIDDEN, ("user_id", "self_backfill"))
    );
    let path = volunteers_path(a, &format!("/{}/service-hours", a.volunteer.id));
    let mut no_evidence = backfill_body(60, yesterday);
    no_evidence.as_object_mut().unwrap().remove("evidence");
    let long_ago = Utc::now() - Duration::days(6 * 366);
    for (body, field, code) in [
        (no_evidence, "evidence", "required"),
        (backfill_body(721, yesterday), "minutes", "range"),
        (
            backfill_body(60, Utc::now() + Duration::hours(2)),
            "served_at",
            "in_future",
        ),
        (backfill_body(60, long_ago), "served_at", "too_old"),
    ] {
        let (status, problem) = app.post(&path, a.staff.token(), body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(error_field(&problem), (field, code));
    }
    let refused = [
        (&a.resident, a.volunteer.id, StatusCode::FORBIDDEN),
        (&b.staff, a.volunteer.id, StatusCode::NOT_FOUND),
        (&a.staff, b.resident.id, StatusCode::NOT_FOUND),
        (&a.staff, a.member.id, StatusCode::NOT_FOUND),
    ];
    for (by, user_id, want) in refused {
        assert_eq!(backfill(&app, a, by, user_id, 60, yesterday).await.0, want);
    }

    // A retried back-fill is recorded once.
    let send = || {
        app.client
            .post(app.url(&path))
            .bearer_auth(&a.social_worker.access)
            .header("Idempotency-Key", "backfill-1")
            .json(&backfill_body(45, yesterday))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM service_hours").await,
        2
    );

    let (status, list) = app.get(&path, a.volunteer.token()).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| i["minutes"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [45, 90],
        "most recently recorded first"
    );
    assert_eq!(app.get(&path, a.staff.token()).await.0, StatusCode::OK);
    assert_eq!(
        app.get(&path, a.resident.token()).await.0,
        StatusCode::FORBIDDEN
    );
    let (_, balances) = app
        .get(
            &format!("/communities/{}/ledger/me", a.community),
            a.volunteer.token(),
        )
        .await;
    assert_eq!(balances["points"], 0, "honour hours earn no points");
    let entries = audit_entries(&app, a, "volunteers.hours_backfilled").await;
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["after"]["flagged"] == true));
}

crate::backend_tests!(
    profiles_are_saved_replaced_validated_and_private,
    teams_are_run_by_staff_and_their_leaders,
    honour_hours_are_backfilled_with_evidence_and_earn_no_points,
);
