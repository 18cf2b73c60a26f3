//! Points through the ledger: staff adjustments, approvals, limits, gifts, reversals, expiry,
//! idempotent retries and concurrency. After each test the ledger must balance per asset and
//! its hash chain must verify.

use crate::helpers::{TestApp, User};
use crate::world::{self, World};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub async fn balance(app: &TestApp, community: i64, user: &User) -> i64 {
    let (status, body) = app
        .get(&format!("/communities/{community}/ledger/me"), user.token())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["points"].as_i64().unwrap()
}

pub async fn adjust(
    app: &TestApp,
    community: i64,
    by: &User,
    user_id: i64,
    amount: i64,
) -> (StatusCode, Value) {
    app.post(
        &format!("/communities/{community}/points/adjustments"),
        by.token(),
        json!({ "user_id": user_id, "asset": "points", "amount": amount, "reason": "志愿服务补录" }),
    )
    .await
}

pub async fn set_rules(app: &TestApp, world: &World, changes: Value) {
    let path = format!("/communities/{}/points/settings", world.a.community);
    let (_, mut rules) = app.get(&path, world.a.community_admin.token()).await;
    for (key, value) in changes.as_object().unwrap() {
        rules[key] = value.clone();
    }
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &path,
            world.a.community_admin.token(),
            Some(rules),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The ledger of the community balances and its chain verifies.
pub async fn assert_ledger_sound(app: &TestApp, world: &World, community: i64) {
    let (status, report) = app
        .get(
            &format!("/communities/{community}/ledger/verify"),
            world.admin.token(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["valid"], true, "{report}");
    for (asset, sum) in report["sums"].as_object().unwrap() {
        assert_eq!(sum, 0, "{asset} does not balance");
    }
}

async fn adjustments_post_at_once_below_the_threshold_and_need_a_second_person_above(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let (status, small) = adjust(&app, a.community, &a.staff, a.resident.id, 30).await;
    assert_eq!(
        (status, small["status"].as_str()),
        (StatusCode::CREATED, Some("approved")),
        "{small}"
    );
    assert_eq!(balance(&app, a.community, &a.resident).await, 30);

    let (status, large) = adjust(&app, a.community, &a.staff, a.resident.id, 150).await;
    assert_eq!(
        (status, large["status"].as_str()),
        (StatusCode::CREATED, Some("pending"))
    );
    assert_eq!(
        balance(&app, a.community, &a.resident).await,
        30,
        "pending posts nothing"
    );
    let approve = format!(
        "/communities/{}/points/adjustments/{}/approve",
        a.community, large["id"]
    );
    let (status, _) = app.post(&approve, a.staff.token(), json!({})).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the requester cannot approve their own"
    );
    let (status, approved) = app
        .post(&approve, a.community_admin.token(), json!({}))
        .await;
    assert_eq!(
        (status, approved["status"].as_str()),
        (StatusCode::OK, Some("approved"))
    );
    let (status, _) = app
        .post(&approve, a.community_admin.token(), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "approved once only");
    assert_eq!(balance(&app, a.community, &a.resident).await, 180);

    // The statement explains every entry, newest first.
    let (_, statement) = app
        .get(
            &format!("/communities/{}/ledger/me/entries", a.community),
            a.resident.token(),
        )
        .await;
    let items = statement["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (
            items[0]["amount"].as_i64(),
            items[0]["balance_after"].as_i64()
        ),
        (Some(150), Some(180))
    );
    assert_eq!(items[0]["kind"], "adjustment");
    assert_eq!(items[0]["reference"]["type"], "adjustment");
    assert!(items[0]["memo"].as_str().unwrap().contains("志愿服务补录"));

    // Rejections and the audit trail.
    let (_, pending) = adjust(&app, a.community, &a.staff, a.resident.id, -120).await;
    let reject = format!(
        "/communities/{}/points/adjustments/{}/reject",
        a.community, pending["id"]
    );
    let (status, rejected) = app
        .post(
            &reject,
            a.community_admin.token(),
            json!({ "reason": "无证明材料" }),
        )
        .await;
    assert_eq!(
        (status, rejected["status"].as_str()),
        (StatusCode::OK, Some("rejected"))
    );
    let (_, log) = app
        .get(
            &format!(
                "/communities/{}/audit-log?action=points.adjusted",
                a.community
            ),
            a.community_admin.token(),
        )
        .await;
    let entries = log["items"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{log}");
    assert!(entries.iter().all(|e| e["after"]["flagged"] == true));
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn adjustments_are_refused_for_oneself_past_the_daily_limit_and_beyond_the_balance(
    app: TestApp,
) {
    let world = world::build(&app).await;
    let a = &world.a;
    let (status, body) = adjust(&app, a.community, &a.staff, a.staff.id, 10).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = adjust(&app, a.community, &a.staff, world.b.resident.id, 10).await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("user_id")),
        "not a member of this community"
    );
    let (status, body) = adjust(&app, a.community, &a.staff, a.resident.id, -5).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("insufficient_balance"))
    );
    assert_eq!(balance(&app, a.community, &a.resident).await, 0);
    set_rules(&app, &world, json!({ "adjustment_daily_limit": 100 })).await;
    assert_eq!(
        adjust(&app, a.community, &a.staff, a.resident.id, 60)
            .await
            .0,
        StatusCode::CREATED
    );
    let (status, body) = adjust(&app, a.community, &a.staff, a.resident.id, 50).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("limit_exceeded"))
    );
    // Another staff member has a limit of their own.
    assert_eq!(
        adjust(&app, a.community, &a.community_admin, a.resident.id, 50)
            .await
            .0,
        StatusCode::CREATED
    );
    for bad in [json!(0), json!(2_000_000), json!("10"), json!(1.5)] {
        let (status, body) = app
            .post(
                &format!("/communities/{}/points/adjustments", a.community),
                a.staff.token(),
                json!({ "user_id": a.resident.id, "asset": "points", "amount": bad, "reason": "测试用例" }),
            )
            .await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("amount")),
            "{bad}: {body}"
        );
    }
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn concurrent_debits_never_overdraw(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    set_rules(
        &app,
        &world,
        json!({ "adjustment_daily_limit": 1_000_000, "adjustment_approval_threshold": 1_000 }),
    )
    .await;
    assert_eq!(
        adjust(&app, a.community, &a.staff, a.resident.id, 50)
            .await
            .0,
        StatusCode::CREATED
    );
    let results = futures_util::future::join_all(
        (0..200).map(|_| adjust(&app, a.community, &a.staff, a.resident.id, -1)),
    )
    .await;
    let succeeded = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let refused = results
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["code"] == "insufficient_balance")
        .count();
    assert_eq!(
        (succeeded, refused),
        (50, 150),
        "{:?}",
        results.iter().find(|(s, _)| !s.is_success())
    );
    assert_eq!(balance(&app, a.community, &a.resident).await, 0);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn a_retried_write_happens_once(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let path = format!("/communities/{}/points/adjustments", a.community);
    let body =
        json!({ "user_id": a.resident.id, "asset": "points", "amount": 7, "reason": "重试测试" });
    let send = |body: Value| {
        app.client
            .post(app.url(&path))
            .bearer_auth(&a.staff.access)
            .header("Idempotency-Key", "tap-1")
            .json(&body)
            .send()
    };
    let responses = futures_util::future::join_all((0..100).map(|_| send(body.clone()))).await;
    let mut ids = std::collections::BTreeSet::new();
    for response in responses {
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.insert(
            response.json::<Value>().await.unwrap()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    assert_eq!(ids.len(), 1, "every replay answers with the first result");
    assert_eq!(balance(&app, a.community, &a.resident).await, 7);
    let transactions = app
        .count("SELECT COUNT(*) AS n FROM ledger_transactions")
        .await;
    assert_eq!(transactions, 1);
    let response = send(
        json!({ "user_id": a.resident.id, "asset": "points", "amount": 8, "reason": "重试测试" }),
    )
    .await
    .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "same key, different request"
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn gifts_stay_in_the_household_and_within_the_monthly_limit(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    adjust(&app, a.community, &a.staff, a.resident.id, 100).await;
    set_rules(&app, &world, json!({ "gift_monthly_limit_points": 60 })).await;
    let path = format!("/communities/{}/points/gifts", a.community);
    let gift =
        |to: i64, amount: i64| json!({ "to_user_id": to, "asset": "points", "amount": amount });
    // The assisted resident lives in the same household as the resident.
    let (status, body) = app
        .post(&path, a.resident.token(), gift(a.assisted_resident, 40))
        .await;
    assert_eq!(
        (status, body["remaining_this_month"].as_i64()),
        (StatusCode::CREATED, Some(20)),
        "{body}"
    );
    let (status, body) = app
        .post(&path, a.resident.token(), gift(a.assisted_resident, 30))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("limit_exceeded"))
    );
    let (status, _) = app
        .post(&path, a.resident.token(), gift(a.volunteer.id, 10))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not the same household");
    let (status, _) = app
        .post(&path, a.resident.token(), gift(a.resident.id, 10))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not to oneself");
    assert_eq!(balance(&app, a.community, &a.resident).await, 60);
    let (_, assisted) = app
        .get(
            &format!(
                "/communities/{}/ledger/members/{}",
                a.community, a.assisted_resident
            ),
            a.staff.token(),
        )
        .await;
    assert_eq!(assisted["points"], 40);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn reversals_undo_once_and_tampering_is_detected(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let (_, credit) = adjust(&app, a.community, &a.staff, a.resident.id, 25).await;
    let reversal = format!(
        "/communities/{}/ledger/transactions/{}/reversal",
        a.community, credit["transaction_id"]
    );
    let reason = json!({ "reason": "重复录入" });
    let (status, _) = app.post(&reversal, a.staff.token(), reason.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff cannot reverse");
    let (status, body) = app
        .post(&reversal, a.community_admin.token(), reason.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(balance(&app, a.community, &a.resident).await, 0);
    let (status, _) = app
        .post(&reversal, a.community_admin.token(), reason.clone())
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "reversed once only");
    let foreign = format!(
        "/communities/{}/ledger/transactions/{}/reversal",
        world.b.community, credit["transaction_id"]
    );
    let (status, _) = app
        .post(&foreign, world.b.community_admin.token(), reason)
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another community's transaction"
    );
    assert_ledger_sound(&app, &world, a.community).await;

    // The database refuses edits; someone who disables that is still caught by the chain.
    let edit = "UPDATE ledger_entries SET amount = amount * 10 WHERE amount = 25";
    assert!(
        app.state
            .db
            .run(move |c| Ok(diesel::RunQueryDsl::execute(diesel::sql_query(edit), c)?))
            .await
            .is_err()
    );
    match app.state.db.target().backend_name() {
        "sqlite" => {
            app.sql("DROP TRIGGER ledger_entries_append_only_update")
                .await;
        }
        _ => {
            app.sql("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only")
                .await;
        }
    }
    app.sql("UPDATE ledger_entries SET amount = 250, balance_after = 250 WHERE amount = 25")
        .await;
    let (_, report) = app
        .get(
            &format!("/communities/{}/ledger/verify", a.community),
            world.admin.token(),
        )
        .await;
    assert_eq!(report["valid"], false, "{report}");
    assert!(
        report["problems"][0].as_str().unwrap().contains("hash"),
        "{report}"
    );
}

async fn unspent_points_expire_oldest_first(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    set_rules(&app, &world, json!({ "points_expiry_months": 12 })).await;
    adjust(&app, a.community, &a.staff, a.resident.id, 80).await;
    adjust(&app, a.community, &a.staff, a.resident.id, -30).await;
    let community = a.community;
    let expire = |months_ahead: u32| {
        app.state.db.write(move |conn| {
            let at = wushe::db::now()
                .checked_add_months(chrono::Months::new(months_ahead))
                .unwrap();
            wushe::points::expiry::expire_community(conn, community, None, at)
        })
    };
    let early = expire(6).await.unwrap();
    assert_eq!(early.points, 0, "nothing is old enough yet");
    let due = expire(13).await.unwrap();
    assert_eq!((due.accounts, due.points), (1, 50), "earned 80, spent 30");
    assert_eq!(
        expire(13).await.unwrap().points,
        0,
        "a second run finds nothing"
    );
    assert_eq!(balance(&app, a.community, &a.resident).await, 0);
    let (_, summary) = app
        .get(
            &format!("/communities/{}/ledger/summary", a.community),
            a.staff.token(),
        )
        .await;
    assert_eq!(summary["assets"][0]["expired"], 50, "{summary}");
    assert_eq!(summary["assets"][0]["held_by_people"], 0);
    assert_ledger_sound(&app, &world, a.community).await;
}

crate::backend_tests!(
    adjustments_post_at_once_below_the_threshold_and_need_a_second_person_above,
    adjustments_are_refused_for_oneself_past_the_daily_limit_and_beyond_the_balance,
    concurrent_debits_never_overdraw,
    a_retried_write_happens_once,
    gifts_stay_in_the_household_and_within_the_monthly_limit,
    reversals_undo_once_and_tampering_is_detected,
    unspent_points_expire_oldest_first,
);
