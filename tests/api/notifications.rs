//! The inbox and notification settings: what people are told, in their language, only to
//! them, once per reminder.

use crate::activities::sign_up;
use crate::helpers::{TestApp, User};
use crate::points::adjust;
use crate::rewards::redeem;
use crate::world;
use chrono::TimeDelta;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use wushe::jobs::{Job, scheduler};

crate::backend_tests!(
    the_inbox_tells_of_points_and_redemptions_in_the_readers_language,
    settings_have_defaults_and_decide_the_channels,
    an_activity_reminder_is_given_once,
    a_new_notice_is_pushed_to_the_persons_stream
);

pub async fn inbox(app: &TestApp, user: &User, query: &str, lang: &str) -> Value {
    let response = app
        .client
        .get(app.url(&format!("/me/notifications{query}")))
        .bearer_auth(&user.access)
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

pub async fn unread(app: &TestApp, user: &User) -> i64 {
    let (status, body) = app
        .get("/me/notifications/unread-count", user.token())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["unread"].as_i64().unwrap()
}

/// Runs the outbox job, returning its summary of email and webhook deliveries (without the
/// live pushes, which every notice makes).
pub async fn deliver(app: &TestApp) -> String {
    let summary = run_job(app, Job::Outbox).await;
    summary.split(", ").take(4).collect::<Vec<_>>().join(", ")
}

/// Runs a scheduled job now on `app`, returning its summary.
pub async fn run_job(app: &TestApp, job: Job) -> String {
    match scheduler::attempt(&app.state, job, true).await.unwrap() {
        scheduler::Ran::Done(Ok(summary)) => summary,
        other => panic!("{} did not run: {other:?}", job.as_str()),
    }
}

async fn the_inbox_tells_of_points_and_redemptions_in_the_readers_language(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let (status, body) = adjust(&app, a.community, &a.staff, a.resident.id, 100).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = redeem(&app, a, a.reward_item, &a.resident, 2).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let redemption = body["id"].as_i64().unwrap();

    let zh = inbox(&app, &a.resident, "", "zh-CN").await;
    let items = zh["items"].as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["redemption_ready", "points_credited"], "{zh}");
    assert_eq!(items[0]["title"], "兑换成功，请领取");
    assert_eq!(
        items[0]["body"],
        "您兑换的「环保购物袋」×2 已为您预留，请到社区服务站领取。"
    );
    assert_eq!(
        items[0]["subject"],
        json!({"type": "redemption", "id": redemption})
    );
    assert_eq!(items[0]["community_id"], a.community);
    assert_eq!(items[1]["title"], "积分到账 +100");
    let en = inbox(&app, &a.resident, "", "en").await;
    assert_eq!(en["items"][1]["title"], "+100 points");
    assert_eq!(
        en["items"][1]["body"],
        "100 points were credited to your account: 人工调整：志愿服务补录"
    );

    // Only the resident is told; the staff member who acted and the other side hear nothing.
    assert_eq!(unread(&app, &a.resident).await, 2);
    assert_eq!(unread(&app, &a.staff).await, 0);
    assert_eq!(unread(&app, &world.b.resident).await, 0);
    let newest = items[0]["id"].as_i64().unwrap();
    let older = items[1]["id"].as_i64().unwrap();
    let read = |id: i64| format!("/me/notifications/{id}/read");
    let (status, _) = app
        .post(&read(newest), world.b.resident.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another person's notice");
    for _ in 0..2 {
        let (status, _) = app
            .post(&read(newest), a.resident.token(), json!(null))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    assert_eq!(unread(&app, &a.resident).await, 1);
    let unread_only = inbox(&app, &a.resident, "?unread=true", "zh").await;
    assert_eq!(unread_only["items"].as_array().unwrap().len(), 1);
    assert_eq!(unread_only["items"][0]["id"], older);
    let page = inbox(&app, &a.resident, "?limit=1", "zh").await;
    assert_eq!(page["items"][0]["id"], newest);
    let next = page["next_cursor"].as_str().unwrap();
    let rest = inbox(&app, &a.resident, &format!("?limit=1&cursor={next}"), "zh").await;
    assert_eq!(rest["items"][0]["id"], older);
    assert!(rest["next_cursor"].is_null());

    // "Read all" up to what the app has shown leaves a newer notice unread.
    adjust(&app, a.community, &a.staff, a.resident.id, 5).await;
    let (status, body) = app
        .post(
            "/me/notifications/read-all",
            a.resident.token(),
            json!({ "up_to": newest }),
        )
        .await;
    assert_eq!((status, body["marked"].as_i64()), (StatusCode::OK, Some(1)));
    assert_eq!(unread(&app, &a.resident).await, 1);
    let (status, body) = app
        .post("/me/notifications/read-all", a.resident.token(), json!({}))
        .await;
    assert_eq!((status, body["marked"].as_i64()), (StatusCode::OK, Some(1)));
    assert_eq!(unread(&app, &a.resident).await, 0);
    let (status, _) = app.get("/me/notifications", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn settings_have_defaults_and_decide_the_channels(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let (status, settings) = app
        .get("/me/notification-settings", a.resident.token())
        .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["locale"], "zh-CN");
    assert_eq!(settings["email_digest"], false);
    let kinds = settings["kinds"].as_array().unwrap();
    assert_eq!(kinds.len(), 11);
    let choice = |settings: &Value, kind: &str| {
        settings["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kind"] == kind)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        choice(&settings, "vote_opened"),
        json!({"kind": "vote_opened", "email": true, "webhook": true})
    );
    assert_eq!(
        choice(&settings, "points_credited"),
        json!({"kind": "points_credited", "email": true, "webhook": false})
    );

    // Bad changes are refused whole.
    for bad in [
        json!({ "kinds": [{ "kind": "lottery_won", "email": true, "webhook": true }] }),
        json!({ "locale": "fr" }),
        json!({ "locale": "en", "is_platform_admin": true }),
        json!({ "kinds": [{ "kind": "vote_opened", "email": "yes", "webhook": true }] }),
    ] {
        let (status, body) = app
            .call(
                Method::PUT,
                "/me/notification-settings",
                a.resident.token(),
                Some(bad.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    let (_, unchanged) = app
        .get("/me/notification-settings", a.resident.token())
        .await;
    assert_eq!(unchanged, settings);

    let change = json!({
        "locale": "en",
        "kinds": [{ "kind": "points_credited", "email": false, "webhook": true }]
    });
    let (status, changed) = app
        .call(
            Method::PUT,
            "/me/notification-settings",
            a.resident.token(),
            Some(change),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["locale"], "en");
    assert_eq!(changed["email_digest"], false);
    assert_eq!(
        choice(&changed, "points_credited"),
        json!({"kind": "points_credited", "email": false, "webhook": true})
    );
    assert_eq!(choice(&changed, "vote_opened")["email"], true);

    // The channels follow the choices: email off, the gateway on for points; someone who
    // said nothing gets email by default and no gateway message.
    for user in [&a.resident, &a.volunteer] {
        app.sql(&format!(
            "UPDATE users SET email = 'u{}@example.cn' WHERE id = {}",
            user.id, user.id
        ))
        .await;
        adjust(&app, a.community, &a.staff, user.id, 10).await;
    }
    let channels = |user: &User| {
        format!(
            "SELECT channel AS t FROM outbox WHERE user_id = {} AND channel <> 'live' ORDER BY channel",
            user.id
        )
    };
    assert_eq!(app.texts(&channels(&a.resident)).await, ["webhook"]);
    assert_eq!(app.texts(&channels(&a.volunteer)).await, ["email"]);
}

async fn an_activity_reminder_is_given_once(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    sign_up(&app, a, a.activity, &a.volunteer).await;
    let (_, activity) = app
        .get(
            &format!("/communities/{}/activities/{}", a.community, a.activity),
            a.staff.token(),
        )
        .await;
    let starts_at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(activity["starts_at"].clone()).unwrap();
    let starts_at = starts_at.naive_utc();
    // More than a day ahead nobody is reminded; within a day, each person once.
    let ahead = starts_at - app.state.clock.now();
    if ahead > TimeDelta::hours(24) {
        run_job(&app, Job::Reminders).await;
        assert_eq!(unread(&app, &a.volunteer).await, 0);
        app.state.clock.advance(ahead - TimeDelta::hours(2));
    }
    let summary = run_job(&app, Job::Reminders).await;
    assert!(summary.starts_with("reminded 1 of activities"), "{summary}");
    let again = run_job(&app, Job::Reminders).await;
    assert!(again.starts_with("reminded 0 of activities"), "{again}");
    let told = inbox(&app, &a.volunteer, "", "zh").await;
    assert_eq!(told["items"].as_array().unwrap().len(), 1, "{told}");
    assert_eq!(told["items"][0]["kind"], "activity_reminder");
    assert!(
        told["items"][0]["body"]
            .as_str()
            .unwrap()
            .contains("请准时参加"),
        "{told}"
    );
    assert_eq!(unread(&app, &a.resident).await, 0, "not signed up");
}

async fn a_new_notice_is_pushed_to_the_persons_stream(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let mut stream = app
        .client
        .get(app.url("/me/events"))
        .bearer_auth(&a.resident.access)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    adjust(&app, a.community, &a.staff, a.resident.id, 30).await;
    let summary = run_job(&app, Job::Outbox).await;
    assert!(summary.ends_with(", 1 pushed live"), "{summary}");
    assert!(
        run_job(&app, Job::Outbox)
            .await
            .ends_with(", 0 pushed live"),
        "pushed once"
    );
    let newest = inbox(&app, &a.resident, "", "zh").await["items"][0]["id"].clone();
    let mut received = String::new();
    while !received.contains("event: notification") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), stream.chunk())
            .await
            .expect("the push arrives")
            .unwrap()
            .expect("the stream stays open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    let data = received
        .split("event: notification\ndata: ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap();
    let data: Value = serde_json::from_str(data).unwrap();
    assert_eq!(
        data["topic"],
        json!({ "type": "user", "id": a.resident.id })
    );
    assert_eq!(data["data"], json!({ "id": newest, "unread": 1 }));
}
