//! The black-box harness: a real wushe server on a random port over a fresh database.
//!
//! SQLite tests get a new file in a temporary directory. PostgreSQL tests (when
//! `WUSHE_TEST_POSTGRES_URL` names an admin connection) get a database cloned from a migrated
//! template and dropped afterwards; they also use Redis when `WUSHE_TEST_REDIS_URL` is set,
//! with a key prefix of their own. With `WUSHE_REQUIRE_SERVICES=1` a missing service fails
//! the test instead of skipping it.

use diesel::{Connection, PgConnection, RunQueryDsl};
use rand::Rng;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use wushe::config::{Config, Sources};
use wushe::state::AppState;

pub const PASSWORD: &str = "Qiu-shui 7 tian!";
pub const JWT_SECRET: &str = "test-secret-0123456789-abcdefghijklmnop";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    /// What the node was started with, to start another like it.
    pub config: Config,
    _sqlite_dir: Option<tempfile::TempDir>,
    postgres_db: Option<String>,
    server: actix_web::dev::ServerHandle,
}

fn required() -> bool {
    std::env::var("WUSHE_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

fn service_url(var: &str) -> Option<String> {
    match std::env::var(var).ok().filter(|v| !v.is_empty()) {
        Some(url) => Some(url),
        None if required() => panic!("{var} is not set but WUSHE_REQUIRE_SERVICES=1"),
        None => None,
    }
}

fn random_suffix() -> String {
    let n: u64 = rand::thread_rng().r#gen();
    format!("{n:016x}")
}

/// The name of a template migrated with exactly the current migrations and built-in
/// evaluation standards (installed with them).
fn template_name() -> String {
    let mut hasher = Sha256::new();
    let mut dirs: Vec<_> = std::fs::read_dir("migrations/postgres")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        hasher.update(dir.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(dir.join("up.sql")).unwrap());
    }
    for (code, json) in wushe::indicators::standards::builtin::BUILT_IN {
        hasher.update(code.as_bytes());
        hasher.update(json.as_bytes());
    }
    format!("wushe_tpl_{}", &hex::encode(hasher.finalize())[..16])
}

fn with_database(admin_url: &str, database: &str) -> String {
    let mut url = url::Url::parse(admin_url).expect("WUSHE_TEST_POSTGRES_URL is a URL");
    url.set_path(database);
    url.to_string()
}

/// Creates the migrated template once per template name (guarded by an advisory lock, since
/// several test processes may start together).
fn ensure_template(admin_url: &str) -> String {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let name = template_name();
            let mut admin =
                PgConnection::establish(admin_url).expect("connect to WUSHE_TEST_POSTGRES_URL");
            diesel::sql_query("SELECT pg_advisory_lock(77001)")
                .execute(&mut admin)
                .unwrap();
            let exists = diesel::sql_query(format!(
                "SELECT 1 FROM pg_database WHERE datname = '{name}'"
            ))
            .execute(&mut admin)
            .unwrap()
                > 0;
            if !exists {
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .unwrap();
                let target = wushe::db::DatabaseTarget::Postgres(with_database(admin_url, &name));
                let db =
                    wushe::db::Db::connect(&target, 1, wushe::db::POOL_CHECKOUT_TIMEOUT).unwrap();
                wushe::db::run_migrations(&mut db.get().unwrap()).unwrap();
            }
            diesel::sql_query("SELECT pg_advisory_unlock(77001)")
                .execute(&mut admin)
                .unwrap();
            name
        })
        .clone()
}

