//! The HTTP side: one pooled keep-alive client, requests built once per operation, and the
//! JSON calls that setup and preparation make.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Client, Method};
use serde_json::Value;
use std::time::Duration;

/// A request of a scenario: what to send and the status that means it worked.
pub struct Req {
    pub method: Method,
    /// The path after the API root, with its query.
    pub path: String,
    /// `Bearer ...`, built once per person.
    pub auth: HeaderValue,
    pub body: Option<Value>,
    /// Sent on writes, as a phone does so that its retries are safe.
    pub idempotency_key: Option<String>,
    pub expect: u16,
}

/// A request that did not get its expected status: 0 for a transport error.
pub struct Failure {
    pub status: u16,
    pub what: String,
    pub body: String,
}

#[derive(Clone)]
pub struct Api {
    client: Client,
    base: String,
}

/// The bearer header of a token.
pub fn bearer(token: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(&format!("Bearer {token}")).map_err(|e| format!("bad token: {e}"))
}

/// The API root for a server address, with or without `/api/v1`.
pub fn api_root(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/api/v1") {
        base.to_owned()
    } else {
        format!("{base}/api/v1")
    }
}

impl Api {
    /// A client keeping up to `connections` idle connections to the server.
    pub fn new(base: &str, connections: usize) -> Result<Self, String> {
        let client = Client::builder()
            .pool_max_idle_per_host(connections)
            .pool_idle_timeout(Duration::from_secs(300))
            .tcp_nodelay(true)
            .no_proxy()
            .http1_only()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            client,
            base: api_root(base),
        })
    }

    /// Opens `connections` connections at once (the pool keeps them), so that a run does not
    /// time connection set-up: `GET /healthz`, which touches nothing else.
    pub async fn warm(&self, connections: usize) -> Result<(), String> {
        let url = format!("{}/healthz", self.base.trim_end_matches("/api/v1"));
        let calls = (0..connections).map(|_| async {
            let response = self.client.get(&url).send().await?;
            response.bytes().await
        });
        for outcome in futures_util::future::join_all(calls).await {
            outcome.map_err(|e| format!("cannot reach the server at {url}: {e}"))?;
        }
        Ok(())
    }

    /// Sends one request and reads the whole answer (so the connection is reused).
    pub async fn send(&self, req: &Req) -> Result<(), Failure> {
        let mut builder = self
            .client
            .request(req.method.clone(), format!("{}{}", self.base, req.path))
            .header(AUTHORIZATION, req.auth.clone());
        if let Some(key) = &req.idempotency_key {
            builder = builder.header("Idempotency-Key", key);
        }
        if let Some(body) = &req.body {
            let bytes = serde_json::to_vec(body).unwrap_or_default();
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes);
        }
        let what = || format!("{} {}", req.method, req.path);
        let response = builder.send().await.map_err(|e| Failure {
            status: 0,
            what: what(),
            body: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| Failure {
            status: 0,
            what: what(),
            body: format!("reading the answer: {e}"),
        })?;
        if status == req.expect {
            Ok(())
        } else {
            Err(Failure {
                status,
                what: what(),
                body: String::from_utf8_lossy(&body).chars().take(400).collect(),
            })
        }
    }

    /// A JSON call for setup and preparation: the status and the parsed answer.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        let mut builder = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = token {
            builder = builder.bearer_auth(token);
        }
        if let Some(body) = body {
            builder = builder.json(body);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// Like [`Api::call`], failing with the answer unless the status is `expect`.
    pub async fn expect(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
        expect: u16,
    ) -> Result<Value, String> {
        let (status, answer) = self.call(method.clone(), path, Some(token), body).await?;
        if status == expect {
            Ok(answer)
        } else {
            Err(format!(
                "{method} {path}: expected {expect}, got {status}: {answer}"
            ))
        }
    }
}
