//! Fixtures for the survey tests: a questionnaire with every kind of question and skip logic,
//! surveys built and published by staff, responses, and residents placed in grids.

use crate::helpers::{TestApp, User};
use crate::voting::in_minutes;
use crate::world::{Side, created, done};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub fn survey_path(side: &Side, survey: i64, rest: &str) -> String {
    format!("/communities/{}/surveys/{survey}{rest}", side.community)
}

/// One question of each kind; `concerns` is shown only to those rating security 1 or 2.
pub fn every_kind() -> Value {
    json!([
        {"key": "channel", "kind": "single_choice", "prompt": "您从哪里知道本次测评？",
         "options": ["网格员", "业主群", "公告栏"]},
        {"key": "security", "kind": "likert", "prompt": "您对社区治安是否满意？",
         "tag": "security_satisfaction"},
        {"key": "concerns", "kind": "multiple_choice", "prompt": "您担心哪些问题？",
         "options": ["盗窃", "诈骗", "消防"], "show_if": {"question": "security", "any_of": [1, 2]}},
        {"key": "service", "kind": "good_average_poor", "prompt": "便民服务站的服务？",
         "tag": "service_satisfaction"},
        {"key": "recommend", "kind": "zero_to_ten", "prompt": "您会向亲友推荐本社区吗？"},
        {"key": "words", "kind": "free_text", "prompt": "意见建议", "required": false}
    ])
}

/// A full answer to `every_kind` from someone satisfied with security.
pub fn content() -> Value {
    json!({"channel": 0, "security": 5, "service": "good", "recommend": 9})
}

/// A survey of the side's residents built by staff from `questions` (with `extra` settings),
/// published to open now, for a day.
pub async fn open_survey(app: &TestApp, side: &Side, questions: Value, extra: Value) -> i64 {
    let survey = draft(app, side, questions, extra).await;
    let (status, view) = app
        .post(
            &survey_path(side, survey, "/publish"),
            side.staff.token(),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "open", "{view}");
    survey
}

pub fn survey_body(app: &TestApp, questions: Value, extra: Value) -> Value {
    let mut body = json!({
        "title": "2026年居民满意度测评", "audience": "residents", "questions": questions,
        "opens_at": in_minutes(app, -1), "closes_at": in_minutes(app, 24 * 60),
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

pub async fn draft(app: &TestApp, side: &Side, questions: Value, extra: Value) -> i64 {
    let path = format!("/communities/{}/surveys", side.community);
    let view = created(app, &path, &side.staff, survey_body(app, questions, extra)).await;
    assert_eq!(view["status"], "draft", "{view}");
    view["id"].as_i64().unwrap()
}

pub async fn respond(
    app: &TestApp,
    side: &Side,
    survey: i64,
    who: &User,
    answers: Value,
) -> (StatusCode, Value) {
    let body = json!({ "answers": answers });
    app.post(&survey_path(side, survey, "/responses"), who.token(), body)
        .await
}

/// Responds and expects 201 with the receipt.
pub async fn responded(
    app: &TestApp,
    side: &Side,
    survey: i64,
    who: &User,
    answers: Value,
) -> Value {
    let (status, receipt) = respond(app, side, survey, who, answers).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    receipt
}

pub async fn results(app: &TestApp, side: &Side, survey: i64) -> Value {
    let (status, results) = app
        .get(&survey_path(side, survey, "/results"), side.staff.token())
        .await;
    assert_eq!(status, StatusCode::OK, "{results}");
    results
}

/// The survey's CSV export as staff download it (raw, for the caller to check).
pub async fn export(app: &TestApp, side: &Side, survey: i64) -> reqwest::Response {
    app.client
        .get(app.url(&survey_path(side, survey, "/export.csv")))
        .bearer_auth(&side.staff.access)
        .send()
        .await
        .unwrap()
}

/// Closes the survey early, as staff.
pub async fn close(app: &TestApp, side: &Side, survey: i64) {
    done(
        app,
        &survey_path(side, survey, "/close"),
        &side.staff,
        json!({}),
    )
    .await;
}

/// A new grid of the side's community holding the households of `people`.
pub async fn grid_of(app: &TestApp, side: &Side, name: &str, people: &[User]) -> i64 {
    let now = if app.on_postgres() {
        "NOW()"
    } else {
        "CURRENT_TIMESTAMP"
    };
    app.sql(&format!(
        "INSERT INTO grids (community_id, name, created_at) VALUES ({}, '{name}', {now})",
        side.community
    ))
    .await;
    let grid = app
        .count(&format!(
            "SELECT MAX(id) AS n FROM grids WHERE name = '{name}'"
        ))
        .await;
    let ids: Vec<String> = people.iter().map(|p| p.id.to_string()).collect();
    app.sql(&format!(
        "UPDATE households SET grid_id = {grid} WHERE id IN \
         (SELECT household_id FROM memberships WHERE user_id IN ({}))",
        ids.join(",")
    ))
    .await;
    grid
}
