//! Attendance at activities: codes and their refusals, self-reported hours and their review,
//! sessions nobody checked out of, and ids from elsewhere.

use crate::activities::{advance, attend, codes, path, published, shift, sign_up, step, two_hours};
use crate::helpers::TestApp;
use crate::notifications::inbox;
use crate::points::{assert_ledger_sound, balance, set_rules};
use crate::world;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn attendance_is_refused_outside_its_rules(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let id = published(&app, a, two_hours(&app)).await;
    let other = published(&app, a, two_hours(&app)).await;
    sign_up(&app, a, id, &a.resident).await;
    sign_up(&app, a, other, &a.resident).await;
    let early = codes(&app, a, id, "check_in", 1).await;
    let (status, _) = attend(&app, a, id, &a.resident, "check-in", &early[0]).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "more than 30 minutes before the start"
    );

    advance(&app, 45);
    let short_lived = world::created(
        &app,
        &path(a, id, "/codes"),
        &a.staff,
        json!({ "purpose": "check_in", "valid_minutes": 1 }),
    )
    .await;
    advance(&app, 2);
    let expired = short_lived["codes"][0].as_str().unwrap();
    let (status, body) = attend(&app, a, id, &a.resident, "check-in", expired).await;
    assert_eq!(body["errors"][0]["code"], "code_expired", "{status} {body}");
    let foreign = codes(&app, a, other, "check_in", 1).await;
    let (_, body) = attend(&app, a, id, &a.resident, "check-in", &foreign[0]).await;
    assert_eq!(
        body["errors"][0]["code"], "unknown_code",
        "another activity's code"
    );
    let (_, body) = attend(&app, a, id, &a.resident, "check-out", &early[0]).await;
    assert_eq!(
        body["code"], "invalid_state",
        "checking out before checking in: {body}"
    );
    let (status, _) = attend(&app, a, id, &a.volunteer, "check-in", &early[0]).await;
    assert_eq!(status, StatusCode::CONFLICT, "not signed up");
    let (status, _) = attend(&app, b, id, &b.resident, "check-in", &early[0]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "through another community");

    let (status, body) = attend(&app, a, id, &a.resident, "check-in", &early[0]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = attend(&app, a, other, &a.resident, "check-in", &foreign[0]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("schedule_conflict")),
        "two activities at once"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM attendance_codes WHERE used_at IS NOT NULL")
            .await,
        1,
        "refusals leave codes unused"
    );
}

