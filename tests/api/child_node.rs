//! The real `wushe` binary as a child process over a test's database, for the tests that kill
//! it: an in-process server cannot be SIGKILLed without taking the test down with it.

use crate::helpers::{JWT_SECRET, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use wushe::db::DatabaseTarget;

pub struct ChildNode {
    /// Where it listens: the same port across restarts, so callers keep their endpoint.
    pub endpoint: Endpoint,
    port: u16,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

/// A client of the node, cheap to clone into concurrent tasks.
#[derive(Clone)]
pub struct Endpoint {
    pub base: String,
    pub client: reqwest::Client,
}

/// What a request came back with: an answer, or nothing (refused, reset, timed out), in
/// which case the write may or may not have happened.
pub type Answer = Result<(StatusCode, Value), reqwest::Error>;

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

impl ChildNode {
    /// A node over `app`'s database, secrets and Redis prefix, so `app`'s users and tokens
    /// work on it, with `extra` settings; started and ready.
    pub async fn start(app: &TestApp, extra: &[(&str, &str)]) -> Self {
        let database = match &app.config.database {
            DatabaseTarget::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseTarget::Postgres(url) => url.clone(),
        };
        let mut env = vec![
            ("DATABASE_URL".to_owned(), database),
            ("WUSHE_JWT_SECRET".into(), JWT_SECRET.into()),
            (
                "WUSHE_ID_HASH_KEY".into(),
                String::from_utf8(app.config.id_hash_key.clone()).unwrap(),
            ),
            (
                "WUSHE_DATA_DIR".into(),
                app.config.data_dir.display().to_string(),
            ),
            ("WUSHE_REDIS_PREFIX".into(), app.config.redis_prefix.clone()),
            ("WUSHE_DB_POOL_SIZE".into(), "8".into()),
            ("RUST_LOG".into(), "error".into()),
        ];
        if let Some(redis) = &app.config.redis_url {
            env.push(("REDIS_URL".into(), redis.clone()));
        }
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let port = free_port();
        let mut node = Self {
            endpoint: Endpoint {
                base: format!("http://127.0.0.1:{port}"),
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(20))
                    .build()
                    .unwrap(),
            },
            port,
            env,
            child: None,
        };
        node.restart().await;
        node
    }

    /// Starts the process (again, after a kill: it recovers and migrates by itself) and
    /// waits until it answers `/readyz`.
    pub async fn restart(&mut self) -> Duration {
        let started = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_wushe"))
            .args(["serve", "--bind", &format!("127.0.0.1:{}", self.port)])
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the wushe binary starts");
        self.child = Some(child);
        let ready = format!("{}/readyz", self.endpoint.base);
        while started.elapsed() < Duration::from_secs(60) {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("wushe exited at start: {status}");
            }
            match self.endpoint.client.get(&ready).send().await {
                Ok(r) if r.status() == StatusCode::OK => return started.elapsed(),
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        panic!("wushe did not become ready within 60 s");
    }

    /// SIGKILL: no shutdown, no flush, whatever was in flight is cut.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Endpoint {
    /// Sends a request with an optional `Idempotency-Key`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(token);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }
}

impl Drop for ChildNode {
    fn drop(&mut self) {
        self.kill();
    }
}
