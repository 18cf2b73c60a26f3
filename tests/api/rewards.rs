//! The rewards shop (爱心超市): stocking items, redeeming points for them, handing them over
//! and cancelling (retries and races are in `rewards_races`). An item off the shelf answers 404
//! to a redemption, as it is missing from the residents' list. After each test the ledger must
//! balance and verify.

use crate::helpers::{TestApp, User};
use crate::points::{adjust, assert_ledger_sound, balance};
use crate::world::{self, Side, created};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub fn items_path(side: &Side) -> String {
    format!("/communities/{}/rewards/items", side.community)
}

/// Staff of `side` put an item on the shelf; returns its id.
pub async fn stock_item(app: &TestApp, side: &Side, item: Value) -> i64 {
    created(app, &items_path(side), &side.staff, item).await["id"]
        .as_i64()
        .unwrap()
}

pub async fn redeem(
    app: &TestApp,
    side: &Side,
    item: i64,
    user: &User,
    quantity: i64,
) -> (StatusCode, Value) {
    app.post(
        &format!("{}/{item}/redemptions", items_path(side)),
        user.token(),
        json!({ "quantity": quantity }),
    )
    .await
}

/// What is left of an item, as staff see it.
pub async fn stock_of(app: &TestApp, side: &Side, item: i64) -> i64 {
    let path = format!("{}?include_inactive=true&limit=100", items_path(side));
    let (status, list) = app.get(&path, side.staff.token()).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let found = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == item);
    found.unwrap()["stock"].as_i64().unwrap()
}

async fn decide(
    app: &TestApp,
    side: &Side,
    redemption: &Value,
    action: &str,
    user: &User,
    body: Value,
) -> (StatusCode, Value) {
    let path = format!(
        "/communities/{}/rewards/redemptions/{}/{action}",
        side.community, redemption["id"]
    );
    app.post(&path, user.token(), body).await
}

