//! A node whose Redis goes away keeps serving on its own store (limits per node, caches
//! bypassed), counts and reports it, and goes back to Redis by itself; a node whose Redis is
//! not there at all still starts.

use crate::helpers::{Backend, PASSWORD, TestApp};
use crate::points::adjust;
use crate::rewards::{redeem, stock_item};
use crate::tcp_proxy::Proxy;
use crate::voting::{crowd, open_vote, voted};
use crate::world;
use redis::AsyncCommands;
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

fn fallbacks(app: &TestApp) -> u64 {
    [
        "increment",
        "get",
        "set_flag",
        "cache_get",
        "ping",
        "delete",
        "decrement",
    ]
    .iter()
    .map(|op| {
        app.state
            .metrics
            .redis_fallbacks
            .with_label_values(&[op])
            .get()
    })
    .sum()
}

/// What Redis itself holds under the node's prefix.
async fn in_redis(app: &TestApp, key: &str) -> Option<i64> {
    let url = std::env::var("WUSHE_TEST_REDIS_URL").unwrap();
    let mut conn = redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    conn.get(format!("{}{key}", app.config.redis_prefix))
        .await
        .unwrap()
}

/// A PostgreSQL node whose Redis is reached through a proxy; `None` without the services.
async fn behind_proxy() -> Option<(TestApp, Proxy)> {
    let redis = std::env::var("WUSHE_TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let upstream = url::Url::parse(&redis)
        .unwrap()
        .socket_addrs(|| Some(6379))
        .unwrap()[0];
    let proxy = Proxy::start(upstream.to_string());
    let app = TestApp::spawn_with(Backend::Postgres, |c| {
        c.redis_url = Some(format!("redis://127.0.0.1:{}", proxy.port));
        c.login_limits.per_account = 3;
    })
    .await?;
    Some((app, proxy))
}

async fn readiness(app: &TestApp) -> serde_json::Value {
    let (status, body) = app.get("/readyz", None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a node without Redis stays ready: {body}"
    );
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_keep_working_while_redis_is_cut_and_state_returns_to_it() {
    let Some(redis) = std::env::var("WUSHE_TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return;
    };
    let proxy = Proxy::start(
        url::Url::parse(&redis)
            .unwrap()
            .socket_addrs(|| Some(6379))
            .unwrap()[0]
            .to_string(),
    );
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |c| {
        c.redis_url = Some(format!("redis://127.0.0.1:{}", proxy.port));
        c.login_limits.per_account = 3;
    })
    .await
    else {
        return;
    };
    let world = world::build(&app).await;
    let side = &world.a;
    let voters = crowd(&app, side, 3, None).await;
    let vote = open_vote(&app, side, json!({})).await;
    adjust(&app, side.community, &side.staff, side.resident.id, 50).await;
    let pen = stock_item(
        &app,
        side,
        json!({ "name": "圆珠笔", "price_points": 2, "stock": 100 }),
    )
    .await;
    app.user("13900000009", "吴刚").await;
    assert_eq!(readiness(&app).await["redis"], "up");
    assert_eq!(app.state.metrics.redis_up.get(), 1);
    let before = fallbacks(&app);

    proxy.cut();
    let started = Instant::now();
    let tokens = app.login("13900000009", PASSWORD).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.get("/me", Some(access)).await.0, StatusCode::OK);
    voted(&app, side, vote, &voters[0], &[0]).await;
    assert_eq!(
        redeem(&app, side, pen, &side.resident, 1).await.0,
        StatusCode::CREATED
    );
    let page = format!("/communities/{}", side.community);
    assert_eq!(app.get(&page, None).await.0, StatusCode::OK);
    let elapsed = started.elapsed();
    eprintln!("six requests with Redis cut: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(fallbacks(&app) > before, "fallbacks are counted");
    assert_eq!(app.state.metrics.redis_up.get(), 0);
    assert_eq!(
        app.state
            .metrics
            .cache_lookups
            .with_label_values(&["bypass"])
            .get(),
        1
    );
    assert_eq!(readiness(&app).await["redis"], "down");
    // Limits hold per node meanwhile.
    app.user("13900000001", "陈静").await;
    let wrong = json!({ "login": "13900000001", "password": "wrong password 1" });
    let statuses = futures_util::future::join_all(
        (0..4).map(|_| app.post("/auth/login", None, wrong.clone())),
    )
    .await;
    let limited = statuses
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(limited, 1, "{statuses:?}");
    // A session ended meanwhile is refused at once, and the refusal reaches Redis later.
    let claims = app.state.tokens.verify(access).unwrap();
    assert_eq!(
        app.post("/auth/logout", Some(access), json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/me", Some(access)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        in_redis(&app, &format!("revoked-session:{}", claims.sid)).await,
        None
    );

    proxy.restore();
    tokio::time::sleep(wushe::kv::COOL_DOWN + Duration::from_millis(300)).await;
    app.user("13900000002", "周杰").await;
    let wrong = json!({ "login": "13900000002", "password": "wrong password 2" });
    assert_eq!(
        app.post("/auth/login", None, wrong).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        in_redis(&app, "login-failures:account:13900000002").await,
        Some(1),
        "counters are in Redis again"
    );
    assert_eq!(app.state.metrics.redis_up.get(), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        in_redis(&app, &format!("revoked-session:{}", claims.sid)).await,
        Some(1),
        "the revocation made during the outage was handed over"
    );
    assert_eq!(readiness(&app).await["redis"], "up");
    voted(&app, side, vote, &voters[1], &[1]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_starts_and_serves_when_redis_is_not_there() {
    let started = Instant::now();
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.redis_url = Some("redis://127.0.0.1:1".into());
    })
    .await
    else {
        return;
    };
    let start_up = started.elapsed();
    eprintln!("start-up with Redis on a dead port: {start_up:?}");
    assert!(start_up < Duration::from_secs(5), "{start_up:?}");
    let body = readiness(&app).await;
    assert_eq!(
        (body["shared_state"].as_str(), body["redis"].as_str()),
        (Some("redis"), Some("down"))
    );
    let user = app.user("13900000003", "孙丽").await;
    let started = Instant::now();
    for _ in 0..20 {
        assert_eq!(app.get("/me", user.token()).await.0, StatusCode::OK);
    }
    let reads = started.elapsed();
    eprintln!("twenty authenticated reads with Redis on a dead port: {reads:?}");
    assert!(reads < Duration::from_secs(3), "{reads:?}");
    assert_eq!(
        app.post("/auth/logout", user.token(), json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/me", user.token()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert!(fallbacks(&app) >= 20, "{}", fallbacks(&app));
    assert_eq!(app.state.metrics.redis_up.get(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_stops_answering_costs_one_request_a_second_at_most() {
    let Some((app, proxy)) = behind_proxy().await else {
        return;
    };
    let user = app.user("13900000004", "郑伟").await;
    assert_eq!(app.get("/me", user.token()).await.0, StatusCode::OK);
    proxy.swallow(true);
    let mut slowest = Duration::ZERO;
    let started = Instant::now();
    for _ in 0..20 {
        let one = Instant::now();
        assert_eq!(app.get("/me", user.token()).await.0, StatusCode::OK);
        slowest = slowest.max(one.elapsed());
    }
    let total = started.elapsed();
    eprintln!("twenty reads with Redis silent: {total:?} in all, slowest {slowest:?}");
    assert!(slowest < Duration::from_millis(1500), "{slowest:?}");
    assert!(total < Duration::from_millis(2500), "{total:?}");
    assert_eq!(app.state.metrics.redis_up.get(), 0);
    // The silent connection never drops; the node recovers on a fresh one.
    proxy.swallow(false);
    tokio::time::sleep(wushe::kv::COOL_DOWN + Duration::from_millis(300)).await;
    assert_eq!(readiness(&app).await["redis"], "up");
}
