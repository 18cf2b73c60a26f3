//! Disbursements from the charity fund: two different approvers, never more than the fund
//! holds, rejection, targets of the community only, who may act, and no hand reversals.

use crate::fund::{
    approve, field_errors, fill, first_approved, fund, request, setup, statement, wish_and_project,
};
use crate::helpers::{TestApp, User};
use crate::points::assert_ledger_sound;
use crate::world::Side;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn reject(app: &TestApp, side: &Side, id: &Value, by: &User, body: Value) -> StatusCode {
    let path = fund(side, &format!("/disbursements/{id}/reject"));
    app.post(&path, by.token(), body).await.0
}

async fn listed(app: &TestApp, side: &Side, status: &str) -> Vec<Value> {
    let path = fund(side, &format!("/disbursements?status={status}"));
    let (code, body) = app.get(&path, side.community_admin.token()).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn a_disbursement_needs_two_different_approvers(app: TestApp) {
    let (world, wish, _) = setup(&app).await;
    let a = &world.a;
    fill(&app, a, 10_000).await;
    let pending = request(&app, a, json!({ "wish_id": wish }), 3_000).await;
    let target = json!({ "type": "wish", "id": wish, "title": "为独居老人购买助行器" });
    assert_eq!(pending["target"], target);
    assert_eq!(pending["requested_by"]["id"], a.staff.id);

    // The requester may give the first approval; it pays nothing yet.
    let (status, first) = approve(&app, a, &pending["id"], &a.staff).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        (first["status"].as_str(), first["transaction_id"].as_i64()),
        (Some("pending"), None)
    );
    assert_eq!(first["first_approver"]["display_name"], "社区工作者");
    assert_eq!(statement(&app, a).await["balance_fen"], 10_000);

    let (status, again) = approve(&app, a, &pending["id"], &a.staff).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{again}");
    assert_eq!(
        field_errors(&again),
        [("second_approver".into(), "same_approver".into())]
    );
    let waiting = listed(&app, a, "pending").await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["first_approver"]["id"], a.staff.id);

    let (status, paid) = approve(&app, a, &pending["id"], &a.community_admin).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["status"], "approved");
    assert_eq!(paid["second_approver"]["id"], a.community_admin.id);
    assert!(paid["transaction_id"].is_i64());
    let totals = statement(&app, a).await;
    assert_eq!(
        (
            &totals["balance_fen"],
            &totals["money_disbursed_fen"],
            &totals["disbursements_count"]
        ),
        (&json!(7_000), &json!(3_000), &json!(1))
    );
    let (_, public) = app.get(&fund(a, "/entries"), None).await;
    let entry = &public["items"][0];
    assert_eq!(
        (&entry["type"], &entry["amount_fen"]),
        (&json!("disbursement"), &json!(3_000))
    );
    assert_eq!(
        (&entry["purpose"], &entry["target"]),
        (&json!("购买助行器一台"), &target)
    );
    let text = entry.to_string();
    for private in ["社区工作者", "两委委员", "居民", "requested_by", "approver"] {
        assert!(!text.contains(private), "{private} in {text}");
    }

    let (status, _) = approve(&app, a, &pending["id"], &world.a.community_admin).await;
    assert_eq!(status, StatusCode::CONFLICT, "paid once");
    assert!(listed(&app, a, "pending").await.is_empty());
    assert_eq!(listed(&app, a, "approved").await.len(), 1);
    let audited = "SELECT COUNT(*) AS n FROM audit_log WHERE target_type = 'fund_disbursement'";
    assert_eq!(
        app.count(audited).await,
        3,
        "requested, first approval, payment"
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn disbursing_more_than_the_fund_holds_writes_nothing(app: TestApp) {
    let (world, _, project) = setup(&app).await;
    let a = &world.a;
    fill(&app, a, 1_000).await;
    let pending = first_approved(&app, a, json!({ "project_id": project }), 1_500).await;
    let writes = "SELECT (SELECT COUNT(*) FROM ledger_transactions) \
                  + (SELECT COUNT(*) FROM audit_log) AS n";
    let before = app.count(writes).await;
    let (status, refused) = approve(&app, a, &pending["id"], &a.community_admin).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("insufficient_balance"))
    );
    assert_eq!(
        field_errors(&refused),
        [("amount_fen".into(), "exceeds_fund".into())]
    );
    assert_eq!(app.count(writes).await, before);
    let waiting = listed(&app, a, "pending").await;
    assert!(waiting[0]["second_approver"].is_null());
    assert_eq!(statement(&app, a).await["balance_fen"], 1_000);

    fill(&app, a, 500).await;
    let (status, paid) = approve(&app, a, &pending["id"], &a.community_admin).await;
    assert_eq!(
        (status, paid["status"].as_str()),
        (StatusCode::OK, Some("approved"))
    );
    assert_eq!(paid["target"]["title"], "楼道照明改造");
    let totals = statement(&app, a).await;
    assert_eq!(
        (
            &totals["balance_fen"],
            &totals["money_donated_fen"],
            &totals["money_disbursed_fen"]
        ),
        (&json!(0), &json!(1_500), &json!(1_500))
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn rejected_disbursements_pay_nothing(app: TestApp) {
    let (world, wish, _) = setup(&app).await;
    let a = &world.a;
    fill(&app, a, 5_000).await;
    let pending = first_approved(&app, a, json!({ "wish_id": wish }), 2_000).await;
    let admin = &a.community_admin;
    assert_eq!(
        reject(&app, a, &pending["id"], admin, json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let reason = json!({ "reason": "该心愿已由志愿者认领完成" });
    assert_eq!(
        reject(&app, a, &pending["id"], admin, reason.clone()).await,
        StatusCode::OK
    );
    let rejected = listed(&app, a, "rejected").await;
    assert_eq!(rejected[0]["rejected_by"]["id"], admin.id);
    assert_eq!(rejected[0]["rejection_reason"], "该心愿已由志愿者认领完成");
    assert_eq!(
        approve(&app, a, &pending["id"], admin).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        reject(&app, a, &pending["id"], admin, reason).await,
        StatusCode::CONFLICT
    );
    let totals = statement(&app, a).await;
    assert_eq!(
        (&totals["balance_fen"], &totals["disbursements_count"]),
        (&json!(5_000), &json!(0))
    );
    let (_, public) = app.get(&fund(a, "/entries"), None).await;
    assert!(
        public["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] == "donation")
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn disbursements_pay_only_for_the_communitys_own_targets(app: TestApp) {
    let (world, wish, project) = setup(&app).await;
    let (a, b) = (&world.a, &world.b);
    let (their_wish, their_project) = wish_and_project(&app, b).await;
    let cases = [
        (
            json!({ "wish_id": their_wish }),
            vec![("wish_id", "not_found")],
        ),
        (
            json!({ "project_id": their_project }),
            vec![("project_id", "not_found")],
        ),
        (
            json!({ "wish_id": wish, "project_id": project }),
            vec![("wish_id", "exactly_one"), ("project_id", "exactly_one")],
        ),
        (
            json!({}),
            vec![("wish_id", "exactly_one"), ("project_id", "exactly_one")],
        ),
    ];
    for (target, want) in cases {
        let mut body = json!({ "amount_fen": 100, "purpose": "购买物资" });
        body.as_object_mut()
            .unwrap()
            .extend(target.as_object().unwrap().clone());
        let (status, problem) = app
            .post(&fund(a, "/disbursements"), a.staff.token(), body)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(field_errors(&problem), want);
    }
    let too_much =
        json!({ "project_id": project, "amount_fen": 100_000_001, "purpose": "购买物资" });
    let (status, _) = app
        .post(&fund(a, "/disbursements"), a.staff.token(), too_much)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM fund_disbursements")
            .await,
        0
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn only_the_communitys_staff_keep_its_fund(app: TestApp) {
    let (world, wish, _) = setup(&app).await;
    let a = &world.a;
    fill(&app, a, 1_000).await;
    let pending = request(&app, a, json!({ "wish_id": wish }), 500).await;
    let id = &pending["id"];
    let b = &world.b;
    let callers = [
        (&b.staff, StatusCode::NOT_FOUND),
        (&b.community_admin, StatusCode::NOT_FOUND),
        (&world.outsider, StatusCode::NOT_FOUND),
        (&a.resident, StatusCode::FORBIDDEN),
        (&a.grid_worker, StatusCode::FORBIDDEN),
        (&a.social_worker, StatusCode::FORBIDDEN),
        (&world.admin, StatusCode::FORBIDDEN),
    ];
    for (who, want) in callers {
        let token = who.token();
        let asked = json!({ "wish_id": wish, "amount_fen": 100, "purpose": "购买物资" });
        let reason = json!({ "reason": "不符合资助条件" });
        let calls = [
            app.post(&fund(a, "/donations"), token, crate::fund::money(100))
                .await,
            app.post(&fund(a, "/disbursements"), token, asked).await,
            app.get(&fund(a, "/disbursements"), token).await,
            app.post(
                &fund(a, &format!("/disbursements/{id}/approve")),
                token,
                Value::Null,
            )
            .await,
            app.post(
                &fund(a, &format!("/disbursements/{id}/reject")),
                token,
                reason,
            )
            .await,
        ];
        for (status, body) in calls {
            assert_eq!(status, want, "{body}");
            assert!(body.get("items").is_none() && body.get("id").is_none());
        }
    }
    let (status, _) = app
        .post(&fund(a, "/donations"), None, crate::fund::money(100))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let waiting = listed(&app, a, "pending").await;
    assert!(
        waiting[0]["first_approver"].is_null(),
        "nobody outside approved it"
    );
    assert_eq!(statement(&app, a).await["balance_fen"], 1_000);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn fund_money_is_not_reversed_by_hand(app: TestApp) {
    let (world, wish, _) = setup(&app).await;
    let a = &world.a;
    let (_, donation) = crate::fund::donate(&app, a, &a.staff, crate::fund::money(2_000)).await;
    let pending = first_approved(&app, a, json!({ "wish_id": wish }), 1_500).await;
    let (_, paid) = approve(&app, a, &pending["id"], &a.community_admin).await;
    for transaction in [&donation["transaction_id"], &paid["transaction_id"]] {
        let path = format!(
            "/communities/{}/ledger/transactions/{transaction}/reversal",
            a.community
        );
        let reason = json!({ "reason": "录入错误" });
        let (status, body) = app.post(&path, a.community_admin.token(), reason).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("invalid_state"))
        );
    }
    assert_eq!(statement(&app, a).await["balance_fen"], 500);
    assert_ledger_sound(&app, &world, a.community).await;
}

crate::backend_tests!(
    a_disbursement_needs_two_different_approvers,
    disbursing_more_than_the_fund_holds_writes_nothing,
    rejected_disbursements_pay_nothing,
    disbursements_pay_only_for_the_communitys_own_targets,
    only_the_communitys_staff_keep_its_fund,
    fund_money_is_not_reversed_by_hand,
);
