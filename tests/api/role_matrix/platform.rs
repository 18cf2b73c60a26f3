//! Operations outside a community: accounts, the caller's own inbox and settings, the region
//! tree and what region admins do in it, standards and catalogues. "Own" means community A's
//! district (or street, standard, resident's notice), "foreign" community B's.

use super::*;

/// The period and standard every region-scoped read asks about.
const PERIOD: &str = "period=2026-10&standard=hunan-2022-urban";
/// Who acts in a region: its admins (A's region admin administers A's district only).
const ADMINS: &[Who] = &[PlatformAdmin, RegionAdmin];

/// The id of the notice the matrix puts in the inbox of the side's resident.
pub fn notice_of(side: &Side) -> i64 {
    9_000_000 + side.community
}

fn region(s: &Side, rest: &str) -> String {
    format!("/regions/{}{rest}", s.district)
}

/// Region admins appoint others below their own region: in the street under the district.
fn street_roles(s: &Side, rest: &str) -> String {
    format!("/regions/{}/roles{rest}", s.street)
}

fn standard(s: &Side, rest: &str) -> String {
    let id = s.standard.expect("the matrix makes a standard per side");
    format!("/evaluation-standards/{id}{rest}")
}

/// Only A's resident has a notice on A's side; everyone else, and A's resident on B's, is told
/// there is none.
fn own_notice(who: Who, own: bool) -> Result<(), StatusCode> {
    match who {
        Anonymous => Err(StatusCode::UNAUTHORIZED),
        Resident if own => Ok(()),
        _ => Err(StatusCode::NOT_FOUND),
    }
}

/// Changing to the same password is refused after the current one is checked, so everyone
/// logged in reaches the check without logging anyone out (the change itself: auth tests).
fn same_password(who: Who, _: bool) -> Result<(), StatusCode> {
    match who {
        Anonymous => Err(StatusCode::UNAUTHORIZED),
        _ => Err(StatusCode::UNPROCESSABLE_ENTITY),
    }
}

/// The grant is looked up before the caller's right, so a missing one is 404 to everyone
/// logged in (who may revoke a region admin: the region admin tests via the world).
fn missing_grant(who: Who, _: bool) -> Result<(), StatusCode> {
    match who {
        Anonymous => Err(StatusCode::UNAUTHORIZED),
        _ => Err(StatusCode::NOT_FOUND),
    }
}

fn endpoint(
    method: Method,
    documented: &'static str,
    path: fn(&Side) -> String,
    body: fn(&Side, &World, usize) -> Option<Value>,
    allowed: Allowed,
) -> Endpoint {
    Endpoint {
        method,
        documented,
        path,
        body,
        allowed,
    }
}

