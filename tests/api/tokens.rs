//! Every way an access token can be wrong gives 401.

use crate::helpers::{JWT_SECRET, TestApp};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use wushe::auth::{Claims, TokenKeys};

fn claims(user_id: i64) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        iss: "wushe".into(),
        aud: "wushe-api".into(),
        sub: user_id.to_string(),
        iat: now,
        exp: now + 600,
        typ: "access".into(),
        sid: "forged".into(),
        act: None,
    }
}

async fn status_with(app: &TestApp, authorization: &str) -> (StatusCode, String) {
    let response = app
        .client
        .get(app.url("/me"))
        .header("authorization", authorization)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

async fn bad_tokens_are_refused(app: TestApp) {
    let user = app.user("13912345678", "张伟").await;
    let right = TokenKeys::new(JWT_SECRET.as_bytes());
    let good = right.sign(&claims(user.id)).unwrap();
    assert_eq!(
        status_with(&app, &format!("Bearer {good}")).await.0,
        StatusCode::OK,
        "the control token works"
    );

    let unsigned = {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(user.id)).unwrap());
        format!("{header}.{payload}.")
    };
    let wrong_key = TokenKeys::new(b"another-secret-0123456789-abcdefghijkl")
        .sign(&claims(user.id))
        .unwrap();
    let expired = right
        .sign(&Claims {
            exp: chrono::Utc::now().timestamp() - 120,
            ..claims(user.id)
        })
        .unwrap();
    let foreign_issuer = right
        .sign(&Claims {
            iss: "someone-else".into(),
            ..claims(user.id)
        })
        .unwrap();
    let foreign_audience = right
        .sign(&Claims {
            aud: "another-api".into(),
            ..claims(user.id)
        })
        .unwrap();
    let wrong_type = right
        .sign(&Claims {
            typ: "refresh".into(),
            ..claims(user.id)
        })
        .unwrap();
    let tampered = {
        let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(user.id + 1)).unwrap());
        parts.join(".")
    };
    let cases = [
        ("missing scheme", good.clone(), "invalid"),
        ("alg none", format!("Bearer {unsigned}"), "invalid_token"),
        ("wrong key", format!("Bearer {wrong_key}"), "invalid_token"),
        ("expired", format!("Bearer {expired}"), "token_expired"),
        (
            "foreign issuer",
            format!("Bearer {foreign_issuer}"),
            "invalid_token",
        ),
        (
            "foreign audience",
            format!("Bearer {foreign_audience}"),
            "invalid_token",
        ),
        (
            "wrong type",
            format!("Bearer {wrong_type}"),
            "invalid_token",
        ),
        (
            "tampered payload",
            format!("Bearer {tampered}"),
            "invalid_token",
        ),
        ("garbage", "Bearer not.a.jwt".into(), "invalid_token"),
        ("empty", "Bearer ".into(), "unauthenticated"),
        ("basic auth", "Basic dXNlcjpwYXNz".into(), "unauthenticated"),
    ];
    for (name, header, code) in cases {
        let (status, got) = status_with(&app, &header).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}");
        if code != "invalid" {
            assert_eq!(got, code, "{name}");
        }
    }
    let response = app.client.get(app.url("/me")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "no header");
}

crate::backend_tests!(bad_tokens_are_refused);
