//! Fixtures for the vote tests: a topic under discussion, crowds of verified residents made
//! directly in the database (`wushe::seed::crowd`), votes set up and opened, and ballots.

use crate::helpers::{TestApp, User};
use crate::world::{Side, created};
use chrono::{SecondsFormat, TimeDelta};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use wushe::seed::crowd;

pub fn vote_path(side: &Side, vote: i64, rest: &str) -> String {
    format!("/communities/{}/votes/{vote}{rest}", side.community)
}

pub fn in_minutes(app: &TestApp, minutes: i64) -> String {
    (app.state.clock.now() + TimeDelta::minutes(minutes))
        .and_utc()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A topic of the side's community already in discussion (raising and accepting topics is
/// tested with the topics); `special` ones need two thirds.
pub async fn topic(app: &TestApp, side: &Side, special: bool) -> i64 {
    let (community, raiser, now) = (side.community, side.staff.id, app.state.clock.now());
    let words = ("加装电梯", "3栋是否加装电梯，费用按楼层分摊。");
    app.state
        .db
        .run(move |conn| crowd::topic_in_discussion(conn, community, raiser, words, special, now))
        .await
        .unwrap()
}

/// The first of a block of made-up phones, never the same twice in a test run.
fn phones(count: usize) -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(17_000_000_000);
    NEXT.fetch_add(count as u64, std::sync::atomic::Ordering::Relaxed)
}

/// `n` verified adult residents of the side's community, each in a household of their own
/// (or all in `shared_household`), logged in.
pub async fn crowd(
    app: &TestApp,
    side: &Side,
    n: usize,
    shared_household: Option<i64>,
) -> Vec<User> {
    let (community, keys, first_phone) = (side.community, app.state.tokens.clone(), phones(n));
    app.state
        .db
        .run(move |conn| {
            let ids = crowd::verified_residents(conn, community, n, shared_household, first_phone)?;
            let tokens = crowd::sign_in(conn, &keys, &ids, Duration::from_secs(86_400))?;
            Ok(ids
                .into_iter()
                .zip(tokens)
                .map(|(id, (access, refresh))| User {
                    id,
                    access,
                    refresh,
                })
                .collect())
        })
        .await
        .unwrap()
}

/// A yes/no vote of the residents on a new topic, opened now by staff, for a day.
pub async fn open_vote(app: &TestApp, side: &Side, extra: Value) -> i64 {
    let topic = topic(app, side, false).await;
    let mut body = json!({
        "question": "是否同意3栋加装电梯？", "kind": "yes_no", "electorate": "residents",
        "opens_at": in_minutes(app, 1), "closes_at": in_minutes(app, 24 * 60),
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let vote = created(
        app,
        &format!("/communities/{}/topics/{topic}/votes", side.community),
        &side.staff,
        body,
    )
    .await;
    let id = vote["id"].as_i64().unwrap();
    let (status, opened) = app
        .post(&vote_path(side, id, "/open"), side.staff.token(), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    id
}

pub async fn ballot(
    app: &TestApp,
    side: &Side,
    vote: i64,
    voter: &User,
    choices: &[i32],
) -> (StatusCode, Value) {
    app.post(
        &vote_path(side, vote, "/ballot"),
        voter.token(),
        json!({ "choices": choices }),
    )
    .await
}

/// Casts and expects the receipt back.
pub async fn voted(app: &TestApp, side: &Side, vote: i64, voter: &User, choices: &[i32]) -> Value {
    let (status, receipt) = ballot(app, side, vote, voter, choices).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    receipt
}

/// Moves the clock past the vote's close and reads it (closing it on the way).
pub async fn closed(app: &TestApp, side: &Side, vote: i64) -> Value {
    app.state.clock.advance(TimeDelta::days(2));
    let (status, view) = app.get(&vote_path(side, vote, ""), None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "closed", "{view}");
    view
}
