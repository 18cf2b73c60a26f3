//! Social organisations: registration, staff decisions per community (never on one's own
//! request), withdrawal and asking again, serving a second community, what each reader sees,
//! and the audit trail.

use crate::fund::field_errors;
use crate::helpers::{TestApp, User};
use crate::world::{self, Side, World, created, done};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub fn orgs(side: &Side, rest: &str) -> String {
    format!("/communities/{}/organisations{rest}", side.community)
}

pub fn org(side: &Side, id: i64, rest: &str) -> String {
    format!("/communities/{}/organisations/{id}{rest}", side.community)
}

/// A new pending organisation of `category` registered in the side's community by `by`.
pub async fn registered(app: &TestApp, side: &Side, by: &User, category: &str) -> i64 {
    let body = json!({
        "name": "岳麓书画社", "category": category, "registration": "registered",
        "registration_number": "52430104MJ0000001X", "contact": "活动室 0731-88880000",
        "description": "书法和国画爱好者的社团。"
    });
    let made = created(app, &orgs(side, ""), by, body).await;
    assert_eq!(made["status"], "pending", "{made}");
    made["id"].as_i64().unwrap()
}

/// The ids of the organisations `token` sees listed with `query`.
async fn listed(app: &TestApp, side: &Side, query: &str, token: Option<&str>) -> Vec<i64> {
    let (status, body) = app.get(&orgs(side, query), token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

async fn status_of(app: &TestApp, path: &str, by: Option<&str>) -> StatusCode {
    app.get(path, by).await.0
}

async fn an_organisation_is_registered_decided_and_withdrawn(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let bare =
        json!({ "name": "书画社", "category": "culture_sports", "registration": "registered" });
    let (status, refused) = app.post(&orgs(a, ""), a.resident.token(), bare).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&refused),
        [("registration_number".into(), "required".into())]
    );
    let id = registered(&app, a, &a.resident, "culture_sports").await;
    let (_, view) = app.get(&org(a, id, ""), a.resident.token()).await;
    assert_eq!(
        (
            &view["member_count"],
            &view["serves"],
            &view["registration"]
        ),
        (&json!(1), &json!([]), &json!("registered"))
    );
    // Pending: for staff and its own members only.
    assert!(!listed(&app, a, "", None).await.contains(&id));
    assert!(listed(&app, a, "", a.staff.token()).await.contains(&id));
    for token in [None, a.volunteer.token(), world.outsider.token()] {
        assert_eq!(
            status_of(&app, &org(a, id, ""), token).await,
            StatusCode::NOT_FOUND
        );
    }
    let reject = org(a, id, "/reject");
    let (status, _) = app.post(&reject, a.staff.token(), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .post(&org(a, id, "/approve"), a.resident.token(), Value::Null)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a founder does not approve");
    let approved = done(&app, &org(a, id, "/approve"), &a.staff, Value::Null).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["serves"][0]["id"], a.community);
    for path in [org(a, id, "/approve"), reject.clone()] {
        let body = json!({ "reason": "重复登记" });
        let (status, _) = app.post(&path, a.community_admin.token(), body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}");
    }
    assert!(listed(&app, a, "", None).await.contains(&id));
    let culture = listed(&app, a, "?category=culture_sports", None).await;
    assert_eq!(culture, [id]);
    assert!(listed(&app, a, "?category=charity", None).await.is_empty());
    assert!(
        listed(&app, a, "?registration=filed", None)
            .await
            .contains(&a.organisation)
    );
    assert!(listed(&app, a, "?status=pending", None).await.is_empty());

    let withdraw = org(a, id, "/withdraw");
    let (status, _) = app.post(&withdraw, a.volunteer.token(), Value::Null).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not a member of it");
    let gone = done(&app, &withdraw, &a.resident, Value::Null).await;
    assert_eq!(gone["status"], "withdrawn");
    let (status, _) = app.post(&withdraw, a.resident.token(), Value::Null).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        status_of(&app, &org(a, id, ""), None).await,
        StatusCode::NOT_FOUND
    );
    let withdrawn = listed(&app, a, "?status=withdrawn", a.staff.token()).await;
    assert_eq!(withdrawn, [id]);

    // Only its leaders ask again; to anyone else it is not there to ask for.
    let again = org(a, id, "/request");
    let (status, _) = app.post(&again, a.staff.token(), Value::Null).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let asked = done(&app, &again, &a.resident, Value::Null).await;
    assert_eq!(asked["status"], "pending");
    let (status, _) = app.post(&again, a.resident.token(), Value::Null).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let records = world::audit_of(&app, a, "organisation", id).await;
    let actions: Vec<&str> = records
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "organisation.requested",
            "organisation.withdrawn",
            "organisation.approved",
            "organisation.registered"
        ]
    );
    let approval = &records[2];
    assert!(
        approval["before"].to_string().contains("pending"),
        "{approval}"
    );
    assert!(
        approval["after"].to_string().contains("approved"),
        "{approval}"
    );
}

