//! Votes from set-up to the published decision: the embargo on results, the frozen
//! electorate, one ballot per voter and per household, representatives, the refusals, early
//! close by an admin only, and a recount of the published ballots by `scripts/recount`.

use crate::helpers::TestApp;
use crate::voting::{ballot, closed, crowd, in_minutes, open_vote, topic, vote_path, voted};
use crate::world::{self, created};
use reqwest::StatusCode;
use serde_json::json;

async fn a_vote_runs_from_set_up_to_a_published_recountable_decision(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let voters = crowd(&app, a, 5, None).await;
    let vote = open_vote(&app, a, json!({})).await;
    let (_, view) = app.get(&vote_path(a, vote, ""), voters[0].token()).await;
    // The world's resident and assisted resident, and the crowd.
    assert_eq!(
        view["turnout"],
        json!({ "electorate_size": 7, "ballots_cast": 0 }),
        "{view}"
    );
    assert_eq!(
        (view["in_electorate"].clone(), view["voted"].clone()),
        (json!(true), json!(false))
    );
    let mut receipts = Vec::new();
    for (voter, choice) in voters.iter().zip([0, 0, 0, 1, 2]) {
        receipts.push(voted(&app, a, vote, voter, &[choice]).await);
    }
    // While it runs, everyone (staff included) sees the turnout and nothing more.
    for reader in [&voters[0], &a.staff, &a.community_admin] {
        let (_, view) = app.get(&vote_path(a, vote, ""), reader.token()).await;
        assert_eq!(view["turnout"]["ballots_cast"], 5);
        assert!(view["result"].is_null(), "{view}");
    }
    let (status, body) = app
        .get(&vote_path(a, vote, "/ballots"), a.community_admin.token())
        .await;
    assert_eq!(
        (status, body["errors"][0]["code"].clone()),
        (StatusCode::CONFLICT, json!("results_embargoed"))
    );
    // Strangers do not see a vote that has not closed.
    assert_eq!(
        app.get(&vote_path(a, vote, ""), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&vote_path(a, vote, ""), w.b.resident.token())
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, me) = app.get(&vote_path(a, vote, ""), voters[0].token()).await;
    assert_eq!(me["voted"], true);

    let view = closed(&app, a, vote).await;
    let result = &view["result"];
    assert_eq!(result["ballots_cast"], 5);
    assert_eq!(result["quorum_met"], true, "5 of 7 is more than half");
    let counts: Vec<i64> = result["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["votes"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![3, 1, 1]);
    // 3 of 5 cast (abstention included) is more than half.
    assert_eq!(
        (result["outcome"].clone(), result["winners"].clone()),
        (json!("passed"), json!([0]))
    );
    let topic_id = view["topic_id"].as_i64().unwrap();
    let stage = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM topics WHERE id = {topic_id} AND stage = 'decided'"
        ))
        .await;
    assert_eq!(stage, 1, "closing decides the topic");
    let events = app.count(&format!("SELECT COUNT(*) AS n FROM topic_events WHERE topic_id = {topic_id} AND kind = 'vote_closed'")).await;
    assert_eq!(events, 1);

    // Published: anyone may read the ballots and find their own by receipt.
    let (status, list) = app.get(&vote_path(a, vote, "/ballots"), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let hashes: Vec<&str> = list["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["receipt_hash"].as_str().unwrap())
        .collect();
    assert_eq!(hashes.len(), 5);
    assert!(hashes.windows(2).all(|p| p[0] < p[1]), "in receipt order");
    for receipt in &receipts {
        assert!(hashes.contains(&receipt["receipt_hash"].as_str().unwrap()));
        let (_, check) = app
            .post(
                &vote_path(a, vote, "/receipt-check"),
                None,
                json!({ "receipt": receipt["receipt"] }),
            )
            .await;
        assert_eq!(
            (check["counted"].clone(), check["choices"].clone()),
            (json!(true), receipt["choices"].clone())
        );
    }
    let output = std::process::Command::new("python3")
        .args([
            "scripts/recount",
            &app.url("/"),
            &a.community.to_string(),
            &vote.to_string(),
        ])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(printed.contains("match"));
    // Too late now.
    let (status, body) = ballot(&app, a, vote, &a.resident, &[0]).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::CONFLICT, json!("vote_not_open"))
    );
}

