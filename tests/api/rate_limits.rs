//! Per-person limits on ballots, redemptions and wishes: past the limit, 429 `rate_limited`
//! with `Retry-After`, and nothing written. (Logins and registrations: see `auth`.)

use crate::helpers::{Backend, TestApp, tally};
use crate::points::{adjust, balance};
use crate::rewards::{redeem, stock_item};
use crate::voting::{ballot, crowd, open_vote};
use crate::{wishes, world};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use wushe::kv::RateLimit;

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn writes_past_their_limit_are_refused(backend: Backend) {
    let limit = |count, seconds| RateLimit {
        count,
        window: Duration::from_secs(seconds),
    };
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.rate_limits.ballots = limit(1, 60);
        c.rate_limits.redemptions = limit(3, 3600);
        c.rate_limits.wishes = limit(2, 3600);
    })
    .await
    else {
        return;
    };
    let world = world::build(&app).await;
    let side = &world.a;

    adjust(&app, side.community, &side.staff, side.resident.id, 50).await;
    let pen = stock_item(
        &app,
        side,
        json!({ "name": "圆珠笔", "price_points": 2, "stock": 100 }),
    )
    .await;
    let mut results = Vec::new();
    for _ in 0..4 {
        results.push(redeem(&app, side, pen, &side.resident, 1).await);
    }
    assert_eq!(tally(&results, StatusCode::CREATED, None), 3, "{results:?}");
    assert_eq!(results[3].1["code"], "rate_limited", "{results:?}");
    assert_eq!(
        balance(&app, side.community, &side.resident).await,
        44,
        "the fourth paid nothing"
    );
    let others = redeem(&app, side, pen, &side.staff, 1).await;
    assert_ne!(
        others.0,
        StatusCode::TOO_MANY_REQUESTS,
        "limits are per person: {others:?}"
    );

    let path = app.url(&wishes::wishes(side, ""));
    let post = || {
        app.client
            .post(&path)
            .bearer_auth(&side.resident.access)
            .json(&wishes::request(&app))
            .send()
    };
    assert_eq!(post().await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(post().await.unwrap().status(), StatusCode::CREATED);
    let refused = post().await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        (3500..=3601).contains(&retry_after(&refused)),
        "{}",
        retry_after(&refused)
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM wishes WHERE requester_id = {}",
            side.resident.id
        ))
        .await,
        2
    );

    let voter = crowd(&app, side, 1, None).await.remove(0);
    let (first, second) = (
        open_vote(&app, side, json!({})).await,
        open_vote(&app, side, json!({})).await,
    );
    assert_eq!(
        ballot(&app, side, first, &voter, &[0]).await.0,
        StatusCode::CREATED
    );
    let (status, body): (StatusCode, Value) = ballot(&app, side, second, &voter, &[0]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    let (_, view) = app
        .get(
            &format!("/communities/{}/votes/{second}", side.community),
            voter.token(),
        )
        .await;
    assert_eq!(view["turnout"]["ballots_cast"], 0, "{view}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_past_their_limit_are_refused_on_sqlite() {
    writes_past_their_limit_are_refused(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_past_their_limit_are_refused_on_postgres() {
    writes_past_their_limit_are_refused(Backend::Postgres).await;
}
