//! Fixtures for the vote tests: a topic under discussion, crowds of verified residents made
//! directly in the database (registering a thousand people through the API would only test
//! password hashing), votes set up and opened, and ballots.

use crate::helpers::{TestApp, User};
use crate::world::{Side, created};
use chrono::{NaiveDateTime, SecondsFormat, TimeDelta};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use wushe::auth::sessions::{self, ClientInfo};
use wushe::schema::{households, memberships, topics, users};

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
    app.state
        .db
        .run(move |conn| {
            Ok(diesel::insert_into(topics::table)
                .values((
                    topics::community_id.eq(community),
                    topics::title.eq("加装电梯"),
                    topics::body.eq("3栋是否加装电梯，费用按楼层分摊。"),
                    topics::special.eq(special),
                    topics::procedure.eq("standard"),
                    topics::origin.eq("staff"),
                    topics::raised_by.eq(raiser),
                    topics::cosigners_required.eq(0),
                    topics::stage.eq("discussion"),
                    topics::created_at.eq(now),
                    topics::updated_at.eq(now),
                ))
                .returning(topics::id)
                .get_result(conn)?)
        })
        .await
        .unwrap()
}

/// A number for a made-up phone, never the same twice in a test run.
fn next_phone() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// `n` verified adult residents of the side's community, each in a household of their own
/// (or all in `shared_household`), logged in.
pub async fn crowd(app: &TestApp, side: &Side, n: usize, shared_household: Option<i64>) -> Vec<User> {
    let (community, keys) = (side.community, app.state.tokens.clone());
    app.state
        .db
        .run(move |conn| {
            let now: NaiveDateTime = wushe::db::now();
            let mut people = Vec::with_capacity(n);
            for i in 0..n {
                let household = match shared_household {
                    Some(id) => id,
                    None => diesel::insert_into(households::table)
                        .values((
                            households::community_id.eq(community),
                            households::building.eq("众"),
                            households::unit.eq(format!("{community}")),
                            households::room.eq(format!("{i}")),
                            households::created_at.eq(now),
                        ))
                        .returning(households::id)
                        .get_result(conn)?,
                };
                let user_id: i64 = diesel::insert_into(users::table)
                    .values((
                        users::display_name.eq(format!("居民{i}")),
                        users::phone.eq(format!("17{:03}{:06}", community % 1000, next_phone())),
                        users::status.eq("active"),
                        users::is_platform_admin.eq(false),
                        users::assisted.eq(false),
                        users::created_at.eq(now),
                        users::updated_at.eq(now),
                    ))
                    .returning(users::id)
                    .get_result(conn)?;
                diesel::insert_into(memberships::table)
                    .values((
                        memberships::user_id.eq(user_id),
                        memberships::community_id.eq(community),
                        memberships::household_id.eq(household),
                        memberships::address.eq(format!("众 {i}")),
                        memberships::status.eq("verified"),
                        memberships::applied_at.eq(now),
                    ))
                    .execute(conn)?;
                let client = ClientInfo { user_agent: None, ip: None };
                let (session, refresh) = sessions::create(conn, user_id, Duration::from_secs(86_400), &client)?;
                let access = keys.issue(user_id, &session, None, Duration::from_secs(86_400))?;
                people.push(User { id: user_id, access, refresh });
            }
            Ok(people)
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
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let vote = created(app, &format!("/communities/{}/topics/{topic}/votes", side.community), &side.staff, body).await;
    let id = vote["id"].as_i64().unwrap();
    let (status, opened) = app.post(&vote_path(side, id, "/open"), side.staff.token(), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    id
}

pub async fn ballot(app: &TestApp, side: &Side, vote: i64, voter: &User, choices: &[i32]) -> (StatusCode, Value) {
    app.post(&vote_path(side, vote, "/ballot"), voter.token(), json!({ "choices": choices })).await
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
