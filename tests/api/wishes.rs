//! Micro-wishes from posting to confirmation: review, one live claim (also under a crowd),
//! release, fulfilment, confirmation with points, the thread, staff acting for residents
//! without phones, the sweep, and privacy: nobody but the requester, the claimant and staff
//! learns who asked.

use crate::activities::advance;
use crate::helpers::{TestApp, User};
use crate::points::{assert_ledger_sound, balance};
use crate::world::{self, Side};
use chrono::{SecondsFormat, TimeDelta};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The requester's identifying details, which must never reach a stranger.
const NAME: &str = "王秀兰";
const PHONE: &str = "13912345678";
const ADDRESS: &str = "9栋";

fn in_days(app: &TestApp, days: i64) -> String {
    (app.state.clock.now() + TimeDelta::days(days))
        .and_utc()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn wishes(side: &Side, rest: &str) -> String {
    format!("/communities/{}/wishes{rest}", side.community)
}

fn wish(side: &Side, id: i64, rest: &str) -> String {
    format!("/communities/{}/wishes/{id}{rest}", side.community)
}

/// A verified resident with a recognisable name, phone and address.
async fn requester(app: &TestApp, side: &Side) -> User {
    let household = world::created(
        app,
        &format!("/communities/{}/households", side.community),
        &side.staff,
        json!({ "building": ADDRESS, "unit": "1单元", "room": "101" }),
    )
    .await;
    world::verified_resident(
        app,
        side.community,
        household["id"].as_i64().unwrap(),
        &side.staff,
        PHONE,
        NAME,
    )
    .await
}

pub fn request(app: &TestApp) -> Value {
    json!({
        "title": "想要一台收音机", "story": "老伴走后一个人住，想听听戏。",
        "category": "life_help", "estimated_value_fen": 15000, "deadline": in_days(app, 14)
    })
}

/// Posts and publishes a wish for `by`; returns its id.
pub async fn published(app: &TestApp, side: &Side, by: &User) -> i64 {
    let posted = world::created(app, &wishes(side, ""), by, request(app)).await;
    let id = posted["id"].as_i64().unwrap();
    let (status, body) = app
        .post(&wish(side, id, "/publish"), side.staff.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

pub async fn claim(app: &TestApp, side: &Side, id: i64, by: &User) -> (StatusCode, Value) {
    app.post(
        &wish(side, id, "/claim"),
        by.token(),
        json!({ "claimant_kind": "volunteer" }),
    )
    .await
}

fn reveals_requester(body: &Value) -> bool {
    let text = body.to_string();
    text.contains(NAME)
        || text.contains(PHONE)
        || text.contains(ADDRESS)
        || text.contains("\"requester\"")
}

async fn a_wish_goes_from_posting_to_confirmation(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let elder = requester(&app, a).await;
    let posted = world::created(&app, &wishes(a, ""), &elder, request(&app)).await;
    let id = posted["id"].as_i64().unwrap();
    assert_eq!(posted["status"], "submitted");
    assert!(
        !reveals_requester(&posted),
        "write responses carry the public view"
    );
    let (_, own) = app.get(&wish(a, id, ""), elder.token()).await;
    assert_eq!(
        own["requester"]["phone"], PHONE,
        "the requester sees their own details"
    );
    let (status, _) = app.get(&wish(a, id, ""), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not public before review");
    let (status, _) = app
        .post(&wish(a, id, "/publish"), elder.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nobody reviews their own");
    let (status, body) = app
        .post(&wish(a, id, "/publish"), a.staff.token(), json!(null))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("published"))
    );

    let (status, public) = app.get(&wishes(a, ""), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["items"][0]["id"], id);
    assert!(!reveals_requester(&public), "{public}");
    assert_eq!(
        public["items"][0]["grid_name"],
        Value::Null,
        "a grid at most"
    );

    let (status, body) = claim(&app, a, id, &a.volunteer).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::CREATED, Some("claimed")),
        "{body}"
    );
    let (_, seen) = app.get(&wish(a, id, ""), a.volunteer.token()).await;
    assert_eq!(
        seen["requester"]["phone"], PHONE,
        "the claimant sees who to help"
    );
    let (status, _) = claim(&app, a, id, &a.grid_worker).await;
    assert_eq!(status, StatusCode::CONFLICT, "claiming a claimed wish");
    let (_, seen) = app.get(&wish(a, id, ""), a.resident.token()).await;
    assert!(!reveals_requester(&seen), "another resident: {seen}");

    let thread = wish(a, id, "/messages");
    let (status, _) = app
        .post(
            &thread,
            a.volunteer.token(),
            json!({ "body": "周六上午送来可以吗？" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, messages) = app.get(&thread, elder.token()).await;
    assert_eq!(messages["items"][0]["sender_name"], "志愿者", "{messages}");
    let (status, _) = app.get(&thread, a.resident.token()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a party to the thread");

    let note = json!({ "note": "已送到家中，教会了使用方法", "photo_ref": "photos/radio.jpg" });
    let (status, _) = app
        .post(&wish(a, id, "/fulfil"), a.resident.token(), note.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the claimant fulfils");
    let (status, body) = app
        .post(&wish(a, id, "/fulfil"), a.volunteer.token(), note)
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("fulfilled"))
    );
    let rating = json!({ "rating": 5, "comment": "谢谢小伙子" });
    let (status, _) = app
        .post(
            &wish(a, id, "/confirm"),
            a.volunteer.token(),
            rating.clone(),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "confirming someone else's wish"
    );
    let (status, body) = app
        .post(&wish(a, id, "/confirm"), elder.token(), rating.clone())
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("confirmed")),
        "{body}"
    );
    assert_eq!(body["claim"]["rating"], 5);
    let (status, _) = app
        .post(&wish(a, id, "/confirm"), elder.token(), rating)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "confirmed once");
    assert_eq!(
        balance(&app, a.community, &a.volunteer).await,
        20,
        "生活帮扶 earns 20"
    );
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn wishes_refuse_what_their_state_does_not_allow(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let mut too_dear = request(&app);
    too_dear["estimated_value_fen"] = json!(50_001);
    too_dear["category"] = json!("jewellery");
    let (status, body) = app.post(&wishes(a, ""), a.resident.token(), too_dear).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        (status, fields),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["category", "estimated_value_fen"]
        )
    );
    let (status, _) = app
        .post(&wishes(a, ""), a.member.token(), request(&app))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a member awaiting verification"
    );

    let id = published(&app, a, &a.resident).await;
    let (status, _) = claim(&app, a, id, &a.resident).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "nobody claims their own wish"
    );
    let note = json!({ "note": "送到了" });
    let (status, _) = app
        .post(&wish(a, id, "/fulfil"), a.volunteer.token(), note.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "fulfilling without a claim");
    claim(&app, a, id, &a.volunteer).await;
    let (status, _) = app
        .post(
            &wish(a, id, "/confirm"),
            a.resident.token(),
            json!({ "rating": 4 }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "confirming before fulfilment");
    let (status, _) = app
        .post(&wish(a, id, "/cancel"), a.resident.token(), json!(null))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "cancelling a claimed wish");
    let (status, body) = app
        .post(&wish(a, id, "/release"), a.volunteer.token(), json!(null))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("published"))
    );
    assert!(
        body.get("requester").is_none(),
        "no longer the claimant: {body}"
    );
    let (status, _) = claim(&app, a, id, &a.grid_worker).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "released wishes can be claimed again"
    );

    let other = world::created(&app, &wishes(a, ""), &a.resident, request(&app)).await;
    let reason = json!({ "reason": "请写明具体需要的物品" });
    let path = wish(a, other["id"].as_i64().unwrap(), "/reject");
    let (status, body) = app.post(&path, a.staff.token(), reason.clone()).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("rejected"))
    );
    let (_, seen) = app
        .get(
            &wish(a, other["id"].as_i64().unwrap(), ""),
            a.resident.token(),
        )
        .await;
    assert_eq!(
        seen["rejection_reason"], "请写明具体需要的物品",
        "the requester learns why"
    );
    let (status, _) = app.post(&path, a.staff.token(), reason).await;
    assert_eq!(status, StatusCode::CONFLICT, "reviewed once");
    let (status, _) = app
        .get(&wish(&world.b, id, ""), world.b.staff.token())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "through another community");
}