async fn self_reported_and_unclosed_hours_wait_for_review(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = published(&app, a, two_hours(&app)).await;
    sign_up(&app, a, id, &a.resident).await;
    sign_up(&app, a, id, &a.volunteer).await;
    advance(&app, 60);
    let check_in = codes(&app, a, id, "check_in", 1).await;
    attend(&app, a, id, &a.volunteer, "check-in", &check_in[0]).await;
    advance(&app, 130);
    let (_, activity) = app.get(&path(a, id, ""), a.staff.token()).await;
    let start = &activity["starts_at"];
    // Minutes from the activity's start.
    let report = |from: i64, to: i64| json!({ "started_at": shift(start, from), "ended_at": shift(start, to) });
    let attendance = path(a, id, "/attendance");
    let (status, body) = app
        .post(&attendance, a.resident.token(), report(0, 110))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "pending");
    let reported = body["id"].as_i64().unwrap();
    let (status, body) = app
        .post(&attendance, a.resident.token(), report(-70, 110))
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("started_at")),
        "before the window: {body}"
    );

    let (status, body) = step(&app, a, id, "complete").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, pending) = app
        .get(&format!("{attendance}?status=pending"), a.staff.token())
        .await;
    let flagged = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user_id"] == a.volunteer.id)
        .expect("the unclosed session waits for review");
    assert_eq!(flagged["flag"], "missing_check_out");
    assert_eq!(flagged["minutes"], 120, "closed at the end of the window");
    let (status, body) = step(&app, a, id, "settle").await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (StatusCode::CONFLICT, Some("pending_review"))
    );

    let decide = |attendance_id: &Value, verb: &str| {
        path(a, id, &format!("/attendance/{attendance_id}/{verb}"))
    };
    let (status, _) = app
        .post(
            &decide(&flagged["id"], "approve"),
            a.resident.token(),
            json!(null),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "residents do not approve hours"
    );
    let (status, body) = app
        .post(
            &decide(&json!(reported), "reject"),
            a.staff.token(),
            json!({ "reason": "当天未见到本人" }),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("rejected"))
    );
    let (status, _) = app
        .post(
            &decide(&json!(reported), "approve"),
            a.staff.token(),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");
    let (status, _) = app
        .post(
            &decide(&flagged["id"], "approve"),
            a.staff.token(),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, settled) = step(&app, a, id, "settle").await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    assert_eq!(balance(&app, a.community, &a.volunteer).await, 20);
    assert_eq!(balance(&app, a.community, &a.resident).await, 0);
    assert_ledger_sound(&app, &world, a.community).await;
    // One notice for what the settlement credited, however many postings made it up.
    let told = inbox(&app, &a.volunteer, "", "en").await;
    let credited: Vec<&Value> = told["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "points_credited")
        .collect();
    assert_eq!(credited.len(), 1, "{told}");
    assert!(
        credited[0]["body"].as_str().unwrap().contains("20"),
        "{told}"
    );
    let resident = inbox(&app, &a.resident, "", "en").await;
    assert!(
        !resident.to_string().contains("points_credited"),
        "{resident}"
    );
}

async fn organisers_cannot_approve_their_own_hours(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = published(&app, a, two_hours(&app)).await;
    sign_up(&app, a, id, &a.staff).await;
    advance(&app, 180);
    let (_, activity) = app.get(&path(a, id, ""), a.staff.token()).await;
    let start = &activity["starts_at"];
    let (status, body) = app
        .post(
            &path(a, id, "/attendance"),
            a.staff.token(),
            json!({ "started_at": shift(start, 0), "ended_at": shift(start, 120) }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let approve = path(a, id, &format!("/attendance/{}/approve", body["id"]));
    let (status, _) = app.post(&approve, a.staff.token(), json!(null)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(&approve, a.social_worker.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "a second organiser may");
}

/// The overnight sweep closes sessions nobody checked out of, at the end of their day.
async fn a_forgotten_check_out_is_closed_overnight(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = published(&app, a, two_hours(&app)).await;
    sign_up(&app, a, id, &a.resident).await;
    advance(&app, 60);
    let check_in = codes(&app, a, id, "check_in", 1).await;
    attend(&app, a, id, &a.resident, "check-in", &check_in[0]).await;
    let clock = app.state.clock.clone();
    let sweep = || {
        let clock = clock.clone();
        app.state
            .db
            .write(move |conn| wushe::activities::review::close_overnight(conn, clock.now()))
    };
    assert_eq!(sweep().await.unwrap(), 0, "the day is not over");
    advance(&app, 24 * 60);
    assert_eq!(sweep().await.unwrap(), 1);
    let (_, mine) = app
        .get(&path(a, id, "/attendance/me"), a.resident.token())
        .await;
    assert_eq!(
        (mine["status"].as_str(), mine["flag"].as_str()),
        (Some("pending"), Some("missing_check_out")),
        "{mine}"
    );
}

async fn nobody_verifies_their_own_hours_with_their_own_codes(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = published(&app, a, two_hours(&app)).await;
    sign_up(&app, a, id, &a.staff).await;
    advance(&app, 60);
    let own = codes(&app, a, id, "check_in", 1).await;
    let (status, body) = attend(&app, a, id, &a.staff, "check-in", &own[0]).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("own_code")),
        "{body}"
    );
    let colleague = world::created(
        &app,
        &path(a, id, "/codes"),
        &a.social_worker,
        json!({ "purpose": "check_in" }),
    )
    .await;
    let code = colleague["codes"][0].as_str().unwrap();
    let (status, _) = attend(&app, a, id, &a.staff, "check-in", code).await;
    assert_eq!(status, StatusCode::CREATED, "a colleague's code works");
    let (status, _) = app
        .call(
            Method::DELETE,
            &path(a, id, "/signups/me"),
            a.staff.token(),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no withdrawing once checked in"
    );
    let mut edited = two_hours(&app);
    edited["title"] = json!("改期");
    let (status, _) = app
        .call(
            Method::PUT,
            &path(a, id, ""),
            a.social_worker.token(),
            Some(edited),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no edits once someone has checked in"
    );
}

async fn a_rejected_attempt_makes_way_for_another(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = published(&app, a, two_hours(&app)).await;
    sign_up(&app, a, id, &a.resident).await;
    advance(&app, 60);
    let check_in = codes(&app, a, id, "check_in", 2).await;
    let check_out = codes(&app, a, id, "check_out", 2).await;
    let (_, body) = attend(&app, a, id, &a.resident, "check-in", &check_out[0]).await;
    assert_eq!(
        body["errors"][0]["code"], "unknown_code",
        "a check-out code is not a check-in code"
    );
    attend(&app, a, id, &a.resident, "check-in", &check_in[0]).await;
    advance(&app, 5);
    let (_, body) = attend(&app, a, id, &a.resident, "check-out", &check_out[0]).await;
    assert_eq!(
        body["status"], "rejected",
        "checked out by mistake after five minutes"
    );
    let (status, body) = attend(&app, a, id, &a.resident, "check-in", &check_in[1]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    advance(&app, 115);
    let (_, body) = attend(&app, a, id, &a.resident, "check-out", &check_out[1]).await;
    assert_eq!(
        (body["status"].as_str(), body["minutes"].as_i64()),
        (Some("verified"), Some(115))
    );
}

async fn ids_from_elsewhere_are_not_found(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    set_rules(&app, &world, json!({ "time_bank_enabled": true })).await;
    let mut visit = two_hours(&app);
    visit["service_recipient_id"] = json!(b.resident.id);
    visit["team_id"] = json!(b.volunteer_team);
    let (status, body) = app
        .post(
            &format!("/communities/{}/activities", a.community),
            a.staff.token(),
            visit,
        )
        .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        (status, fields),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["team_id", "service_recipient_id"]
        )
    );
    let first = published(&app, a, two_hours(&app)).await;
    let second = published(&app, a, two_hours(&app)).await;
    sign_up(&app, a, first, &a.resident).await;
    advance(&app, 150);
    let (_, activity) = app.get(&path(a, first, ""), a.staff.token()).await;
    let start = &activity["starts_at"];
    let (status, report) = app
        .post(
            &path(a, first, "/attendance"),
            a.resident.token(),
            json!({ "started_at": shift(start, 0), "ended_at": shift(start, 90) }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let approve = |activity: i64| {
        path(
            a,
            activity,
            &format!("/attendance/{}/approve", report["id"]),
        )
    };
    let (status, _) = app
        .post(&approve(second), a.staff.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "through another activity");
    let (status, _) = app
        .post(
            &format!(
                "/communities/{}/activities/{first}/attendance/{}/approve",
                b.community, report["id"]
            ),
            b.staff.token(),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "through another community");
    let (status, _) = app
        .post(&approve(first), a.staff.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::OK);
}

crate::backend_tests!(
    attendance_is_refused_outside_its_rules,
    self_reported_and_unclosed_hours_wait_for_review,
    organisers_cannot_approve_their_own_hours,
    a_forgotten_check_out_is_closed_overnight,
    nobody_verifies_their_own_hours_with_their_own_codes,
    a_rejected_attempt_makes_way_for_another,
    ids_from_elsewhere_are_not_found,
);
