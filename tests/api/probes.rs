//! Raw requests for the bad-input tests: any method, headers and bytes (even bytes no HTTP
//! client would send), with the problem that comes back checked in one place.

use crate::helpers::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::io::{Read, Write};

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub content_type: String,
}

impl Reply {
    /// Asserts a problem document with `status` and `code`, naming `field` first when given.
    #[track_caller]
    pub fn problem(&self, case: &str, status: u16, code: &str, field: Option<&str>) {
        assert_eq!(self.status.as_u16(), status, "{case}: {}", self.body);
        assert_eq!(self.body["code"], code, "{case}: {}", self.body);
        assert!(
            self.content_type.starts_with("application/problem+json"),
            "{case}: {}",
            self.content_type
        );
        assert!(self.body["request_id"].is_string(), "{case}: {}", self.body);
        if let Some(field) = field {
            assert_eq!(
                self.body["errors"][0]["field"], field,
                "{case}: {}",
                self.body
            );
        }
    }
}

/// Sends `body` as it is, with `headers` (the content type among them, or none at all).
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Reply {
    let mut request = app.client.request(method, app.url(path)).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.json().await.unwrap_or(Value::Null);
    Reply {
        status,
        body,
        content_type,
    }
}

/// POSTs JSON text (or any bytes) with `application/json`.
pub async fn post_bytes(app: &TestApp, path: &str, token: Option<&str>, body: Vec<u8>) -> Reply {
    let json = [("content-type", "application/json")];
    send(app, Method::POST, path, token, &json, body).await
}

/// Writes `head` (request line and headers, without the blank line) and `body` straight to
/// the server's socket, for what reqwest refuses to send: raw bytes in a URL, a chunked body
/// of unannounced length. Returns the status and the whole response text.
pub async fn over_socket(app: &TestApp, head: Vec<u8>, body: Vec<u8>) -> (u16, String) {
    let address = app.base.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        stream.write_all(&head).unwrap();
        stream.write_all(b"\r\nconnection: close\r\n\r\n").unwrap();
        // The server may answer and close before reading all of a body it refuses.
        let _ = stream.write_all(&body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, text)
    })
    .await
    .unwrap()
}

/// The number of rows in each of `tables`, to compare before and after bad requests.
pub async fn row_counts(app: &TestApp, tables: &[&str]) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for table in tables {
        let n = app
            .count(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .await;
        counts.push((table.to_string(), n));
    }
    counts
}
