//! Registration, login, refresh rotation with reuse detection, logout, password change.

use crate::helpers::{PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn register_login_and_me(app: TestApp) {
    let user = app.user("+86 139-1234-5678", "张伟").await;
    let (status, me) = app.get("/me", user.token()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["phone"], "13912345678", "the phone is stored normalised");
    assert_eq!(me["display_name"], "张伟");
    assert_eq!(me["memberships"], json!([]));
    assert!(me.get("password_hash").is_none());
    // Email logins are case-insensitive.
    let (status, _) = app
        .post(
            "/auth/register",
            None,
            json!({ "login": "Li.Na@Example.com", "password": PASSWORD, "display_name": "李娜" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let tokens = app.login("li.na@example.COM", PASSWORD).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
}

async fn registration_is_validated(app: TestApp) {
    app.user("13912345678", "张伟").await;
    let (status, body) = app
        .post(
            "/auth/register",
            None,
            json!({ "login": "13912345678", "password": PASSWORD, "display_name": "冒名" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "already_exists");
    assert_eq!(body["errors"][0]["field"], "login");
    for (login, password, field, code) in [
        ("13912345679", "12345678", "password", "too_weak"),
        ("13912345679", "张伟张伟1990", "password", "too_weak"),
        ("13912345679", "short", "password", "length"),
        ("12345", PASSWORD, "login", "invalid_login"),
        ("a@b", PASSWORD, "login", "invalid_login"),
    ] {
        let (status, body) = app
            .post(
                "/auth/register",
                None,
                json!({ "login": login, "password": password, "display_name": "张伟" }),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{login} {password}: {body}"
        );
        assert_eq!(body["errors"][0]["field"], field, "{body}");
        assert_eq!(body["errors"][0]["code"], code, "{body}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM users").await,
        1,
        "refused registrations wrote nothing"
    );
}

async fn wrong_passwords_and_unknown_logins_look_the_same(app: TestApp) {
    app.user("13912345678", "张伟").await;
    let (status, wrong) = app
        .post(
            "/auth/login",
            None,
            json!({ "login": "13912345678", "password": "not the password" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, unknown) = app
        .post(
            "/auth/login",
            None,
            json!({ "login": "13900000000", "password": "not the password" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong["code"], "invalid_credentials");
    assert_eq!(wrong["code"], unknown["code"]);
    assert_eq!(wrong["title"], unknown["title"]);
}

async fn failed_logins_are_rate_limited_per_account(app: TestApp) {
    app.user("13912345678", "张伟").await;
    for _ in 0..5 {
        let (status, _) = app
            .post(
                "/auth/login",
                None,
                json!({ "login": "13912345678", "password": "guess guess guess" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let response = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({ "login": "13912345678", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60 + 1).contains(&retry_after));
    // Another account from the same address is not locked out by this one.
    app.user("13812345678", "李娜").await;
}

async fn failed_logins_are_rate_limited_per_address(app: TestApp) {
    // Many accounts guessed from one address: the address is stopped after 30 failures.
    let mut last = StatusCode::OK;
    for n in 0..31 {
        let (status, _) = app
            .post(
                "/auth/login",
                None,
                json!({ "login": format!("1391234{n:04}"), "password": "guess guess guess" }),
            )
            .await;
        last = status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

async fn refresh_rotates_and_reuse_revokes_the_session(app: TestApp) {
    let user = app.user("13912345678", "张伟").await;
    let (status, first) = app
        .post(
            "/auth/refresh",
            None,
            json!({ "refresh_token": user.refresh }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_ne!(first["refresh_token"], user.refresh.as_str());
    let (status, _) = app.get("/me", first["access_token"].as_str()).await;
    assert_eq!(status, StatusCode::OK);
    // The spent token presented again: reuse. The whole session dies.
    let (status, body) = app
        .post(
            "/auth/refresh",
            None,
            json!({ "refresh_token": user.refresh }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "refresh_token_reused");
    let (status, body) = app
        .post(
            "/auth/refresh",
            None,
            first
                .get("refresh_token")
                .map(|t| json!({ "refresh_token": t }))
                .unwrap(),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the newest token of the family is revoked too"
    );
    assert_eq!(body["code"], "refresh_token_invalid");
    for token in [
        user.access.as_str(),
        first["access_token"].as_str().unwrap(),
    ] {
        let (status, body) = app.get("/me", Some(token)).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "access tokens of the session stop working: {body}"
        );
    }
    // Other sessions of the same person are untouched.
    let other = app.login("13912345678", PASSWORD).await;
    let (status, _) = app.get("/me", other["access_token"].as_str()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post("/auth/refresh", None, json!({ "refresh_token": "made-up" }))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("refresh_token_invalid"))
    );
}

async fn concurrent_refreshes_with_one_token_count_as_reuse(app: TestApp) {
    let user = app.user("13912345678", "张伟").await;
    let body = json!({ "refresh_token": user.refresh });
    let results = futures_util::future::join_all(
        (0..4).map(|_| app.post("/auth/refresh", None, body.clone())),
    )
    .await;
    // Refreshes are serialised by their write transaction: the first wins, and every other
    // one is a reuse, which also ends the session the winner just renewed.
    let succeeded = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(
        succeeded, 1,
        "one refresh token yields exactly one new pair: {results:?}"
    );
    // The first loser is caught reusing; later ones find the session already revoked.
    let losers: Vec<_> = results
        .iter()
        .filter(|(s, _)| *s != StatusCode::OK)
        .collect();
    assert!(losers.iter().all(|(s, b)| *s == StatusCode::UNAUTHORIZED
        && matches!(
            b["code"].as_str(),
            Some("refresh_token_reused" | "refresh_token_invalid")
        )));
    assert!(
        losers
            .iter()
            .any(|(_, b)| b["code"] == "refresh_token_reused"),
        "{losers:?}"
    );
    let winner = results.iter().find(|(s, _)| *s == StatusCode::OK).unwrap();
    let (status, _) = app
        .post(
            "/auth/refresh",
            None,
            json!({ "refresh_token": winner.1["refresh_token"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the family was revoked");
}

async fn logout_ends_the_session_at_once(app: TestApp) {
    let user = app.user("13912345678", "张伟").await;
    let (status, _) = app.post("/auth/logout", user.token(), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/me", user.token()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .post(
            "/auth/refresh",
            None,
            json!({ "refresh_token": user.refresh }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.post("/auth/logout", None, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn changing_the_password_logs_out_other_sessions(app: TestApp) {
    let user = app.user("13912345678", "张伟").await;
    let phone = app.login("13912345678", PASSWORD).await;
    let new_password = "Chun-feng 8 li lu?";
    let (status, body) = app
        .post(
            "/me/password",
            user.token(),
            json!({ "current_password": "wrong wrong wrong", "new_password": new_password }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = app
        .post(
            "/me/password",
            user.token(),
            json!({ "current_password": PASSWORD, "new_password": "password1" }),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password"))
    );
    let (status, _) = app
        .post(
            "/me/password",
            user.token(),
            json!({ "current_password": PASSWORD, "new_password": new_password }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/me", user.token()).await;
    assert_eq!(status, StatusCode::OK, "the session that changed it stays");
    let (status, _) = app.get("/me", phone["access_token"].as_str()).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the other device is logged out"
    );
    let (status, _) = app
        .post(
            "/auth/refresh",
            None,
            json!({ "refresh_token": phone["refresh_token"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .post(
            "/auth/login",
            None,
            json!({ "login": "13912345678", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.login("13912345678", new_password).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'account.password_changed'")
            .await,
        1
    );
}

async fn disabled_accounts_cannot_log_in_or_refresh(app: TestApp) {
    let user = app.user("13912345678", "张伟").await;
    app.sql(&format!(
        "UPDATE users SET status = 'disabled' WHERE id = {}",
        user.id
    ))
    .await;
    let (status, body) = app
        .post(
            "/auth/login",
            None,
            json!({ "login": "13912345678", "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("account_disabled"))
    );
    let (status, _) = app
        .post(
            "/auth/refresh",
            None,
            json!({ "refresh_token": user.refresh }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

crate::backend_tests!(
    register_login_and_me,
    registration_is_validated,
    wrong_passwords_and_unknown_logins_look_the_same,
    failed_logins_are_rate_limited_per_account,
    failed_logins_are_rate_limited_per_address,
    refresh_rotates_and_reuse_revokes_the_session,
    concurrent_refreshes_with_one_token_count_as_reuse,
    logout_ends_the_session_at_once,
    changing_the_password_logs_out_other_sessions,
    disabled_accounts_cannot_log_in_or_refresh,
);
