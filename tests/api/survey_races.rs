//! One response per person and per household under 100 parallel submissions, and anonymity
//! read straight from the database: nothing links a respondent to their answers.

use crate::helpers::{TestApp, tally};
use crate::surveying::{content, every_kind, open_survey, respond, results};
use crate::voting::crowd;
use crate::world;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

async fn a_hundred_submissions_make_one_response_per_person_and_household(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    // One person sending 100 at once.
    let survey = open_survey(&app, a, every_kind(), json!({})).await;
    let attempts = (0..100).map(|_| respond(&app, a, survey, &a.resident, content()));
    let answers = join_all(attempts).await;
    assert_eq!(tally(&answers, StatusCode::CREATED, None), 1);
    assert_eq!(
        tally(&answers, StatusCode::CONFLICT, Some("already_responded")),
        99
    );
    // Five members of one household sending 20 each, to a survey of one per household.
    let household = crowd(&app, a, 5, Some(a.household)).await;
    let per_household = open_survey(&app, a, every_kind(), json!({"audience": "households"})).await;
    let attempts = household
        .iter()
        .flat_map(|member| (0..20).map(move |_| member))
        .map(|member| respond(&app, a, per_household, member, content()));
    let answers = join_all(attempts).await;
    assert_eq!(tally(&answers, StatusCode::CREATED, None), 1);
    assert_eq!(
        tally(&answers, StatusCode::CONFLICT, Some("already_responded")),
        99
    );
    let read = results(&app, a, per_household).await;
    assert_eq!(read["responses"], 1);
    let households = app
        .count(&format!(
            "SELECT COUNT(DISTINCT household_id) AS n FROM memberships \
             WHERE community_id = {} AND status = 'verified' AND household_id IS NOT NULL",
            a.community
        ))
        .await;
    assert_eq!(read["response_rate"]["of"], households);
    // 100 different residents at once all get in.
    let many = crowd(&app, a, 100, None).await;
    let everyone = open_survey(&app, a, every_kind(), json!({})).await;
    let answers = join_all(
        many.iter()
            .map(|p| respond(&app, a, everyone, p, content())),
    )
    .await;
    assert_eq!(tally(&answers, StatusCode::CREATED, None), 100);
    assert_eq!(results(&app, a, everyone).await["responses"], 100);
}

async fn columns(app: &TestApp, table: &str) -> Vec<String> {
    let query = match app.on_postgres() {
        true => format!(
            "SELECT column_name::text AS t FROM information_schema.columns WHERE table_name = '{table}' ORDER BY column_name"
        ),
        false => format!("SELECT name AS t FROM pragma_table_info('{table}') ORDER BY name"),
    };
    app.texts(&query).await
}

async fn nothing_links_an_anonymous_answer_to_its_respondent(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let people = crowd(&app, a, 8, None).await;
    let survey = open_survey(&app, a, every_kind(), json!({})).await;
    let mut receipts = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let mut answers = content();
        answers["security"] = json!(1 + i % 5);
        if i % 5 < 2 {
            answers["concerns"] = json!([0]);
        }
        let (status, receipt) = respond(&app, a, survey, person, answers).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        receipts.push(receipt["receipt"].as_str().unwrap().to_owned());
    }
    // Who answered holds no time; what was answered holds no person, no id and no time.
    assert_eq!(
        columns(&app, "survey_audience").await,
        ["household_id", "responded", "survey_id", "user_id"]
    );
    assert_eq!(
        columns(&app, "survey_responses").await,
        ["grid_id", "receipt_hash", "respondent_id", "survey_id"]
    );
    assert_eq!(
        columns(&app, "survey_answers").await,
        ["question_id", "receipt_hash", "survey_id", "text", "value"]
    );
    let named = format!(
        "SELECT COUNT(*) AS n FROM survey_responses WHERE survey_id = {survey} AND respondent_id IS NOT NULL"
    );
    assert_eq!(app.count(&named).await, 0);
    if !app.on_postgres() {
        // Stored in receipt-hash order from the first response: no rowid to betray the order.
        let order = app
            .texts(&format!(
                "SELECT receipt_hash AS t FROM survey_responses WHERE survey_id = {survey}"
            ))
            .await;
        assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}");
    }
    // No audit record or stored idempotent answer holds a receipt or an answer.
    for receipt in &receipts {
        let hash = wushe::receipt::receipt_hash(receipt);
        for table in ["audit_log", "idempotency_keys"] {
            let copies = app.count(&format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE {} LIKE '%{hash}%' OR {} LIKE '%{receipt}%'",
                text_of(&app, table), text_of(&app, table)
            )).await;
            assert_eq!(copies, 0, "{table} holds a receipt");
        }
    }
    let audited = app
        .count("SELECT COUNT(*) AS n FROM audit_log WHERE target_type = 'survey_response'")
        .await;
    assert_eq!(audited, 0);
}

/// The whole row of `table` as text, to search for a copied secret.
fn text_of(app: &TestApp, table: &str) -> String {
    match (app.on_postgres(), table) {
        (true, _) => format!("CAST({table}.* AS TEXT)"),
        (false, "audit_log") => "COALESCE(before_data, '') || COALESCE(after_data, '')".into(),
        (false, _) => "COALESCE(response_body, '')".into(),
    }
}

crate::backend_tests!(
    a_hundred_submissions_make_one_response_per_person_and_household,
    nothing_links_an_anonymous_answer_to_its_respondent,
);
