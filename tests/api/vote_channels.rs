//! The other ways a ballot arrives or changes: a retry with the voter's own receipt, a
//! replaced ballot, a live tally, a witnessed proxy ballot, and paper ballots entered by one
//! officer and confirmed by a second who counts again.

use crate::helpers::TestApp;
use crate::voting::{ballot, closed, crowd, open_vote, vote_path, voted};
use crate::world;
use reqwest::StatusCode;
use serde_json::json;

async fn a_retry_is_answered_and_a_ballot_can_be_replaced_with_its_receipt(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let vote = open_vote(
        &app,
        a,
        json!({ "allow_change": true, "live_results": true }),
    )
    .await;
    let mine = json!({ "choices": [0], "receipt": "my-own-receipt-0123456789" });
    let (status, first) = app
        .post(
            &vote_path(a, vote, "/ballot"),
            a.resident.token(),
            mine.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, again) = app
        .post(&vote_path(a, vote, "/ballot"), a.resident.token(), mine)
        .await;
    assert_eq!(
        (status, again["receipt_hash"].clone()),
        (StatusCode::OK, first["receipt_hash"].clone())
    );
    // A live vote shows its provisional tally while it runs.
    let (_, view) = app.get(&vote_path(a, vote, ""), a.resident.token()).await;
    assert_eq!(
        (
            view["result"]["counts"][0]["votes"].clone(),
            view["result"]["official"].clone()
        ),
        (json!(1), json!(false))
    );
    // Replaced with the receipt (in lower case too): still one ballot, now "no".
    let change = json!({ "choices": [1], "receipt": "MY-OWN-RECEIPT-0123456789" });
    let (status, changed) = app
        .call(
            reqwest::Method::PUT,
            &vote_path(a, vote, "/ballot"),
            a.resident.token(),
            Some(change),
        )
        .await;
    assert_eq!(
        (status, changed["choices"].clone()),
        (StatusCode::OK, json!([1])),
        "{changed}"
    );
    let unknown = json!({ "choices": [1], "receipt": "nobodys-receipt-000000000" });
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &vote_path(a, vote, "/ballot"),
            a.resident.token(),
            Some(unknown),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("unknown_receipt"))
    );
    let result = &closed(&app, a, vote).await["result"];
    assert_eq!(
        (
            result["ballots_cast"].clone(),
            result["counts"][1]["votes"].clone()
        ),
        (json!(1), json!(1))
    );
    // Where changes are not allowed, they are refused.
    let fixed = open_vote(&app, a, json!({})).await;
    let receipt = voted(&app, a, fixed, &a.resident, &[0]).await;
    let change = json!({ "choices": [1], "receipt": receipt["receipt"] });
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &vote_path(a, fixed, "/ballot"),
            a.resident.token(),
            Some(change),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["code"].clone()),
        (StatusCode::CONFLICT, json!("changes_not_allowed"))
    );
}

async fn staff_cast_a_witnessed_proxy_ballot_for_a_resident_without_the_app(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let vote = open_vote(&app, a, json!({})).await;
    let path = vote_path(a, vote, "/proxy-ballots");
    let proxy = |user: i64| json!({ "user_id": user, "witness_name": "李梅（楼栋长）", "ballot": { "choices": [0] } });
    assert_eq!(
        app.post(&path, a.resident.token(), proxy(a.assisted_resident))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&path, w.b.staff.token(), proxy(a.assisted_resident))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, receipt) = app
        .post(&path, a.staff.token(), proxy(a.assisted_resident))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let (status, body) = app
        .post(&path, a.staff.token(), proxy(a.assisted_resident))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::CONFLICT, json!("already_voted"))
    );
    let (status, body) = app
        .post(&path, a.staff.token(), proxy(w.b.resident.id))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::FORBIDDEN, json!("not_in_electorate"))
    );
    let recorded = app.count(&format!("SELECT COUNT(*) AS n FROM vote_proxies WHERE vote_id = {vote} AND cast_by = {} AND witness_name = '李梅（楼栋长）'", a.staff.id)).await;
    assert_eq!(recorded, 1);
    let channel = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM vote_electors WHERE vote_id = {vote} AND channel = 'proxy'"
        ))
        .await;
    assert_eq!(channel, 1);
    // The audit record names the resident and the witness, never the choice.
    let audit = app
        .texts("SELECT after_data AS t FROM audit_log WHERE action = 'vote.proxy_ballot'")
        .await;
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].contains("李梅") && !audit[0].contains("choice"),
        "{}",
        audit[0]
    );
}

