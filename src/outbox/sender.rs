//! The `outbox` job: delivers due messages in batches until none is left.

use super::email::Email;
use super::store::{self, Claimed, Setback};
use super::webhook::{self, Payload};
use super::{Failure, FailureKind};
use crate::error::ApiError;
use crate::notifications::Notice;
use crate::notifications::settings::Locale;
use crate::notifications::templates::{Rendered, render};
use crate::state::AppState;
use chrono::{NaiveDateTime, TimeDelta};
use futures_util::future::join_all;
use rand::RngCore;
use serde::Serialize;

/// Messages claimed at once; a claim lasts long enough for all of them to time out in turn.
const BATCH: i64 = 64;
/// Messages in flight at once.
const PARALLEL: usize = 8;
const CLAIM_FOR: TimeDelta = TimeDelta::minutes(10);

#[derive(Debug, Default, Serialize)]
pub struct Delivered {
    /// New inbox items pushed to the apps' live streams.
    pub pushed: usize,
    pub sent: usize,
    /// Failed this time, to be retried.
    pub retrying: usize,
    /// Given up.
    pub failed: usize,
    /// Not tried because the server was unreachable; back in the queue.
    pub deferred: usize,
}

/// One message ready to go: the row and its notices (one, or a digest's several), or why it
/// cannot be written (a notice stored by another version that this one cannot read).
struct Outgoing {
    row: Claimed,
    notices: Result<Vec<Notice>, String>,
}

/// Delivers what is due now, batch after batch, until a batch comes back short or a channel
/// is unreachable. New inbox items are pushed to live streams before each batch, so a long
/// backlog of email does not hold them up; a failed push only logs.
pub async fn run(state: &AppState) -> Result<Delivered, ApiError> {
    let mut total = Delivered::default();
    loop {
        match super::live::push(state).await {
            Ok(pushed) => total.pushed += pushed,
            Err(error) => tracing::warn!(?error, "live pushes not sent"),
        }
        let (claimed, done) = deliver_batch(state).await?;
        total.sent += done.sent;
        total.retrying += done.retrying;
        total.failed += done.failed;
        total.deferred += done.deferred;
        if claimed < BATCH as usize || done.deferred > 0 {
            return Ok(total);
        }
    }
}