async fn ballots_are_refused_to_all_but_the_frozen_electorate_once(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let vote = open_vote(&app, a, json!({})).await;
    voted(&app, a, vote, &a.resident, &[0]).await;
    let (status, body) = ballot(&app, a, vote, &a.resident, &[1]).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::CONFLICT, json!("already_voted"))
    );
    // Verified after the vote opened: not in the frozen electorate.
    let late = crowd(&app, a, 1, None).await;
    let (status, body) = ballot(&app, a, vote, &late[0], &[0]).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::FORBIDDEN, json!("not_in_electorate"))
    );
    // Staff and a member still awaiting verification are not residents; strangers get 404.
    for (voter, expected) in [
        (&a.staff, StatusCode::FORBIDDEN),
        (&a.member, StatusCode::FORBIDDEN),
        (&w.b.resident, StatusCode::NOT_FOUND),
        (&w.outsider, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(ballot(&app, a, vote, voter, &[0]).await.0, expected);
    }
    // Choices the vote does not have.
    let (_, body) = app.get(&vote_path(a, vote, ""), a.resident.token()).await;
    assert_eq!(body["turnout"]["ballots_cast"], 1);
    let vote2 = open_vote(&app, a, json!({})).await;
    for bad in [json!([3]), json!([0, 1]), json!([]), json!([-1])] {
        let (status, body) = app
            .post(
                &vote_path(a, vote2, "/ballot"),
                a.resident.token(),
                json!({ "choices": bad }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    // Only the committee closes early, with a reason on the record; only before opening
    // may a vote be cancelled.
    let reason = json!({ "reason": "会议当场表决完毕" });
    assert_eq!(
        app.post(
            &vote_path(a, vote, "/close"),
            a.staff.token(),
            reason.clone()
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(
            &vote_path(a, vote, "/cancel"),
            a.staff.token(),
            reason.clone()
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    let (status, view) = app
        .post(
            &vote_path(a, vote, "/close"),
            a.community_admin.token(),
            reason.clone(),
        )
        .await;
    assert_eq!(
        (status, view["status"].clone()),
        (StatusCode::OK, json!("closed")),
        "{view}"
    );
    assert_eq!(view["close_reason"], "会议当场表决完毕");
    assert_eq!(
        view["result"]["outcome"], "no_quorum",
        "1 of 2 is not more than half"
    );
    let audited = app.count(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'vote.close_early' AND target_id = '{vote}' AND actor_user_id = {}", a.community_admin.id)).await;
    assert_eq!(audited, 1);
    assert_eq!(
        app.post(
            &vote_path(a, vote, "/close"),
            a.community_admin.token(),
            reason
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
}

async fn one_ballot_per_household_and_named_representatives(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let family = crowd(&app, a, 2, Some(a.household)).await;
    let vote = open_vote(&app, a, json!({ "electorate": "households" })).await;
    let (_, view) = app.get(&vote_path(a, vote, ""), family[0].token()).await;
    assert_eq!(
        view["turnout"]["electorate_size"], 1,
        "one household: {view}"
    );
    voted(&app, a, vote, &family[0], &[0]).await;
    for second in [&family[1], &a.resident] {
        let (status, body) = ballot(&app, a, vote, second, &[1]).await;
        assert_eq!(
            (status, body["code"].clone()),
            (StatusCode::CONFLICT, json!("already_voted"))
        );
    }
    let (_, view) = app.get(&vote_path(a, vote, ""), a.resident.token()).await;
    assert_eq!(view["voted"], true, "the household has voted");

    let neighbours = crowd(&app, a, 3, None).await;
    let topic = topic(&app, a, false).await;
    let path = format!("/communities/{}/topics/{topic}/votes", a.community);
    let body = |reps: serde_json::Value| {
        json!({
            "question": "选举楼栋长", "kind": "single", "options": ["张三", "李四", "王五"],
            "electorate": "representatives", "representatives": reps,
            "opens_at": in_minutes(&app, 1), "closes_at": in_minutes(&app, 120),
        })
    };
    let (status, refused) = app
        .post(&path, a.staff.token(), body(json!([w.b.resident.id])))
        .await;
    assert_eq!(
        (status, refused["errors"][0]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("representatives"))
    );
    let reps = created(
        &app,
        &path,
        &a.staff,
        body(json!([neighbours[0].id, neighbours[1].id])),
    )
    .await;
    let reps = reps["id"].as_i64().unwrap();
    app.post(&vote_path(a, reps, "/open"), a.staff.token(), json!({}))
        .await;
    voted(&app, a, reps, &neighbours[0], &[2]).await;
    assert_eq!(
        ballot(&app, a, reps, &neighbours[2], &[2]).await.0,
        StatusCode::FORBIDDEN
    );
}

async fn set_up_is_checked_and_special_topics_need_two_thirds(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let special = topic(&app, a, true).await;
    let path = format!("/communities/{}/topics/{special}/votes", a.community);
    let base = json!({
        "question": "动用维修基金更换水泵", "kind": "yes_no", "electorate": "residents",
        "opens_at": in_minutes(&app, 1), "closes_at": in_minutes(&app, 60),
    });
    let with = |change: serde_json::Value| {
        let mut body = base.clone();
        body.as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        body
    };
    for (change, field) in [
        (json!({ "closes_at": in_minutes(&app, 5) }), "closes_at"),
        (json!({ "opens_at": in_minutes(&app, -60) }), "opens_at"),
        (json!({ "options": ["甲", "乙"] }), "options"),
        (json!({ "kind": "single", "options": ["甲"] }), "options"),
        (
            json!({ "kind": "multiple", "options": ["甲", "乙"], "max_choices": 3 }),
            "max_choices",
        ),
        (
            json!({ "quorum": { "numerator": 3, "denominator": 2 } }),
            "quorum",
        ),
        (
            json!({ "representatives": [a.resident.id] }),
            "representatives",
        ),
    ] {
        let (status, body) = app.post(&path, a.staff.token(), with(change.clone())).await;
        assert_eq!(
            (status, body["errors"][0]["field"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!(field)),
            "{change}: {body}"
        );
    }
    assert_eq!(
        app.post(&path, a.resident.token(), base.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&path, w.b.staff.token(), base.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let vote = created(&app, &path, &a.staff, base.clone()).await;
    assert_eq!(
        vote["pass_rule"],
        json!({ "share": { "numerator": 2, "denominator": 3 }, "inclusive": true })
    );
    let (status, body) = app.post(&path, a.staff.token(), base).await;
    assert_eq!(
        (status, body["errors"][0]["code"].clone()),
        (StatusCode::CONFLICT, json!("vote_pending"))
    );
    // Two of three is two thirds: enough, as 三分之二以上 includes it.
    let id = vote["id"].as_i64().unwrap();
    let voters = crowd(&app, a, 2, None).await;
    app.post(&vote_path(a, id, "/open"), a.staff.token(), json!({}))
        .await;
    voted(&app, a, id, &a.resident, &[0]).await;
    voted(&app, a, id, &voters[0], &[0]).await;
    voted(&app, a, id, &voters[1], &[1]).await;
    let result = &closed(&app, a, id).await["result"];
    // 3 of the 4 took part (the assisted resident did not); 2 yes of 3 is two thirds.
    assert_eq!(
        (result["ballots_cast"].clone(), result["outcome"].clone()),
        (json!(3), json!("passed")),
        "{result}"
    );
}

async fn minors_are_not_in_the_electorate(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let young = crowd(&app, a, 2, None).await;
    let born = (app.state.clock.now() - chrono::TimeDelta::days(17 * 365)).date();
    app.sql(&format!(
        "UPDATE users SET birth_date = '{born}' WHERE id = {}",
        young[0].id
    ))
    .await;
    let vote = open_vote(&app, a, json!({})).await;
    let (status, body) = ballot(&app, a, vote, &young[0], &[0]).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::FORBIDDEN, json!("not_in_electorate"))
    );
    voted(&app, a, vote, &young[1], &[0]).await;
}

crate::backend_tests!(
    a_vote_runs_from_set_up_to_a_published_recountable_decision,
    ballots_are_refused_to_all_but_the_frozen_electorate_once,
    one_ballot_per_household_and_named_representatives,
    set_up_is_checked_and_special_topics_need_two_thirds,
    minors_are_not_in_the_electorate,
);
