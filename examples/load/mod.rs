//! What the HTTP load drivers under `examples/` share: starting wushe in-process on the
//! database in `DATABASE_URL`, logging in demo users, and sending one request per user with
//! a fixed number in flight while timing each.

use futures_util::stream::{self, StreamExt};
use serde_json::{Value, json};
use std::future::Future;
use std::time::{Duration, Instant};
use wushe::config::{Config, Sources};
use wushe::state::AppState;

const DEMO_PASSWORD: &str = "Wushe-Demo-2026";

pub fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// wushe serving on a random port, the API's base URL and a client for it.
pub async fn start(concurrency: usize) -> Result<(AppState, String, reqwest::Client), String> {
    let config = Config::load(&Sources::from_env_and_file(None)?)?;
    let state = AppState::build(config).await?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = wushe::http::server(state.clone(), listener, None).map_err(|e| e.to_string())?;
    tokio::spawn(server);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .map_err(|e| e.to_string())?;
    Ok((state, format!("http://127.0.0.1:{port}/api/v1"), client))
}

pub async fn post(client: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let response = client.post(url).bearer_auth(token).json(&body).send().await;
    match response {
        Ok(r) => (r.status().as_u16(), r.json().await.unwrap_or(Value::Null)),
        Err(_) => (0, Value::Null),
    }
}

/// An access token for a demo user (`wushe seed-demo`).
pub async fn login(client: &reqwest::Client, base: &str, phone: &str) -> Result<String, String> {
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

/// Sends `send(i, token)` for every token with `concurrency` in flight; prints the rate,
/// latency percentiles and the requests not answered `expected`, and returns how many those
/// were.
pub async fn drive<F, Fut>(
    what: &str,
    tokens: &[String],
    concurrency: usize,
    expected: u16,
    send: F,
) -> usize
where
    F: Fn(usize, String) -> Fut,
    Fut: Future<Output = u16>,
{
    let started = Instant::now();
    let mut results: Vec<(u16, Duration)> = stream::iter(tokens.iter().enumerate())
        .map(|(i, token)| {
            let request = send(i, token.clone());
            async move {
                let sent = Instant::now();
                (request.await, sent.elapsed())
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
    let failed = results
        .iter()
        .filter(|(status, _)| *status != expected)
        .count();
    println!(
        "{} {what}, {concurrency} in flight: {:.0} {what}/s; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {failed} not {expected}",
        tokens.len(),
        tokens.len() as f64 / elapsed.as_secs_f64(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
    failed
}
