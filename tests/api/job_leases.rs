//! Scheduled jobs on several nodes: a lease in the database lets one node at a time run a
//! job, so a run happens once however many nodes try, and the outbox sends each message once
//! with every node's scheduler running. Runs show in `/metrics`; the CLI runs a job by hand.

use crate::helpers::{Backend, TestApp};
use crate::points::adjust;
use crate::smtp_sink::SmtpSink;
use crate::world;
use futures_util::future::join_all;
use std::collections::BTreeSet;
use std::time::Duration;
use wushe::jobs::{Job, scheduler};

crate::backend_tests!(a_job_runs_once_however_many_nodes_try);
crate::backend_cases!(two_nodes_running_the_outbox_send_each_message_once);

async fn a_job_runs_once_however_many_nodes_try(app: TestApp) {
    let other = app.second_node().await;
    let attempts = (0..8).map(|n| {
        let node = if n % 2 == 0 { &app } else { &other };
        scheduler::attempt(&node.state, Job::Prune, false)
    });
    let outcomes = join_all(attempts).await;
    let ran = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(scheduler::Ran::Done(Ok(_)))))
        .count();
    let waited = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(scheduler::Ran::NotNow)))
        .count();
    assert_eq!((ran, waited), (1, 7), "{outcomes:?}");
    assert_eq!(
        app.count("SELECT runs AS n FROM job_leases WHERE name = 'prune'")
            .await,
        1
    );
    // Done for the day: trying again finds it not due.
    let again = scheduler::attempt(&other.state, Job::Prune, false)
        .await
        .unwrap();
    assert!(matches!(again, scheduler::Ran::NotNow), "{again:?}");

    let mut counted = 0;
    for node in [&app, &other] {
        let (_, metrics) = node.get("/metrics", None).await;
        let text = metrics.as_str().unwrap_or_default().to_owned();
        if text.contains("wushe_job_runs_total{job=\"prune\",outcome=\"ok\"} 1") {
            counted += 1;
        }
    }
    assert_eq!(counted, 1, "the node that ran it counts the run");
}

async fn two_nodes_running_the_outbox_send_each_message_once(backend: Backend) {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let url = sink.url();
    let Some(app) = TestApp::spawn_with(backend, move |config| {
        config.smtp_url = Some(url);
        config.delivery.job_every = [("outbox".to_owned(), Duration::from_millis(100))].into();
    })
    .await
    else {
        return;
    };
    let other = app.second_node().await;
    let world = world::build(&app).await;
    let a = &world.a;
    app.sql(&format!(
        "UPDATE users SET email = 'r@example.cn' WHERE id = {}",
        a.resident.id
    ))
    .await;
    wushe::jobs::scheduler::spawn(app.state.clone());
    wushe::jobs::scheduler::spawn(other.state.clone());
    for points in 1..=30 {
        let (node, staff) = if points % 2 == 0 {
            (&app, &a.staff)
        } else {
            (&other, &a.community_admin)
        };
        adjust(node, a.community, staff, a.resident.id, points).await;
    }
    for _ in 0..300 {
        let sent = app
            .count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'email' AND status = 'sent'")
            .await;
        if sent == 30 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ids: BTreeSet<String> = sink.headers("Message-ID").into_iter().collect();
    assert_eq!(sink.messages().len(), 30, "every message, once");
    assert_eq!(ids.len(), 30);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'email' AND status <> 'sent'")
            .await,
        0
    );
}

#[test]
fn a_job_is_run_by_hand_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let wushe = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wushe"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("WUSHE_DATA_DIR", dir.path())
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let unknown = wushe(&["run-job", "lottery"]);
    assert!(!unknown.status.success());
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        said.contains("no job \"lottery\"; the jobs are outbox, reminders"),
        "{said}"
    );

    let ran = wushe(&["run-job", "prune"]);
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        "prune: 0 delivered outbox rows deleted, 0 never taken up marked failed\n"
    );
    let listed = wushe(&["jobs"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    let prune = listed.lines().find(|l| l.starts_with("prune")).unwrap();
    assert!(prune.contains("runs 1 "), "{prune}");
    assert_eq!(listed.lines().count(), Job::ALL.len(), "{listed}");
}
