//! A topic's discussion (threaded comments, moderation, meeting records) and what follows the
//! decision: implementation updates, the residents' ratings, the evaluation, and the public
//! decisions page that shows them without naming anyone.

use crate::helpers::{TestApp, User};
use crate::topics::{decide, raise, refused, resident, send, topic, topics};
use crate::world::{self, Side};
use chrono::{SecondsFormat, TimeDelta};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn days_ago(app: &TestApp, days: i64) -> String {
    (app.state.clock.now() - TimeDelta::days(days))
        .and_utc()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A staff topic opened for discussion.
async fn in_discussion(app: &TestApp, side: &Side) -> i64 {
    let id = raise(app, side, &side.staff, json!({ "origin": "staff" })).await;
    for step in ["/accept", "/open-discussion"] {
        let (status, body) =
            send(app, Method::POST, &topic(side, id, step), Some(&side.staff)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    id
}

async fn comment(
    app: &TestApp,
    side: &Side,
    id: i64,
    by: &User,
    body: Value,
) -> (StatusCode, Value) {
    app.post(&topic(side, id, "/comments"), by.token(), body)
        .await
}

async fn threaded_and_moderated_discussion(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let id = in_discussion(&app, a).await;
    let other = in_discussion(&app, a).await;
    let (status, root) = comment(
        &app,
        a,
        id,
        &a.resident,
        json!({ "body": "建议先做住户意见调查。" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{root}");
    assert_eq!(root["author_name"], "居民");
    let mut parent = root["id"].as_i64().unwrap();
    // Replies nest five levels deep in all; the sixth is refused.
    for level in 2..=5 {
        let (status, reply) = comment(
            &app,
            a,
            id,
            &a.grid_worker,
            json!({ "body": format!("第{level}层"), "parent_id": parent }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        parent = reply["id"].as_i64().unwrap();
    }
    refused(
        comment(
            &app,
            a,
            id,
            &a.resident,
            json!({ "body": "太深了", "parent_id": parent }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_deep",
    );
    refused(
        comment(
            &app,
            a,
            other,
            &a.resident,
            json!({ "body": "串了", "parent_id": root["id"] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_found",
    ); // another topic's comment
    let (status, _) = comment(&app, a, id, &a.resident, json!({ "body": "" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = comment(&app, a, id, &a.member, json!({ "body": "我也说两句" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = comment(&app, b, id, &b.resident, json!({ "body": "隔壁社区" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = comment(&app, a, a.topic, &a.resident, json!({ "body": "还没受理" })).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a proposed topic is not discussed yet"
    );

    // Hidden: residents see that and why, staff still read it.
    let target = root["id"].as_i64().unwrap();
    let hide = topic(a, id, &format!("/comments/{target}/hide"));
    let (status, _) = app
        .post(&hide, a.resident.token(), json!({ "reason": "人身攻击" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, hidden) = app
        .post(
            &hide,
            a.staff.token(),
            json!({ "reason": "含有住户电话号码" }),
        )
        .await;
    assert_eq!(
        (status, hidden["hidden"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{hidden}"
    );
    refused(
        app.post(&hide, a.staff.token(), json!({ "reason": "再次隐藏" }))
            .await,
        StatusCode::CONFLICT,
        "already_so",
    );
    let (status, _) = app
        .post(
            &topic(a, other, &format!("/comments/{target}/hide")),
            a.staff.token(),
            json!({ "reason": "错帖" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the comment of another topic"
    );
    let seen = |page: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == target)
            .cloned()
            .unwrap()
    };
    let (_, page) = app
        .get(&topic(a, id, "/comments"), a.resident.token())
        .await;
    let as_resident = seen(&page);
    assert_eq!(
        (
            as_resident["body"].clone(),
            as_resident["hidden_reason"].as_str()
        ),
        (Value::Null, Some("含有住户电话号码"))
    );
    assert!(as_resident.get("hidden_by").is_none());
    let (_, page) = app
        .get(&topic(a, id, "/comments"), a.community_admin.token())
        .await;
    let as_admin = seen(&page);
    assert_eq!(
        (as_admin["body"].as_str(), as_admin["hidden_by"].as_i64()),
        (Some("建议先做住户意见调查。"), Some(a.staff.id))
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let (status, shown) = app
        .post(
            &topic(a, id, &format!("/comments/{target}/unhide")),
            a.staff.token(),
            json!(null),
        )
        .await;
    assert_eq!(
        (status, shown["hidden"].as_bool()),
        (StatusCode::OK, Some(false)),
        "{shown}"
    );
    let (status, _) = app
        .post(
            &topic(a, id, &format!("/comments/{target}/unhide")),
            a.staff.token(),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, page) = app
        .get(&topic(a, id, "/comments"), a.resident.token())
        .await;
    assert_eq!(seen(&page)["body"], "建议先做住户意见调查。");
    for (who, want) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(&a.member), StatusCode::FORBIDDEN),
        (Some(&world.outsider), StatusCode::NOT_FOUND),
    ] {
        let (status, _) = send(&app, Method::GET, &topic(a, id, "/comments"), who).await;
        assert_eq!(status, want);
    }
    let (status, log) = app
        .get(
            &format!("{}?action=topic_comment.hidden", topics(a, "/audit-log")),
            a.community_admin.token(),
        )
        .await;
    assert_eq!(
        (status, log["items"][0]["after"]["hidden_reason"].as_str()),
        (StatusCode::OK, Some("含有住户电话号码"))
    );

    // Closed by rejection: no more comments.
    app.post(
        &topic(a, id, "/reject"),
        a.staff.token(),
        json!({ "reason": "已并入其他议题" }),
    )
    .await;
    refused(
        comment(&app, a, id, &a.resident, json!({ "body": "晚了吗" })).await,
        StatusCode::CONFLICT,
        "discussion_closed",
    );
}

async fn meetings_name_attendees_to_the_community_only(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = in_discussion(&app, a).await;
    let meeting = |held_at: String, attachments: Value| {
        json!({
            "kind": "hearing", "held_at": held_at, "location": "社区议事厅",
            "attendees": ["李建国（居民代表）", "周敏（物业经理）"],
            "minutes": "听证会就加装电梯的费用分摊听取了意见。", "attachments": attachments
        })
    };
    let path = topic(a, id, "/meetings");
    let (status, _) = app
        .post(
            &path,
            a.resident.token(),
            meeting(days_ago(&app, 1), json!([])),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (held_at, attachments) in [
        (days_ago(&app, -1), json!([])),
        (days_ago(&app, 400), json!([])),
        (days_ago(&app, 1), json!(["has space"])),
        (days_ago(&app, 1), json!(vec!["ref"; 21])),
    ] {
        let (status, body) = app
            .post(&path, a.staff.token(), meeting(held_at, attachments))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let (status, body) = app.post(&path, a.staff.token(), json!({ "kind": "hearing", "held_at": days_ago(&app, 1), "attendees": [], "minutes": "无人参加" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, recorded) = app
        .post(
            &path,
            a.staff.token(),
            meeting(days_ago(&app, 2), json!(["file:minutes-2026-03.pdf"])),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    assert_eq!(recorded["attendees"][0], "李建国（居民代表）");
    let (_, list) = app.get(&path, a.resident.token()).await;
    assert_eq!(
        (
            list[0]["attendee_count"].as_i64(),
            list[0]["attendees"][1].as_str()
        ),
        (Some(2), Some("周敏（物业经理）"))
    );
    let (status, _) = app.get(&path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not decided yet");
    decide(&app, a, id).await;
    let (status, list) = app.get(&path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list[0].get("attendees").is_none(), "{list}");
    assert_eq!(
        (
            list[0]["attendee_count"].as_i64(),
            list[0]["attachments"][0].as_str()
        ),
        (Some(2), Some("file:minutes-2026-03.pdf"))
    );
    let (_, view) = app.get(&topic(a, id, ""), None).await;
    let event = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "meeting_recorded")
        .cloned()
        .unwrap();
    assert_eq!(event["data"]["kind"], "hearing");
    assert!(!event.to_string().contains("李建国"), "{event}");
}

async fn implementation_ratings_and_the_decisions_page(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = in_discussion(&app, a).await;
    decide(&app, a, id).await;
    let rate = async |by: &User, body: Value| {
        app.call(
            Method::PUT,
            &topic(a, id, "/rating"),
            by.token(),
            Some(body),
        )
        .await
    };
    let update = async |body: Value| {
        app.post(&topic(a, id, "/updates"), a.staff.token(), body)
            .await
    };
    assert_eq!(
        rate(&a.resident, json!({ "rating": 4 })).await.0,
        StatusCode::CONFLICT,
        "not implemented yet"
    );
    assert_eq!(
        update(json!({ "body": "已招标" })).await.0,
        StatusCode::CONFLICT
    );
    let (status, view) = send(
        &app,
        Method::POST,
        &topic(a, id, "/start-implementation"),
        Some(&a.staff),
    )
    .await;
    assert_eq!(
        (status, view["stage"].as_str()),
        (StatusCode::OK, Some("implementing"))
    );
    let (status, posted) = update(
        json!({ "body": "电梯已完成招标，下月进场施工。", "attachments": ["img:bid-notice.jpg"] }),
    )
    .await;
    assert_eq!(
        (status, posted["kind"].as_str()),
        (StatusCode::CREATED, Some("implementation_update")),
        "{posted}"
    );
    assert_eq!(
        update(json!({ "body": "x", "extra": 1 })).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, _) = app
        .post(
            &topic(a, id, "/updates"),
            a.resident.token(),
            json!({ "body": "我来更新" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // One rating per person: rating again replaces it.
    let neighbour = resident(&app, a, 1).await;
    let (status, mine) = rate(
        &a.resident,
        json!({ "rating": 4, "comment": "施工噪音有点大" }),
    )
    .await;
    assert_eq!(
        (status, mine["rating"].as_i64()),
        (StatusCode::OK, Some(4)),
        "{mine}"
    );
    assert_eq!(
        rate(&a.resident, json!({ "rating": 2 })).await.0,
        StatusCode::OK
    );
    assert_eq!(
        rate(&neighbour, json!({ "rating": 5 })).await.0,
        StatusCode::OK
    );
    for bad in [
        json!({ "rating": 0 }),
        json!({ "rating": 6 }),
        json!({ "rating": 3, "who": 1 }),
    ] {
        assert_eq!(
            rate(&a.resident, bad).await.0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        rate(&a.staff, json!({ "rating": 5 })).await.0,
        StatusCode::FORBIDDEN,
        "staff are no residents"
    );
    assert_eq!(
        rate(&a.member, json!({ "rating": 1 })).await.0,
        StatusCode::FORBIDDEN
    );
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM topic_ratings WHERE topic_id = {id}"
        ))
        .await;
    assert_eq!(stored, 2);
    let (_, view) = app.get(&topic(a, id, ""), a.resident.token()).await;
    assert_eq!(
        (
            view["my_rating"].as_i64(),
            view["ratings"]["count"].as_i64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(
        (
            view["ratings"]["average"].as_f64(),
            view["ratings"]["distribution"].clone()
        ),
        (Some(3.5), json!([0, 1, 0, 0, 1]))
    );
    let (status, list) = app.get(&topic(a, id, "/ratings"), a.staff.token()).await;
    assert_eq!(
        (status, list.as_array().map(Vec::len)),
        (StatusCode::OK, Some(2))
    );
    let keys: Vec<&String> = list[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["comment", "rated_at", "rating"], "nobody named");

    let (status, view) = send(
        &app,
        Method::POST,
        &topic(a, id, "/close-evaluation"),
        Some(&a.staff),
    )
    .await;
    assert_eq!(
        (status, view["stage"].as_str()),
        (StatusCode::OK, Some("evaluated")),
        "{view}"
    );
    let timeline = view["timeline"].as_array().unwrap();
    let evaluated = timeline.last().unwrap();
    assert_eq!(
        (
            evaluated["kind"].as_str(),
            evaluated["data"]["count"].as_i64(),
            evaluated["data"]["average"].as_f64()
        ),
        (Some("evaluated"), Some(2), Some(3.5))
    );
    assert_eq!(
        rate(&a.resident, json!({ "rating": 5 })).await.0,
        StatusCode::CONFLICT,
        "closed"
    );
    assert_eq!(
        update(json!({ "body": "补充说明" })).await.0,
        StatusCode::CONFLICT
    );

    // 决议公开 without logging in: the result, the updates, the ratings, nobody named.
    let (status, page) = app.get(&topics(a, "/decisions"), None).await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let decision = &items[0];
    let kinds: Vec<&str> = decision["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for kind in ["vote_closed", "implementation_update", "evaluated"] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    let closed = decision["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "vote_closed")
        .unwrap();
    assert_eq!(closed["data"]["outcome"], "passed");
    let text = decision.to_string();
    assert!(text.contains("电梯已完成招标") && text.contains("img:bid-notice.jpg"));
    assert_eq!(
        (
            decision["ratings"]["count"].as_i64(),
            decision["ratings"]["average"].as_f64()
        ),
        (Some(2), Some(3.5))
    );
    assert!(
        !text.contains("actor_id")
            && !text.contains("raised_by")
            && !text.contains("my_rating")
            && !text.contains("施工噪音"),
        "{text}"
    );
    let (_, log) = app
        .get(
            &format!("{}?action=topic.rated", topics(a, "/audit-log")),
            a.community_admin.token(),
        )
        .await;
    assert_eq!(log["items"].as_array().map(Vec::len), Some(3));
}

crate::backend_tests!(
    threaded_and_moderated_discussion,
    meetings_name_attendees_to_the_community_only,
    implementation_ratings_and_the_decisions_page,
);
