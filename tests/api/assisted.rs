//! Staff acting for residents without phones: logged, time-limited, both people recorded.

use crate::helpers::TestApp;
use crate::world::{self, created};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn assisted_session_acts_for_the_resident_and_is_audited(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let resident = created(
        &app,
        &format!("/communities/{}/assisted-residents", a.community),
        &a.grid_worker,
        json!({ "display_name": "钱奶奶", "household_id": a.household }),
    )
    .await;
    assert_eq!(resident["user"]["assisted"], true);
    assert_eq!(resident["membership"]["status"], "verified");
    let resident_id = resident["user"]["id"].as_i64().unwrap();

    let session = created(
        &app,
        &format!("/communities/{}/assisted-sessions", a.community),
        &a.grid_worker,
        json!({ "resident_user_id": resident_id, "reason": "上门代为申请" }),
    )
    .await;
    let token = session["access_token"].as_str().unwrap();
    let (status, me) = app.get("/me", Some(token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (me["id"].as_i64(), me["acting_staff_id"].as_i64()),
        (Some(resident_id), Some(a.grid_worker.id))
    );
    // Acting as the resident gives the resident's rights, not the staff member's.
    let (status, _) = app
        .get(
            &format!("/communities/{}/memberships", a.community),
            Some(token),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Some things only the account holder may do.
    let (status, _) = app
        .post(
            "/me/password",
            Some(token),
            json!({ "current_password": "x", "new_password": "Chun-feng 8 li lu?" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An action in the session records both people.
    created(
        &app,
        &format!("/communities/{}/memberships", world.b.community),
        &crate::helpers::User {
            id: resident_id,
            access: token.into(),
            refresh: String::new(),
        },
        json!({ "address": "女儿家" }),
    )
    .await;
    let (_, log) = app
        .get(
            &format!(
                "/communities/{}/audit-log?action=membership.applied",
                world.b.community
            ),
            world.b.community_admin.token(),
        )
        .await;
    let entry = &log["items"][0];
    assert_eq!(
        (
            entry["actor_user_id"].as_i64(),
            entry["on_behalf_of_user_id"].as_i64()
        ),
        (Some(a.grid_worker.id), Some(resident_id))
    );

    // Another staff member cannot end it; the one who started it can, and the token dies.
    let end = format!(
        "/communities/{}/assisted-sessions/{}",
        a.community, session["session_id"]
    );
    let (status, _) = app.call(Method::DELETE, &end, a.staff.token(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(Method::DELETE, &end, a.grid_worker.token(), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/me", Some(token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .call(Method::DELETE, &end, a.grid_worker.token(), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Only verified residents of the community can be assisted, and the assisted cannot log in.
    let (status, body) = app
        .post(
            &format!("/communities/{}/assisted-sessions", a.community),
            a.grid_worker.token(),
            json!({ "resident_user_id": world.b.resident.id, "reason": "代办" }),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("resident_user_id"))
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM users WHERE id = {resident_id} AND password_hash IS NULL"
        ))
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assisted_sessions_expire_on_time() {
    let app = TestApp::spawn_with(crate::helpers::Backend::Sqlite, |c| {
        c.assisted_session_ttl = std::time::Duration::from_secs(1)
    })
    .await
    .unwrap();
    let world = world::build(&app).await;
    let a = &world.a;
    let session = created(
        &app,
        &format!("/communities/{}/assisted-sessions", a.community),
        &a.staff,
        json!({ "resident_user_id": a.assisted_resident, "reason": "代办" }),
    )
    .await;
    let token = session["access_token"].as_str().unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(8)).await;
    let (status, body) = app.get("/me", Some(token)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_expired"))
    );
}

/// Acting for someone lends the staff member their powers, so only assisted accounts (which
/// never hold a role) can be acted for: never an ordinary resident or a role holder.
async fn only_assisted_accounts_can_be_acted_for(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    for target in [a.resident.id, a.community_admin.id, a.staff.id] {
        let (status, body) = app
            .post(
                &format!("/communities/{}/assisted-sessions", a.community),
                a.grid_worker.token(),
                json!({ "resident_user_id": target, "reason": "代办" }),
            )
            .await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("resident_user_id")),
            "acting for user {target}: {body}"
        );
    }
    let (status, body) = app
        .post(
            &format!("/communities/{}/roles", a.community),
            a.community_admin.token(),
            json!({ "user_id": a.assisted_resident, "role": "volunteer" }),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("assisted_account")),
        "{body}"
    );
}

crate::backend_tests!(
    assisted_session_acts_for_the_resident_and_is_audited,
    only_assisted_accounts_can_be_acted_for
);
