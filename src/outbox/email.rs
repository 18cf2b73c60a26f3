//! Email through lettre: SMTP (`smtp://` or `smtps://` in `WUSHE_SMTP_URL`, with a pool of
//! connections) or, for development, one `.eml` file per message in a directory (`file://`).

use super::Failure;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// How long one SMTP exchange may take before it counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

/// One email to write.
pub struct Email<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// Unique per outbox row, so a receiving system can tell a repeat from a new message.
    pub message_id: String,
}

impl Mailer {
    /// The mailer `WUSHE_SMTP_URL` names, or `None` when it is unset.
    pub fn from_config(url: Option<&url::Url>) -> Result<Option<Self>, String> {
        let Some(url) = url else { return Ok(None) };
        if url.scheme() == "file" {
            let dir = url
                .to_file_path()
                .map_err(|()| "WUSHE_SMTP_URL: bad file path")?;
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("WUSHE_SMTP_URL: cannot create {}: {e}", dir.display()))?;
            return Ok(Some(Self::Files(AsyncFileTransport::new(dir))));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
            .map_err(|e| format!("WUSHE_SMTP_URL: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Some(Self::Smtp(transport)))
    }

    pub async fn send(&self, from: &str, email: Email<'_>) -> Result<(), Failure> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| Failure::permanent(format!("bad WUSHE_MAIL_FROM: {e}")))?;
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| Failure::permanent(format!("bad address: {e}")))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(email.subject)
            .message_id(Some(email.message_id))
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.to_owned())
            .map_err(|e| Failure::permanent(format!("cannot build the message: {e}")))?;
        match self {
            Self::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    Failure::permanent(e.to_string())
                } else if e.is_transient() {
                    Failure::retry(e.to_string())
                } else {
                    // No answer from the server at all: it is down or unreachable.
                    Failure::unreachable(e.to_string())
                }
            }),
            Self::Files(files) => files
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| Failure::unreachable(e.to_string())),
        }
    }
}
