//! The server's own logs, at debug level, never hold a password, a token, a phone number or an
//! ID number: the real binary is run with its output captured, driven through registration,
//! logins (failed ones too), refresh, a residency application with an ID number, its
//! verification, a password change and some refused requests, and the output is searched for
//! every secret used.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::process::{Command, Stdio};

const ADMIN_PHONE: &str = "13512345678";
const ADMIN_PASSWORD: &str = "Admin-Mima 88 chang!";
const PHONE: &str = "13987654321";
const PASSWORD: &str = "Qiu-shui 7 tian!";
const WRONG_PASSWORD: &str = "Cuo-de mima 4 ge!";
const NEW_PASSWORD: &str = "Chun-feng 9 du!";
const ID_NUMBER: &str = "11010519491231002X";

struct Server {
    base: String,
    client: reqwest::Client,
}

impl Server {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if !body.is_null() {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn ok(&self, method: Method, path: &str, token: Option<&str>, body: Value) -> Value {
        let (status, body) = self.call(method, path, token, body).await;
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    async fn login(&self, phone: &str, password: &str) -> Value {
        let body = json!({ "login": phone, "password": password });
        self.ok(Method::POST, "/auth/login", None, body).await
    }
}

fn wushe(dir: &std::path::Path, log: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wushe"));
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    command
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/wushe.db", dir.display()),
        )
        .env("WUSHE_DATA_DIR", dir)
        .env("WUSHE_JWT_SECRET", crate::helpers::JWT_SECRET)
        .env(
            "WUSHE_ID_HASH_KEY",
            "test-id-hash-key-0123456789-abcdefghijk",
        )
        .env("RUST_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    command
}

/// Kills the server however the test ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_hold_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("wushe.log");
    // The command's answer to its operator names the login it made; it is not a log.
    let created = wushe(dir.path(), &dir.path().join("create-admin.out"))
        .args([
            "create-admin",
            "--login",
            ADMIN_PHONE,
            "--password",
            ADMIN_PASSWORD,
        ])
        .status()
        .unwrap();
    assert!(created.success());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Running(
        wushe(dir.path(), &log)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .spawn()
            .unwrap(),
    );
    let server = Server {
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
    };
    for attempt in 0.. {
        match server
            .client
            .get(format!("{}/readyz", server.base))
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => break,
            _ if attempt < 300 => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            _ => panic!(
                "the server did not start: {}",
                std::fs::read_to_string(&log).unwrap()
            ),
        }
    }
    let mut secrets: Vec<String> = vec![
        ADMIN_PHONE,
        ADMIN_PASSWORD,
        PHONE,
        PASSWORD,
        WRONG_PASSWORD,
        NEW_PASSWORD,
        ID_NUMBER,
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let admin = server.login(ADMIN_PHONE, ADMIN_PASSWORD).await;
    let admin = admin["access_token"].as_str().unwrap().to_owned();
    secrets.push(admin.clone());
    let admin = Some(admin.as_str());
    // A community to live in.
    let mut parent = Value::Null;
    for (level, name) in [
        ("province", "湖南省"),
        ("city", "长沙市"),
        ("district", "岳麓区"),
        ("street", "望月湖街道"),
    ] {
        let body = json!({ "parent_id": parent, "level": level, "name": name });
        parent = server.ok(Method::POST, "/regions", admin, body).await["id"].clone();
    }
    let body = json!({ "region_id": parent, "kind": "urban", "name": "望月湖社区" });
    let community = server.ok(Method::POST, "/communities", admin, body).await["id"].clone();
    // A resident registers, fails to log in, logs in, refreshes, applies with an ID number.
    let body = json!({ "login": PHONE, "password": PASSWORD, "display_name": "郑爱华" });
    server.ok(Method::POST, "/auth/register", None, body).await;
    let wrong = json!({ "login": PHONE, "password": WRONG_PASSWORD });
    let (status, _) = server.call(Method::POST, "/auth/login", None, wrong).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let first = server.login(PHONE, PASSWORD).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let pair = server
        .ok(
            Method::POST,
            "/auth/refresh",
            None,
            json!({ "refresh_token": refresh }),
        )
        .await;
    // Reusing the spent refresh token is refused, and logged as a warning.
    let (status, _) = server
        .call(
            Method::POST,
            "/auth/refresh",
            None,
            json!({ "refresh_token": refresh }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let pair = if status == StatusCode::UNAUTHORIZED {
        server.login(PHONE, PASSWORD).await
    } else {
        pair
    };
    for token in [
        &first["access_token"],
        &first["refresh_token"],
        &pair["access_token"],
        &pair["refresh_token"],
    ] {
        secrets.push(token.as_str().unwrap().to_owned());
    }
    let resident = pair["access_token"].as_str().unwrap().to_owned();
    let body = json!({ "address": "1栋2单元301", "id_number": ID_NUMBER });
    let path = format!("/communities/{community}/memberships");
    let application = server.ok(Method::POST, &path, Some(&resident), body).await;
    let verify = format!(
        "/communities/{community}/memberships/{}/verify",
        application["id"]
    );
    server.ok(Method::POST, &verify, admin, json!({})).await;
    server
        .ok(Method::GET, "/me", Some(&resident), Value::Null)
        .await;
    // Refused requests carrying secrets: a malformed body, a bad token, a bad ID number.
    let malformed = server
        .client
        .post(format!("{}/api/v1/auth/login", server.base))
        .header("content-type", "application/json")
        .body(format!(
            "{{\"login\": \"{PHONE}\", \"password\": \"{PASSWORD}\""
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let (status, _) = server
        .call(
            Method::GET,
            "/me",
            Some(&format!("{resident}x")),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let body = json!({ "address": "1栋", "id_number": format!("{ID_NUMBER}9") });
    let (status, _) = server
        .call(Method::POST, &path, Some(&resident), body)
        .await;
    assert!(status.is_client_error());
    // The password changes.
    let body = json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD });
    server
        .ok(Method::POST, "/me/password", Some(&resident), body)
        .await;
    server.login(PHONE, NEW_PASSWORD).await;

    let logs = std::fs::read_to_string(&log).unwrap();
    // Captured: the warning of the reused refresh token, with its request span, is there.
    assert!(logs.contains("refresh token reused"), "{logs}");
    // Phone numbers also with the middle masked differently, or split by formatting: the
    // digits after the first three identify the person.
    secrets.push(PHONE[3..].to_owned());
    secrets.push(ADMIN_PHONE[3..].to_owned());
    secrets.push(ID_NUMBER[..14].to_owned());
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|s| logs.contains(s.as_str()))
        .collect();
    assert!(leaked.is_empty(), "the logs hold {leaked:?}:\n{logs}");
}
