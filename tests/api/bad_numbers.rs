//! Numbers out of range or of the wrong kind where counts, points, amounts, capacities and
//! limits are expected: overflowing 64 and 32 bits, negative, zero, fractional, exponent
//! notation, quoted. Each is a 422 naming the field, and no row is written anywhere.

use crate::helpers::{TestApp, User};
use crate::probes::{self, post_bytes, row_counts};
use crate::surveying::{content, every_kind, open_survey, survey_path};
use crate::world::{self, World};
use reqwest::Method;
use serde_json::{Value, json};

/// Out of any range in every field below; written as JSON text, since serde_json's own values
/// cannot hold `-9223372036854775809`.
const ALWAYS_BAD: [&str; 7] = [
    "1e30",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1.5",
    "-0.5",
    "\"7\"",
];

/// One field of one endpoint with the values (beyond `ALWAYS_BAD`) it must refuse.
struct Target<'a> {
    method: Method,
    path: String,
    by: &'a User,
    body: Value,
    field: &'a str,
    reported_as: &'a str,
    also_bad: &'a [&'a str],
}

fn targets<'a>(app: &TestApp, w: &'a World, survey: i64) -> Vec<Target<'a>> {
    let a = &w.a;
    let base = |rest: &str| format!("/communities/{}{rest}", a.community);
    let item = json!({ "name": "环保购物袋", "price_points": 20, "stock": 10 });
    let target = |method, path, by, body, field, also_bad| Target {
        method,
        path,
        by,
        body,
        field,
        reported_as: field,
        also_bad,
    };
    vec![
        target(
            Method::POST,
            base("/points/adjustments"),
            &a.community_admin,
            json!({ "user_id": a.resident.id, "asset": "points", "amount": 5, "reason": "志愿服务补录" }),
            "amount",
            // Negative debits, so only zero and the bounds are wrong.
            &["0", "1000001", "-1000001"],
        ),
        target(
            Method::POST,
            base("/points/gifts"),
            &a.resident,
            json!({ "to_user_id": a.member.id, "asset": "points", "amount": 5 }),
            "amount",
            &["0", "-1"],
        ),
        target(
            Method::POST,
            base("/rewards/items"),
            &a.staff,
            item.clone(),
            "price_points",
            &["0", "-1", "1000001"],
        ),
        target(
            Method::POST,
            base("/rewards/items"),
            &a.staff,
            item.clone(),
            "stock",
            &["-1", "2147483648", "-2147483649"],
        ),
        target(
            Method::PUT,
            base(&format!("/rewards/items/{}", a.reward_item)),
            &a.staff,
            item,
            "stock",
            &["-1", "2147483648"],
        ),
        target(
            Method::POST,
            base(&format!("/rewards/items/{}/redemptions", a.reward_item)),
            &a.resident,
            json!({ "quantity": 1 }),
            "quantity",
            &["0", "-1", "21", "2147483648"],
        ),
        target(
            Method::POST,
            base("/activities"),
            &a.staff,
            crate::activities::tomorrow(),
            "capacity",
            &["0", "-1", "10001", "2147483648"],
        ),
        target(
            Method::POST,
            base("/fund/donations"),
            &a.staff,
            crate::fund::money(100),
            "amount_fen",
            &["0", "-1", "100000001"],
        ),
        target(
            Method::POST,
            base("/wishes"),
            &a.resident,
            crate::wishes::request(app),
            "estimated_value_fen",
            &["-1", "100000001"],
        ),
        Target {
            reported_as: "answers.recommend",
            ..target(
                Method::POST,
                survey_path(a, survey, "/responses"),
                &a.resident,
                json!({ "answers": content() }),
                "answers.recommend",
                &["-1", "11", "true", "null", "[9]"],
            )
        },
    ]
}

/// `body` with the value at `field` (dotted) replaced by the JSON text `raw`.
fn with_raw(body: &Value, field: &str, raw: &str) -> Vec<u8> {
    let mut body = body.clone();
    let slot = field
        .split('.')
        .fold(&mut body, |value, key| &mut value[key]);
    *slot = json!("@@slot@@");
    serde_json::to_string(&body)
        .unwrap()
        .replace("\"@@slot@@\"", raw)
        .into_bytes()
}

async fn out_of_range_numbers_are_refused(app: TestApp) {
    let w = world::build(&app).await;
    let survey = open_survey(&app, &w.a, every_kind(), json!({})).await;
    let tables = [
        "point_adjustments",
        "ledger_entries",
        "reward_items",
        "redemptions",
        "activities",
        "fund_donations",
        "wishes",
        "survey_responses",
        "audit_log",
    ];
    let before = row_counts(&app, &tables).await;
    let mut cases = 0;
    for t in targets(&app, &w, survey) {
        for raw in ALWAYS_BAD.iter().chain(t.also_bad) {
            let case = format!("{} {} {}={raw}", t.method, t.path, t.field);
            let body = with_raw(&t.body, t.field, raw);
            let json = [("content-type", "application/json")];
            let reply =
                probes::send(&app, t.method.clone(), &t.path, t.by.token(), &json, body).await;
            reply.problem(&case, 422, "validation_failed", Some(t.reported_as));
            cases += 1;
        }
    }
    assert!(cases > 80, "{cases}");
    // A deeply nested answer, where the body takes any JSON value, hits the parser's
    // recursion limit instead of the stack's.
    let deep = format!("{}9{}", "[".repeat(10_000), "]".repeat(10_000));
    let body = with_raw(&json!({ "answers": content() }), "answers.recommend", &deep);
    let path = survey_path(&w.a, survey, "/responses");
    let reply = post_bytes(&app, &path, w.a.resident.token(), body).await;
    reply.problem("deep answer", 400, "malformed_json", None);
    assert_eq!(
        row_counts(&app, &tables).await,
        before,
        "nothing was written"
    );
}

/// Page sizes and numeric filters in query strings.
async fn out_of_range_limits_are_refused(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    for list in ["wishes", "activities", "rewards/items", "ledger/me/entries"] {
        for limit in [
            "0",
            "-1",
            "101",
            "1.5",
            "1e3",
            "9223372036854775808",
            "-9223372036854775809",
            "%20",
        ] {
            let path = format!("/communities/{}/{list}?limit={limit}", a.community);
            let reply = probes::send(
                &app,
                Method::GET,
                &path,
                a.resident.token(),
                &[],
                Vec::new(),
            )
            .await;
            assert_eq!(reply.status.as_u16(), 422, "{path}: {}", reply.body);
            assert_eq!(reply.body["code"], "validation_failed", "{path}");
            let field = reply.body["errors"][0]["field"]
                .as_str()
                .unwrap_or_default();
            assert!(
                ["limit", "query"].contains(&field),
                "{path}: {}",
                reply.body
            );
        }
    }
}

crate::backend_tests!(
    out_of_range_numbers_are_refused,
    out_of_range_limits_are_refused
);
