//! Strangers walk every organisation, social worker and project endpoint: nobody learns a
//! phone or an address, and only people of the community (and those taking part) learn who
//! leads, proposes or takes part.

use crate::helpers::{TestApp, User};
use crate::organisations::{org, orgs};
use crate::projects::{participate, project, projects, proposed};
use crate::world::{self, Side, created, done};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const NAME: &str = "陈美玲";
const PHONE: &str = "13912340000";
const ADDRESS: &str = "8栋";

/// A verified resident with a recognisable name, phone and address.
async fn founder(app: &TestApp, side: &Side) -> User {
    let household = created(
        app,
        &format!("/communities/{}/households", side.community),
        &side.staff,
        json!({ "building": ADDRESS, "unit": "1单元", "room": "101" }),
    )
    .await;
    let household = household["id"].as_i64().unwrap();
    world::verified_resident(app, side.community, household, &side.staff, PHONE, NAME).await
}

fn leaks_contact(body: &Value) -> bool {
    let text = body.to_string();
    text.contains(PHONE) || text.contains(ADDRESS) || text.contains("\"phone\"")
}

async fn strangers_learn_no_phone_address_or_name(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let leader = founder(&app, a).await;
    let body = json!({ "name": "银杏志愿服务队", "category": "charity", "registration": "filed" });
    let group = created(&app, &orgs(a, ""), &leader, body.clone()).await["id"]
        .as_i64()
        .unwrap();
    done(&app, &org(a, group, "/approve"), &a.staff, Value::Null).await;
    let waiting = created(&app, &orgs(a, ""), &leader, body).await["id"]
        .as_i64()
        .unwrap();
    let public = proposed(&app, a, &leader, json!({ "organisation_id": group })).await;
    done(&app, &project(a, public, "/approve"), &a.staff, Value::Null).await;
    for (user, role) in [(a.volunteer.id, "volunteer"), (leader.id, "lead")] {
        let (status, _) = participate(&app, a, (public, user), role, &leader).await;
        assert_eq!(status, StatusCode::OK);
    }
    let plan = json!({ "title": "上门探访", "due_at": "2027-03-01T00:00:00Z" });
    let milestone = created(&app, &project(a, public, "/milestones"), &leader, plan).await["id"]
        .as_i64()
        .unwrap();
    let draft = proposed(&app, a, &leader, json!({})).await;
    let sw = format!("/communities/{}/social-workers", a.community);
    let record = json!({ "certificate_level": "assistant", "employer_name": "社区居委会" });
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("{sw}/{}", a.social_worker.id),
            a.staff.token(),
            Some(record.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // People of the community see who leads and takes part, never a phone or an address.
    let (_, seen) = app.get(&project(a, public, ""), a.volunteer.token()).await;
    assert_eq!(seen["proposed_by"]["display_name"], NAME);
    assert!(!leaks_contact(&seen), "{seen}");

    let reads = [
        orgs(a, ""),
        orgs(a, "?status=pending"),
        orgs(a, "?category=charity"),
        org(a, group, ""),
        org(a, waiting, ""),
        org(a, group, "/members"),
        org(a, waiting, "/members"),
        sw.clone(),
        projects(a, ""),
        projects(a, "?status=proposed"),
        projects(a, "?mine=true"),
        projects(a, "?min_societies=1"),
        project(a, public, ""),
        project(a, draft, ""),
    ];
    let strangers = [
        (None, false),
        (a.volunteer.token(), true),
        (b.resident.token(), false),
        (world.outsider.token(), false),
    ];
    for (token, of_the_community) in strangers {
        for path in &reads {
            let (_, body) = app.get(path, token).await;
            assert!(!leaks_contact(&body), "GET {path}: {body}");
            if !of_the_community {
                assert!(!body.to_string().contains(NAME), "GET {path}: {body}");
            }
        }
        let reason = json!({ "reason": "冒充工作人员" });
        let report = json!({ "report": "冒充结项" });
        let role = json!({ "role": "leader" });
        let writes = [
            (Method::POST, org(a, waiting, "/approve"), Value::Null),
            (Method::POST, org(a, waiting, "/reject"), reason.clone()),
            (Method::POST, org(a, group, "/withdraw"), Value::Null),
            (Method::POST, org(b, group, "/request"), Value::Null),
            (
                Method::PUT,
                org(a, group, &format!("/members/{}", a.volunteer.id)),
                role,
            ),
            (
                Method::DELETE,
                org(a, group, &format!("/members/{}", leader.id)),
                Value::Null,
            ),
            (
                Method::PUT,
                format!("{sw}/{}", a.social_worker.id),
                record.clone(),
            ),
            (Method::POST, project(a, draft, "/approve"), Value::Null),
            (Method::POST, project(a, draft, "/reject"), reason.clone()),
            (Method::POST, project(a, public, "/start"), Value::Null),
            (Method::POST, project(a, public, "/complete"), report),
            (Method::POST, project(a, public, "/cancel"), reason),
            (
                Method::PUT,
                project(a, public, &format!("/participants/{}", a.volunteer.id)),
                json!({ "role": "lead" }),
            ),
            (
                Method::DELETE,
                project(a, public, &format!("/participants/{}", leader.id)),
                Value::Null,
            ),
            (
                Method::POST,
                project(a, public, "/milestones"),
                json!({ "title": "冒充", "due_at": "2027-03-01T00:00:00Z" }),
            ),
            (
                Method::POST,
                project(a, public, &format!("/milestones/{milestone}/done")),
                json!({ "note": "冒充完成" }),
            ),
        ];
        for (method, path, body) in writes {
            let (status, response) = app.call(method.clone(), &path, token, Some(body)).await;
            assert!(
                !status.is_success(),
                "{method} {path} by a stranger: {response}"
            );
            assert!(!leaks_contact(&response), "{method} {path}: {response}");
            assert!(
                !response.to_string().contains(NAME),
                "{method} {path}: {response}"
            );
        }
    }
    let audit = format!("/communities/{}/audit-log?limit=100", a.community);
    let (status, log) = app.get(&audit, a.region_admin.token()).await;
    assert_eq!(status, StatusCode::OK);
    let ours = ["organisation.", "project.", "social_worker."];
    let records: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            ours.iter()
                .any(|p| r["action"].as_str().unwrap().starts_with(p))
        })
        .collect();
    assert!(records.len() >= 8, "{log}");
    for record in records {
        assert!(!leaks_contact(record), "{record}");
    }
}

crate::backend_tests!(strangers_learn_no_phone_address_or_name);
