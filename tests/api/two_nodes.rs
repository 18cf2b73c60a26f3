//! Two nodes over one PostgreSQL database and one Redis, as behind a load balancer: limits,
//! revocations, the ledger, events and cached reads hold across them. Skipped without both
//! services (failed with `WUSHE_REQUIRE_SERVICES=1`).

use crate::helpers::{Backend, PASSWORD, TestApp, tally};
use crate::points::{adjust, assert_ledger_sound, balance};
use crate::rewards::{redeem, stock_item, stock_of};
use crate::voting::{crowd, open_vote, voted};
use crate::world;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use wushe::config::Config;
use wushe::events::Topic;

/// Node A (adjusted by `adjust`) and node B like it; `None` without PostgreSQL and Redis.
pub async fn two_nodes(adjust: impl FnOnce(&mut Config)) -> Option<(TestApp, TestApp)> {
    let a = TestApp::spawn_with(Backend::Postgres, adjust).await?;
    a.config.redis_url.as_ref()?;
    let b = a.second_node().await;
    Some((a, b))
}

/// An open event stream, read chunk by chunk.
pub struct Stream(reqwest::Response);

impl Stream {
    pub async fn open(app: &TestApp, token: &str, query: &str) -> Self {
        let response = app
            .client
            .get(app.url(&format!("/me/events{query}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        let mut stream = Self(response);
        assert!(
            stream
                .read_for(Duration::from_secs(5))
                .await
                .starts_with("retry: 3000\n")
        );
        stream
    }

    /// What arrives within `wait` (stopping early after a first chunk that ends a frame).
    pub async fn read_for(&mut self, wait: Duration) -> String {
        let mut text = String::new();
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, self.0.chunk()).await {
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
        text
    }

    /// Reads until a frame of `kind` arrives (or `wait` passes); returns its data line.
    pub async fn next_of(&mut self, kind: &str, wait: Duration) -> Option<serde_json::Value> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut text = String::new();
        let marker = format!("event: {kind}\ndata: ");
        loop {
            if let Some(start) = text.find(&marker) {
                let rest = &text[start + marker.len()..];
                if let Some(end) = rest.find('\n') {
                    return Some(serde_json::from_str(&rest[..end]).unwrap());
                }
            }
            match tokio::time::timeout_at(deadline, self.0.chunk()).await {
                Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_limit_reached_on_one_node_holds_on_the_other() {
    let Some((a, b)) = two_nodes(|c| c.login_limits.per_account = 3).await else {
        return;
    };
    a.user("13800000001", "王芳").await;
    let wrong = json!({ "login": "13800000001", "password": "wrong password 1" });
    for _ in 0..3 {
        let (status, body) = a.post("/auth/login", None, wrong.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    let right = json!({ "login": "13800000001", "password": PASSWORD });
    let response = b
        .client
        .post(b.url("/auth/login"))
        .json(&right)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((800..=901).contains(&retry_after), "{retry_after}");
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["code"],
        "rate_limited"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_on_one_node_is_refused_on_the_other() {
    let Some((a, b)) = two_nodes(|_| {}).await else {
        return;
    };
    let user = a.user("13800000002", "李强").await;
    assert_eq!(b.get("/me", user.token()).await.0, StatusCode::OK);
    assert_eq!(
        a.post("/auth/logout", user.token(), json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, body) = b.get("/me", user.token()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
    let (status, body) = b
        .post(
            "/auth/refresh",
            None,
            json!({ "refresh_token": user.refresh }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redemptions_spread_over_two_nodes_keep_the_ledger_exact() {
    let Some((a, b)) = two_nodes(|_| {}).await else {
        return;
    };
    let world = world::build(&a).await;
    let side = &world.a;
    adjust(&a, side.community, &side.staff, side.resident.id, 80).await;
    let pen = stock_item(
        &a,
        side,
        json!({ "name": "圆珠笔", "price_points": 2, "stock": 1000 }),
    )
    .await;
    let nodes = [&a, &b];
    let results =
        join_all((0..200).map(|i| redeem(nodes[i % 2], side, pen, &side.resident, 1))).await;
    assert_eq!(
        (
            tally(&results, StatusCode::CREATED, None),
            tally(&results, StatusCode::CONFLICT, Some("insufficient_balance"))
        ),
        (40, 160),
        "{:?}",
        results.iter().find(|(s, _)| !s.is_success())
    );
    assert_eq!(balance(&b, side.community, &side.resident).await, 0);
    assert_eq!(stock_of(&b, side, pen).await, 960);
    assert_eq!(a.count("SELECT COUNT(*) AS n FROM redemptions").await, 40);
    assert_ledger_sound(&b, &world, side.community).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_published_on_one_node_reach_streams_on_both_once() {
    let Some((a, b)) = two_nodes(|_| {}).await else {
        return;
    };
    let user = a.user("13800000003", "赵敏").await;
    let mut on_b = Stream::open(&b, &user.access, "").await;
    let mut on_a = Stream::open(&a, &user.access, "").await;
    // B's subscriber connects in the background as the node starts; wait until it hears.
    let mut heard = None;
    for attempt in 0..20 {
        a.state.events.publish(
            Topic::User(user.id),
            "notification",
            json!({ "id": attempt, "event": "wish.claimed", "unread": 1 }),
        );
        heard = on_b
            .next_of("notification", Duration::from_millis(500))
            .await;
        if heard.is_some() {
            break;
        }
    }
    let heard = heard.expect("node B hears node A's event");
    assert_eq!(heard["topic"], json!({ "type": "user", "id": user.id }));
    assert_eq!(heard["data"]["event"], "wish.claimed");
    let sent = heard["data"]["id"].as_i64().unwrap();
    // Node A delivered each event to its own stream once, not again from Redis.
    let text = on_a.read_for(Duration::from_millis(800)).await;
    assert_eq!(
        text.matches("event: notification").count(),
        usize::try_from(sent + 1).unwrap(),
        "{text}"
    );
    // Another user's events do not reach this stream.
    a.state
        .events
        .publish(Topic::User(user.id + 1000), "notification", json!({}));
    assert_eq!(
        on_b.next_of("notification", Duration::from_millis(800))
            .await,
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ballot_on_one_node_pushes_the_live_tally_to_a_stream_on_the_other() {
    let Some((a, b)) = two_nodes(|_| {}).await else {
        return;
    };
    let world = world::build(&a).await;
    let side = &world.a;
    let voters = crowd(&a, side, 2, None).await;
    let live = open_vote(&a, side, json!({ "live_results": true })).await;
    let hidden = open_vote(&a, side, json!({})).await;
    let (status, body) = b
        .get(&format!("/me/events?votes={hidden}"), voters[0].token())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("no_live_tally"), "{body}");
    let (status, _) = b
        .get(&format!("/me/events?votes={live}"), world.outsider.token())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut stream = Stream::open(&b, &voters[0].access, &format!("?votes={live}")).await;
    // Let B's subscriber connect before the ballot (it does so as the node starts).
    tokio::time::sleep(Duration::from_millis(500)).await;
    voted(&a, side, live, &voters[1], &[0]).await;
    let tally = stream
        .next_of("tally", Duration::from_secs(5))
        .await
        .expect("the tally arrives on node B");
    assert_eq!(tally["data"]["vote_id"], live);
    assert_eq!(tally["data"]["result"]["ballots_cast"], 1);
    assert_eq!(tally["data"]["result"]["official"], false);
    assert_eq!(b.state.metrics.sse_streams.get(), 1);
    drop(stream);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_node_is_read_fresh_from_the_cache_on_the_other() {
    let Some((a, b)) = two_nodes(|_| {}).await else {
        return;
    };
    let world = world::build(&a).await;
    let side = &world.a;
    let page = format!("/communities/{}", side.community);
    let hits = |app: &TestApp| {
        app.state
            .metrics
            .cache_lookups
            .with_label_values(&["hit"])
            .get()
    };
    let before = b.get(&page, None).await.1;
    assert_eq!(b.get(&page, None).await.1, before);
    assert_eq!(a.get(&page, None).await.1, before);
    assert_eq!(
        (hits(&a), hits(&b)),
        (1, 1),
        "B filled the cache, both then hit it"
    );
    let (status, body) = a
        .call(
            reqwest::Method::PATCH,
            &page,
            side.community_admin.token(),
            Some(json!({ "name": "新名字社区" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, after) = b.get(&page, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after["name"], "新名字社区", "no stale read after the write");
    assert_eq!(hits(&b), 1, "the write retired the cached page");
    assert_eq!(b.get(&page, None).await.1["name"], "新名字社区");
    assert_eq!(hits(&b), 2);
}
