//! The five-societies linkage: derived from what a project records (staff approval, an
//! organisation, social workers and volunteers taking part, money paid by the charity fund),
//! never typed in; and the list filter on how many societies a project links.

use crate::fund::{approve, fill, first_approved};
use crate::helpers::TestApp;
use crate::projects::{participate, project, projects, proposed};
use crate::world::{self, Side, done};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn societies(app: &TestApp, side: &Side, id: i64) -> Value {
    let (status, seen) = app.get(&project(side, id, ""), side.staff.token()).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(
        seen["linkage_count"].as_u64().unwrap() as usize,
        seen["societies"].as_array().unwrap().len()
    );
    seen["societies"].clone()
}

async fn listed(app: &TestApp, side: &Side, least: i64) -> Vec<i64> {
    let path = projects(side, &format!("?min_societies={least}"));
    let (status, body) = app.get(&path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

async fn the_five_societies_follow_what_a_project_records(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = proposed(&app, a, &a.resident, json!({})).await;
    assert_eq!(societies(&app, a, id).await, json!([]));
    done(&app, &project(a, id, "/approve"), &a.staff, Value::Null).await;
    assert_eq!(societies(&app, a, id).await, json!(["community"]));
    let (status, _) =
        participate(&app, a, (id, a.social_worker.id), "social_worker", &a.staff).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = participate(&app, a, (id, a.volunteer.id), "volunteer", &a.staff).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        societies(&app, a, id).await,
        json!(["community", "social_worker", "volunteer"])
    );
    assert!(listed(&app, a, 3).await.contains(&id));
    assert!(!listed(&app, a, 4).await.contains(&id));

    // Money from the fund counts once it is paid out, not while it waits for approval.
    fill(&app, a, 50_000).await;
    let pending = first_approved(&app, a, json!({ "project_id": id }), 20_000).await;
    assert_eq!(societies(&app, a, id).await.as_array().unwrap().len(), 3);
    let (status, paid) = approve(&app, a, &pending["id"], &a.community_admin).await;
    assert_eq!(
        (status, &paid["status"]),
        (StatusCode::OK, &json!("approved"))
    );
    assert_eq!(
        societies(&app, a, id).await,
        json!([
            "community",
            "social_worker",
            "volunteer",
            "charity_resource"
        ])
    );
    assert_eq!(listed(&app, a, 4).await, [id]);
    assert!(listed(&app, a, 5).await.is_empty());

    // The world's project has the community and its organisation: two.
    assert_eq!(
        societies(&app, a, a.project).await,
        json!(["community", "social_organisation"])
    );
    let two = listed(&app, a, 2).await;
    assert!(two.contains(&a.project) && two.contains(&id), "{two:?}");

    // Taking the volunteer out takes the society out.
    let path = project(a, id, &format!("/participants/{}", a.volunteer.id));
    let (status, _) = app.call(Method::DELETE, &path, a.staff.token(), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        societies(&app, a, id).await,
        json!(["community", "social_worker", "charity_resource"])
    );
    // Cancelled after approval, a project keeps what took part.
    let reason = json!({ "reason": "场地另作他用" });
    let cancelled = done(&app, &project(a, id, "/cancel"), &a.staff, reason).await;
    assert_eq!(cancelled["linkage_count"], 3);
    let stored = format!("SELECT COUNT(*) AS n FROM project_societies WHERE project_id = {id}");
    assert_eq!(app.count(&stored).await, 3);

    for least in [0, 6] {
        let (status, _) = app
            .get(&projects(a, &format!("?min_societies={least}")), None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

async fn a_project_linking_all_five(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let carried = json!({ "organisation_id": a.organisation });
    let id = proposed(&app, a, &a.resident, carried).await;
    done(&app, &project(a, id, "/approve"), &a.staff, Value::Null).await;
    for (user, role) in [
        (a.social_worker.id, "social_worker"),
        (a.volunteer.id, "volunteer"),
    ] {
        let (status, _) = participate(&app, a, (id, user), role, &a.resident).await;
        assert_eq!(status, StatusCode::OK);
    }
    fill(&app, a, 10_000).await;
    let pending = first_approved(&app, a, json!({ "project_id": id }), 10_000).await;
    approve(&app, a, &pending["id"], &a.community_admin).await;
    assert_eq!(societies(&app, a, id).await.as_array().unwrap().len(), 5);
    assert_eq!(listed(&app, a, 5).await, [id]);
    // The public list filters the same way, and shows nobody.
    let (_, public) = app.get(&projects(a, "?min_societies=5"), None).await;
    assert!(public["items"][0].get("participants").is_none(), "{public}");
}

crate::backend_tests!(
    the_five_societies_follow_what_a_project_records,
    a_project_linking_all_five,
);
