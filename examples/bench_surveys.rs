//! Survey responses per second through HTTP: a load driver for `scripts/bench-surveys`.
//!
//! Starts wushe in this process on the database in `DATABASE_URL` (seeded with the demo
//! street by the script), adds `RESPONDENTS` verified residents to community 1 (default
//! 3000), has the demo staff member publish the built-in Hunan urban satisfaction survey
//! (anonymous, nine questions with skip logic), then sends every resident's response through
//! HTTP with `CONCURRENCY` requests in flight (default 32). Prints the rate, latency
//! percentiles and failures, then times the results and the CSV export and checks the
//! results count every accepted response.

mod load;

use load::{drive, login, post, setting};
use serde_json::json;
use std::time::{Duration, Instant};
use wushe::seed::crowd;

#[tokio::main]
async fn main() -> Result<(), String> {
    let (respondents, concurrency) = (setting("RESPONDENTS", 3000), setting("CONCURRENCY", 32));
    let (state, base, client) = load::start(concurrency).await?;
    let keys = state.tokens.clone();
    let tokens = state
        .db
        .run(move |conn| {
            let ids = crowd::verified_residents(conn, 1, respondents, None, 15_000_000_000)?;
            let signed_in = crowd::sign_in(conn, &keys, &ids, Duration::from_secs(3600))?;
            Ok(signed_in
                .into_iter()
                .map(|(access, _)| access)
                .collect::<Vec<_>>())
        })
        .await
        .map_err(|e| format!("{e:?}"))?;

    let staff = login(&client, &base, "13800000012").await?;
    let opens = chrono::Utc::now();
    let (status, survey) = post(
        &client,
        format!("{base}/communities/1/surveys"),
        &staff,
        json!({
            "title": "压测满意度测评", "audience": "residents",
            "template": "hunan-2022-urban-satisfaction",
            "opens_at": opens, "closes_at": opens + chrono::TimeDelta::hours(2),
        }),
    )
    .await;
    let survey = survey["id"]
        .as_i64()
        .ok_or(format!("set up: {status} {survey}"))?;
    let path = format!("{base}/communities/1/surveys/{survey}");
    post(&client, format!("{path}/publish"), &staff, json!({})).await;

    let url = format!("{path}/responses");
    let failed = drive("responses", &tokens, concurrency, 201, |i, token| {
        let (client, url) = (&client, url.clone());
        let security = 1 + i % 5;
        let mut answers = json!({"self_governance": 4, "management": 3, "services": 5,
            "security": security, "environment": 4, "civility": 5, "overall": 4});
        if security <= 2 {
            answers["security_concerns"] = json!([0, 2]);
        }
        if i % 10 == 0 {
            answers["suggestions"] = json!("希望增加夜间巡逻");
        }
        async move {
            post(client, url, &token, json!({ "answers": answers }))
                .await
                .0
        }
    })
    .await;

    let timed = |what: &'static str, started: Instant| {
        println!(
            "{what} in {:.0} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    };
    let started = Instant::now();
    let results: serde_json::Value = client
        .get(format!("{path}/results"))
        .bearer_auth(&staff)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    timed("results", started);
    let started = Instant::now();
    let csv = client
        .get(format!("{path}/export.csv"))
        .bearer_auth(&staff)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .bytes()
        .await
        .map_err(|e| e.to_string())?;
    timed("CSV export", started);
    println!(
        "{} responses in the results, security satisfaction {}, CSV {} kB",
        results["responses"],
        results["by_tag"]
            .as_array()
            .and_then(|tags| tags.iter().find(|t| t["tag"] == "security_satisfaction"))
            .map(|t| t["satisfaction"].to_string())
            .unwrap_or_default(),
        csv.len() / 1024
    );
    if results["responses"].as_u64() != Some((respondents - failed) as u64) {
        return Err("the results do not count every accepted response".into());
    }
    Ok(())
}
