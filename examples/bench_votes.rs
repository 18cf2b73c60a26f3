//! Ballots per second through HTTP: a load driver for `scripts/bench-votes`.
//!
//! Starts wushe in this process on the database in `DATABASE_URL` (seeded with the demo
//! street by the script), adds `VOTERS` verified residents to community 1 (default 3000),
//! has the demo staff member set up and open a yes/no vote, then sends every resident's
//! ballot through HTTP with `CONCURRENCY` requests in flight (default 32). Prints the rate,
//! latency percentiles and failures, then closes the vote and checks the sealed result holds
//! every ballot.

mod load;

use load::{drive, login, post, setting};
use serde_json::json;
use std::time::{Duration, Instant};
use wushe::seed::crowd;

#[tokio::main]
async fn main() -> Result<(), String> {
    let (voters, concurrency) = (setting("VOTERS", 3000), setting("CONCURRENCY", 32));
    let (state, base, client) = load::start(concurrency).await?;

    let (keys, now) = (state.tokens.clone(), state.clock.now());
    let (topic, tokens) = state
        .db
        .run(move |conn| {
            let words = ("压测议题", "投票压测");
            let topic = crowd::topic_in_discussion(conn, 1, 1, words, false, now)?;
            let ids = crowd::verified_residents(conn, 1, voters, None, 16_000_000_000)?;
            let signed_in = crowd::sign_in(conn, &keys, &ids, Duration::from_secs(3600))?;
            let tokens: Vec<String> = signed_in.into_iter().map(|(access, _)| access).collect();
            Ok((topic, tokens))
        })
        .await
        .map_err(|e| format!("{e:?}"))?;

    let staff = login(&client, &base, "13800000012").await?;
    let opens = chrono::Utc::now() + chrono::TimeDelta::minutes(1);
    let (status, vote) = post(
        &client,
        format!("{base}/communities/1/topics/{topic}/votes"),
        &staff,
        json!({
            "question": "压测表决", "kind": "yes_no", "electorate": "residents",
            "opens_at": opens, "closes_at": opens + chrono::TimeDelta::hours(2),
        }),
    )
    .await;
    let vote = vote["id"]
        .as_i64()
        .ok_or(format!("set up: {status} {vote}"))?;
    post(
        &client,
        format!("{base}/communities/1/votes/{vote}/open"),
        &staff,
        json!({}),
    )
    .await;

    let url = format!("{base}/communities/1/votes/{vote}/ballot");
    let failed = drive("ballots", &tokens, concurrency, 201, |i, token| {
        let (client, url) = (&client, url.clone());
        async move {
            post(client, url, &token, json!({ "choices": [i % 3] }))
                .await
                .0
        }
    })
    .await;

    let admin = login(&client, &base, "13800000011").await?;
    let closing = Instant::now();
    let (_, closed) = post(
        &client,
        format!("{base}/communities/1/votes/{vote}/close"),
        &admin,
        json!({ "reason": "压测结束" }),
    )
    .await;
    println!(
        "closed and sealed in {:.0} ms: {} ballots in the official result",
        closing.elapsed().as_secs_f64() * 1000.0,
        closed["result"]["ballots_cast"]
    );
    if closed["result"]["ballots_cast"].as_u64() != Some((voters - failed) as u64) {
        return Err("the sealed result does not hold every accepted ballot".into());
    }
    Ok(())
}
