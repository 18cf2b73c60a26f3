//! Activities from draft to settled: sign-ups and the waitlist, attendance codes, check-in and
//! check-out, self-reported hours, review, cancellation, settlement into hours, points and time
//! credits, and the refusals along the way. The service's clock is moved forward instead of
//! waiting for an activity's hours to pass.

use crate::helpers::{TestApp, User};
use crate::points::{assert_ledger_sound, balance, set_rules};
use crate::world::{self, Side};
use chrono::{SecondsFormat, TimeDelta};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// An instant `minutes` from the service's now, as the API takes it.
pub fn at(app: &TestApp, minutes: i64) -> String {
    (app.state.clock.now() + TimeDelta::minutes(minutes))
        .and_utc()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `timestamp` (as the API gives it) moved by `minutes`.
pub fn shift(timestamp: &Value, minutes: i64) -> String {
    let parsed = chrono::DateTime::parse_from_rfc3339(timestamp.as_str().unwrap()).unwrap();
    (parsed + TimeDelta::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn advance(app: &TestApp, minutes: i64) {
    app.state.clock.advance(TimeDelta::minutes(minutes));
}

/// A two-hour activity starting in an hour, for two people, at 10 points an hour.
pub fn two_hours(app: &TestApp) -> Value {
    json!({
        "title": "小区环境清洁", "place": "中心花园", "capacity": 2,
        "starts_at": at(app, 60), "ends_at": at(app, 180),
        "required_skills": ["环保"], "points_rule": "per_hour", "points_amount": 10
    })
}

pub async fn time_credits(app: &TestApp, community: i64, user: &User) -> i64 {
    let (_, balances) = app
        .get(&format!("/communities/{community}/ledger/me"), user.token())
        .await;
    balances["time_credit_minutes"].as_i64().unwrap()
}

/// A three-hour activity tomorrow for fifty people, by the wall clock (for fixtures).
pub fn tomorrow() -> Value {
    let start = chrono::Utc::now() + TimeDelta::days(1);
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
    json!({
        "title": "敬老院探访", "place": "社区养老服务中心", "capacity": 50,
        "starts_at": stamp(start), "ends_at": stamp(start + TimeDelta::hours(3)),
        "points_rule": "fixed", "points_amount": 5
    })
}

pub fn path(side: &Side, activity: i64, rest: &str) -> String {
    format!(
        "/communities/{}/activities/{activity}{rest}",
        side.community
    )
}

/// Creates and publishes an activity; returns its id.
pub async fn published(app: &TestApp, side: &Side, body: Value) -> i64 {
    published_by(app, side, body, &side.staff).await
}

/// Created by staff, published by `publisher` (the resident served, for a time-bank service).
pub async fn published_by(app: &TestApp, side: &Side, body: Value, publisher: &User) -> i64 {
    let created = world::created(
        app,
        &format!("/communities/{}/activities", side.community),
        &side.staff,
        body,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    let (status, body) = app
        .post(&path(side, id, "/publish"), publisher.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

pub async fn sign_up(app: &TestApp, side: &Side, activity: i64, user: &User) -> Value {
    let (status, body) = app
        .post(&path(side, activity, "/signups"), user.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

pub async fn codes(
    app: &TestApp,
    side: &Side,
    activity: i64,
    purpose: &str,
    n: i32,
) -> Vec<String> {
    let body = world::created(
        app,
        &path(side, activity, "/codes"),
        &side.staff,
        json!({ "purpose": purpose, "count": n, "valid_minutes": 240 }),
    )
    .await;
    serde_json::from_value(body["codes"].clone()).unwrap()
}

pub async fn attend(
    app: &TestApp,
    side: &Side,
    activity: i64,
    user: &User,
    step: &str,
    code: &str,
) -> (StatusCode, Value) {
    app.post(
        &path(side, activity, &format!("/{step}")),
        user.token(),
        json!({ "code": code }),
    )
    .await
}

pub async fn step(app: &TestApp, side: &Side, activity: i64, name: &str) -> (StatusCode, Value) {
    app.post(
        &path(side, activity, &format!("/{name}")),
        side.staff.token(),
        json!(null),
    )
    .await
}

async fn an_activity_runs_from_draft_to_settled(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let list = format!("/communities/{}/activities", a.community);
    let draft = world::created(&app, &list, &a.staff, two_hours(&app)).await;
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(draft["status"], "draft");
    let (status, _) = app.get(&path(a, id, ""), a.resident.token()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "residents do not see drafts");
    let (status, body) = step(&app, a, id, "publish").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("published"))
    );

    let (_, listed) = app
        .get(&format!("{list}?skill=环保"), a.resident.token())
        .await;
    assert_eq!(listed["items"][0]["id"], id, "{listed}");
    let (_, listed) = app
        .get(&format!("{list}?skill=烹饪"), a.resident.token())
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);

    assert_eq!(
        sign_up(&app, a, id, &a.volunteer).await["status"],
        "confirmed"
    );
    assert_eq!(
        sign_up(&app, a, id, &a.resident).await["status"],
        "confirmed"
    );
    assert_eq!(
        sign_up(&app, a, id, &a.grid_worker).await["status"],
        "waitlisted"
    );
    let (status, _) = app
        .post(&path(a, id, "/signups"), a.resident.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "signing up twice");
    let (status, body) = app
        .call(
            Method::DELETE,
            &path(a, id, "/signups/me"),
            a.volunteer.token(),
            None,
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("withdrawn"))
    );
    let (_, mine) = app
        .get(&format!("{list}/mine"), a.grid_worker.token())
        .await;
    assert_eq!(
        mine["items"][0]["status"], "confirmed",
        "promoted from the waitlist: {mine}"
    );

    advance(&app, 60);
    let (_, view) = app.get(&path(a, id, ""), a.resident.token()).await;
    assert_eq!(view["status"], "in_progress");
    let check_in = codes(&app, a, id, "check_in", 2).await;
    let (status, body) = attend(&app, a, id, &a.resident, "check-in", &check_in[0]).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::CREATED, Some("open")),
        "{body}"
    );
    let (status, body) = attend(&app, a, id, &a.grid_worker, "check-in", &check_in[0]).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("code_used")),
        "a code works once: {body}"
    );
    // Typed by hand: lower case with a space still reads as the issued code.
    let typed = format!("{} {}", &check_in[1][..4], &check_in[1][4..]).to_lowercase();
    let (status, _) = attend(&app, a, id, &a.grid_worker, "check-in", &typed).await;
    assert_eq!(status, StatusCode::CREATED);

    advance(&app, 30);
    let check_out = codes(&app, a, id, "check_out", 2).await;
    let (status, body) = attend(&app, a, id, &a.grid_worker, "check-out", &check_out[0]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["status"].as_str(),
            body["flag"].as_str(),
            body["minutes"].as_i64()
        ),
        (Some("rejected"), Some("below_coverage"), Some(30)),
        "30 of 120 minutes is under 60%"
    );
    advance(&app, 100);
    let (status, body) = attend(&app, a, id, &a.resident, "check-out", &check_out[1]).await;
    assert_eq!(
        (status, body["status"].as_str(), body["minutes"].as_i64()),
        (StatusCode::OK, Some("verified"), Some(120)),
        "capped at the window: {body}"
    );

    let (status, _) = step(&app, a, id, "settle").await;
    assert_eq!(status, StatusCode::CONFLICT, "not before completion");
    let (status, body) = step(&app, a, id, "complete").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("completed"))
    );
    let (status, settled) = step(&app, a, id, "settle").await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    assert_eq!(settled["credits"].as_array().unwrap().len(), 1, "{settled}");
    assert_eq!(settled["credits"][0]["points"], 20);
    let (status, _) = step(&app, a, id, "settle").await;
    assert_eq!(status, StatusCode::CONFLICT, "settling twice");

    assert_eq!(balance(&app, a.community, &a.resident).await, 20);
    assert_eq!(balance(&app, a.community, &a.grid_worker).await, 0);
    let hours = app
        .count("SELECT COALESCE(SUM(minutes), 0) AS n FROM service_hours WHERE kind = 'credit'")
        .await;
    assert_eq!(hours, 120);
    let (_, entries) = app
        .get(
            &format!("/communities/{}/ledger/me/entries", a.community),
            a.resident.token(),
        )
        .await;
    assert_eq!(
        entries["items"][0]["kind"], "activity_settlement",
        "{entries}"
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn activity_terms_are_checked(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let list = format!("/communities/{}/activities", a.community);
    let mut body = two_hours(&app);
    body["ends_at"] = json!(at(&app, 30));
    body["grid_id"] = json!(b.grid);
    let (status, problem) = app.post(&list, a.staff.token(), body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["ends_at", "grid_id"], "{problem}");
    let (status, _) = app.post(&list, a.resident.token(), two_hours(&app)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&list, b.staff.token(), two_hours(&app)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM activities WHERE title = '小区环境清洁'")
            .await,
        0
    );

    let id = published(&app, a, two_hours(&app)).await;
    let (status, _) = app.get(&path(b, id, ""), b.staff.token()).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another community's activity"
    );
    sign_up(&app, a, id, &a.resident).await;
    sign_up(&app, a, id, &a.volunteer).await;
    let mut smaller = two_hours(&app);
    smaller["capacity"] = json!(1);
    let (status, problem) = app
        .call(
            Method::PUT,
            &path(a, id, ""),
            a.staff.token(),
            Some(smaller),
        )
        .await;
    assert_eq!(
        (status, problem["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("below_confirmed"))
    );
    let mut near = two_hours(&app);
    near["grid_id"] = json!(a.grid);
    let (status, edited) = app
        .call(Method::PUT, &path(a, id, ""), a.staff.token(), Some(near))
        .await;
    assert_eq!(
        (status, edited["grid_id"].as_i64()),
        (StatusCode::OK, Some(a.grid))
    );
    let (_, near_me) = app
        .get(&format!("{list}?near_me=true"), a.resident.token())
        .await;
    assert_eq!(near_me["items"][0]["id"], id, "{near_me}");
    let (_, far) = app
        .get(&format!("{list}?near_me=true"), a.staff.token())
        .await;
    assert_eq!(
        far["items"].as_array().unwrap().len(),
        0,
        "staff live elsewhere"
    );

    advance(&app, 61);
    let (status, _) = app
        .call(
            Method::PUT,
            &path(a, id, ""),
            a.staff.token(),
            Some(two_hours(&app)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "no edits once it has started");
    let (status, _) = app
        .post(&path(a, id, "/signups"), a.grid_worker.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "sign-ups closed at the start");
}

async fn cancelling_tells_everyone_and_costs_nobody_anything(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    set_rules(&app, &world, json!({ "time_bank_enabled": true })).await;
    let (status, body) = app
        .post(
            &format!("/communities/{}/points/adjustments", a.community),
            a.staff.token(),
            json!({ "user_id": a.resident.id, "asset": "time_credits", "amount": 60, "reason": "时间银行开户" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut visit = two_hours(&app);
    visit["ends_at"] = json!(at(&app, 90));
    visit["capacity"] = json!(1);
    visit["service_recipient_id"] = json!(a.resident.id);
    let id = published_by(&app, a, visit, &a.resident).await;
    assert_eq!(
        time_credits(&app, a.community, &a.resident).await,
        30,
        "30 minutes held in escrow"
    );
    sign_up(&app, a, id, &a.volunteer).await;
    let (status, body) = app
        .post(
            &path(a, id, "/cancel"),
            a.staff.token(),
            json!({ "reason": "暴雨预警" }),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    let (_, mine) = app
        .get(
            &format!("/communities/{}/activities/mine", a.community),
            a.volunteer.token(),
        )
        .await;
    assert_eq!(mine["items"][0]["status"], "cancelled");
    let (_, activity) = app.get(&path(a, id, ""), a.volunteer.token()).await;
    assert_eq!(activity["cancel_reason"], "暴雨预警");
    assert_eq!(
        time_credits(&app, a.community, &a.resident).await,
        60,
        "the escrow came back"
    );
    let (status, _) = app
        .post(
            &path(a, id, "/cancel"),
            a.staff.token(),
            json!({ "reason": "再次取消" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn a_time_bank_service_pays_its_provider_from_escrow(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    set_rules(&app, &world, json!({ "time_bank_enabled": true })).await;
    let mut visit = two_hours(&app);
    visit["title"] = json!("上门陪护");
    visit["ends_at"] = json!(at(&app, 150));
    visit["capacity"] = json!(1);
    visit["service_recipient_id"] = json!(a.resident.id);
    let created = world::created(
        &app,
        &format!("/communities/{}/activities", a.community),
        &a.staff,
        visit,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    let (status, _) = step(&app, a, id, "publish").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "staff cannot spend the resident's credits"
    );
    let publish = path(a, id, "/publish");
    let (status, body) = app.post(&publish, a.resident.token(), json!(null)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("insufficient_balance")),
        "the resident served has no credits yet"
    );
    let credit = json!({ "user_id": a.resident.id, "asset": "time_credits", "amount": 100, "reason": "家属转入" });
    let (status, _) = app
        .post(
            &format!("/communities/{}/points/adjustments", a.community),
            a.community_admin.token(),
            credit,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app.post(&publish, a.resident.token(), json!(null)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(&path(a, id, "/signups"), a.resident.token(), json!(null))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "nobody provides a service to themselves"
    );
    sign_up(&app, a, id, &a.volunteer).await;
    advance(&app, 60);
    let check_in = codes(&app, a, id, "check_in", 1).await;
    attend(&app, a, id, &a.volunteer, "check-in", &check_in[0]).await;
    advance(&app, 90);
    let check_out = codes(&app, a, id, "check_out", 1).await;
    attend(&app, a, id, &a.volunteer, "check-out", &check_out[0]).await;
    step(&app, a, id, "complete").await;
    let (status, settled) = step(&app, a, id, "settle").await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    assert_eq!(settled["credits"][0]["time_credits"], 90, "{settled}");
    assert_eq!(settled["credits"][0]["points"], 15);
    assert_eq!(
        time_credits(&app, a.community, &a.volunteer).await,
        90,
        "paid by the resident, not issued"
    );
    assert_eq!(
        time_credits(&app, a.community, &a.resident).await,
        10,
        "100 less the 90 minutes served"
    );
    assert_ledger_sound(&app, &world, a.community).await;

    // An ordinary activity in a time-bank community deposits credits from issuance.
    let id = published(&app, a, two_hours(&app)).await;
    sign_up(&app, a, id, &a.grid_worker).await;
    advance(&app, 60);
    let check_in = codes(&app, a, id, "check_in", 1).await;
    attend(&app, a, id, &a.grid_worker, "check-in", &check_in[0]).await;
    advance(&app, 120);
    let check_out = codes(&app, a, id, "check_out", 1).await;
    attend(&app, a, id, &a.grid_worker, "check-out", &check_out[0]).await;
    step(&app, a, id, "complete").await;
    step(&app, a, id, "settle").await;
    assert_eq!(time_credits(&app, a.community, &a.grid_worker).await, 120);
    assert_ledger_sound(&app, &world, a.community).await;
}

/// Residents signing up at once never take more places than there are; parallel settle calls
/// credit once.
async fn concurrent_sign_ups_and_settlements(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let mut people = Vec::new();
    for n in 0..12 {
        let phone = format!("1390000{n:04}");
        people.push(
            world::verified_resident(&app, a.community, a.household, &a.staff, &phone, "居民")
                .await,
        );
    }
    let mut body = two_hours(&app);
    body["capacity"] = json!(5);
    let id = published(&app, a, body).await;
    let signups = path(a, id, "/signups");
    let results = futures_util::future::join_all(
        people
            .iter()
            .map(|p| app.post(&signups, p.token(), json!(null))),
    )
    .await;
    let confirmed = results
        .iter()
        .filter(|(_, b)| b["status"] == "confirmed")
        .count();
    let waitlisted = results
        .iter()
        .filter(|(_, b)| b["status"] == "waitlisted")
        .count();
    assert_eq!((confirmed, waitlisted), (5, 7), "{results:?}");

    advance(&app, 60);
    let check_in = codes(&app, a, id, "check_in", 5).await;
    let check_out = codes(&app, a, id, "check_out", 5).await;
    let (_, signups) = app.get(&path(a, id, "/signups"), a.staff.token()).await;
    let attending: Vec<&User> = people
        .iter()
        .filter(|p| {
            signups["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["user_id"] == p.id && s["status"] == "confirmed")
        })
        .collect();
    assert_eq!(attending.len(), 5);
    for (person, code) in attending.iter().zip(&check_in) {
        let (status, body) = attend(&app, a, id, person, "check-in", code).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    advance(&app, 120);
    for (person, code) in attending.iter().zip(&check_out) {
        attend(&app, a, id, person, "check-out", code).await;
    }
    step(&app, a, id, "complete").await;
    let results =
        futures_util::future::join_all((0..20).map(|_| step(&app, a, id, "settle"))).await;
    let settled = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let refused = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CONFLICT)
        .count();
    assert_eq!((settled, refused), (1, 19), "{results:?}");
    for person in &attending {
        assert_eq!(balance(&app, a.community, person).await, 20);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM service_hours").await,
        5,
        "one record per participant"
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn the_waitlist_is_served_in_order(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let mut body = two_hours(&app);
    body["capacity"] = json!(1);
    let id = published(&app, a, body).await;
    sign_up(&app, a, id, &a.resident).await;
    let queue = [&a.volunteer, &a.grid_worker, &a.social_worker];
    for person in queue {
        assert_eq!(sign_up(&app, a, id, person).await["status"], "waitlisted");
    }
    let withdraw = path(a, id, "/signups/me");
    for (leaving, next) in [(&a.resident, &a.volunteer), (&a.volunteer, &a.grid_worker)] {
        let (status, _) = app
            .call(Method::DELETE, &withdraw, leaving.token(), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, signups) = app.get(&path(a, id, "/signups"), a.staff.token()).await;
        let confirmed: Vec<i64> = signups["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["status"] == "confirmed")
            .map(|s| s["user_id"].as_i64().unwrap())
            .collect();
        assert_eq!(confirmed, [next.id], "{signups}");
    }
}

crate::backend_tests!(
    an_activity_runs_from_draft_to_settled,
    activity_terms_are_checked,
    cancelling_tells_everyone_and_costs_nobody_anything,
    a_time_bank_service_pays_its_provider_from_escrow,
    concurrent_sign_ups_and_settlements,
    the_waitlist_is_served_in_order,
);
