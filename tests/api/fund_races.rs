//! The charity fund under retries and races: a replayed donation or approval happens once,
//! and parallel approvals never pay out more than the fund holds, nor one disbursement twice.

use crate::fund::{approve, fill, first_approved, fund, money, request, setup, statement};
use crate::helpers::{TestApp, distinct_bodies, tally};
use crate::points::assert_ledger_sound;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn retried_donations_and_approvals_happen_once(app: TestApp) {
    let (world, wish, _) = setup(&app).await;
    let a = &world.a;
    let send = |path: String, key: &'static str, body: Value| {
        app.client
            .post(app.url(&path))
            .bearer_auth(&a.staff.access)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let responses =
        join_all((0..20).map(|_| send(fund(a, "/donations"), "gift-1", money(8_800)))).await;
    assert_eq!(
        distinct_bodies(responses, StatusCode::CREATED).await,
        1,
        "every replay answers with the first result"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM fund_donations").await,
        1
    );
    assert_eq!(statement(&app, a).await["balance_fen"], 8_800);
    let response = send(fund(a, "/donations"), "gift-1", money(9_900))
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "same key, new request"
    );

    // A retried first approval is the same approval, not a second one by the same person.
    let pending = request(&app, a, json!({ "wish_id": wish }), 800).await;
    let path = fund(a, &format!("/disbursements/{}/approve", pending["id"]));
    for _ in 0..2 {
        let response = send(path.clone(), "approve-1", Value::Null).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let (status, _) = approve(&app, a, &pending["id"], &a.staff).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "without the key it is a second approval"
    );
    assert_eq!(statement(&app, a).await["balance_fen"], 8_800);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn parallel_second_approvals_pay_out_exactly_what_the_fund_holds(app: TestApp) {
    let (world, wish, project) = setup(&app).await;
    let a = &world.a;
    fill(&app, a, 5 * 1_000).await;
    let mut pending = Vec::new();
    for n in 0..12 {
        let target = if n % 2 == 0 {
            json!({ "wish_id": wish })
        } else {
            json!({ "project_id": project })
        };
        let created = first_approved(&app, a, target, 1_000).await;
        pending.push(created["id"].clone());
    }
    let admin = &a.community_admin;
    let results = join_all(pending.iter().map(|id| approve(&app, a, id, admin))).await;
    let count = |want: StatusCode, code: Option<&str>| tally(&results, want, code);
    assert_eq!(
        (
            count(StatusCode::OK, None),
            count(StatusCode::CONFLICT, Some("insufficient_balance"))
        ),
        (5, 7),
        "{:?}",
        results.iter().find(|(s, _)| !s.is_success())
    );
    let totals = statement(&app, a).await;
    assert_eq!(
        (&totals["balance_fen"], &totals["disbursements_count"]),
        (&json!(0), &json!(5))
    );
    let approved = "SELECT COUNT(*) AS n FROM fund_disbursements WHERE status = 'approved'";
    assert_eq!(app.count(approved).await, 5);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn parallel_approvals_of_one_disbursement_pay_it_once(app: TestApp) {
    let (world, wish, _) = setup(&app).await;
    let a = &world.a;
    fill(&app, a, 10_000).await;
    let pending = first_approved(&app, a, json!({ "wish_id": wish }), 1_000).await;
    let admin = &a.community_admin;
    let results = join_all((0..10).map(|_| approve(&app, a, &pending["id"], admin))).await;
    let paid = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let decided = results
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["code"] == "invalid_state")
        .count();
    assert_eq!((paid, decided), (1, 9));
    assert_eq!(statement(&app, a).await["balance_fen"], 9_000);
    let payments = "SELECT COUNT(*) AS n FROM ledger_transactions WHERE kind = 'disbursement'";
    assert_eq!(app.count(payments).await, 1);
    assert_ledger_sound(&app, &world, a.community).await;
}

crate::backend_tests!(
    retried_donations_and_approvals_happen_once,
    parallel_second_approvals_pay_out_exactly_what_the_fund_holds,
    parallel_approvals_of_one_disbursement_pay_it_once,
);
