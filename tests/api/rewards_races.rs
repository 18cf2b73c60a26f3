//! The rewards shop under retries and races: a replayed redemption happens once, and parallel
//! redemptions never overdraw a balance, pass a per-person limit or sell more than the stock.

use crate::helpers::{TestApp, distinct_bodies, tally};
use crate::points::{adjust, assert_ledger_sound, balance};
use crate::rewards::{items_path, redeem, stock_item, stock_of};
use crate::world;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

async fn a_retried_redemption_happens_once(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    adjust(&app, a.community, &a.staff, a.resident.id, 100).await;
    let tea = stock_item(
        &app,
        a,
        json!({ "name": "茶叶", "price_points": 10, "stock": 50 }),
    )
    .await;
    let path = format!("{}/{tea}/redemptions", items_path(a));
    let send = |quantity: i64| {
        app.client
            .post(app.url(&path))
            .bearer_auth(&a.resident.access)
            .header("Idempotency-Key", "tap-tea")
            .json(&json!({ "quantity": quantity }))
            .send()
    };
    let responses = join_all((0..30).map(|_| send(2))).await;
    assert_eq!(
        distinct_bodies(responses, StatusCode::CREATED).await,
        1,
        "every replay answers with the first result"
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM redemptions").await, 1);
    assert_eq!(balance(&app, a.community, &a.resident).await, 80);
    assert_eq!(stock_of(&app, a, tea).await, 48);
    let response = send(3).await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "same key, different request"
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn concurrent_redemptions_never_overdraw(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    adjust(&app, a.community, &a.staff, a.resident.id, 80).await;
    let pen = stock_item(
        &app,
        a,
        json!({ "name": "圆珠笔", "price_points": 2, "stock": 1000 }),
    )
    .await;
    let results = join_all((0..200).map(|_| redeem(&app, a, pen, &a.resident, 1))).await;
    let count = |want: StatusCode, code: Option<&str>| tally(&results, want, code);
    assert_eq!(
        (
            count(StatusCode::CREATED, None),
            count(StatusCode::CONFLICT, Some("insufficient_balance"))
        ),
        (40, 160),
        "{:?}",
        results.iter().find(|(s, _)| !s.is_success())
    );
    assert_eq!(balance(&app, a.community, &a.resident).await, 0);
    assert_eq!(stock_of(&app, a, pen).await, 960);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM redemptions").await, 40);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn concurrent_redemptions_keep_to_the_per_person_limit(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    adjust(&app, a.community, &a.staff, a.resident.id, 100).await;
    let item = json!({ "name": "纸巾", "price_points": 1, "stock": 100, "per_person_limit": 3 });
    let tissue = stock_item(&app, a, item).await;
    let results = join_all((0..50).map(|_| redeem(&app, a, tissue, &a.resident, 1))).await;
    let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED);
    let refused = results
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["code"] == "limit_exceeded");
    assert_eq!((created.count(), refused.count()), (3, 47));
    assert_eq!(balance(&app, a.community, &a.resident).await, 97);
    assert_eq!(stock_of(&app, a, tissue).await, 97);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn concurrent_redemptions_never_oversell(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let shared = &app;
    let residents = join_all((0..16).map(|n| async move {
        let phone = format!("1330000{n:04}");
        world::verified_resident(shared, a.community, a.household, &a.staff, &phone, "居民").await
    }))
    .await;
    for resident in &residents {
        let (status, body) = adjust(&app, a.community, &a.staff, resident.id, 20).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let flour = stock_item(
        &app,
        a,
        json!({ "name": "面粉", "price_points": 10, "stock": 5 }),
    )
    .await;
    let results = join_all(residents.iter().map(|r| redeem(&app, a, flour, r, 1))).await;
    let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED);
    let sold_out = results
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["code"] == "out_of_stock");
    assert_eq!(
        (created.count(), sold_out.count()),
        (5, 11),
        "{:?}",
        results.iter().find(|(s, _)| !s.is_success())
    );
    assert_eq!(stock_of(&app, a, flour).await, 0);
    let mut held = 0;
    for resident in &residents {
        held += balance(&app, a.community, resident).await;
    }
    assert_eq!(held, 16 * 20 - 5 * 10);
    assert_ledger_sound(&app, &world, a.community).await;
}

crate::backend_tests!(
    a_retried_redemption_happens_once,
    concurrent_redemptions_never_overdraw,
    concurrent_redemptions_keep_to_the_per_person_limit,
    concurrent_redemptions_never_oversell,
);
