//! Abuse from outside: registration floods from one address are cut off, every response carries
//! the security headers (HSTS in production only), and CORS answers configured origins only.
//! (Failed logins: `auth`; ballots, redemptions and wishes: `rate_limits`.)

use crate::helpers::{Backend, PASSWORD, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn registration_floods_from_one_address_are_cut_off(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.login_limits.registrations_per_ip = 3).await
    else {
        return;
    };
    let register = |n: u32| {
        let body = json!({ "login": format!("1390000{n:04}"), "password": PASSWORD, "display_name": "批量" });
        app.client
            .post(app.url("/auth/register"))
            .json(&body)
            .send()
    };
    let before = app.count("SELECT COUNT(*) AS n FROM users").await;
    let responses = futures_util::future::join_all((0..10).map(register)).await;
    let mut created = 0;
    for response in responses {
        let response = response.unwrap();
        match response.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(response.headers().contains_key("retry-after"));
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(body["code"], "rate_limited", "{body}");
            }
            other => panic!("registration answered {other}"),
        }
    }
    assert_eq!(created, 3, "three registrations per address and window");
    let after = app.count("SELECT COUNT(*) AS n FROM users").await;
    assert_eq!(after - before, 3, "a refused registration writes nothing");
}

/// The headers every response must carry, with the value each must have.
fn assert_secured(what: &str, response: &reqwest::Response) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
    let policy = header("content-security-policy");
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "{what}: {policy}"
    );
    assert!(!policy.contains("unsafe-eval"), "{what}: {policy}");
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let requests = [
        (Method::GET, "/healthz", None),
        (Method::GET, "/regions", None),
        (Method::GET, "/me", None),
        (Method::GET, "/no/such/thing", None),
        (Method::POST, "/auth/login", Some("{\"login\": ")),
        (Method::GET, "/api-docs/openapi.json", None),
    ];
    for (method, path, body) in requests {
        let mut request = app.client.request(method.clone(), app.url(path));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.unwrap();
        assert_secured(&format!("{method} {path}"), &response);
        assert!(!response.headers().contains_key("strict-transport-security"));
        // The API itself loads nothing: its policy forbids everything.
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
    }
    // The reference page runs its own inline script, fetching from this origin only.
    let docs = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_secured("/docs", &docs);
    let policy = docs.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(!policy.contains('*'), "{policy}");
    // In production, browsers are told to use HTTPS only.
    let Some(production) = TestApp::spawn_with(backend, |c| {
        c.mode = wushe::config::Mode::Production;
    })
    .await
    else {
        return;
    };
    let response = production
        .client
        .get(production.url("/regions"))
        .send()
        .await
        .unwrap();
    assert_secured("production", &response);
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.starts_with("max-age=31536000"), "{hsts}");
}

async fn cors_answers_configured_origins_only(backend: Backend) {
    const APP: &str = "https://app.wushe.example";
    let Some(app) = TestApp::spawn_with(backend, |c| c.cors_origins = vec![APP.into()]).await
    else {
        return;
    };
    let preflight = |origin: &'static str| {
        app.client
            .request(Method::OPTIONS, app.url("/auth/login"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let plain = |origin: &'static str| {
        app.client
            .get(app.url("/regions"))
            .header("origin", origin)
            .send()
    };
    let allowed = preflight(APP).await.unwrap();
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(allowed.headers()["access-control-allow-origin"], APP);
    for stranger in [
        "https://evil.example",
        "https://app.wushe.example.evil.cn",
        "null",
    ] {
        let refused = preflight(stranger).await.unwrap();
        assert!(
            !refused
                .headers()
                .contains_key("access-control-allow-origin"),
            "{stranger}: {:?}",
            refused.headers()
        );
        // A plain request is answered (CORS is the browser's check), without the grant.
        let answered = plain(stranger).await.unwrap();
        assert!(
            !answered
                .headers()
                .contains_key("access-control-allow-origin")
        );
    }
    let answered = plain(APP).await.unwrap();
    assert_eq!(answered.headers()["access-control-allow-origin"], APP);
}

crate::backend_cases!(
    registration_floods_from_one_address_are_cut_off,
    every_response_carries_the_security_headers,
    cors_answers_configured_origins_only,
);
