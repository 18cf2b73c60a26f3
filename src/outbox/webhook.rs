//! The operator's gateway: each message is POSTed as JSON carrying only what an SMS or WeChat
//! message needs (the phone number, the words, ids to deduplicate by), signed with HMAC-SHA256
//! so the gateway can tell it came from wushe and was not replayed long after.
//!
//! Headers: `X-Wushe-Timestamp` (Unix seconds) and `X-Wushe-Signature: sha256=<hex>` over
//! `"{timestamp}.{body}"`; `Idempotency-Key: outbox-<id>` is the same on every retry.

use super::Failure;
use crate::config::Webhook;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    /// The outbox row: the same on every retry of this message.
    pub id: i64,
    pub kind: &'a str,
    pub phone: &'a str,
    pub locale: &'a str,
    pub title: &'a str,
    pub text: &'a str,
}

/// The signature of `body` sent at `timestamp`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> Result<String, Failure> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret)
        .map_err(|e| Failure::permanent(format!("webhook secret: {e}")))?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "sha256={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

pub fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .user_agent(concat!("wushe/", env!("CARGO_PKG_VERSION")))
        // A redirect would carry the phone number to a host the operator did not name.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the webhook client: {e}"))
}

/// Posts `payload`. A 2xx is delivered; 408, 429 and 5xx are worth retrying, as is no answer;
/// any other status means the gateway refuses this message and will go on refusing it.
pub async fn post(
    client: &reqwest::Client,
    webhook: &Webhook,
    payload: &Payload<'_>,
    timestamp: i64,
) -> Result<(), Failure> {
    let body = serde_json::to_vec(payload).map_err(|e| Failure::permanent(e.to_string()))?;
    let response = client
        .post(webhook.url.clone())
        .header("content-type", "application/json")
        .header("x-wushe-timestamp", timestamp.to_string())
        .header(
            "x-wushe-signature",
            signature(&webhook.secret, timestamp, &body)?,
        )
        .header("idempotency-key", format!("outbox-{}", payload.id))
        .body(body)
        .send()
        .await
        .map_err(|e| Failure::unreachable(e.to_string()))?;
    let status = response.status();
    match status.as_u16() {
        200..=299 => Ok(()),
        408 | 429 | 500..=599 => Err(Failure::retry(format!("gateway answered {status}"))),
        _ => Err(Failure::permanent(format!("gateway answered {status}"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_covers_the_timestamp_and_the_body() {
        let a = super::signature(b"k", 1, b"{}").unwrap();
        assert_eq!(a.len(), "sha256=".len() + 64);
        assert_ne!(a, super::signature(b"k", 2, b"{}").unwrap());
        assert_ne!(a, super::signature(b"k", 1, b"[]").unwrap());
    }
}
