//! Crash safety: the real binary under a write load (point adjustments, redemptions, ballots:
//! the ledger, votes and the notification outbox) is SIGKILLed several times at random moments
//! and restarted. Every write acknowledged with a 2xx must be in the database, exactly once;
//! a write whose answer was lost is retried with its Idempotency-Key and must not double.

use crate::child_node::ChildNode;
use crate::crash_load::{GRANT, Kind, Load, Outcome, PRICE, under_kills, until_answered};
use crate::helpers::{Backend, TestApp};
use crate::points::{assert_ledger_sound, set_rules};
use crate::rewards::stock_item;
use crate::voting::{crowd, open_vote, vote_path};
use crate::world;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::Instant;

const KILLS: usize = 4;
const VOTERS: usize = 40;

async fn crash_under_load(backend: Backend) {
    let started = Instant::now();
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let world = world::build(&app).await;
    let a = &world.a;
    set_rules(&app, &world, json!({ "adjustment_daily_limit": 1_000_000 })).await;
    let item = stock_item(
        &app,
        a,
        json!({ "name": "洗衣液", "price_points": PRICE, "stock": 100_000 }),
    )
    .await;
    let voters = crowd(&app, a, VOTERS, None).await;
    let vote = open_vote(&app, a, json!({})).await;
    let crowd_ids = voters
        .iter()
        .map(|u| u.id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    // Reminders of the vote may come too, from the nodes' jobs; these count the writes' own.
    let notices = format!(
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id IN ({crowd_ids}) \
         AND kind IN ('points_credited', 'redemption_ready')"
    );
    let notices_before = app.count(&notices).await;
    // With an address each notice also gets an email row, which stays until delivered and
    // pruned a month later (live rows are deleted once pushed, so they cannot be counted).
    app.sql(&format!(
        "UPDATE users SET email = 'crash' || CAST(id AS TEXT) || '@example.org' WHERE id IN ({crowd_ids})"
    ))
    .await;

    let generous = "100000/60";
    let settings = [
        ("WUSHE_BALLOT_LIMIT", generous),
        ("WUSHE_REDEMPTION_LIMIT", generous),
        ("WUSHE_WISH_LIMIT", generous),
    ];
    let mut node = ChildNode::start(&app, &settings).await;
    let load = Load {
        community: a.community,
        item,
        vote_ballot: vote_path(a, vote, "/ballot"),
        staff: a.staff.access.clone(),
        crowd: voters,
        next: AtomicUsize::new(0),
        next_voter: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        outcomes: Mutex::new(Vec::new()),
    };
    let (restarts, load) = under_kills(&mut node, load, KILLS).await;
    let outcomes = load.outcomes.into_inner().unwrap();

    let acked = |kind: Kind| -> Vec<&Outcome> {
        outcomes
            .iter()
            .filter(|o| o.op.kind == kind && o.status == StatusCode::CREATED)
            .collect()
    };
    for o in &outcomes {
        let refused_fairly = match (o.op.kind, o.body["code"].as_str()) {
            (Kind::Redeem, Some("insufficient_balance")) => true,
            // The ballot landed before the kill took its answer: only after a lost answer.
            (Kind::Ballot, Some("already_voted")) => o.lost,
            _ => false,
        };
        assert!(
            o.status == StatusCode::CREATED || (o.status == StatusCode::CONFLICT && refused_fairly),
            "{:?} {} (lost: {}): {} {}",
            o.op.kind,
            o.op.key,
            o.lost,
            o.status,
            o.body
        );
    }
    let (grants, redeemed, ballots) =
        (acked(Kind::Grant), acked(Kind::Redeem), acked(Kind::Ballot));
    // Each acknowledged grant and redemption is there, and nothing else was written.
    exactly_these(&app, "point_adjustments", a.community, &grants).await;
    exactly_these(&app, "redemptions", a.community, &redeemed).await;
    // One ballot per voter who was answered or found their ballot already in.
    let landed = outcomes
        .iter()
        .filter(|o| o.op.kind == Kind::Ballot)
        .count();
    let cast = format!("SELECT COUNT(*) AS n FROM vote_ballots WHERE vote_id = {vote}");
    assert_eq!(
        app.count(&cast).await,
        landed as i64,
        "no ballot lost or doubled"
    );
    let hashes = ballots
        .iter()
        .map(|o| format!("'{}'", o.body["receipt_hash"].as_str().unwrap()))
        .collect::<Vec<_>>()
        .join(",");
    let receipts = format!("{cast} AND receipt_hash IN ({hashes})");
    assert_eq!(
        app.count(&receipts).await,
        ballots.len() as i64,
        "acknowledged receipts"
    );

    // Every balance is what its acknowledged writes make it, never below zero.
    for (i, person) in load.crowd.iter().enumerate() {
        let mine = |acked: &[&Outcome]| acked.iter().filter(|o| o.op.user == i).count() as i64;
        let expected = GRANT * mine(&grants) - PRICE * mine(&redeemed);
        let path = format!("/communities/{}/ledger/me", a.community);
        let (status, body) = node
            .endpoint
            .send(Method::GET, &path, &person.access, None, None)
            .await
            .unwrap();
        assert_eq!(
            (status, body["points"].as_i64()),
            (StatusCode::OK, Some(expected)),
            "balance of {i}"
        );
    }
    let negative =
        "SELECT COUNT(*) AS n FROM ledger_accounts WHERE kind = 'personal' AND balance < 0";
    assert_eq!(app.count(negative).await, 0);
    assert_ledger_sound(&app, &world, a.community).await;

    // Each committed notice has its outbox row: one per grant and per redemption.
    let told = app.count(&notices).await - notices_before;
    assert_eq!(told, (grants.len() + redeemed.len()) as i64, "notices");
    let unsent = format!(
        "SELECT COUNT(*) AS n FROM notifications n WHERE user_id IN ({crowd_ids}) \
         AND kind IN ('points_credited', 'redemption_ready') AND NOT EXISTS \
         (SELECT 1 FROM outbox o WHERE o.notification_id = n.id AND o.channel = 'email')"
    );
    assert_eq!(
        app.count(&unsent).await,
        0,
        "notices without their outbox row"
    );

    // Replaying every acknowledged write with its key answers the same and writes nothing.
    for o in grants.iter().chain(&redeemed) {
        let again = until_answered(&node.endpoint, o.op.clone()).await;
        assert_eq!(
            (again.status, &again.body),
            (o.status, &o.body),
            "replay of {}",
            o.op.key
        );
    }
    let in_db = format!(
        "SELECT COUNT(*) AS n FROM point_adjustments WHERE community_id = {}",
        a.community
    );
    assert_eq!(
        app.count(&in_db).await,
        grants.len() as i64,
        "replays wrote nothing"
    );
    let lost = outcomes.iter().filter(|o| o.lost).count();
    eprintln!(
        "crash safety on {backend:?}: {KILLS} kills survived (restarts {restarts:?}), {} writes answered \
         ({} grants, {} redemptions, {} ballots acknowledged; {lost} retried after a lost answer), in {:?}",
        outcomes.len(),
        grants.len(),
        redeemed.len(),
        ballots.len(),
        started.elapsed()
    );
}

crate::backend_cases!(crash_under_load);

/// The community's rows of `table` are exactly the acknowledged records: as many, and each
/// acknowledged id among them.
async fn exactly_these(app: &TestApp, table: &str, community: i64, acked: &[&Outcome]) {
    let in_db = format!("SELECT COUNT(*) AS n FROM {table} WHERE community_id = {community}");
    assert_eq!(
        app.count(&in_db).await,
        acked.len() as i64,
        "{table} in the database"
    );
    if acked.is_empty() {
        return;
    }
    let ids: Vec<String> = acked.iter().map(|o| o.body["id"].to_string()).collect();
    let listed = format!("{in_db} AND id IN ({})", ids.join(","));
    assert_eq!(
        app.count(&listed).await,
        acked.len() as i64,
        "acknowledged {table}"
    );
}
