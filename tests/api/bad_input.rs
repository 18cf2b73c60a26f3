//! Bad input of every kind is a clear 4xx problem, in the caller's language, and writes nothing.

use crate::helpers::TestApp;
use crate::probes;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn raw(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
    language: &str,
) -> (StatusCode, Value, String) {
    let headers = [
        ("content-type", content_type),
        ("accept-language", language),
    ];
    let reply = probes::send(app, Method::POST, path, None, &headers, body).await;
    (reply.status, reply.body, reply.content_type)
}

async fn bad_bodies_are_4xx_problems(app: TestApp) {
    let valid =
        json!({ "login": "13912345678", "password": "Qiu-shui 7 tian!", "display_name": "张伟" });
    let mut huge = valid.clone();
    huge["display_name"] = json!("长".repeat(100_000));
    let mut unknown = valid.clone();
    unknown["is_platform_admin"] = json!(true);
    let mut wrong_type = valid.clone();
    wrong_type["display_name"] = json!(["张伟"]);
    let nested = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "malformed",
            "application/json",
            b"{\"login\": ".to_vec(),
            400,
            "malformed_json",
        ),
        (
            "trailing garbage",
            "application/json",
            [serde_json::to_vec(&valid).unwrap(), b" {}".to_vec()].concat(),
            400,
            "malformed_json",
        ),
        (
            "invalid utf-8",
            "application/json",
            b"{\"login\": \"\xff\xfe\"}".to_vec(),
            400,
            "invalid_utf8",
        ),
        (
            "deeply nested",
            "application/json",
            nested.into_bytes(),
            422,
            "validation_failed",
        ),
        (
            "wrong content type",
            "text/plain",
            serde_json::to_vec(&valid).unwrap(),
            415,
            "unsupported_media_type",
        ),
        (
            "too large",
            "application/json",
            vec![b' '; 2 * 1024 * 1024],
            413,
            "payload_too_large",
        ),
        (
            "huge string",
            "application/json",
            serde_json::to_vec(&huge).unwrap(),
            422,
            "validation_failed",
        ),
        (
            "mass assignment",
            "application/json",
            serde_json::to_vec(&unknown).unwrap(),
            422,
            "validation_failed",
        ),
        (
            "wrong type",
            "application/json",
            serde_json::to_vec(&wrong_type).unwrap(),
            422,
            "validation_failed",
        ),
        (
            "missing field",
            "application/json",
            br#"{"login": "13912345678"}"#.to_vec(),
            422,
            "validation_failed",
        ),
        (
            "not an object",
            "application/json",
            b"42".to_vec(),
            422,
            "validation_failed",
        ),
        (
            "empty",
            "application/json",
            Vec::new(),
            400,
            "malformed_json",
        ),
    ];
    for (name, content_type, body, status, code) in cases {
        let (got, problem, served_type) =
            raw(&app, "/auth/register", content_type, body, "en").await;
        assert_eq!(got.as_u16(), status, "{name}: {problem}");
        assert_eq!(problem["code"], code, "{name}: {problem}");
        assert!(
            served_type.starts_with("application/problem+json"),
            "{name}: {served_type}"
        );
        assert!(problem["request_id"].is_string(), "{name}");
    }
    let (_, problem, _) = raw(
        &app,
        "/auth/register",
        "application/json",
        serde_json::to_vec(&unknown).unwrap(),
        "en",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "is_platform_admin");
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    let (_, problem, _) = raw(
        &app,
        "/auth/register",
        "application/json",
        serde_json::to_vec(&wrong_type).unwrap(),
        "en",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "display_name");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users").await,
        0,
        "nothing was written"
    );
}

async fn messages_follow_accept_language(app: TestApp) {
    let body = br#"{"login": "x", "password": "y", "display_name": ""}"#.to_vec();
    let (_, english, _) = raw(
        &app,
        "/auth/register",
        "application/json",
        body.clone(),
        "en-GB,en;q=0.9",
    )
    .await;
    let (_, chinese, _) = raw(
        &app,
        "/auth/register",
        "application/json",
        body.clone(),
        "zh-CN",
    )
    .await;
    let (_, default, _) = raw(&app, "/auth/register", "application/json", body, "fr").await;
    assert_eq!(english["code"], chinese["code"]);
    assert_eq!(english["title"], "Some fields are invalid");
    assert_eq!(chinese["title"], "提交的内容有误，请检查标出的字段");
    assert_eq!(default["title"], chinese["title"], "Chinese is the default");
    let (status, not_found) = app.get("/no/such/route", None).await;
    assert_eq!(
        (status, not_found["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

async fn bad_ids_and_queries(app: TestApp) {
    let user = app.user("13912345678", "张伟").await;
    for path in [
        "/communities/abc",
        "/communities/99999999",
        "/communities/-1",
        "/communities/99999999999999999999999",
        "/regions/1.5",
    ] {
        let (status, body) = app.get(path, user.token()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    for query in [
        "limit=0",
        "limit=101",
        "limit=abc",
        "cursor=%%%",
        "cursor=bm9wZQ",
        "kind=suburban",
    ] {
        let (status, body) = app.get(&format!("/communities?{query}"), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
    }
    let (status, body) = app.get("/communities?region_id=424242", None).await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("region_id"))
    );
}

async fn injection_strings_are_stored_and_returned_as_text(app: TestApp) {
    let name = "Robert'); DROP TABLE users;-- <script>alert(1)</script>";
    let (status, body) = app
        .post(
            "/auth/register",
            None,
            json!({ "login": "13912345678", "password": "Qiu-shui 7 tian!", "display_name": name }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["display_name"], name);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, 1);
    let (status, body) = app.post("/auth/register", None, json!({ "login": "13912345679", "password": "Qiu-shui 7 tian!", "display_name": "bell\u{7}" })).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("control_characters"))
    );
}

crate::backend_tests!(
    bad_bodies_are_4xx_problems,
    messages_follow_accept_language,
    bad_ids_and_queries,
    injection_strings_are_stored_and_returned_as_text
);
