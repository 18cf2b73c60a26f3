//! Delivery through the outbox to a real SMTP server on loopback and to a webhook gateway:
//! each message arrives once with its words, a server that is down loses nothing and gets
//! nothing twice when it returns, attempts run out into a recorded failure, digests gather.

use crate::helpers::{Backend, TestApp, User};
use crate::notifications::{deliver, run_job};
use crate::points::adjust;
use crate::smtp_sink::{SmtpSink, body_text};
use crate::world;
use chrono::TimeDelta;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;
use wushe::jobs::Job;

crate::backend_cases!(
    each_email_arrives_once_with_its_words,
    a_mail_server_down_loses_nothing_and_sends_nothing_twice,
    attempts_run_out_into_a_recorded_failure,
    a_digest_gathers_the_days_email
);

/// A real SMTP server and an app that mails through it, giving up after `max_attempts`;
/// `None` (a skipped test) when either cannot be had.
pub async fn with_mail(backend: Backend, max_attempts: u32) -> Option<(SmtpSink, TestApp)> {
    let sink = SmtpSink::start().await?;
    let url = sink.url();
    let app = TestApp::spawn_with(backend, move |config| {
        config.smtp_url = Some(url);
        config.delivery.max_attempts = max_attempts;
        config.delivery.mail_from = "东湖社区 <noreply@donghu.example.cn>".into();
    })
    .await?;
    Some((sink, app))
}

