//! What a run acts on, made fresh for it before the clock starts, and wound up after it
//! stops: votes and surveys opened to every resident (each person casts one ballot and gives
//! one answer per run), and the shop restocked; the run's activities are in `activity.rs`.
//! Staff do all of it through the API, except the topic each vote is on: one already under
//! discussion is written to the database (raising and accepting it would take days).

use crate::fixture::Fixture;
use crate::http::Api;
use chrono::{SecondsFormat, TimeDelta, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wushe::db::Db;
use wushe::seed::crowd;

pub fn at(offset: TimeDelta) -> String {
    (Utc::now() + offset).to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn id_of(answer: &Value, what: &str) -> Result<i64, String> {
    answer["id"]
        .as_i64()
        .ok_or_else(|| format!("{what}: no id in {answer}"))
}

/// A yes/no vote of the residents of each community, on a fresh topic, opened now; it would
/// close in a week, so no reminder job fires during the run.
pub async fn open_votes(api: &Api, db: Option<&Db>, fx: &Fixture) -> Result<Vec<i64>, String> {
    let db = db.ok_or("opening votes needs the database")?;
    let mut votes = Vec::new();
    for c in &fx.communities {
        let (community, staff, now) = (c.id, c.staff.id, wushe::db::now());
        let words = ("负载测试议题", "负载测试：是否同意在小区增设电动车充电桩？");
        let topic = db
            .run(move |conn| crowd::topic_in_discussion(conn, community, staff, words, false, now))
            .await
            .map_err(|e| format!("topic: {e:?}"))?;
        let body = json!({
            "question": "是否同意增设电动车充电桩？", "kind": "yes_no", "electorate": "residents",
            "opens_at": at(TimeDelta::minutes(1)), "closes_at": at(TimeDelta::days(7)),
        });
        let path = format!("/communities/{community}/topics/{topic}/votes");
        let vote = api
            .expect(Method::POST, &path, &c.staff.token, Some(&body), 201)
            .await?;
        let vote = id_of(&vote, "vote")?;
        let path = format!("/communities/{community}/votes/{vote}/open");
        api.expect(Method::POST, &path, &c.staff.token, Some(&json!({})), 200)
            .await?;
        votes.push(vote);
    }
    Ok(votes)
}

/// Closes the run's votes (their community admin, where there is one), sealing the results;
/// returns the time it took.
pub async fn close_votes(api: &Api, fx: &Fixture, votes: &[i64]) -> Result<Duration, String> {
    let started = Instant::now();
    for (c, vote) in fx.communities.iter().zip(votes) {
        if let Some(admin) = &c.admin {
            let path = format!("/communities/{}/votes/{vote}/close", c.id);
            let body = json!({ "reason": "负载测试结束" });
            api.expect(Method::POST, &path, &admin.token, Some(&body), 200)
                .await?;
        }
    }
    Ok(started.elapsed())
}

/// The questions of the run's surveys: one of each kind, one shown only to the unhappy.
pub fn questions() -> Value {
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

/// A survey of each community's residents, published to open now, for a week.
pub async fn open_surveys(api: &Api, fx: &Fixture) -> Result<Vec<i64>, String> {
    let mut surveys = Vec::new();
    for c in &fx.communities {
        let body = json!({
            "title": "负载测试满意度测评", "audience": "residents", "questions": questions(),
            "opens_at": at(TimeDelta::minutes(-1)), "closes_at": at(TimeDelta::days(7)),
        });
        let path = format!("/communities/{}/surveys", c.id);
        let survey = api
            .expect(Method::POST, &path, &c.staff.token, Some(&body), 201)
            .await?;
        let survey = id_of(&survey, "survey")?;
        let path = format!("/communities/{}/surveys/{survey}/publish", c.id);
        api.expect(Method::POST, &path, &c.staff.token, Some(&json!({})), 200)
            .await?;
        surveys.push(survey);
    }
    Ok(surveys)
}

/// Closes the run's surveys; returns the time it took.
pub async fn close_surveys(api: &Api, fx: &Fixture, surveys: &[i64]) -> Result<Duration, String> {
    let started = Instant::now();
    for (c, survey) in fx.communities.iter().zip(surveys) {
        let path = format!("/communities/{}/surveys/{survey}/close", c.id);
        api.expect(Method::POST, &path, &c.staff.token, Some(&json!({})), 200)
            .await?;
    }
    Ok(started.elapsed())
}

/// Puts each community's bench item back to a full shelf (a run takes one per redemption).
pub async fn restock(api: &Api, fx: &Fixture) -> Result<(), String> {
    for c in &fx.communities {
        let path = format!("/communities/{}/rewards/items/{}", c.id, c.reward_item);
        let body = crate::setup::item_body();
        api.expect(Method::PUT, &path, &c.staff.token, Some(&body), 200)
            .await?;
    }
    Ok(())
}
