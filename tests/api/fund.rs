//! The charity fund: donations of money and goods, the public statement and list (anonymous
//! donors hidden), disbursements with two different approvers, the balance they may not pass,
//! rejection, and who may do what. After each test the ledger must balance per asset.

use crate::helpers::{TestApp, User};
use crate::points::assert_ledger_sound;
use crate::world::{self, Side, World};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub fn fund(side: &Side, rest: &str) -> String {
    format!("/communities/{}/fund{rest}", side.community)
}

/// A money donation from a company, named in words.
pub fn money(amount_fen: i64) -> Value {
    json!({ "donor_kind": "company", "donor_name": "湘江建材有限公司", "kind": "money",
            "amount_fen": amount_fen })
}

pub async fn donate(app: &TestApp, side: &Side, by: &User, body: Value) -> (StatusCode, Value) {
    app.post(&fund(side, "/donations"), by.token(), body).await
}

/// Puts `amount_fen` into the side's fund.
pub async fn fill(app: &TestApp, side: &Side, amount_fen: i64) {
    let (status, body) = donate(app, side, &side.staff, money(amount_fen)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// A wish and a project of the community, written straight to the database: the modules
/// that create them live elsewhere, and the fund only needs the rows.
pub async fn wish_and_project(app: &TestApp, side: &Side) -> (i64, i64) {
    let (c, by) = (side.community, side.resident.id);
    let at = "'2026-11-23 08:00:00'";
    app.sql(&format!(
        "INSERT INTO wishes (community_id, requester_id, posted_by, title, story, category, \
         estimated_value_fen, deadline, status, created_at, updated_at) VALUES ({c}, {by}, {by}, \
         '为独居老人购买助行器', '腿脚不便', 'life_help', 30000, '2027-01-01 00:00:00', \
         'published', {at}, {at})"
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO projects (community_id, title, summary, proposed_by, budget_fen, status, \
         created_at, updated_at) VALUES ({c}, '楼道照明改造', '更换声控灯', {by}, 500000, \
         'approved', {at}, {at})"
    ))
    .await;
    let last = |table: &str| format!("SELECT MAX(id) AS n FROM {table} WHERE community_id = {c}");
    (
        app.count(&last("wishes")).await,
        app.count(&last("projects")).await,
    )
}

pub async fn request(app: &TestApp, side: &Side, target: Value, amount: i64) -> Value {
    let mut body = json!({ "amount_fen": amount, "purpose": "购买助行器一台" });
    body.as_object_mut()
        .unwrap()
        .extend(target.as_object().unwrap().clone());
    let (status, created) = app
        .post(&fund(side, "/disbursements"), side.staff.token(), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "pending");
    created
}

/// A disbursement of `amount_fen` for `target`, requested by the side's staff member, who
/// also gave it its first approval.
pub async fn first_approved(app: &TestApp, side: &Side, target: Value, amount_fen: i64) -> Value {
    let created = request(app, side, target, amount_fen).await;
    let (status, approved) = approve(app, side, &created["id"], &side.staff).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["first_approver"]["id"], side.staff.id);
    approved
}

pub async fn approve(app: &TestApp, side: &Side, id: &Value, by: &User) -> (StatusCode, Value) {
    let path = fund(side, &format!("/disbursements/{id}/approve"));
    app.post(&path, by.token(), Value::Null).await
}

pub async fn statement(app: &TestApp, side: &Side) -> Value {
    let (status, body) = app.get(&fund(side, "/statement"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn entries(app: &TestApp, side: &Side) -> Vec<Value> {
    let (status, body) = app.get(&fund(side, "/entries?limit=100"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

pub fn field_errors(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap().into(),
                        e["code"].as_str().unwrap().into(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn money_and_goods_donations_make_the_statement(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    fill(&app, a, 50_000).await;
    let person = json!({ "donor_kind": "person", "donor_user_id": a.volunteer.id,
                         "kind": "money", "amount_fen": 20_000, "note": "现金，已开收据" });
    let (status, given) = donate(&app, a, &a.community_admin, person).await;
    assert_eq!(status, StatusCode::CREATED, "{given}");
    assert_eq!(
        (
            given["donor_user_id"].as_i64(),
            given["recorded_by"].as_i64()
        ),
        (Some(a.volunteer.id), Some(a.community_admin.id))
    );
    assert!(given["transaction_id"].is_i64());
    let goods = json!({ "donor_kind": "organisation", "donor_name": "阳光义工协会",
                        "kind": "goods", "amount_fen": 80_000, "goods_description": "大米 20 袋" });
    let (status, given) = donate(&app, a, &a.staff, goods).await;
    assert_eq!(status, StatusCode::CREATED, "{given}");
    assert!(
        given["transaction_id"].is_null(),
        "goods stay out of the ledger"
    );

    let totals = statement(&app, a).await;
    let expected = json!({
        "community_id": a.community, "money_donated_fen": 70_000, "money_disbursed_fen": 0,
        "balance_fen": 70_000, "goods_estimated_value_fen": 80_000, "money_donations_count": 2,
        "goods_donations_count": 1, "disbursements_count": 0
    });
    assert_eq!(totals, expected);
    let list = entries(&app, a).await;
    let donors: Vec<&str> = list
        .iter()
        .map(|e| e["donor"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        donors,
        ["阳光义工协会", "志愿者", "湘江建材有限公司"],
        "newest first"
    );
    assert_eq!(list[0]["goods_description"], "大米 20 袋");
    assert_eq!(list[0]["donation_kind"], "goods");
    assert!(
        list.iter().all(|e| e.get("note").is_none()),
        "notes are for staff"
    );
    assert_eq!(statement(&app, &world.b).await["balance_fen"], 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'fund.donation_recorded'")
            .await,
        3
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn bad_donations_name_the_field(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let with = |changes: Value| {
        let mut body = money(1_000);
        body.as_object_mut()
            .unwrap()
            .extend(changes.as_object().unwrap().clone());
        body
    };
    let cases = [
        (
            with(json!({ "amount_fen": 0 })),
            vec![("amount_fen", "range")],
        ),
        (
            with(json!({ "amount_fen": 100_000_001 })),
            vec![("amount_fen", "range")],
        ),
        (
            with(json!({ "goods_description": "大米" })),
            vec![("goods_description", "invalid_value")],
        ),
        (
            with(json!({ "kind": "goods" })),
            vec![("goods_description", "required")],
        ),
        (
            with(json!({ "donor_user_id": a.resident.id })),
            vec![("donor_user_id", "invalid_value")],
        ),
        (
            with(json!({ "donor_name": null })),
            vec![("donor_name", "required")],
        ),
        (
            with(json!({ "donor_kind": "person", "donor_user_id": a.resident.id })),
            vec![
                ("donor_user_id", "exactly_one"),
                ("donor_name", "exactly_one"),
            ],
        ),
        (
            with(json!({ "donor_kind": "person", "donor_name": null, "donor_user_id": 999_999 })),
            vec![("donor_user_id", "not_found")],
        ),
        (
            with(json!({ "donor_kind": "organisation", "donor_name": null,
                         "donor_organisation_id": 999_999 })),
            vec![("donor_organisation_id", "not_found")],
        ),
    ];
    for (body, want) in cases {
        let (status, problem) = donate(&app, a, &a.staff, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(field_errors(&problem), want, "{body}");
    }
    assert_eq!(statement(&app, a).await["money_donations_count"], 0);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn anonymous_donors_are_hidden_in_public(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let org = "INSERT INTO organisations (name, category, registration, created_by, created_at, \
               updated_at) VALUES ('银发互助会', 'mutual_aid', 'filed', 1, '2026-11-23 08:00:00', \
               '2026-11-23 08:00:00')";
    app.sql(org).await;
    let org_id = app.count("SELECT MAX(id) AS n FROM organisations").await;
    let hidden = [
        json!({ "donor_kind": "person", "donor_user_id": a.resident.id, "anonymous": true,
                "kind": "money", "amount_fen": 12_345 }),
        json!({ "donor_kind": "organisation", "donor_organisation_id": org_id,
                "anonymous": true, "kind": "goods", "amount_fen": 5_000,
                "goods_description": "棉被 5 床" }),
    ];
    for body in hidden {
        let (status, given) = donate(&app, a, &a.staff, body).await;
        assert_eq!(status, StatusCode::CREATED, "{given}");
        assert_eq!(given["anonymous"], true, "staff still see who gave");
    }
    let shown = json!({ "donor_kind": "organisation", "donor_organisation_id": org_id,
                        "kind": "money", "amount_fen": 1_000 });
    assert_eq!(
        donate(&app, a, &a.staff, shown).await.0,
        StatusCode::CREATED
    );

    let list = entries(&app, a).await;
    assert_eq!(
        list[0]["donor"],
        json!({ "name": "银发互助会", "anonymous": false, "kind": "organisation",
                "organisation_id": org_id })
    );
    for entry in &list[1..] {
        assert_eq!(entry["donor"], json!({ "name": "匿名", "anonymous": true }));
    }
    let text = serde_json::to_string(&list).unwrap();
    assert!(
        !text.contains("居民") && !text.contains("user_id"),
        "{text}"
    );
    assert_eq!(list[1]["amount_fen"], 5_000);
    assert_eq!(statement(&app, a).await["money_donated_fen"], 13_345);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn public_views_need_no_login_and_page_newest_first(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    for amount in 1..=5 {
        fill(&app, a, amount * 100).await;
    }
    let (wish, _) = wish_and_project(&app, a).await;
    let paid = request(&app, a, json!({ "wish_id": wish }), 250).await;
    approve(&app, a, &paid["id"], &a.staff).await;
    assert_eq!(
        approve(&app, a, &paid["id"], &a.community_admin).await.0,
        StatusCode::OK
    );
    fill(&app, a, 600).await;

    let mut seen = Vec::new();
    let mut path = fund(a, "/entries?limit=2");
    loop {
        let (status, page) = app.get(&path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["amount_fen"].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = fund(a, &format!("/entries?limit=2&cursor={cursor}")),
            None => break,
        }
    }
    assert_eq!(seen, [600, 250, 500, 400, 300, 200, 100]);
    for path in ["/statement", "/entries"] {
        let missing = format!("/communities/999999/fund{path}");
        assert_eq!(app.get(&missing, None).await.0, StatusCode::NOT_FOUND);
    }
    let (status, body) = app.get(&fund(a, "/entries?cursor=aWQ6Mw"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        app.get(&fund(a, "/entries?limit=0"), None).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

crate::backend_tests!(
    money_and_goods_donations_make_the_statement,
    bad_donations_name_the_field,
    anonymous_donors_are_hidden_in_public,
    public_views_need_no_login_and_page_newest_first,
);

/// Used by the disbursement tests beside this file.
pub async fn setup(app: &TestApp) -> (World, i64, i64) {
    let world = world::build(app).await;
    let (wish, project) = wish_and_project(app, &world.a).await;
    (world, wish, project)
}