fn listed_ids(list: &Value) -> Vec<i64> {
    let items = list["items"].as_array().unwrap();
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

async fn staff_stock_the_shop_and_residents_see_what_is_on_the_shelf(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let item = json!({
        "name": "大米 5kg", "description": "粮油店捐赠", "price_points": 50, "stock": 10,
        "per_person_limit": 1
    });
    let (status, _) = app
        .post(&items_path(a), a.resident.token(), item.clone())
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "residents do not stock the shop"
    );
    let (status, body) = app
        .post(&items_path(a), b.staff.token(), item.clone())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    for (field, bad) in [
        ("price_points", json!(0)),
        ("stock", json!(-1)),
        ("name", json!(" ")),
        ("per_person_limit", json!(0)),
    ] {
        let mut wrong = item.clone();
        wrong[field] = bad;
        let (status, body) = app.post(&items_path(a), a.staff.token(), wrong).await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{body}"
        );
    }
    let rice = created(&app, &items_path(a), &a.staff, item).await;
    assert_eq!(
        (rice["active"].as_bool(), rice["stock"].as_i64()),
        (Some(true), Some(10))
    );
    let (status, list) = app.get(&items_path(a), a.resident.token()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(listed_ids(&list).contains(&rice["id"].as_i64().unwrap()));

    // Off the shelf: gone for residents, still there for staff who ask.
    let edit = format!("{}/{}", items_path(a), rice["id"]);
    let change = json!({ "name": "大米 5kg", "price_points": 60, "stock": 8, "active": false });
    let (status, _) = app
        .call(Method::PUT, &edit, a.resident.token(), Some(change.clone()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(Method::PUT, &edit, b.staff.token(), Some(change.clone()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another community's staff");
    let foreign = format!("{}/{}", items_path(b), rice["id"]);
    let (status, _) = app
        .call(Method::PUT, &foreign, b.staff.token(), Some(change.clone()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another community's item");
    let (status, edited) = app
        .call(Method::PUT, &edit, a.staff.token(), Some(change))
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        (edited["active"].as_bool(), edited["price_points"].as_i64()),
        (Some(false), Some(60))
    );
    assert_eq!(
        edited["description"],
        Value::Null,
        "PUT replaces the whole item"
    );
    let (_, list) = app.get(&items_path(a), a.resident.token()).await;
    assert!(!listed_ids(&list).contains(&rice["id"].as_i64().unwrap()));
    let all = format!("{}?include_inactive=true", items_path(a));
    let (status, _) = app.get(&all, a.resident.token()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, list) = app.get(&all, a.staff.token()).await;
    assert!(listed_ids(&list).contains(&rice["id"].as_i64().unwrap()));
    let (status, _) = app.get(&items_path(a), world.outsider.token()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let log = format!(
        "/communities/{}/audit-log?action=rewards.item_updated",
        a.community
    );
    let (_, log) = app.get(&log, a.community_admin.token()).await;
    let entry = &log["items"][0];
    assert_eq!(
        (
            entry["before"]["price_points"].as_i64(),
            entry["after"]["price_points"].as_i64()
        ),
        (Some(50), Some(60)),
        "{log}"
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn a_redemption_pays_takes_stock_and_shows_on_the_statement(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    adjust(&app, a.community, &a.staff, a.resident.id, 100).await;
    let oil = stock_item(
        &app,
        a,
        json!({ "name": "食用油", "price_points": 30, "stock": 5 }),
    )
    .await;
    let (status, redemption) = redeem(&app, a, oil, &a.resident, 2).await;
    assert_eq!(status, StatusCode::CREATED, "{redemption}");
    assert_eq!(
        (
            redemption["status"].as_str(),
            redemption["points"].as_i64(),
            redemption["item_name"].as_str()
        ),
        (Some("reserved"), Some(60), Some("食用油"))
    );
    assert_eq!(balance(&app, a.community, &a.resident).await, 40);
    assert_eq!(stock_of(&app, a, oil).await, 3);

    let statement = format!("/communities/{}/ledger/me/entries", a.community);
    let (_, statement) = app.get(&statement, a.resident.token()).await;
    let entry = &statement["items"][0];
    assert_eq!(
        (entry["kind"].as_str(), entry["amount"].as_i64()),
        (Some("redemption"), Some(-60))
    );
    assert_eq!(entry["reference"]["type"], "redemption");
    assert_eq!(entry["reference"]["id"], redemption["id"]);
    assert_eq!(entry["transaction_id"], redemption["transaction_id"]);

    let mine = format!("/communities/{}/rewards/redemptions/mine", a.community);
    let (_, mine) = app.get(&mine, a.resident.token()).await;
    assert_eq!(listed_ids(&mine), [redemption["id"].as_i64().unwrap()]);
    let (_, nothing) = app
        .get(
            &format!("/communities/{}/rewards/redemptions/mine", a.community),
            a.volunteer.token(),
        )
        .await;
    assert!(listed_ids(&nothing).is_empty(), "only one's own");
    let all = format!("/communities/{}/rewards/redemptions", a.community);
    let (status, _) = app.get(&all, a.resident.token()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for filter in ["status=reserved", &format!("user_id={}", a.resident.id)] {
        let (_, listed) = app.get(&format!("{all}?{filter}"), a.staff.token()).await;
        assert_eq!(listed_ids(&listed).len(), 1, "{filter}: {listed}");
    }
    let (_, none) = app
        .get(&format!("{all}?status=collected"), a.staff.token())
        .await;
    assert!(listed_ids(&none).is_empty());

    let summary = format!("/communities/{}/ledger/summary", a.community);
    let (_, summary) = app.get(&summary, a.staff.token()).await;
    assert_eq!(summary["assets"][0]["redeemed"], 60, "{summary}");
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn redemptions_are_refused_beyond_balance_stock_limit_and_shelf(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    adjust(&app, a.community, &a.staff, a.resident.id, 100).await;
    let expect = |(status, body): (StatusCode, Value), want: (StatusCode, Option<&str>)| {
        assert_eq!((status, body["code"].as_str()), want, "{body}");
    };
    let conflict = |code| (StatusCode::CONFLICT, Some(code));

    let tv = stock_item(
        &app,
        a,
        json!({ "name": "电视", "price_points": 500, "stock": 1 }),
    )
    .await;
    expect(
        redeem(&app, a, tv, &a.resident, 1).await,
        conflict("insufficient_balance"),
    );
    let soap = stock_item(
        &app,
        a,
        json!({ "name": "肥皂", "price_points": 5, "stock": 1 }),
    )
    .await;
    expect(
        redeem(&app, a, soap, &a.resident, 2).await,
        conflict("out_of_stock"),
    );
    let eggs = json!({ "name": "鸡蛋", "price_points": 10, "stock": 10, "per_person_limit": 2 });
    let eggs = stock_item(&app, a, eggs).await;
    let (status, first) = redeem(&app, a, eggs, &a.resident, 1).await;
    assert_eq!(status, StatusCode::CREATED);
    expect(
        redeem(&app, a, eggs, &a.resident, 2).await,
        conflict("limit_exceeded"),
    );
    assert_eq!(
        redeem(&app, a, eggs, &a.resident, 1).await.0,
        StatusCode::CREATED
    );
    expect(
        redeem(&app, a, eggs, &a.resident, 1).await,
        conflict("limit_exceeded"),
    );
    // A cancelled redemption no longer counts against the limit.
    let (status, _) = decide(&app, a, &first, "cancel", &a.resident, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        redeem(&app, a, eggs, &a.resident, 1).await.0,
        StatusCode::CREATED
    );

    let hidden = json!({ "name": "旧货", "price_points": 1, "stock": 5, "active": false });
    let hidden = stock_item(&app, a, hidden).await;
    expect(
        redeem(&app, a, hidden, &a.resident, 1).await,
        (StatusCode::NOT_FOUND, Some("not_found")),
    );
    let theirs = stock_item(
        &app,
        b,
        json!({ "name": "毛巾", "price_points": 1, "stock": 5 }),
    )
    .await;
    expect(
        redeem(&app, a, theirs, &a.resident, 1).await,
        (StatusCode::NOT_FOUND, Some("not_found")),
    );
    expect(
        redeem(&app, b, theirs, &a.resident, 1).await,
        (StatusCode::NOT_FOUND, Some("not_found")),
    );
    for quantity in [0, 21] {
        let (status, body) = redeem(&app, a, soap, &a.resident, quantity).await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("quantity"))
        );
    }
    assert_eq!(
        balance(&app, a.community, &a.resident).await,
        80,
        "two eggs"
    );
    assert_eq!(
        (stock_of(&app, a, tv).await, stock_of(&app, a, soap).await),
        (1, 1)
    );
    assert_eq!(stock_of(&app, a, eggs).await, 8);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn staff_hand_items_over_and_cancelling_refunds_once(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    adjust(&app, a.community, &a.staff, a.resident.id, 100).await;
    let mask = stock_item(
        &app,
        a,
        json!({ "name": "口罩", "price_points": 25, "stock": 3 }),
    )
    .await;
    let (_, handed) = redeem(&app, a, mask, &a.resident, 1).await;
    let (_, called_off) = redeem(&app, a, mask, &a.resident, 1).await;
    let (status, _) = app
        .post(
            &format!(
                "/communities/{}/ledger/transactions/{}/reversal",
                a.community, handed["transaction_id"]
            ),
            a.community_admin.token(),
            json!({ "reason": "想退积分" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a redemption is undone by cancelling it, which also returns the stock"
    );

    let (status, _) = decide(&app, a, &handed, "collect", &a.resident, json!({})).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "residents do not hand items over"
    );
    let (status, _) = decide(&app, a, &handed, "collect", &b.staff, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another community's staff");
    let (status, _) = decide(&app, b, &handed, "collect", &b.staff, json!({})).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another community's redemption"
    );
    let (status, collected) = decide(&app, a, &handed, "collect", &a.staff, json!({})).await;
    assert_eq!(
        (
            status,
            collected["status"].as_str(),
            collected["decided_by"].as_i64()
        ),
        (StatusCode::OK, Some("collected"), Some(a.staff.id))
    );
    let reason = json!({ "reason": "居民不需要了" });
    for (action, body) in [("collect", json!({})), ("cancel", reason.clone())] {
        let (status, _) = decide(&app, a, &handed, action, &a.staff, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{action} after collection");
    }

    let (status, body) = decide(&app, a, &called_off, "cancel", &a.staff, json!({})).await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")),
        "staff give a reason"
    );
    let (status, _) = decide(&app, a, &called_off, "cancel", &a.volunteer, reason.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not one's own");
    let (status, cancelled) =
        decide(&app, a, &called_off, "cancel", &a.staff, reason.clone()).await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    assert_eq!(cancelled["cancel_reason"], "居民不需要了");
    assert!(cancelled["refund_transaction_id"].is_i64(), "{cancelled}");
    assert_eq!(balance(&app, a.community, &a.resident).await, 75);
    assert_eq!(stock_of(&app, a, mask).await, 2);
    for (action, body) in [("cancel", reason.clone()), ("collect", json!({}))] {
        let (status, _) = decide(&app, a, &called_off, action, &a.staff, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{action} after cancellation");
    }
    // The refund undoes the payment, so the ledger cannot undo it a second time.
    let reversal = format!(
        "/communities/{}/ledger/transactions/{}/reversal",
        a.community, called_off["transaction_id"]
    );
    let (status, _) = app
        .post(
            &reversal,
            a.community_admin.token(),
            json!({ "reason": "再退一次" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (_, own) = redeem(&app, a, mask, &a.resident, 1).await;
    let (status, own) = decide(&app, a, &own, "cancel", &a.resident, json!({})).await;
    assert_eq!(
        (status, own["decided_by"].as_i64()),
        (StatusCode::OK, Some(a.resident.id))
    );
    assert_eq!(balance(&app, a.community, &a.resident).await, 75);
    let statement = format!("/communities/{}/ledger/me/entries", a.community);
    let (_, statement) = app.get(&statement, a.resident.token()).await;
    let entry = &statement["items"][0];
    assert_eq!(
        (entry["kind"].as_str(), entry["amount"].as_i64()),
        (Some("redemption_refund"), Some(25))
    );
    let log = format!(
        "/communities/{}/audit-log?action=rewards.cancelled",
        a.community
    );
    let (_, log) = app.get(&log, a.community_admin.token()).await;
    assert_eq!(listed_ids(&log).len(), 2, "{log}");
    assert_ledger_sound(&app, &world, a.community).await;
}

crate::backend_tests!(
    staff_stock_the_shop_and_residents_see_what_is_on_the_shelf,
    a_redemption_pays_takes_stock_and_shows_on_the_statement,
    redemptions_are_refused_beyond_balance_stock_limit_and_shelf,
    staff_hand_items_over_and_cancelling_refunds_once,
);