/// Gives `user` an address and English messages (so subjects are plain ASCII to compare).
pub async fn reads_email_in_english(app: &TestApp, user: &User, digest: bool) -> String {
    let address = format!("u{}@example.cn", user.id);
    app.sql(&format!(
        "UPDATE users SET email = '{address}' WHERE id = {}",
        user.id
    ))
    .await;
    let (status, body) = app
        .call(
            Method::PUT,
            "/me/notification-settings",
            user.token(),
            Some(json!({ "locale": "en", "email_digest": digest })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    address
}

pub async fn credit(app: &TestApp, side: &world::Side, user: &User, points: i64) {
    let (status, body) = adjust(app, side.community, &side.staff, user.id, points).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn statuses(app: &TestApp) -> Vec<String> {
    app.texts("SELECT status AS t FROM outbox WHERE channel = 'email' ORDER BY id")
        .await
}

async fn each_email_arrives_once_with_its_words(backend: Backend) {
    let Some((sink, app)) = with_mail(backend, 20).await else {
        return;
    };
    let world = world::build(&app).await;
    let a = &world.a;
    let address = reads_email_in_english(&app, &a.resident, false).await;
    credit(&app, a, &a.resident, 100).await;
    let summary = deliver(&app).await;
    assert_eq!(summary, "1 sent, 0 to retry, 0 failed, 0 deferred");
    assert_eq!(
        deliver(&app).await,
        "0 sent, 0 to retry, 0 failed, 0 deferred"
    );

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let id = app.count("SELECT MAX(id) AS n FROM outbox").await;
    assert_eq!(sink.headers("Subject"), ["+100 points"]);
    assert_eq!(sink.headers("To"), [address]);
    assert_eq!(sink.headers("Message-ID"), [format!("<outbox-{id}@wushe>")]);
    assert!(sink.headers("From")[0].contains("<noreply@donghu.example.cn>"));
    assert_eq!(
        body_text(&messages[0]).trim_end(),
        "100 points were credited to your account: 人工调整：志愿服务补录\n\n--\n\
         Change what you receive under Notification settings in the app."
    );
    assert!(
        !messages[0].contains("13700000"),
        "no phone numbers in mail"
    );
    assert_eq!(statuses(&app).await, ["sent"]);
    assert_eq!(
        app.count("SELECT CAST(attempts AS BIGINT) AS n FROM outbox WHERE channel = 'email'")
            .await,
        1
    );
}

async fn a_mail_server_down_loses_nothing_and_sends_nothing_twice(backend: Backend) {
    let Some((mut sink, app)) = with_mail(backend, 20).await else {
        return;
    };
    let world = world::build(&app).await;
    let a = &world.a;
    reads_email_in_english(&app, &a.resident, false).await;
    reads_email_in_english(&app, &a.volunteer, false).await;
    credit(&app, a, &a.resident, 1).await;
    deliver(&app).await;
    assert_eq!(sink.messages().len(), 1);

    sink.stop();
    for points in 2..=6 {
        credit(&app, a, &a.resident, points).await;
        credit(&app, a, &a.volunteer, points).await;
    }
    // An hour of outage: every run finds the server gone and puts the messages back.
    for _ in 0..6 {
        let summary = deliver(&app).await;
        assert!(summary.starts_with("0 sent"), "{summary}");
        app.state.clock.advance(TimeDelta::minutes(10));
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")
            .await,
        10
    );
    assert!(
        app.count("SELECT CAST(MAX(attempts) AS BIGINT) AS n FROM outbox WHERE status = 'pending'")
            .await
            >= 2,
        "the attempts are counted"
    );

    sink.resume().await;
    app.state.clock.advance(TimeDelta::hours(1));
    let summary = deliver(&app).await;
    assert_eq!(summary, "10 sent, 0 to retry, 0 failed, 0 deferred");
    app.state.clock.advance(TimeDelta::hours(1));
    deliver(&app).await;
    let ids: BTreeSet<String> = sink.headers("Message-ID").into_iter().collect();
    assert_eq!(sink.messages().len(), 11, "each message once");
    assert_eq!(ids.len(), 11, "no message twice");
    let subjects: BTreeSet<String> = sink.headers("Subject").into_iter().collect();
    let expected: BTreeSet<String> = (1..=6).map(|p| format!("+{p} points")).collect();
    assert_eq!(subjects, expected);
    assert_eq!(statuses(&app).await, vec!["sent"; 11]);
}

async fn attempts_run_out_into_a_recorded_failure(backend: Backend) {
    let Some((mut sink, app)) = with_mail(backend, 3).await else {
        return;
    };
    let world = world::build(&app).await;
    let a = &world.a;
    reads_email_in_english(&app, &a.resident, false).await;
    sink.stop();
    credit(&app, a, &a.resident, 7).await;
    let mut summaries = Vec::new();
    for _ in 0..4 {
        summaries.push(deliver(&app).await);
        app.state.clock.advance(TimeDelta::hours(2));
    }
    assert_eq!(
        summaries,
        [
            "0 sent, 1 to retry, 0 failed, 0 deferred",
            "0 sent, 1 to retry, 0 failed, 0 deferred",
            "0 sent, 0 to retry, 1 failed, 0 deferred",
            "0 sent, 0 to retry, 0 failed, 0 deferred",
        ]
    );
    assert_eq!(statuses(&app).await, ["failed"]);
    assert_eq!(
        app.count("SELECT CAST(attempts AS BIGINT) AS n FROM outbox")
            .await,
        3
    );
    let error = app.texts("SELECT last_error AS t FROM outbox").await;
    assert!(!error[0].is_empty());
    sink.resume().await;
    deliver(&app).await;
    assert!(
        sink.messages().is_empty(),
        "a failed message is not sent later"
    );
    tokio::time::sleep(Duration::from_millis(10)).await;
}

async fn a_digest_gathers_the_days_email(backend: Backend) {
    let Some((sink, app)) = with_mail(backend, 20).await else {
        return;
    };
    let world = world::build(&app).await;
    let a = &world.a;
    reads_email_in_english(&app, &a.resident, true).await;
    reads_email_in_english(&app, &a.volunteer, false).await;
    for points in [3, 4, 5] {
        credit(&app, a, &a.resident, points).await;
    }
    credit(&app, a, &a.volunteer, 9).await;
    deliver(&app).await;
    assert_eq!(
        sink.headers("Subject"),
        ["+9 points"],
        "only the one-by-one reader"
    );
    assert_eq!(run_job(&app, Job::EmailDigest).await, "1 digests queued");
    assert_eq!(run_job(&app, Job::EmailDigest).await, "0 digests queued");
    deliver(&app).await;
    let mut subjects = sink.headers("Subject");
    subjects.sort();
    assert_eq!(subjects, ["+9 points", "Your community notices (3)"]);
    let digest = sink
        .messages()
        .into_iter()
        .find(|m| m.contains("community notices"))
        .map(|m| body_text(&m))
        .unwrap();
    for points in [3, 4, 5] {
        assert!(digest.contains(&format!("+{points} points")), "{digest}");
    }
}
