//! The operations that end or outlive a session, which the table cannot call with the world's
//! tokens: each caller opens a session of their own first.

use super::*;

/// The operations this file walks, for the coverage check.
pub(super) const OPERATIONS: &[&str] = &[
    "POST /api/v1/auth/refresh",
    "POST /api/v1/auth/logout",
    "GET /api/v1/me/events",
];

/// A fresh session of `who` (none for nobody): access and refresh token.
async fn session(app: &TestApp, who: Who) -> Option<(String, String)> {
    let login = login_of(who)?;
    let pair = app.login(&login, PASSWORD).await;
    let token = |key: &str| pair[key].as_str().unwrap().to_owned();
    Some((token("access_token"), token("refresh_token")))
}

/// Walks the session operations for every caller (twice, as the table walks two sides: the
/// answer must not depend on which), returning the cells walked and the wrong ones.
pub(super) async fn walk(app: &TestApp) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut cells = 0;
    for who in EVERYONE {
        for _side in 0..2 {
            cells += OPERATIONS.len();
            let fresh = session(app, who).await;
            let access = fresh.as_ref().map(|(a, _)| a.as_str());
            let mut check = |what: &str, got: StatusCode, want: StatusCode| {
                if got != want {
                    failures.push(format!("{what} as {who:?}: got {got}, want {want}"));
                }
            };
            // The event stream answers at once and stays open: only its status is read.
            let events = app.client.get(app.url("/me/events"));
            let events = match access {
                Some(token) => events.bearer_auth(token),
                None => events,
            };
            let status = events.send().await.unwrap().status();
            let want = if access.is_some() {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            };
            check("GET /me/events", status, want);
            // Anyone holding a refresh token may exchange it, once.
            if let Some((_, refresh)) = &fresh {
                let body = json!({ "refresh_token": refresh });
                let (status, _) = app.post("/auth/refresh", None, body.clone()).await;
                check("POST /auth/refresh", status, StatusCode::OK);
                let (status, _) = app.post("/auth/refresh", None, body).await;
                check("POST /auth/refresh again", status, StatusCode::UNAUTHORIZED);
            } else {
                let body = json!({ "refresh_token": "not-a-token" });
                let (status, _) = app.post("/auth/refresh", None, body).await;
                check("POST /auth/refresh", status, StatusCode::UNAUTHORIZED);
            }
            // Logging out needs a session, and ends it (the reused refresh token above has
            // revoked this one already, so a new one is opened).
            let fresh = session(app, who).await;
            let access = fresh.as_ref().map(|(a, _)| a.as_str());
            let (status, _) = app.call(Method::POST, "/auth/logout", access, None).await;
            let want = if access.is_some() {
                StatusCode::NO_CONTENT
            } else {
                StatusCode::UNAUTHORIZED
            };
            check("POST /auth/logout", status, want);
            let (status, _) = app.get("/me", access).await;
            check("GET /me after logout", status, StatusCode::UNAUTHORIZED);
        }
    }
    (cells, failures)
}