fn create_test_database(admin_url: &str) -> String {
    let template = ensure_template(admin_url);
    let name = format!("wushe_test_{}", random_suffix());
    let mut admin = PgConnection::establish(admin_url).unwrap();
    // Cloning fails while another session briefly touches the template; retry.
    for attempt in 0.. {
        match diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(&mut admin)
        {
            Ok(_) => break,
            Err(e) if attempt < 20 => {
                eprintln!("retrying CREATE DATABASE: {e}");
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("cannot create test database: {e}"),
        }
    }
    name
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts a server, letting the test adjust the configuration first.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        let mut pairs = vec![
            ("WUSHE_JWT_SECRET".to_owned(), JWT_SECRET.to_owned()),
            (
                "WUSHE_ID_HASH_KEY".to_owned(),
                "test-id-hash-key-0123456789-abcdefghijk".to_owned(),
            ),
        ];
        let (sqlite_dir, postgres_db, admin_url) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                pairs.push((
                    "DATABASE_URL".into(),
                    format!("sqlite://{}/wushe.db", dir.path().display()),
                ));
                pairs.push(("WUSHE_DATA_DIR".into(), dir.path().display().to_string()));
                (Some(dir), None, None)
            }
            Backend::Postgres => {
                let admin_url = service_url("WUSHE_TEST_POSTGRES_URL")?;
                let name = tokio::task::spawn_blocking({
                    let admin_url = admin_url.clone();
                    move || create_test_database(&admin_url)
                })
                .await
                .unwrap();
                pairs.push(("DATABASE_URL".into(), with_database(&admin_url, &name)));
                if let Some(redis) = service_url("WUSHE_TEST_REDIS_URL") {
                    pairs.push(("REDIS_URL".into(), redis));
                    pairs.push((
                        "WUSHE_REDIS_PREFIX".into(),
                        format!("wushe-test:{}:", random_suffix()),
                    ));
                }
                (None, Some(name), Some(admin_url))
            }
        };
        pairs.push(("WUSHE_DB_POOL_SIZE".into(), "8".into()));
        let mut config = Config::load(&Sources::from_pairs(pairs)).expect("test config is valid");
        config.login_limits.registrations_per_ip = 10_000;
        let generous = wushe::kv::RateLimit {
            count: 10_000,
            window: std::time::Duration::from_secs(60),
        };
        config.rate_limits = wushe::config::RateLimits {
            ballots: generous,
            redemptions: generous,
            wishes: generous,
        };
        // Tests check what happens, not how fast: hundreds of parallel requests on a busy
        // two-core machine may queue for a connection longer than a real node would allow.
        config.db_pool_timeout = std::time::Duration::from_secs(60);
        adjust(&mut config);
        let _ = admin_url;
        Some(Self::serve(config, sqlite_dir, postgres_db).await)
    }

    async fn serve(
        config: Config,
        sqlite_dir: Option<tempfile::TempDir>,
        postgres_db: Option<String>,
    ) -> Self {
        let state = AppState::build(config.clone())
            .await
            .expect("app state builds");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = wushe::http::server(state.clone(), listener, Some(2)).unwrap();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(64)
                .build()
                .unwrap(),
            state,
            config,
            _sqlite_dir: sqlite_dir,
            postgres_db,
            server: handle,
        }
    }

    /// Another node over the same database and Redis prefix, with its own state, pool and
    /// port, as a second server behind a load balancer. Dropping it leaves the database to
    /// this one.
    pub async fn second_node(&self) -> TestApp {
        Self::serve(self.config.clone(), None, None).await
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/')
            && !path.starts_with("/api")
            && !path.starts_with("/healthz")
            && !path.starts_with("/readyz")
            && !path.starts_with("/metrics")
            && !path.starts_with("/docs")
        {
            format!("{}/api/v1{path}", self.base)
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Sends a request and returns the status and the parsed JSON body (Null when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request is sent");
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// POSTs `body` twice with one `Idempotency-Key`, as a retrying phone would; both answers
    /// must be 201 and name the same record, whose id is returned.
    pub async fn created_twice(&self, path: &str, by: &User, key: &str, body: &Value) -> Value {
        let mut ids = Vec::new();
        for _ in 0..2 {
            let response = self
                .client
                .post(self.url(path))
                .bearer_auth(&by.access)
                .header("Idempotency-Key", key)
                .json(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            ids.push(response.json::<Value>().await.unwrap()["id"].clone());
        }
        assert_eq!(ids[0], ids[1]);
        ids.remove(0)
    }

    /// Registers and logs in; returns the user id and tokens.
    pub async fn user(&self, phone: &str, name: &str) -> User {
        let (status, body) = self
            .post(
                "/auth/register",
                None,
                json!({ "login": phone, "password": PASSWORD, "display_name": name }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "register {phone}: {body}");
        let id = body["id"].as_i64().unwrap();
        let tokens = self.login(phone, PASSWORD).await;
        User {
            id,
            access: tokens["access_token"].as_str().unwrap().into(),
            refresh: tokens["refresh_token"].as_str().unwrap().into(),
        }
    }

    pub async fn login(&self, login: &str, password: &str) -> Value {
        let (status, body) = self
            .post(
                "/auth/login",
                None,
                json!({ "login": login, "password": password }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {login}: {body}");
        body
    }

    /// A registered user made platform admin directly in the database (as `create-admin` does).
    pub async fn platform_admin(&self, phone: &str) -> User {
        let user = self.user(phone, "平台管理员").await;
        self.sql(&format!(
            "UPDATE users SET is_platform_admin = TRUE WHERE id = {}",
            user.id
        ))
        .await;
        user
    }

    /// Runs a statement directly against the test database.
    pub async fn sql(&self, statement: &str) -> usize {
        let statement = statement.to_owned();
        self.state
            .db
            .run(move |conn| Ok(diesel::sql_query(statement).execute(conn)?))
            .await
            .unwrap()
    }

    /// The texts a query of the form `SELECT ... AS t FROM ...` returns, in its order.
    pub async fn texts(&self, query: &str) -> Vec<String> {
        #[derive(diesel::QueryableByName)]
        struct Text {
            #[diesel(sql_type = diesel::sql_types::Text)]
            t: String,
        }
        let query = query.to_owned();
        self.state
            .db
            .run(move |conn| Ok(diesel::sql_query(query).load::<Text>(conn)?))
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.t)
            .collect()
    }

    pub fn on_postgres(&self) -> bool {
        matches!(
            self.state.db.target(),
            wushe::db::DatabaseTarget::Postgres(_)
        )
    }

    /// Counts rows with a query of the form `SELECT COUNT(*) AS n FROM ...`.
    pub async fn count(&self, query: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let query = query.to_owned();
        self.state
            .db
            .run(move |conn| Ok(diesel::sql_query(query).get_result::<Count>(conn)?.n))
            .await
            .unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting; the database is dropped with FORCE, closing the pool's connections.
        drop(self.server.stop(false));
        if let (Some(name), Ok(admin_url)) = (
            self.postgres_db.take(),
            std::env::var("WUSHE_TEST_POSTGRES_URL"),
        ) {
            std::thread::spawn(move || {
                if let Ok(mut admin) = PgConnection::establish(&admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            })
            .join()
            .ok();
        }
    }
}

pub struct User {
    pub id: i64,
    pub access: String,
    pub refresh: String,
}

impl User {
    pub fn token(&self) -> Option<&str> {
        Some(&self.access)
    }
}

/// How many different bodies `responses` carry, each of which must answer `status`: one when
/// every replay of an idempotent request answered with the first result.
pub async fn distinct_bodies(
    responses: Vec<reqwest::Result<reqwest::Response>>,
    status: StatusCode,
) -> usize {
    let mut bodies = std::collections::BTreeSet::new();
    for response in responses {
        let response = response.expect("request is sent");
        assert_eq!(response.status(), status);
        bodies.insert(response.text().await.unwrap());
    }
    bodies.len()
}

/// How many of `results` answered `status`, with the problem `code` when one is given.
pub fn tally(results: &[(StatusCode, Value)], status: StatusCode, code: Option<&str>) -> usize {
    results
        .iter()
        .filter(|(s, b)| *s == status && code.is_none_or(|c| b["code"] == c))
        .count()
}

/// Runs a test on SQLite and, when configured, on PostgreSQL with Redis.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await {
                        super::$name(app).await
                    }
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await {
                        super::$name(app).await
                    }
                }
            }
        )*
    };
}

/// Like `backend_tests!`, for tests that start their own app with a configuration of their
/// own: each function is given the backend to start it on.
#[macro_export]
macro_rules! backend_cases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}