async fn paper_ballots_count_once_two_officers_agree(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let villagers = crowd(&app, a, 4, None).await;
    let vote = open_vote(&app, a, json!({})).await;
    voted(&app, a, vote, &villagers[3], &[0]).await;
    let batches = vote_path(a, vote, "/paper-batches");
    let count = json!({ "paper_count": 3, "tally": [{ "choices": [0], "count": 2 }, { "choices": [1], "count": 1 }] });
    let mut entry = count.clone();
    entry["voters"] = json!([villagers[0].id, villagers[1].id, villagers[2].id]);
    for (voters, code) in [
        (
            json!([villagers[0].id, villagers[1].id]),
            "paper_count_mismatch",
        ),
        (
            json!([villagers[0].id, villagers[0].id, villagers[1].id]),
            "paper_count_mismatch",
        ),
        (
            json!([villagers[0].id, villagers[1].id, w.b.resident.id]),
            "not_in_electorate",
        ),
    ] {
        let mut bad = entry.clone();
        bad["voters"] = voters;
        let (status, body) = app.post(&batches, a.staff.token(), bad).await;
        assert_eq!(
            (status, body["errors"][0]["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!(code))
        );
    }
    let (status, batch) = app.post(&batches, a.staff.token(), entry.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{batch}");
    let confirm = vote_path(a, vote, &format!("/paper-batches/{}/confirm", batch["id"]));
    assert_eq!(
        app.post(&confirm, a.staff.token(), count.clone()).await.0,
        StatusCode::FORBIDDEN,
        "not by the same officer"
    );
    let miscount = json!({ "paper_count": 3, "tally": [{ "choices": [0], "count": 1 }, { "choices": [1], "count": 2 }] });
    let (status, body) = app
        .post(&confirm, a.community_admin.token(), miscount)
        .await;
    assert_eq!(
        (status, body["errors"][0]["code"].clone()),
        (StatusCode::CONFLICT, json!("counts_differ"))
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM vote_ballots WHERE vote_id = {vote}"
        ))
        .await,
        1,
        "nothing applied"
    );
    let (status, applied) = app
        .post(&confirm, a.community_admin.token(), count.clone())
        .await;
    assert_eq!(
        (status, applied["status"].clone()),
        (StatusCode::OK, json!("applied")),
        "{applied}"
    );
    assert_eq!(
        app.post(&confirm, a.community_admin.token(), count).await.0,
        StatusCode::CONFLICT
    );
    // The villagers voted on paper: no second ballot by app, nor in another batch.
    let (status, body) = ballot(&app, a, vote, &villagers[0], &[1]).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::CONFLICT, json!("already_voted"))
    );
    let mut again = json!({ "paper_count": 1, "tally": [{ "choices": [1], "count": 1 }] });
    again["voters"] = json!([villagers[3].id]);
    let (_, second) = app.post(&batches, a.staff.token(), again.clone()).await;
    let confirm = vote_path(a, vote, &format!("/paper-batches/{}/confirm", second["id"]));
    again.as_object_mut().unwrap().remove("voters");
    let (status, body) = app.post(&confirm, a.community_admin.token(), again).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::CONFLICT, json!("already_voted"))
    );
    let result = &closed(&app, a, vote).await["result"];
    let counts: Vec<i64> = result["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["votes"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![3, 1, 0]);
    let audited = app
        .count("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'vote.paper_batch.%'")
        .await;
    assert_eq!(audited, 3, "two entries and one confirmation");
}

crate::backend_tests!(
    a_retry_is_answered_and_a_ballot_can_be_replaced_with_its_receipt,
    staff_cast_a_witnessed_proxy_ballot_for_a_resident_without_the_app,
    paper_ballots_count_once_two_officers_agree,
);