/// The channels this node can deliver; rows for others wait for a node that can.
fn channels(state: &AppState) -> Vec<&'static str> {
    let outbound = &state.outbound;
    [
        outbound.mailer.as_ref().map(|_| "email"),
        outbound.webhook.as_ref().map(|_| "webhook"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

async fn deliver_batch(state: &AppState) -> Result<(usize, Delivered), ApiError> {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let at = state.clock.now();
    let (claim_token, channels) = (token.clone(), channels(state));
    let outgoing = state
        .db
        .write(move |conn| {
            let rows = store::claim(conn, &claim_token, &channels, (at, at + CLAIM_FOR), BATCH)?;
            rows.into_iter()
                .map(|row| {
                    let notices = super::digest::notices_of(conn, &row)?;
                    Ok(Outgoing { row, notices })
                })
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    let claimed = outgoing.len();
    let mut sent = Vec::new();
    // Each message that did not go: its failure and the attempts made before, or `None` when
    // it was not tried because its channel's server was found unreachable.
    let mut setbacks: Vec<(i64, Option<(Failure, i32)>)> = Vec::new();
    // A channel whose server did not answer is not tried again in this batch; the others are.
    let mut unreachable: Vec<&str> = Vec::new();
    for chunk in outgoing.chunks(PARALLEL) {
        let (skipped, tried): (Vec<&Outgoing>, Vec<&Outgoing>) = chunk
            .iter()
            .partition(|o| unreachable.contains(&o.row.channel.as_str()));
        setbacks.extend(skipped.iter().map(|o| (o.row.id, None)));
        let results = join_all(tried.iter().map(|o| deliver(state, o))).await;
        for (outgoing, result) in tried.into_iter().zip(results) {
            state
                .metrics
                .outbox_delivery(&outgoing.row.channel, outcome_label(&result));
            match result {
                Ok(()) => sent.push(outgoing.row.id),
                Err(failure) => {
                    if failure.kind == FailureKind::Unreachable {
                        unreachable.push(outgoing.row.channel.as_str());
                    }
                    setbacks.push((outgoing.row.id, Some((failure, outgoing.row.attempts))));
                }
            }
        }
    }
    let (config, now, delivered) = (state.config.clone(), state.clock.now(), sent.len());
    let done = state
        .db
        .write(move |conn| {
            store::mark_sent(conn, &token, &sent, now)?;
            let mut done = Delivered {
                sent: delivered,
                ..Delivered::default()
            };
            for (id, failed) in &setbacks {
                let setback = next_step(&config.delivery, failed.as_ref(), now);
                match setback {
                    Setback::Deferred { .. } => done.deferred += 1,
                    Setback::Failed { retry_at: None, .. } => done.failed += 1,
                    Setback::Failed { .. } => done.retrying += 1,
                }
                store::set_back(conn, &token, *id, setback)?;
            }
            Ok(done)
        })
        .await?;
    Ok((claimed, done))
}

fn outcome_label(result: &Result<(), Failure>) -> &'static str {
    match result {
        Ok(()) => "sent",
        Err(f) if f.kind == FailureKind::Permanent => "refused",
        Err(_) => "failed",
    }
}

/// What a failure (with the attempts made before it) leads to: a retry after the backoff, or
/// giving up (at once for a permanent refusal, or when the attempts are used up). A message
/// not tried goes back in the queue for the first wait.
fn next_step<'a>(
    delivery: &crate::config::Delivery,
    failed: Option<&'a (Failure, i32)>,
    now: NaiveDateTime,
) -> Setback<'a> {
    let wait = |n: u32| TimeDelta::from_std(delivery.backoff(n)).unwrap_or(TimeDelta::hours(1));
    let Some((failure, attempts)) = failed else {
        return Setback::Deferred {
            retry_at: now + wait(1),
        };
    };
    let made = attempts.unsigned_abs() + 1;
    let gives_up = failure.kind == FailureKind::Permanent || made >= delivery.max_attempts;
    Setback::Failed {
        error: &failure.message,
        retry_at: (!gives_up).then(|| now + wait(made)),
    }
}

/// The notices in the reader's language: one as itself, several as a digest.
fn words(row: &Claimed, notices: &[Notice]) -> Rendered {
    let lang = Locale::parse(&row.locale).unwrap_or(Locale::ZhCn).lang();
    match notices {
        [one] => render(one, lang),
        many => super::digest::render_digest(many, lang),
    }
}

async fn deliver(state: &AppState, outgoing: &Outgoing) -> Result<(), Failure> {
    let row = &outgoing.row;
    let notices = outgoing
        .notices
        .as_deref()
        .map_err(|why| Failure::permanent(format!("cannot read the notice: {why}")))?;
    if row.user_status != crate::accounts::store::ACTIVE {
        return Err(Failure::permanent("the account is no longer active"));
    }
    let rendered = words(row, notices);
    match row.channel.as_str() {
        "email" => {
            let mailer = state.outbound.mailer.as_ref().ok_or_else(|| {
                Failure::permanent("email is not configured on this server (WUSHE_SMTP_URL)")
            })?;
            let to = row
                .email
                .as_deref()
                .ok_or_else(|| Failure::permanent("the account has no email address now"))?;
            let footer = match Locale::parse(&row.locale) {
                Some(Locale::En) => {
                    "\n\n--\nChange what you receive under Notification settings in the app."
                }
                _ => "\n\n--\n可在 app 的「通知设置」中更改接收方式。",
            };
            let body = format!("{}{footer}", rendered.body);
            let email = Email {
                to,
                subject: &rendered.title,
                body: &body,
                message_id: format!("<outbox-{}@wushe>", row.id),
            };
            mailer.send(&state.config.delivery.mail_from, email).await
        }
        "webhook" => {
            let (client, hook) = state.outbound.webhook.as_ref().ok_or_else(|| {
                Failure::permanent("no gateway is configured on this server (WUSHE_WEBHOOK_URL)")
            })?;
            let phone = row
                .phone
                .as_deref()
                .ok_or_else(|| Failure::permanent("the account has no phone number now"))?;
            let payload = Payload {
                id: row.id,
                kind: row.kind.as_deref().unwrap_or("digest"),
                phone,
                locale: &row.locale,
                title: &rendered.title,
                text: &rendered.body,
            };
            let timestamp = chrono::Utc::now().timestamp();
            webhook::post(client, hook, &payload, timestamp).await
        }
        other => Err(Failure::permanent(format!("unknown channel {other}"))),
    }
}
