//! A small world built through the API: two communities in different districts, with a
//! person in every role in each, plus a platform admin and an outsider.

use crate::helpers::{TestApp, User};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub struct Side {
    pub district: i64,
    pub street: i64,
    pub community: i64,
    pub household: i64,
    /// The grid of `household`.
    pub grid: i64,
    pub region_admin: User,
    pub community_admin: User,
    pub staff: User,
    pub grid_worker: User,
    pub social_worker: User,
    pub volunteer: User,
    pub resident: User,
    pub member: User,
    /// The member's pending application.
    pub pending_membership: i64,
    /// A resident without a phone, whose account staff created and act for in person.
    pub assisted_resident: i64,
    /// An item of the rewards shop, on the shelf with ample stock.
    pub reward_item: i64,
    /// A published activity, tomorrow, with places to spare.
    pub activity: i64,
    /// A volunteer service team, without members.
    pub volunteer_team: i64,
    /// A social organisation serving the community (mutual aid), led by `resident`.
    pub organisation: i64,
    /// An approved project proposed by `resident`, carried by `organisation`.
    pub project: i64,
    /// A consultation topic staff raised, still proposed.
    pub topic: i64,
    /// An evaluation standard of the district's own, made only by tests that need one (the
    /// matrix): the others count the standards rating the world's communities.
    pub standard: Option<i64>,
}

pub struct World {
    pub admin: User,
    pub outsider: User,
    pub a: Side,
    pub b: Side,
}

pub async fn created(app: &TestApp, path: &str, token: &User, body: Value) -> Value {
    let (status, response) = app.post(path, token.token(), body).await;
    assert_eq!(status, StatusCode::CREATED, "POST {path}: {response}");
    response
}

/// POSTs `path` as `by`, expecting 200.
pub async fn done(app: &TestApp, path: &str, by: &User, body: Value) -> Value {
    let (status, response) = app.post(path, by.token(), body).await;
    assert_eq!(status, StatusCode::OK, "POST {path}: {response}");
    response
}

/// The side's audit records of one target, newest first, as its community admin reads them.
pub async fn audit_of(app: &TestApp, side: &Side, target_type: &str, id: i64) -> Vec<Value> {
    let audit = format!("/communities/{}/audit-log?limit=100", side.community);
    let (status, log) = app.get(&audit, side.community_admin.token()).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let target = id.to_string();
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["target_type"] == target_type && r["target_id"] == target.as_str())
        .cloned()
        .collect()
}

