//! Mass assignment: fields a resident must never set (their role, admin flag, balance,
//! verification, a record's status, owner, community or id) sent on create and update of
//! several resources. Each is refused as an unknown field; afterwards the API and the database
//! show the same roles, balances, verification and statuses as before.

use crate::helpers::{PASSWORD, TestApp, User};
use crate::probes::{self, row_counts};
use crate::surveying::{content, every_kind, open_survey, survey_path};
use crate::world::{self, World};
use reqwest::Method;
use serde_json::{Value, json};

/// What a resident might try to set, with a value that would help them.
fn privileges(w: &World) -> Vec<(&'static str, Value)> {
    vec![
        ("role", json!("community_admin")),
        ("roles", json!(["community_admin"])),
        ("is_platform_admin", json!(true)),
        ("balance", json!(1_000_000)),
        ("points", json!(1_000_000)),
        ("status", json!("verified")),
        ("verified", json!(true)),
        ("verified_at", json!("2026-01-01T00:00:00Z")),
        ("community_id", json!(w.b.community)),
        ("id", json!(1)),
        ("created_by", json!(w.admin.id)),
        ("requester_id", json!(w.admin.id)),
        ("respondent_id", json!(w.admin.id)),
    ]
}

/// A create or update a resident may make, with a body the server accepts as it is.
struct Write<'a> {
    method: Method,
    path: String,
    by: Option<&'a User>,
    body: Value,
}

fn writes<'a>(app: &TestApp, w: &'a World, survey: i64) -> Vec<Write<'a>> {
    let a = &w.a;
    let base = |rest: &str| format!("/communities/{}{rest}", a.community);
    let write = |method, path, by, body| Write {
        method,
        path,
        by,
        body,
    };
    vec![
        write(
            Method::POST,
            "/auth/register".to_owned(),
            None,
            json!({ "login": "13912340000", "password": PASSWORD, "display_name": "新居民" }),
        ),
        write(
            Method::POST,
            base("/memberships"),
            Some(&w.outsider),
            json!({ "address": "3栋2单元101" }),
        ),
        write(
            Method::POST,
            base("/wishes"),
            Some(&a.resident),
            crate::wishes::request(app),
        ),
        write(
            Method::PUT,
            base("/volunteers/me"),
            Some(&a.resident),
            json!({ "skills": ["维修"] }),
        ),
        write(
            Method::PUT,
            "/me/notification-settings".to_owned(),
            Some(&a.resident),
            json!({ "email_digest": true }),
        ),
        write(
            Method::POST,
            base(&format!("/rewards/items/{}/redemptions", a.reward_item)),
            Some(&a.resident),
            json!({ "quantity": 1 }),
        ),
        write(
            Method::POST,
            survey_path(a, survey, "/responses"),
            Some(&a.resident),
            json!({ "answers": content() }),
        ),
    ]
}

/// Everything a successful mass assignment would change, as the API and the database say.
async fn standing(app: &TestApp, w: &World) -> Vec<String> {
    let mut seen = Vec::new();
    for user in [&w.a.resident, &w.a.member, &w.outsider] {
        let (_, me) = app.get("/me", user.token()).await;
        let balance = format!("/communities/{}/ledger/me", w.a.community);
        let (_, ledger) = app.get(&balance, user.token()).await;
        seen.push(format!("{me} {}", ledger["points"]));
    }
    seen.extend(
        app.texts(
            "SELECT CAST(id AS TEXT) || ':' || CAST(is_platform_admin AS TEXT) AS t FROM users ORDER BY id",
        )
        .await,
    );
    seen.extend(
        app.texts("SELECT CAST(id AS TEXT) || ':' || status AS t FROM memberships ORDER BY id")
            .await,
    );
    let tables = [
        "users",
        "role_grants",
        "memberships",
        "ledger_entries",
        "wishes",
        "volunteer_profiles",
        "notification_settings",
        "notification_preferences",
        "redemptions",
        "survey_responses",
    ];
    for (table, n) in row_counts(app, &tables).await {
        seen.push(format!("{table}: {n}"));
    }
    seen
}

async fn privileged_fields_are_refused(app: TestApp) {
    let w = world::build(&app).await;
    crate::points::adjust(
        &app,
        w.a.community,
        &w.a.community_admin,
        w.a.resident.id,
        50,
    )
    .await;
    let survey = open_survey(&app, &w.a, every_kind(), json!({})).await;
    let before = standing(&app, &w).await;
    let json = [("content-type", "application/json")];
    let writes = writes(&app, &w, survey);
    for write in &writes {
        for (field, value) in privileges(&w) {
            let mut body = write.body.clone();
            body[field] = value;
            let case = format!("{} {} {field}", write.method, write.path);
            let bytes = serde_json::to_vec(&body).unwrap();
            let token = write.by.and_then(User::token);
            let reply =
                probes::send(&app, write.method.clone(), &write.path, token, &json, bytes).await;
            reply.problem(&case, 422, "validation_failed", Some(field));
            assert_eq!(reply.body["errors"][0]["code"], "unknown_field", "{case}");
        }
    }
    // Nested objects are held to their fields too.
    let nested = json!({ "kinds": [{ "kind": "wish_claimed", "email": true, "webhook": false,
                                     "user_id": w.admin.id }] });
    let (status, body) = app
        .call(
            Method::PUT,
            "/me/notification-settings",
            w.a.resident.token(),
            Some(nested),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["errors"][0]["code"].as_str()),
        (422, Some("unknown_field")),
        "{body}"
    );
    assert_eq!(standing(&app, &w).await, before, "nothing changed");
    // The same bodies without the extra field are accepted: the refusals above were for it.
    for write in &writes {
        let (status, body) = app
            .call(
                write.method.clone(),
                &write.path,
                write.by.and_then(User::token),
                Some(write.body.clone()),
            )
            .await;
        assert!(
            status.is_success(),
            "{} {}: {body}",
            write.method,
            write.path
        );
    }
}

crate::backend_tests!(privileged_fields_are_refused);
