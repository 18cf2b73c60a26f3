//! Micro-governance projects: from proposal to completion, every refusal of the lifecycle,
//! proposals for an organisation, participants and milestones, and other communities' ids.

use crate::fund::field_errors;
use crate::helpers::{TestApp, User};
use crate::world::{self, Side, created, done};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub fn projects(side: &Side, rest: &str) -> String {
    format!("/communities/{}/projects{rest}", side.community)
}

pub fn project(side: &Side, id: i64, rest: &str) -> String {
    format!("/communities/{}/projects/{id}{rest}", side.community)
}

pub fn proposal(extra: Value) -> Value {
    let mut body = json!({ "title": "小区微花园", "summary": "把闲置空地改成居民共建的花园。",
                           "budget_fen": 150_000 });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

/// A new proposal by `by`; returns its id.
pub async fn proposed(app: &TestApp, side: &Side, by: &User, extra: Value) -> i64 {
    let made = created(app, &projects(side, ""), by, proposal(extra)).await;
    assert_eq!(made["status"], "proposed", "{made}");
    made["id"].as_i64().unwrap()
}

pub async fn participate(
    app: &TestApp,
    side: &Side,
    (id, user): (i64, i64),
    role: &str,
    by: &User,
) -> (StatusCode, Value) {
    let path = project(side, id, &format!("/participants/{user}"));
    app.call(
        Method::PUT,
        &path,
        by.token(),
        Some(json!({ "role": role })),
    )
    .await
}

async fn a_project_goes_from_proposal_to_completion(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = proposed(
        &app,
        a,
        &a.resident,
        json!({ "organisation_id": a.organisation }),
    )
    .await;
    let (_, seen) = app.get(&project(a, id, ""), a.resident.token()).await;
    assert_eq!(
        (&seen["societies"], &seen["linkage_count"]),
        (&json!(["social_organisation"]), &json!(1))
    );
    assert_eq!(seen["organisation"]["name"], "岳麓邻里互助会");
    assert_eq!(seen["proposed_by"]["display_name"], "居民");
    let approved = done(&app, &project(a, id, "/approve"), &a.staff, Value::Null).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(
        approved["societies"],
        json!(["community", "social_organisation"])
    );
    assert!(
        approved.get("proposed_by").is_none(),
        "writes answer the public view"
    );
    let started = done(&app, &project(a, id, "/start"), &a.staff, Value::Null).await;
    assert_eq!(started["status"], "in_progress");
    assert!(started["started_at"].is_string());

    let milestone = json!({ "title": "清理空地", "due_at": "2027-04-01T00:00:00Z" });
    let set = created(&app, &project(a, id, "/milestones"), &a.resident, milestone).await;
    let done_path = project(a, id, &format!("/milestones/{}/done", set["id"]));
    let (status, _) = app.post(&done_path, a.resident.token(), json!({})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a note is required"
    );
    let note = json!({ "note": "清出垃圾三车" });
    let marked = done(&app, &done_path, &a.resident, note.clone()).await;
    assert!(marked["done_at"].is_string());
    let (status, _) = app.post(&done_path, a.resident.token(), note).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let complete = project(a, id, "/complete");
    let (status, _) = app.post(&complete, a.staff.token(), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let report = json!({ "report": "花园建成，四十户居民认领花箱。" });
    let completed = done(&app, &complete, &a.staff, report.clone()).await;
    assert_eq!(completed["status"], "completed");
    let (status, _) = app.post(&complete, a.staff.token(), report).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let cancel = json!({ "reason": "不再需要" });
    let (status, _) = app
        .post(&project(a, id, "/cancel"), a.staff.token(), cancel)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The public reads the result, without anyone in it and without milestone notes.
    let (status, public) = app.get(&project(a, id, ""), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        public["completion_report"],
        "花园建成，四十户居民认领花箱。"
    );
    assert!(public.get("proposed_by").is_none() && public.get("participants").is_none());
    assert!(public["milestones"][0].get("note").is_none(), "{public}");
    let (_, inside) = app.get(&project(a, id, ""), a.volunteer.token()).await;
    assert_eq!(inside["milestones"][0]["note"], "清出垃圾三车");
    // Once closed, nothing more is planned.
    let late = json!({ "title": "回访", "due_at": "2027-05-01T00:00:00Z" });
    let (status, _) = app
        .post(&project(a, id, "/milestones"), a.staff.token(), late)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let actions = world::audited(&app, a, "project", id).await;
    assert_eq!(
        actions,
        [
            "project.completed",
            "project.milestone_done",
            "project.milestone_added",
            "project.started",
            "project.approved",
            "project.proposed"
        ]
    );
}

async fn projects_refuse_what_their_state_and_roles_do_not_allow(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    for (token, want) in [
        (None, StatusCode::UNAUTHORIZED),
        (world.outsider.token(), StatusCode::NOT_FOUND),
        (a.member.token(), StatusCode::FORBIDDEN),
    ] {
        let (status, _) = app.post(&projects(a, ""), token, proposal(json!({}))).await;
        assert_eq!(status, want);
    }
    for (extra, field, code) in [
        (json!({ "budget_fen": 100_000_001 }), "budget_fen", "range"),
        (json!({ "budget_fen": -1 }), "budget_fen", "range"),
        (
            json!({ "organisation_id": b.organisation }),
            "organisation_id",
            "not_found",
        ),
        (
            json!({ "proposer_organisation_id": b.organisation }),
            "proposer_organisation_id",
            "not_found",
        ),
    ] {
        let (status, refused) = app
            .post(&projects(a, ""), a.resident.token(), proposal(extra))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(field_errors(&refused), [(field.into(), code.into())]);
    }
    // For an organisation, only its leaders propose; they need not live here.
    let for_org = json!({ "proposer_organisation_id": a.organisation });
    let (status, _) = app
        .post(
            &projects(a, ""),
            a.volunteer.token(),
            proposal(for_org.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let led = json!({ "role": "leader" });
    let member = crate::organisations::org(a, a.organisation, &format!("/members/{}", b.staff.id));
    let (status, _) = app
        .call(Method::PUT, &member, a.resident.token(), Some(led))
        .await;
    assert_eq!(status, StatusCode::OK);
    let by_org = proposed(&app, a, &b.staff, for_org).await;
    let (_, seen) = app.get(&project(a, by_org, ""), b.staff.token()).await;
    assert_eq!(seen["proposer_organisation"]["id"], a.organisation);

    let own = proposed(&app, a, &a.staff, json!({})).await;
    let (status, _) = app
        .post(&project(a, own, "/approve"), a.staff.token(), Value::Null)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nobody approves their own");
    let reason = json!({ "reason": "与已有项目重复" });
    let (status, _) = app
        .post(&project(a, own, "/reject"), a.staff.token(), reason.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (path, by, want) in [
        ("/approve", &a.resident, StatusCode::FORBIDDEN),
        ("/approve", &world.admin, StatusCode::FORBIDDEN),
        ("/start", &a.community_admin, StatusCode::CONFLICT),
        (
            "/reject",
            &a.community_admin,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, _) = app
            .post(&project(a, own, path), by.token(), json!({}))
            .await;
        assert_eq!(status, want, "{path}");
    }
    let rejected = done(
        &app,
        &project(a, own, "/reject"),
        &a.community_admin,
        reason.clone(),
    )
    .await;
    assert_eq!(rejected["rejection_reason"], "与已有项目重复");
    assert_eq!(
        rejected["societies"],
        json!([]),
        "a rejected project links nobody"
    );
    for path in ["/approve", "/cancel", "/start"] {
        let (status, _) = app
            .post(
                &project(a, own, path),
                a.community_admin.token(),
                reason.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}");
    }
    let (status, _) = app.get(&project(a, own, ""), None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "strangers learn nothing of rejections"
    );
    let cancelled = done(&app, &project(a, by_org, "/cancel"), &a.staff, reason).await;
    assert_eq!(cancelled["cancellation_reason"], "与已有项目重复");

    // Another community's project is not found here.
    for path in ["/approve", "/start", "/milestones"] {
        let url = project(a, b.project, path);
        let body = json!({ "title": "走访", "due_at": "2027-02-01T00:00:00Z" });
        let (status, _) = app.post(&url, a.staff.token(), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{url}");
    }
    assert_eq!(
        app.get(&project(a, b.project, ""), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) =
        participate(&app, a, (b.project, a.volunteer.id), "volunteer", &a.staff).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn participants_hold_the_roles_they_take(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let at = |user: &User| (a.project, user.id);
    let leader = &a.resident;
    let (status, sw) = participate(&app, a, at(&a.social_worker), "social_worker", leader).await;
    assert_eq!(status, StatusCode::OK, "{sw}");
    for (user, role, code) in [
        (&a.volunteer, "social_worker", "not_a_social_worker"),
        (&b.social_worker, "social_worker", "not_a_social_worker"),
        (&b.resident, "volunteer", "not_a_member"),
        (&a.member, "volunteer", "not_a_member"),
    ] {
        let (status, refused) = participate(&app, a, at(user), role, leader).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(field_errors(&refused), [("user_id".into(), code.into())]);
    }
    let (status, _) = participate(&app, a, at(&a.volunteer), "volunteer", leader).await;
    assert_eq!(status, StatusCode::OK);
    // A lead from outside the community manages the project and sees its people.
    let (status, _) = participate(&app, a, at(&world.outsider), "lead", &a.staff).await;
    assert_eq!(status, StatusCode::OK);
    let milestone = json!({ "title": "入户走访", "due_at": "2027-02-01T00:00:00Z" });
    created(
        &app,
        &project(a, a.project, "/milestones"),
        &world.outsider,
        milestone,
    )
    .await;
    let (_, seen) = app
        .get(&project(a, a.project, ""), world.outsider.token())
        .await;
    assert_eq!(seen["participants"].as_array().unwrap().len(), 3, "{seen}");
    assert_eq!(seen["participant_count"], 3);
    // Taking part is no licence to manage.
    for by in [&a.volunteer, &a.social_worker] {
        let (status, _) = participate(&app, a, at(&a.grid_worker), "volunteer", by).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = participate(&app, a, at(&a.grid_worker), "volunteer", &b.staff).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = participate(&app, a, at(&a.volunteer), "lead", leader).await;
    assert_eq!(status, StatusCode::OK, "a new role");
    let path = project(a, a.project, &format!("/participants/{}", a.volunteer.id));
    for _ in 0..2 {
        let (status, _) = app.call(Method::DELETE, &path, leader.token(), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let (_, seen) = app.get(&project(a, a.project, ""), a.staff.token()).await;
    assert_eq!(seen["participant_count"], 2);
    done(
        &app,
        &project(a, a.project, "/cancel"),
        &a.staff,
        json!({ "reason": "经费未落实" }),
    )
    .await;
    let (status, _) = participate(&app, a, at(&a.volunteer), "volunteer", &a.staff).await;
    assert_eq!(status, StatusCode::CONFLICT, "closed");
    let audit = "SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'project.participant_%'";
    assert_eq!(app.count(audit).await, 5, "four set, one removed");
}

async fn propose_is_idempotent(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let body = proposal(json!({}));
    app.created_twice(&projects(a, ""), &a.resident, "garden-1", &body)
        .await;
    let count = "SELECT COUNT(*) AS n FROM projects WHERE title = '小区微花园'";
    assert_eq!(app.count(count).await, 1);
}

crate::backend_tests!(
    a_project_goes_from_proposal_to_completion,
    projects_refuse_what_their_state_and_roles_do_not_allow,
    participants_hold_the_roles_they_take,
    propose_is_idempotent,
);
