//! The transactional outbox: notices leave the inbox by email and by the operator's webhook
//! from rows written in the same transaction as the event, so nothing is sent for an event
//! that rolled back and nothing is lost when a mail server or gateway is down.
//!
//! The `outbox` job (`sender`) claims due rows, delivers them a few at a time, and marks each
//! sent once; a failure waits (doubling from `WUSHE_OUTBOX_RETRY_SECONDS` up to 30 minutes)
//! and is retried until `WUSHE_OUTBOX_MAX_ATTEMPTS`, then recorded as failed with its error.
//! People who take a daily digest have their email held and sent together by `digest`.

pub mod digest;
pub mod email;
pub mod live;
pub mod sender;
pub mod store;
pub mod webhook;

use crate::config::Config;

/// Why a delivery did not happen, which decides what happens next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Refused for good (a bad address, a message the gateway rejects): do not retry.
    Permanent,
    /// Refused for now (a busy server): retry later.
    Retry,
    /// No answer (the server is down): retry later, and do not try the rest of the batch now.
    Unreachable,
}

#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

impl Failure {
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Permanent,
            message: message.into(),
        }
    }

    pub fn retry(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Retry,
            message: message.into(),
        }
    }

    pub fn unreachable(message: impl Into<String>) -> Self {
        Self {
            kind: FailureKind::Unreachable,
            message: message.into(),
        }
    }
}

/// The ways out this node has: built once at start-up from the configuration.
#[derive(Clone)]
pub struct Outbound {
    pub mailer: Option<email::Mailer>,
    pub webhook: Option<(reqwest::Client, crate::config::Webhook)>,
}

impl Outbound {
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let webhook = match &config.delivery.webhook {
            Some(hook) => Some((webhook::client()?, hook.clone())),
            None => None,
        };
        Ok(Self {
            mailer: email::Mailer::from_config(config.smtp_url.as_ref())?,
            webhook,
        })
    }
}
