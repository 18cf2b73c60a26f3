//! Broken bodies on authenticated writes (a resident's wish, staff's activity): malformed,
//! deeply nested, truncated, mislabelled, badly encoded, too big or of the wrong types. Each
//! is a problem with a stable code, naming the field where there is one, and writes nothing.
//! (Registration's own cases are in `bad_input`.)

use crate::helpers::TestApp;
use crate::probes::{self, over_socket, post_bytes, row_counts};
use crate::world;
use reqwest::Method;
use serde_json::{Value, json};

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// `base` with `field` set to `value`.
fn with(base: &Value, field: &str, value: Value) -> Value {
    let mut body = base.clone();
    body[field] = value;
    body
}

/// A name, the body, and the status, code and field of the problem it must get.
type Case<'a> = (&'a str, Vec<u8>, u16, &'a str, Option<&'a str>);

async fn broken_bodies_write_nothing(app: TestApp) {
    let w = world::build(&app).await;
    let (a, resident) = (&w.a, w.a.resident.token());
    let wishes = format!("/communities/{}/wishes", a.community);
    let activities = format!("/communities/{}/activities", a.community);
    let tables = ["wishes", "activities", "audit_log"];
    let before = row_counts(&app, &tables).await;
    let wish = crate::wishes::request(&app);
    let valid = bytes(&wish);
    let limit = app.config.body_limit;
    let deep = |open: &str, middle: &str, close: &str| {
        format!("{}{middle}{}", open.repeat(10_000), close.repeat(10_000)).into_bytes()
    };
    let title = wish["title"].as_str().unwrap();
    let lone_surrogate = String::from_utf8(valid.clone())
        .unwrap()
        .replace(title, r"\ud800");
    let cases: Vec<Case> = vec![
        (
            "10,000 arrays",
            deep("[", "", "]"),
            422,
            "validation_failed",
            Some("[0]"),
        ),
        (
            "10,000 objects",
            deep(r#"{"a":"#, "1", "}"),
            422,
            "validation_failed",
            Some("a"),
        ),
        (
            "10,000 unclosed",
            "[".repeat(10_000).into_bytes(),
            422,
            "validation_failed",
            Some("[0]"),
        ),
        (
            "truncated",
            valid[..valid.len() / 2].to_vec(),
            400,
            "malformed_json",
            None,
        ),
        (
            "trailing comma",
            br#"{"title": "radio",}"#.to_vec(),
            400,
            "malformed_json",
            None,
        ),
        (
            "single quotes",
            b"{'title': 'x'}".to_vec(),
            400,
            "malformed_json",
            None,
        ),
        ("empty", Vec::new(), 400, "malformed_json", None),
        (
            "whitespace only",
            b" \n\t ".to_vec(),
            400,
            "malformed_json",
            None,
        ),
        (
            "invalid utf-8 in a string",
            [&valid[..12], b"\xff\xfe", &valid[12..]].concat(),
            400,
            "invalid_utf8",
            None,
        ),
        (
            "overlong utf-8",
            [&valid[..12], b"\xc0\xaf", &valid[12..]].concat(),
            400,
            "invalid_utf8",
            None,
        ),
        (
            "utf-16",
            [&b"\xff\xfe"[..], &valid].concat(),
            400,
            "invalid_utf8",
            None,
        ),
        (
            "byte-order mark",
            [&b"\xef\xbb\xbf"[..], &valid].concat(),
            400,
            "malformed_json",
            None,
        ),
        (
            "lone surrogate",
            lone_surrogate.into_bytes(),
            400,
            "malformed_json",
            None,
        ),
        (
            "null body",
            b"null".to_vec(),
            422,
            "validation_failed",
            Some("body"),
        ),
        (
            "array body",
            bytes(&json!([wish])),
            422,
            "validation_failed",
            Some("[0]"),
        ),
        (
            "title a number",
            bytes(&with(&wish, "title", json!(42))),
            422,
            "validation_failed",
            Some("title"),
        ),
        (
            "title an object",
            bytes(&with(&wish, "title", json!({"zh": "收音机"}))),
            422,
            "validation_failed",
            Some("title"),
        ),
        (
            "story null",
            bytes(&with(&wish, "story", Value::Null)),
            422,
            "validation_failed",
            Some("story"),
        ),
        (
            "value a string",
            bytes(&with(&wish, "estimated_value_fen", json!("15000"))),
            422,
            "validation_failed",
            Some("estimated_value_fen"),
        ),
        (
            "value a bool",
            bytes(&with(&wish, "estimated_value_fen", json!(true))),
            422,
            "validation_failed",
            Some("estimated_value_fen"),
        ),
        (
            "deadline a number",
            bytes(&with(&wish, "deadline", json!(1_790_000_000))),
            422,
            "validation_failed",
            Some("deadline"),
        ),
        (
            "deadline not a date",
            bytes(&with(&wish, "deadline", json!("next Tuesday"))),
            422,
            "validation_failed",
            Some("deadline"),
        ),
        (
            "on_behalf_of a float",
            bytes(&with(&wish, "on_behalf_of", json!(1.5))),
            422,
            "validation_failed",
            Some("on_behalf_of"),
        ),
        (
            "huge title within the limit",
            bytes(&with(&wish, "title", json!("长".repeat(limit / 4)))),
            422,
            "validation_failed",
            Some("title"),
        ),
        (
            "huge array for a string",
            bytes(&with(&wish, "story", json!(vec!["故事"; limit / 16]))),
            422,
            "validation_failed",
            Some("story"),
        ),
        (
            "title beyond the limit",
            bytes(&with(&wish, "title", json!("x".repeat(limit + 1)))),
            413,
            "payload_too_large",
            None,
        ),
    ];
    for (name, body, status, code, field) in cases {
        let reply = post_bytes(&app, &wishes, resident, body).await;
        reply.problem(name, status, code, field);
    }
    // A huge array where the body wants an array: its length is checked, not its items one by
    // one into the database.
    let tags = json!(vec!["搬运"; limit / 16]);
    let activity = with(&crate::activities::tomorrow(), "required_skills", tags);
    let reply = post_bytes(&app, &activities, a.staff.token(), bytes(&activity)).await;
    reply.problem(
        "huge array",
        422,
        "validation_failed",
        Some("required_skills"),
    );
    for (name, content_type) in [
        ("text/plain", Some("text/plain")),
        ("form", Some("application/x-www-form-urlencoded")),
        ("multipart", Some("multipart/form-data; boundary=x")),
        ("no content type", None),
        ("garbage content type", Some(";;;")),
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|t| ("content-type", t))
            .into_iter()
            .collect();
        let reply = probes::send(
            &app,
            Method::POST,
            &wishes,
            resident,
            &headers,
            valid.clone(),
        )
        .await;
        reply.problem(name, 415, "unsupported_media_type", None);
    }
    // A chunked body announces no length: the limit must stop it as it streams in.
    let head = format!(
        "POST /api/v1{wishes} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked",
        a.resident.access
    );
    let chunk = vec![b' '; 64 * 1024];
    let mut chunked = Vec::new();
    for _ in 0..(limit / chunk.len() + 2) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, response) = over_socket(&app, head.into_bytes(), chunked).await;
    assert_eq!(status, 413, "{response}");
    assert!(response.contains("payload_too_large"), "{response}");
    assert_eq!(
        row_counts(&app, &tables).await,
        before,
        "nothing was written"
    );
}

