//! Many clients at once: no "database is locked", no lost or doubled writes.

use crate::helpers::{PASSWORD, TestApp};
use crate::world;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

async fn fifty_simultaneous_registrations(app: TestApp) {
    let results = join_all((0..50).map(|n| {
        app.post("/auth/register", None, json!({ "login": format!("1391234{n:04}"), "password": PASSWORD, "display_name": format!("居民{n}") }))
    }))
    .await;
    let failures: Vec<_> = results
        .iter()
        .filter(|(s, _)| *s != StatusCode::CREATED)
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, 50);
}

async fn fifty_simultaneous_writes_and_one_winner_per_race(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let path = format!("/communities/{}/households", a.community);
    let results = join_all((0..50).map(|n| {
        app.post(
            &path,
            a.staff.token(),
            json!({ "building": "5栋", "room": format!("{n}") }),
        )
    }))
    .await;
    let failures: Vec<_> = results
        .iter()
        .filter(|(s, _)| *s != StatusCode::CREATED)
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    // Fifty staff racing to create the same household: exactly one wins, the rest get 409.
    let results = join_all((0..50).map(|_| {
        app.post(
            &path,
            a.staff.token(),
            json!({ "building": "6栋", "room": "101" }),
        )
    }))
    .await;
    let created = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let conflicts = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (1, 49), "{results:?}");
    // Fifty verifications of one application: it is decided once and audited once.
    let verify = format!(
        "/communities/{}/memberships/{}/verify",
        a.community, a.pending_membership
    );
    let results = join_all((0..50).map(|_| app.post(&verify, a.staff.token(), json!({})))).await;
    assert_eq!(
        results.iter().filter(|(s, _)| *s == StatusCode::OK).count(),
        1
    );
    let audited = app
        .count(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'membership.verified' AND target_id = '{}'", a.pending_membership))
        .await;
    assert_eq!(audited, 1);
}

crate::backend_tests!(
    fifty_simultaneous_registrations,
    fifty_simultaneous_writes_and_one_winner_per_race
);