async fn staff_do_not_decide_on_their_own(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = registered(&app, a, &a.staff, "charity").await;
    let (status, _) = app
        .post(&org(a, id, "/approve"), a.staff.token(), Value::Null)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A member of the organisation does not decide on it either.
    let member = org(a, id, &format!("/members/{}", a.community_admin.id));
    let (status, _) = app
        .call(
            Method::PUT,
            &member,
            a.staff.token(),
            Some(json!({ "role": "member" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(
            &org(a, id, "/approve"),
            a.community_admin.token(),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let rejected = done(
        &app,
        &org(a, id, "/reject"),
        &world.admin,
        json!({ "reason": "请补充章程" }),
    )
    .await;
    assert_eq!(
        (&rejected["status"], &rejected["rejection_reason"]),
        (&json!("rejected"), &json!("请补充章程"))
    );
}

async fn an_organisation_serves_another_community_once_approved_there(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let in_b = org(b, a.organisation, "");
    for token in [None, b.staff.token(), a.resident.token()] {
        assert_eq!(status_of(&app, &in_b, token).await, StatusCode::NOT_FOUND);
    }
    // Other communities' ids are not found in these routes.
    for (path, token) in [
        (org(a, b.organisation, "/approve"), a.staff.token()),
        (org(a, b.organisation, "/withdraw"), a.staff.token()),
        (org(a, b.organisation, "/request"), a.resident.token()),
    ] {
        let (status, _) = app.post(&path, token, Value::Null).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let asked = done(
        &app,
        &org(b, a.organisation, "/request"),
        &a.resident,
        Value::Null,
    )
    .await;
    assert_eq!(
        (&asked["status"], &asked["community_id"]),
        (&json!("pending"), &json!(b.community))
    );
    assert_eq!(status_of(&app, &in_b, None).await, StatusCode::NOT_FOUND);
    assert_eq!(
        status_of(&app, &in_b, b.staff.token()).await,
        StatusCode::OK
    );
    assert!(
        listed(&app, b, "", b.staff.token())
            .await
            .contains(&a.organisation)
    );
    assert!(
        !listed(&app, b, "", b.resident.token())
            .await
            .contains(&a.organisation)
    );
    let reason = json!({ "reason": "本社区已有同类组织" });
    done(&app, &org(b, a.organisation, "/reject"), &b.staff, reason).await;
    let (status, seen) = app.get(&in_b, a.resident.token()).await;
    assert_eq!(status, StatusCode::OK, "its leader sees why");
    assert_eq!(seen["rejection_reason"], "本社区已有同类组织");
    assert_eq!(status_of(&app, &in_b, None).await, StatusCode::NOT_FOUND);
    done(
        &app,
        &org(b, a.organisation, "/request"),
        &a.resident,
        Value::Null,
    )
    .await;
    done(
        &app,
        &org(b, a.organisation, "/approve"),
        &b.community_admin,
        Value::Null,
    )
    .await;
    let (_, seen) = app.get(&org(a, a.organisation, ""), None).await;
    let served: Vec<i64> = seen["serves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(served, [a.community, b.community]);
    assert_eq!(seen["status"], "approved");
    let (status, _) = app
        .post(
            &org(b, a.organisation, "/request"),
            a.resident.token(),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn register_is_idempotent(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let body =
        json!({ "name": "夕阳红合唱团", "category": "culture_sports", "registration": "filed" });
    app.created_twice(&orgs(a, ""), &a.resident, "choir-1", &body)
        .await;
    let count = "SELECT COUNT(*) AS n FROM organisations WHERE name = '夕阳红合唱团'";
    assert_eq!(app.count(count).await, 1);
}

async fn outsiders_cannot_register_here(app: TestApp) {
    let world: World = world::build(&app).await;
    let a = &world.a;
    let body = json!({ "name": "外来协会", "category": "charity", "registration": "filed" });
    for (token, want) in [
        (None, StatusCode::UNAUTHORIZED),
        (world.outsider.token(), StatusCode::NOT_FOUND),
        (a.member.token(), StatusCode::FORBIDDEN),
        (world.b.resident.token(), StatusCode::NOT_FOUND),
    ] {
        let (status, body) = app.post(&orgs(a, ""), token, body.clone()).await;
        assert_eq!(status, want, "{body}");
    }
}

crate::backend_tests!(
    an_organisation_is_registered_decided_and_withdrawn,
    staff_do_not_decide_on_their_own,
    an_organisation_serves_another_community_once_approved_there,
    register_is_idempotent,
    outsiders_cannot_register_here,
);