/// The actions of [`audit_of`].
pub async fn audited(app: &TestApp, side: &Side, target_type: &str, id: i64) -> Vec<String> {
    let records = audit_of(app, side, target_type, id).await;
    records
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn grant(app: &TestApp, by: &User, community: i64, user: &User, role: &str) {
    created(
        app,
        &format!("/communities/{community}/roles"),
        by,
        json!({ "user_id": user.id, "role": role }),
    )
    .await;
}

/// Registers someone who applies to live in `household` and is verified by `verifier`.
pub async fn verified_resident(
    app: &TestApp,
    community: i64,
    household: i64,
    verifier: &User,
    phone: &str,
    name: &str,
) -> User {
    let resident = app.user(phone, name).await;
    let application = created(
        app,
        &format!("/communities/{community}/memberships"),
        &resident,
        json!({ "household_id": household }),
    )
    .await;
    let (status, body) = app
        .post(
            &format!(
                "/communities/{community}/memberships/{}/verify",
                application["id"]
            ),
            verifier.token(),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    resident
}

async fn side(app: &TestApp, admin: &User, city: i64, prefix: &str, label: &str) -> Side {
    let id = |v: Value| v["id"].as_i64().unwrap();
    let district = id(created(
        app,
        "/regions",
        admin,
        json!({ "parent_id": city, "level": "district", "name": format!("{label}区") }),
    )
    .await);
    let street = id(created(
        app,
        "/regions",
        admin,
        json!({ "parent_id": district, "level": "street", "name": format!("{label}街道") }),
    )
    .await);
    let community = id(created(
        app,
        "/communities",
        admin,
        json!({
            "region_id": street, "kind": "urban", "name": format!("{label}社区"),
            "facts": { "households_count": 1200, "residents_count": 3400 }
        }),
    )
    .await);
    let phone = |n: u32| format!("{prefix}{n:04}");
    let region_admin = app.user(&phone(1), "区民政").await;
    created(
        app,
        &format!("/regions/{district}/roles"),
        admin,
        json!({ "user_id": region_admin.id, "role": "region_admin" }),
    )
    .await;
    let community_admin = app.user(&phone(2), "两委委员").await;
    grant(app, admin, community, &community_admin, "community_admin").await;
    let staff = app.user(&phone(3), "社区工作者").await;
    grant(app, &community_admin, community, &staff, "community_staff").await;
    let grid_worker = app.user(&phone(4), "网格员").await;
    grant(
        app,
        &community_admin,
        community,
        &grid_worker,
        "grid_worker",
    )
    .await;
    let social_worker = app.user(&phone(5), "社工").await;
    grant(
        app,
        &community_admin,
        community,
        &social_worker,
        "social_worker",
    )
    .await;
    let volunteer = app.user(&phone(6), "志愿者").await;
    grant(app, &community_admin, community, &volunteer, "volunteer").await;
    let grid = id(created(
        app,
        &format!("/communities/{community}/grids"),
        &community_admin,
        json!({ "name": "第一网格" }),
    )
    .await);
    let household = id(created(
        app,
        &format!("/communities/{community}/households"),
        &staff,
        json!({ "grid_id": grid, "building": "1栋", "unit": "2单元", "room": "301" }),
    )
    .await);
    let resident = verified_resident(app, community, household, &staff, &phone(7), "居民").await;
    let member = app.user(&phone(8), "申请人").await;
    let pending = created(
        app,
        &format!("/communities/{community}/memberships"),
        &member,
        json!({ "address": "2栋1单元502" }),
    )
    .await;
    let reward_item = id(created(
        app,
        &format!("/communities/{community}/rewards/items"),
        &staff,
        json!({ "name": "环保购物袋", "price_points": 20, "stock": 1000 }),
    )
    .await);
    let activity = id(created(
        app,
        &format!("/communities/{community}/activities"),
        &staff,
        crate::activities::tomorrow(),
    )
    .await);
    let (status, body) = app
        .post(
            &format!("/communities/{community}/activities/{activity}/publish"),
            staff.token(),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let volunteer_team = id(created(
        app,
        &format!("/communities/{community}/volunteers/teams"),
        &staff,
        json!({ "name": "志愿服务队" }),
    )
    .await);
    let topic = id(created(
        app,
        &format!("/communities/{community}/topics"),
        &staff,
        json!({ "title": "加装电梯", "body": "1栋是否加装电梯，请大家议一议。", "origin": "staff" }),
    )
    .await);
    let assisted = created(
        app,
        &format!("/communities/{community}/assisted-residents"),
        &grid_worker,
        json!({ "display_name": "独居老人", "household_id": household }),
    )
    .await;
    let organisation = id(created(
        app,
        &format!("/communities/{community}/organisations"),
        &resident,
        json!({
            "name": format!("{label}邻里互助会"), "category": "mutual_aid",
            "registration": "filed", "contact": "社区服务中心二楼"
        }),
    )
    .await);
    let decide = format!("/communities/{community}/organisations/{organisation}/approve");
    done(app, &decide, &staff, Value::Null).await;
    let project = id(created(
        app,
        &format!("/communities/{community}/projects"),
        &resident,
        json!({
            "title": "楼道微改造", "summary": "更换老旧楼道的声控灯。",
            "budget_fen": 200_000, "organisation_id": organisation
        }),
    )
    .await);
    let decide = format!("/communities/{community}/projects/{project}/approve");
    done(app, &decide, &staff, Value::Null).await;
    Side {
        organisation,
        project,
        assisted_resident: assisted["user"]["id"].as_i64().unwrap(),
        district,
        street,
        community,
        household,
        grid,
        region_admin,
        community_admin,
        staff,
        grid_worker,
        social_worker,
        volunteer,
        resident,
        member,
        pending_membership: id(pending),
        reward_item,
        activity,
        volunteer_team,
        topic,
        standard: None,
    }
}

pub async fn build(app: &TestApp) -> World {
    let admin = app.platform_admin("13500000000").await;
    let id = |v: Value| v["id"].as_i64().unwrap();
    let province = id(created(
        app,
        "/regions",
        &admin,
        json!({ "level": "province", "name": "湖南省", "code": "430000" }),
    )
    .await);
    let city = id(created(
        app,
        "/regions",
        &admin,
        json!({ "parent_id": province, "level": "city", "name": "长沙市" }),
    )
    .await);
    let a = side(app, &admin, city, "1370000", "岳麓").await;
    let b = side(app, &admin, city, "1360000", "开福").await;
    let outsider = app.user("13400000000", "路人").await;
    World {
        admin,
        outsider,
        a,
        b,
    }
}