/// Bytes that are not UTF-8 in a query string or a path segment, percent-encoded or raw.
async fn bad_bytes_in_urls(app: TestApp) {
    let w = world::build(&app).await;
    let (a, resident) = (&w.a, w.a.resident.token());
    let wishes = format!("/communities/{}/wishes", a.community);
    for query in [
        "category=%FF%FE",
        "cursor=%C0%AF",
        "limit=%FF",
        "%FF=1",
        "q=%E5%BC",
    ] {
        let path = format!("{wishes}?{query}");
        let reply = probes::send(&app, Method::GET, &path, resident, &[], Vec::new()).await;
        reply.problem(&path, 400, "invalid_utf8", None);
    }
    let (status, list) = app
        .get(&format!("{wishes}?category=%E5%BC%A0"), resident)
        .await;
    assert_eq!(status.as_u16(), 200, "valid UTF-8 still passes: {list}");
    let write = format!("{wishes}?x=%FF");
    let reply =
        probes::post_bytes(&app, &write, resident, bytes(&crate::wishes::request(&app))).await;
    reply.problem("a write with a bad query", 400, "invalid_utf8", None);
    for path in [
        "/communities/%FF%FE/wishes".to_owned(),
        "/evaluation-standards/%FF%FE".to_owned(),
        format!("{wishes}/%C0%AF"),
    ] {
        let reply = probes::send(&app, Method::GET, &path, resident, &[], Vec::new()).await;
        reply.problem(&path, 404, "not_found", None);
    }
    // Raw bytes above 0x7F in the request line are refused by actix's HTTP parser before any
    // middleware runs: a bare 400, which is still a clear refusal.
    for target in [
        [format!("/api/v1{wishes}?category=").as_bytes(), b"\xff\xfe"].concat(),
        [&b"/api/v1/communities/"[..], b"\xff", b"/wishes"].concat(),
    ] {
        let head = [&b"GET "[..], &target, b" HTTP/1.1\r\nhost: x"].concat();
        let (status, response) = over_socket(&app, head, Vec::new()).await;
        assert_eq!(status, 400, "{response}");
    }
    let n = app.count("SELECT COUNT(*) AS n FROM wishes").await;
    assert_eq!(n, 0, "nothing was written");
}

crate::backend_tests!(broken_bodies_write_nothing, bad_bytes_in_urls);
