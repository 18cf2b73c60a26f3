//! Secrecy and one-ballot-per-voter under load, read straight from the database: nothing
//! ties a voter to a choice (no column, no time, no order, no audit or idempotency record),
//! 100 ballots at once from one voter count once, and 1,000 voters at once give a tally equal
//! to the ballot box.

use crate::helpers::{TestApp, tally};
use crate::voting::{ballot, closed, crowd, open_vote, vote_path};
use crate::world;
use futures_util::future::join_all;
use futures_util::stream::{self, StreamExt};
use reqwest::StatusCode;
use serde_json::json;

async fn columns(app: &TestApp, table: &str) -> Vec<String> {
    let query = match app.on_postgres() {
        true => format!(
            "SELECT column_name::text AS t FROM information_schema.columns WHERE table_name = '{table}' ORDER BY column_name"
        ),
        false => format!("SELECT name AS t FROM pragma_table_info('{table}') ORDER BY name"),
    };
    app.texts(&query).await
}

async fn nothing_in_the_database_links_a_voter_to_a_choice(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let voters = crowd(&app, a, 12, None).await;
    let vote = open_vote(&app, a, json!({})).await;
    // Cast in id order, alternating yes and no, so that any trace of the order would show.
    for (i, voter) in voters.iter().enumerate() {
        let (status, _) = ballot(&app, a, vote, voter, &[i32::try_from(i % 2).unwrap()]).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    // Who voted holds no time; what was chosen holds no voter, no id and no time.
    assert_eq!(
        columns(&app, "vote_electors").await,
        ["channel", "elector_id", "vote_id", "voted"]
    );
    assert_eq!(
        columns(&app, "vote_ballots").await,
        ["choice", "receipt_hash", "vote_id"]
    );
    let stored_order = format!("SELECT receipt_hash AS t FROM vote_ballots WHERE vote_id = {vote}");
    if !app.on_postgres() {
        // Kept in receipt order from the first ballot: a WITHOUT ROWID table has no rowid.
        let order = app.texts(&stored_order).await;
        assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}");
        let rowid = app
            .state
            .db
            .run(move |conn| {
                Ok(diesel::RunQueryDsl::execute(
                    diesel::sql_query("SELECT rowid FROM vote_ballots"),
                    conn,
                )?)
            })
            .await;
        assert!(rowid.is_err(), "vote_ballots has no rowid");
    }
    closed(&app, a, vote).await;
    // After close, on both backends, the rows lie in receipt order; on PostgreSQL they were
    // all rewritten by one transaction, so no row's xmin tells when it was cast.
    let order = app.texts(&stored_order).await;
    assert_eq!(order.len(), 12);
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}");
    if app.on_postgres() {
        let writers = app
            .count(&format!(
                "SELECT COUNT(DISTINCT xmin::text) AS n FROM vote_ballots WHERE vote_id = {vote}"
            ))
            .await;
        assert_eq!(writers, 1);
    }
    // No ballot passed through the audit log or the idempotency store.
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'vote.%' AND action NOT IN ('vote.create', 'vote.open', 'vote.close')").await, 0);
    for voter in &voters {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) AS n FROM idempotency_keys WHERE user_id = {}",
                voter.id
            ))
            .await,
            0
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE actor_user_id = {}",
                voter.id
            ))
            .await,
            0
        );
    }
}

async fn a_hundred_ballots_at_once_from_one_voter_count_once(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let vote = open_vote(&app, a, json!({})).await;
    let results = join_all((0..100).map(|i| {
        ballot(
            &app,
            a,
            vote,
            &a.resident,
            if i % 2 == 0 { &[0] } else { &[1] },
        )
    }))
    .await;
    assert_eq!(tally(&results, StatusCode::CREATED, None), 1);
    assert_eq!(
        tally(&results, StatusCode::CONFLICT, Some("already_voted")),
        99
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM vote_ballots WHERE vote_id = {vote}"
        ))
        .await,
        1
    );
    let (_, view) = app.get(&vote_path(a, vote, ""), a.resident.token()).await;
    assert_eq!(view["turnout"]["ballots_cast"], 1);
}

async fn a_thousand_voters_at_once_give_a_tally_equal_to_the_box(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let voters = crowd(&app, a, 1000, None).await;
    let vote = open_vote(
        &app,
        a,
        json!({ "kind": "multiple", "options": ["修路灯", "加座椅", "种树"], "max_choices": 2 }),
    )
    .await;
    let choices = |i: usize| -> Vec<i32> {
        match i % 4 {
            0 => vec![0],
            1 => vec![0, 1],
            2 => vec![2],
            _ => vec![1, 2],
        }
    };
    let app = &app;
    let results: Vec<_> = stream::iter(voters.iter().enumerate())
        .map(|(i, voter)| {
            let choice = choices(i);
            async move { ballot(app, a, vote, voter, &choice).await }
        })
        .buffer_unordered(200)
        .collect()
        .await;
    assert_eq!(
        tally(&results, StatusCode::CREATED, None),
        1000,
        "{:?}",
        results.iter().find(|r| r.0 != StatusCode::CREATED)
    );
    let in_box = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM vote_ballots WHERE vote_id = {vote}"
        ))
        .await;
    let marked = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM vote_electors WHERE vote_id = {vote} AND voted"
        ))
        .await;
    assert_eq!((in_box, marked), (1000, 1000));
    let result = &closed(app, a, vote).await["result"];
    assert_eq!(result["ballots_cast"], 1000);
    let counts: Vec<i64> = result["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["votes"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![500, 500, 500]);
    // 1002 in the electorate (with the world's two residents): 1000 is well over half; each
    // option has 500 of 1000 ballots, not more than half.
    assert_eq!(
        (result["quorum_met"].clone(), result["outcome"].clone()),
        (json!(true), json!("not_passed"))
    );
}

crate::backend_tests!(
    nothing_in_the_database_links_a_voter_to_a_choice,
    a_hundred_ballots_at_once_from_one_voter_count_once,
    a_thousand_voters_at_once_give_a_tally_equal_to_the_box,
);