pub(super) fn endpoints() -> Vec<Endpoint> {
    use Method as M;
    let none: fn(&Side, &World, usize) -> Option<Value> = |_, _, _| None;
    let empty: fn(&Side, &World, usize) -> Option<Value> = |_, _, _| Some(json!({}));
    vec![
        endpoint(
            M::GET,
            "/healthz",
            |_| "/healthz".into(),
            none,
            Allowed::Public,
        ),
        endpoint(
            M::GET,
            "/readyz",
            |_| "/readyz".into(),
            none,
            Allowed::Public,
        ),
        endpoint(
            M::POST,
            "/api/v1/auth/register",
            |_| "/auth/register".into(),
            |_, _, n| {
                let login = format!("1330000{n:04}");
                Some(json!({ "login": login, "password": PASSWORD, "display_name": "矩阵" }))
            },
            Allowed::Public,
        ),
        endpoint(
            M::POST,
            "/api/v1/auth/login",
            |_| "/auth/login".into(),
            |_, _, _| Some(json!({ "login": "13400000000", "password": PASSWORD })),
            Allowed::Public,
        ),
        endpoint(
            M::GET,
            "/api/v1/me",
            |_| "/me".into(),
            none,
            Allowed::AnyUser,
        ),
        endpoint(
            M::POST,
            "/api/v1/me/password",
            |_| "/me/password".into(),
            |_, _, _| Some(json!({ "current_password": PASSWORD, "new_password": PASSWORD })),
            Allowed::Custom(same_password),
        ),
        endpoint(
            M::GET,
            "/api/v1/me/notifications",
            |_| "/me/notifications".into(),
            none,
            Allowed::AnyUser,
        ),
        endpoint(
            M::GET,
            "/api/v1/me/notifications/unread-count",
            |_| "/me/notifications/unread-count".into(),
            none,
            Allowed::AnyUser,
        ),
        endpoint(
            M::POST,
            "/api/v1/me/notifications/{notification_id}/read",
            |s| format!("/me/notifications/{}/read", notice_of(s)),
            none,
            Allowed::Custom(own_notice),
        ),
        endpoint(
            M::POST,
            "/api/v1/me/notifications/read-all",
            |_| "/me/notifications/read-all".into(),
            empty,
            Allowed::AnyUser,
        ),
        endpoint(
            M::GET,
            "/api/v1/me/notification-settings",
            |_| "/me/notification-settings".into(),
            none,
            Allowed::AnyUser,
        ),
        endpoint(
            M::PUT,
            "/api/v1/me/notification-settings",
            |_| "/me/notification-settings".into(),
            |_, _, _| Some(json!({ "email_digest": false })),
            Allowed::AnyUser,
        ),
        endpoint(
            M::GET,
            "/api/v1/regions",
            |_| "/regions".into(),
            none,
            Allowed::Public,
        ),
        endpoint(
            M::GET,
            "/api/v1/regions/{id}",
            |s| region(s, ""),
            none,
            Allowed::Public,
        ),
        endpoint(
            M::POST,
            "/api/v1/regions",
            |_| "/regions".into(),
            |s, _, n| {
                let name = format!("矩阵街道{n}");
                Some(json!({ "parent_id": s.district, "level": "street", "name": name }))
            },
            Allowed::Region(ADMINS),
        ),
        endpoint(
            M::GET,
            "/api/v1/regions/{id}/roles",
            |s| street_roles(s, ""),
            none,
            Allowed::Region(ADMINS),
        ),
        // The platform admin, who may do everything already: granting changes no later cell.
        endpoint(
            M::POST,
            "/api/v1/regions/{id}/roles",
            |s| street_roles(s, ""),
            |_, w, _| Some(json!({ "user_id": w.admin.id, "role": "region_admin" })),
            Allowed::Region(ADMINS),
        ),
        endpoint(
            M::DELETE,
            "/api/v1/regions/{id}/roles/{grant_id}",
            |s| street_roles(s, "/0"),
            none,
            Allowed::Custom(missing_grant),
        ),
        endpoint(
            M::GET,
            "/api/v1/communities",
            |_| "/communities".into(),
            none,
            Allowed::Public,
        ),
        endpoint(
            M::POST,
            "/api/v1/communities",
            |_| "/communities".into(),
            |s, _, n| {
                let name = format!("矩阵社区{n}");
                Some(json!({ "region_id": s.street, "kind": "urban", "name": name }))
            },
            Allowed::Region(ADMINS),
        ),
        endpoint(
            M::GET,
            "/api/v1/regions/{id}/indicators",
            |s| region(s, &format!("/indicators?{PERIOD}")),
            none,
            Allowed::Region(ADMINS),
        ),
        endpoint(
            M::POST,
            "/api/v1/regions/{id}/indicators/compute",
            |s| region(s, "/indicators/compute?period=2026-10"),
            none,
            Allowed::Region(ADMINS),
        ),
        endpoint(
            M::POST,
            "/api/v1/regions/{id}/indicators/publish",
            |s| region(s, "/indicators/publish"),
            |_, _, _| Some(json!({ "period": "2026-10", "standard": "hunan-2022-urban" })),
            Allowed::Region(ADMINS),
        ),
        endpoint(
            M::GET,
            "/api/v1/regions/{id}/nominations.csv",
            |s| region(s, "/nominations.csv?period=2026&standard=hunan-2022-urban"),
            none,
            Allowed::Region(ADMINS),
        ),
        endpoint(
            M::GET,
            "/api/v1/indicator-metrics",
            |_| "/indicator-metrics".into(),
            none,
            Allowed::Public,
        ),
        endpoint(
            M::GET,
            "/api/v1/survey-templates",
            |_| "/survey-templates".into(),
            none,
            Allowed::Public,
        ),
        endpoint(
            M::GET,
            "/api/v1/evaluation-standards",
            |_| "/evaluation-standards".into(),
            none,
            Allowed::Public,
        ),
        endpoint(
            M::GET,
            "/api/v1/evaluation-standards/{id}",
            |s| standard(s, ""),
            none,
            Allowed::Public,
        ),
        endpoint(
            M::POST,
            "/api/v1/regions/{id}/evaluation-standards",
            |s| region(s, "/evaluation-standards"),
            |_, _, n| {
                let definition = crate::indicator_standards::definition();
                Some(json!({ "code": format!("matrix-{n}"), "definition": definition }))
            },
            Allowed::Region(ADMINS),
        ),
        endpoint(
            M::POST,
            "/api/v1/evaluation-standards/{id}/versions",
            |s| standard(s, "/versions"),
            |_, _, _| Some(json!({ "definition": crate::indicator_standards::definition() })),
            Allowed::Region(ADMINS),
        ),
        endpoint(
            M::POST,
            "/api/v1/evaluation-standards/{id}/retirement",
            |s| standard(s, "/retirement"),
            |_, _, _| Some(json!({ "retired": false })),
            Allowed::Region(ADMINS),
        ),
    ]
}

/// What the platform operations need beyond the world: a standard of each side's district,
/// and a notice in each side's resident's inbox.
pub(super) async fn prepare(app: &TestApp, world: &mut World) {
    let World { admin, a, b, .. } = world;
    for (code, side) in [("matrix-a", a), ("matrix-b", b)] {
        let created = world::created(
            app,
            &format!("/regions/{}/evaluation-standards", side.district),
            admin,
            json!({ "code": code, "definition": crate::indicator_standards::definition() }),
        )
        .await;
        side.standard = created["id"].as_i64();
        app.sql(&format!(
            "INSERT INTO notifications (id, user_id, kind, params, created_at) VALUES \
             ({}, {}, 'wish_claimed', '{{\"wish_id\":1,\"title\":\"矩阵\"}}', CURRENT_TIMESTAMP)",
            notice_of(side),
            side.resident.id
        ))
        .await;
    }
}