async fn fifty_volunteers_claiming_at_once_make_one_claim(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = published(&app, a, &a.resident).await;
    let mut crowd = Vec::new();
    for n in 0..50 {
        let phone = format!("1361111{n:04}");
        crowd.push(
            world::verified_resident(&app, a.community, a.household, &a.staff, &phone, "热心人")
                .await,
        );
    }
    let results = futures_util::future::join_all(crowd.iter().map(|p| claim(&app, a, id, p))).await;
    let claimed = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let refused = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        (claimed, refused),
        (1, 49),
        "{:?}",
        results
            .iter()
            .find(|(s, _)| !s.is_success() && *s != StatusCode::CONFLICT)
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM wish_claims").await, 1);
}

async fn staff_act_for_a_requester_without_a_phone(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let mut for_elder = request(&app);
    for_elder["on_behalf_of"] = json!(a.assisted_resident);
    let (status, _) = app
        .post(&wishes(a, ""), a.resident.token(), for_elder.clone())
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "residents do not post for others"
    );
    let posted = world::created(&app, &wishes(a, ""), &a.grid_worker, for_elder).await;
    let id = posted["id"].as_i64().unwrap();
    let (_, seen) = app.get(&wish(a, id, ""), a.grid_worker.token()).await;
    assert_eq!(seen["requester"]["user_id"], a.assisted_resident);
    let publish = wish(a, id, "/publish");
    let (status, _) = app.post(&publish, a.grid_worker.token(), json!(null)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "nobody reviews a wish they posted"
    );
    let (status, _) = app.post(&publish, a.staff.token(), json!(null)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = claim(&app, a, id, &a.social_worker).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app
        .post(
            &wish(a, id, "/fulfil"),
            a.social_worker.token(),
            json!({ "note": "修好了水龙头" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(
            &wish(a, id, "/confirm"),
            a.social_worker.token(),
            json!({ "rating": 5 }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "nobody confirms their own help"
    );
    let (status, body) = app
        .post(
            &wish(a, id, "/confirm"),
            a.grid_worker.token(),
            json!({ "rating": 5 }),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("confirmed")),
        "{body}"
    );
    assert_eq!(balance(&app, a.community, &a.social_worker).await, 20);
    assert_ledger_sound(&app, &world, a.community).await;
}

async fn the_sweep_expires_flags_and_escalates(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let lonely = published(&app, a, &a.resident).await;
    let late = published(&app, a, &a.resident).await;
    claim(&app, a, late, &a.volunteer).await;
    let sweep = || {
        let clock = app.state.clock.clone();
        app.state
            .db
            .write(move |conn| wushe::wishes::sweep::run(conn, clock.now()))
    };
    advance(&app, 4 * 24 * 60);
    let report = sweep().await.unwrap();
    assert_eq!(
        (report.expired, report.flagged_overdue, report.escalated),
        (0, 0, 1)
    );
    let (_, seen) = app.get(&wish(a, lonely, ""), a.social_worker.token()).await;
    assert_eq!(seen["escalated"], true, "{seen}");
    advance(&app, 11 * 24 * 60);
    let report = sweep().await.unwrap();
    assert_eq!(
        (report.expired, report.flagged_overdue, report.escalated),
        (1, 1, 0)
    );
    let (_, seen) = app.get(&wish(a, late, ""), a.volunteer.token()).await;
    assert_eq!(
        (seen["status"].as_str(), seen["claim"]["overdue"].as_bool()),
        (Some("claimed"), Some(true))
    );
    let (_, counts) = app.get(&wishes(a, "/counts"), None).await;
    assert_eq!(counts["by_status"]["expired"], 1, "{counts}");
}

/// Every wish endpoint, walked as an anonymous visitor, a volunteer who has not claimed, and
/// a resident of another community: none of them learns the requester's name, phone or address.
async fn strangers_never_learn_who_asked(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let elder = requester(&app, a).await;
    let id = published(&app, a, &elder).await;
    let claimed = published(&app, a, &elder).await;
    claim(&app, a, claimed, &a.volunteer).await;
    let thread = wish(a, claimed, "/messages");
    let (status, _) = app
        .post(&thread, a.volunteer.token(), json!({ "body": "我住5栋" }))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app
        .post(
            &wish(a, claimed, "/release"),
            a.volunteer.token(),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The next claimant does not read the last one's conversation.
    claim(&app, a, claimed, &a.resident).await;
    let (_, messages) = app.get(&thread, a.resident.token()).await;
    assert_eq!(messages["items"].as_array().unwrap().len(), 0, "{messages}");
    let submitted = world::created(&app, &wishes(a, ""), &elder, request(&app)).await;
    let submitted = submitted["id"].as_i64().unwrap();
    // Strangers include the claimant who let the wish go.
    let strangers = [
        None,
        a.volunteer.token(),
        b.resident.token(),
        world.outsider.token(),
    ];
    let reads = [
        wishes(a, ""),
        wishes(a, "?status=published"),
        wishes(a, "?status=claimed"),
        wishes(a, "/counts"),
        wishes(a, "/settings"),
        wish(a, id, ""),
        wish(a, claimed, ""),
        wish(a, claimed, "/messages"),
        wish(a, submitted, ""),
        wishes(a, "?status=submitted"),
        wishes(a, "?mine=true"),
        wishes(a, "?claimed_by_me=true"),
    ];
    let audit = format!("/communities/{}/audit-log?limit=100", a.community);
    let (status, log) = app.get(&audit, a.region_admin.token()).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let wish_records: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"].as_str().unwrap().starts_with("wish."))
        .collect();
    assert!(wish_records.len() >= 5, "{log}");
    for record in wish_records {
        assert!(
            !reveals_requester(record),
            "the audit log holds public views: {record}"
        );
    }
    for token in strangers {
        for path in &reads {
            let (_, body) = app.get(path, token).await;
            assert!(!reveals_requester(&body), "GET {path}: {body}");
        }
        for (path, body) in [
            (wish(a, claimed, "/release"), json!(null)),
            (wish(a, claimed, "/fulfil"), json!({ "note": "冒充" })),
            (wish(a, claimed, "/confirm"), json!({ "rating": 1 })),
            (
                wish(a, claimed, "/messages"),
                json!({ "body": "你的电话是多少？" }),
            ),
            (
                wish(a, claimed, "/claim"),
                json!({ "claimant_kind": "volunteer" }),
            ),
        ] {
            let (status, response) = app.post(&path, token, body).await;
            assert!(
                !status.is_success(),
                "POST {path} by a stranger: {response}"
            );
            assert!(!reveals_requester(&response), "POST {path}: {response}");
        }
    }
}

crate::backend_tests!(
    a_wish_goes_from_posting_to_confirmation,
    wishes_refuse_what_their_state_does_not_allow,
    fifty_volunteers_claiming_at_once_make_one_claim,
    staff_act_for_a_requester_without_a_phone,
    the_sweep_expires_flags_and_escalates,
    strangers_never_learn_who_asked,
);
