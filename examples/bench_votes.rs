//! Ballots per second through HTTP: a load driver for `scripts/bench-votes`.
//!
//! Starts wushe in this process on the database in `DATABASE_URL` (seeded with the demo
//! street by the script), adds `VOTERS` verified residents to community 1 (default 3000),
//! has the demo staff member set up and open a yes/no vote, then sends every resident's
//! ballot through HTTP with `CONCURRENCY` requests in flight (default 32). Prints the rate,
//! latency percentiles and failures, then closes the vote and checks the sealed result holds
//! every ballot.

use futures_util::stream::{self, StreamExt};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wushe::config::{Config, Sources};
use wushe::seed::crowd;
use wushe::state::AppState;

const DEMO_PASSWORD: &str = "Wushe-Demo-2026";

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn post(client: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let response = client.post(url).bearer_auth(token).json(&body).send().await;
    match response {
        Ok(r) => (r.status().as_u16(), r.json().await.unwrap_or(Value::Null)),
        Err(_) => (0, Value::Null),
    }
}

async fn login(client: &reqwest::Client, base: &str, phone: &str) -> Result<String, String> {
    let (status, body) = post(
        client,
        format!("{base}/auth/login"),
        "",
        json!({ "login": phone, "password": DEMO_PASSWORD }),
    )
    .await;
    body["access_token"]
        .as_str()
        .map(String::from)
        .ok_or(format!("login {phone}: {status} {body}"))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let (voters, concurrency) = (setting("VOTERS", 3000), setting("CONCURRENCY", 32));
    let config = Config::load(&Sources::from_env_and_file(None)?)?;
    let state = AppState::build(config).await?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = wushe::http::server(state.clone(), listener, None).map_err(|e| e.to_string())?;
    tokio::spawn(server);
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .map_err(|e| e.to_string())?;

    let (keys, now) = (state.tokens.clone(), state.clock.now());
    let (topic, tokens) = state
        .db
        .run(move |conn| {
            let words = ("压测议题", "投票压测");
            let topic = crowd::topic_in_discussion(conn, 1, 1, words, false, now)?;
            let ids = crowd::verified_residents(conn, 1, voters, None, 16_000_000_000)?;
            let signed_in = crowd::sign_in(conn, &keys, &ids, Duration::from_secs(3600))?;
            let tokens: Vec<String> = signed_in.into_iter().map(|(access, _)| access).collect();
            Ok((topic, tokens))
        })
        .await
        .map_err(|e| format!("{e:?}"))?;

    let staff = login(&client, &base, "13800000012").await?;
    let opens = chrono::Utc::now() + chrono::TimeDelta::minutes(1);
    let (status, vote) = post(
        &client,
        format!("{base}/communities/1/topics/{topic}/votes"),
        &staff,
        json!({
            "question": "压测表决", "kind": "yes_no", "electorate": "residents",
            "opens_at": opens, "closes_at": opens + chrono::TimeDelta::hours(2),
        }),
    )
    .await;
    let vote = vote["id"]
        .as_i64()
        .ok_or(format!("set up: {status} {vote}"))?;
    post(
        &client,
        format!("{base}/communities/1/votes/{vote}/open"),
        &staff,
        json!({}),
    )
    .await;

    let started = Instant::now();
    let mut results: Vec<(u16, Duration)> = stream::iter(tokens.iter().enumerate())
        .map(|(i, token)| {
            let (client, url) = (&client, format!("{base}/communities/1/votes/{vote}/ballot"));
            async move {
                let sent = Instant::now();
                let (status, _) = post(client, url, token, json!({ "choices": [i % 3] })).await;
                (status, sent.elapsed())
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    results.sort_by_key(|(_, latency)| *latency);
    let at = |q: f64| {
        results[((results.len() as f64 * q) as usize).min(results.len() - 1)]
            .1
            .as_secs_f64()
            * 1000.0
    };
    let failed = results.iter().filter(|(status, _)| *status != 201).count();
    println!(
        "{voters} ballots, {concurrency} in flight: {:.0} ballots/s; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {failed} not 201",
        voters as f64 / elapsed.as_secs_f64(),
        at(0.5),
        at(0.99),
        at(1.0)
    );

    let admin = login(&client, &base, "13800000011").await?;
    let closing = Instant::now();
    let (_, closed) = post(
        &client,
        format!("{base}/communities/1/votes/{vote}/close"),
        &admin,
        json!({ "reason": "压测结束" }),
    )
    .await;
    println!(
        "closed and sealed in {:.0} ms: {} ballots in the official result",
        closing.elapsed().as_secs_f64() * 1000.0,
        closed["result"]["ballots_cast"]
    );
    if closed["result"]["ballots_cast"].as_u64() != Some((voters - failed) as u64) {
        return Err("the sealed result does not hold every accepted ballot".into());
    }
    Ok(())
}
