//! Consultation topics from raising to acceptance: the co-signer rules, who raises what,
//! co-signing (and its refusals), the 四议两公开 steps gating the stages, and who reads which
//! topics. The discussion and what follows the decision are in `topic_outcomes`.

use crate::helpers::{TestApp, User};
use crate::world::{self, Side};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use wushe::audit::Actor;
use wushe::error::ApiError;
use wushe::topics::TopicStage;
use wushe::topics::timeline::{self, Event, EventKind};

pub fn topic(side: &Side, id: i64, rest: &str) -> String {
    format!("/communities/{}/topics/{id}{rest}", side.community)
}

pub fn topics(side: &Side, rest: &str) -> String {
    format!("/communities/{}{rest}", side.community)
}

/// Raises a topic as `by` with `extra` fields; returns its id.
pub async fn raise(app: &TestApp, side: &Side, by: &User, extra: Value) -> i64 {
    let mut body = json!({ "title": "小区增设充电桩", "body": "电动车在楼道充电很危险。" });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let raised = world::created(app, &topics(side, "/topics"), by, body).await;
    raised["id"].as_i64().unwrap()
}

/// Moves a topic as the votes module does, through `topics::stage::advance`.
pub async fn force(app: &TestApp, side: &Side, id: i64, to: TopicStage) -> Result<(), ApiError> {
    let (community, clock) = (side.community, app.state.clock.clone());
    app.state
        .db
        .write(move |conn| {
            let row = wushe::topics::store::find(conn, community, id)?;
            wushe::topics::stage::advance(conn, &Actor::default(), &row, to, clock.now())
        })
        .await
}

/// Stands in for a vote: opens it, closes it with a result on the timeline, decides.
pub async fn decide(app: &TestApp, side: &Side, id: i64) {
    force(app, side, id, TopicStage::Voting).await.unwrap();
    let now = app.state.clock.now();
    app.state
        .db
        .write(move |conn| {
            let result = json!({ "outcome": "passed", "turnout": 412, "yes": 300, "no": 90 });
            let event = Event::new(EventKind::VoteClosed, None).data(result);
            timeline::record(conn, id, event, now)
        })
        .await
        .unwrap();
    force(app, side, id, TopicStage::Decided).await.unwrap();
}

/// A newly verified resident of the side's household.
pub async fn resident(app: &TestApp, side: &Side, n: i64) -> User {
    let phone = format!("1391{:03}{n:04}", side.community);
    world::verified_resident(
        app,
        side.community,
        side.household,
        &side.staff,
        &phone,
        "邻居",
    )
    .await
}

pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    by: Option<&User>,
) -> (StatusCode, Value) {
    app.call(method, path, by.and_then(User::token), None).await
}

pub fn field_code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or_default()
}

/// Asserts a refusal with its status and the code of its first field.
#[track_caller]
pub fn refused((status, body): (StatusCode, Value), want: StatusCode, code: &str) {
    assert_eq!((status, field_code(&body)), (want, code), "{body}");
}

async fn settings_and_threshold(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let (status, rules) = app.get(&topics(a, "/consultation-settings"), None).await;
    assert_eq!(status, StatusCode::OK, "{rules}");
    assert_eq!(rules["cosigners_minimum"], 5);
    assert_eq!(rules["cosigners_household_permille"], 10);
    assert_eq!(rules["cosigners_required"], 5);
    let households = rules["households"].as_i64().unwrap();
    // 100% of households with a minimum of one: one co-signer per household.
    let all = json!({ "cosigners_minimum": 1, "cosigners_household_permille": 1000 });
    let put = async |body: Value, by: &User| {
        app.call(
            Method::PUT,
            &topics(a, "/consultation-settings"),
            by.token(),
            Some(body),
        )
        .await
    };
    let (status, saved) = put(all, &a.staff).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["cosigners_required"], households);
    let (status, _) = put(
        json!({ "cosigners_minimum": 0, "cosigners_household_permille": 10 }),
        &a.staff,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = put(
        json!({ "cosigners_minimum": 2, "cosigners_household_permille": 10, "x": 1 }),
        &a.staff,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = put(
        json!({ "cosigners_minimum": 2, "cosigners_household_permille": 10 }),
        &a.resident,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, saved) = put(
        json!({ "cosigners_minimum": 3, "cosigners_household_permille": 10 }),
        &a.community_admin,
    )
    .await;
    assert_eq!(
        (status, saved["cosigners_required"].as_i64()),
        (StatusCode::OK, Some(3))
    );
    // B's rules are B's own.
    let (_, b_rules) = app
        .get(&topics(&world.b, "/consultation-settings"), None)
        .await;
    assert_eq!(b_rules["cosigners_minimum"], 5);
}

async fn residents_topic_needs_its_cosigners(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let rules = json!({ "cosigners_minimum": 2, "cosigners_household_permille": 0 });
    app.call(
        Method::PUT,
        &topics(a, "/consultation-settings"),
        a.staff.token(),
        Some(rules),
    )
    .await;
    let id = raise(&app, a, &a.resident, json!({})).await;
    // Raising the bar later does not move it for this topic.
    let rules = json!({ "cosigners_minimum": 9, "cosigners_household_permille": 0 });
    app.call(
        Method::PUT,
        &topics(a, "/consultation-settings"),
        a.staff.token(),
        Some(rules),
    )
    .await;
    let (_, view) = app.get(&topic(a, id, ""), a.resident.token()).await;
    assert_eq!(
        (view["origin"].as_str(), view["stage"].as_str()),
        (Some("residents"), Some("proposed"))
    );
    assert_eq!(
        (
            view["cosigners_required"].as_i64(),
            view["cosigners"].as_i64()
        ),
        (Some(2), Some(0))
    );
    let cosign = topic(a, id, "/cosign");
    refused(
        send(&app, Method::POST, &cosign, Some(&a.resident)).await,
        StatusCode::CONFLICT,
        "own_topic",
    );
    for stranger in [&a.staff, &a.member, &a.volunteer] {
        let (status, _) = send(&app, Method::POST, &cosign, Some(stranger)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "only verified residents co-sign"
        );
    }
    let (status, _) = send(&app, Method::POST, &cosign, Some(&world.outsider)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    refused(
        send(&app, Method::POST, &topic(a, id, "/accept"), Some(&a.staff)).await,
        StatusCode::CONFLICT,
        "too_few",
    );

    let (one, two) = (resident(&app, a, 1).await, resident(&app, a, 2).await);
    let (status, view) = send(&app, Method::POST, &cosign, Some(&one)).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(
        (view["cosigners"].as_i64(), view["cosigned_by_me"].as_bool()),
        (Some(1), Some(true))
    );
    let (status, body) = send(&app, Method::POST, &cosign, Some(&one)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        (body["code"].as_str(), field_code(&body)),
        (Some("already_exists"), "already_cosigned")
    );
    let (status, view) = send(&app, Method::DELETE, &cosign, Some(&one)).await;
    assert_eq!(
        (status, view["cosigners"].as_i64()),
        (StatusCode::OK, Some(0))
    );
    refused(
        send(&app, Method::DELETE, &cosign, Some(&one)).await,
        StatusCode::CONFLICT,
        "not_cosigned",
    );
    send(&app, Method::POST, &cosign, Some(&one)).await;
    let (_, view) = send(&app, Method::POST, &cosign, Some(&two)).await;
    assert_eq!(view["cosigners"], 2);
    // Someone else's view: not co-signed by them; the timeline notes the threshold once.
    let (_, view) = app.get(&topic(a, id, ""), a.staff.token()).await;
    assert_eq!(view["cosigned_by_me"], false);
    let kinds: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["raised", "cosigned"]);

    let (status, body) = send(
        &app,
        Method::POST,
        &topic(a, id, "/accept"),
        Some(&a.resident),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, view) = send(&app, Method::POST, &topic(a, id, "/accept"), Some(&a.staff)).await;
    assert_eq!(
        (status, view["stage"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "{view}"
    );
    refused(
        send(&app, Method::POST, &topic(a, id, "/accept"), Some(&a.staff)).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    );
    let (status, _) = send(&app, Method::DELETE, &cosign, Some(&one)).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "signatures are final once accepted"
    );
    let (status, log) = app
        .get(
            &format!("{}?action=topic.cosigned", topics(a, "/audit-log")),
            a.community_admin.token(),
        )
        .await;
    assert_eq!(
        (status, log["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(3))
    );
    // B's staff cannot touch A's topic, even through B's path.
    let b = &world.b;
    let reason = json!({ "reason": "不予受理" });
    let (status, _) = app
        .post(&topic(b, id, "/reject"), b.staff.token(), reason)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for path in [
        topic(b, id, "/open-discussion"),
        topic(a, id, "/open-discussion"),
    ] {
        let (status, _) = send(&app, Method::POST, &path, Some(&b.staff)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

async fn who_raises_what(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let staff_topic = raise(
        &app,
        a,
        &a.staff,
        json!({ "origin": "staff", "special": true }),
    )
    .await;
    let (_, view) = app.get(&topic(a, staff_topic, ""), a.staff.token()).await;
    assert_eq!(
        (
            view["cosigners_required"].as_i64(),
            view["special"].as_bool()
        ),
        (Some(0), Some(true))
    );
    assert_eq!(view["raised_by"], a.staff.id);
    let post =
        async |by: &User, body: Value| app.post(&topics(a, "/topics"), by.token(), body).await;
    let base = |extra: Value| {
        let mut body = json!({ "title": "修缮健身器材", "body": "健身器材坏了两个月。" });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let (status, _) = post(&a.resident, base(json!({ "origin": "staff" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    refused(
        post(&a.staff, base(json!({ "procedure": "four_two" }))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "staff_only",
    );
    let (status, _) = post(&a.staff, base(json!({})).clone()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "staff are no residents of the community"
    );
    let (status, _) = post(&a.member, base(json!({}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&world.outsider, base(json!({}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for bad in [
        json!({ "title": "" }),
        json!({ "title": "a\nb" }),
        json!({ "role": "x" }),
        json!({ "body": "长".repeat(5001) }),
    ] {
        let (status, body) = post(&a.resident, base(bad.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }

    // An organisation serving A, led by the outsider (not a resident of A).
    let now = "'2026-01-01 00:00:00'";
    app.sql(&format!(
        "INSERT INTO organisations (id, name, category, registration, created_by, created_at, updated_at) \
         VALUES (900, '睦邻互助会', 'mutual_aid', 'filed', {}, {now}, {now})",
        world.outsider.id
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO organisation_members (organisation_id, user_id, role, joined_at) VALUES (900, {}, 'leader', {now}), (900, {}, 'member', {now})",
        world.outsider.id, a.resident.id
    ))
    .await;
    let organisation = || base(json!({ "origin": "organisation", "organisation_id": 900 }));
    let (status, body) = post(&world.outsider, organisation()).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not yet approved to serve A: {body}"
    );
    refused(
        post(&a.resident, organisation()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_a_leader",
    );
    app.sql(&format!(
        "INSERT INTO organisation_communities (organisation_id, community_id, status, requested_by, requested_at) \
         VALUES (900, {}, 'approved', {}, {now})",
        a.community, world.outsider.id
    ))
    .await;
    refused(
        post(&a.resident, organisation()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_a_leader",
    ); // a member, not the leader
    let (status, body) = post(&world.outsider, base(json!({ "origin": "organisation" }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // A retried request raises the topic once.
    let request = |key: &str| {
        app.client
            .post(app.url(&topics(a, "/topics")))
            .bearer_auth(&world.outsider.access)
            .header("Idempotency-Key", key)
            .json(&organisation())
            .send()
    };
    let first: Value = request("org-topic-1").await.unwrap().json().await.unwrap();
    let again: Value = request("org-topic-1").await.unwrap().json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    assert_eq!(
        (
            first["origin"].as_str(),
            first["organisation_name"].as_str()
        ),
        (Some("organisation"), Some("睦邻互助会"))
    );
    assert_eq!(first["cosigners_required"], 0);
    let counted = app
        .count("SELECT COUNT(*) AS n FROM topics WHERE organisation_id = 900")
        .await;
    assert_eq!(counted, 1);
    let (status, view) = send(
        &app,
        Method::POST,
        &topic(a, first["id"].as_i64().unwrap(), "/accept"),
        Some(&a.staff),
    )
    .await;
    assert_eq!(
        (status, view["stage"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    // Only residents' topics are co-signed.
    refused(
        send(
            &app,
            Method::POST,
            &topic(a, staff_topic, "/cosign"),
            Some(&a.resident),
        )
        .await,
        StatusCode::CONFLICT,
        "not_cosignable",
    );
}

async fn four_two_steps_gate_the_stages(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let id = raise(
        &app,
        a,
        &a.staff,
        json!({ "origin": "staff", "procedure": "four_two" }),
    )
    .await;
    let step = async |name: &str, by: &User| {
        let body = json!({ "step": name, "note": format!("{name} 已记录") });
        app.call(
            Method::POST,
            &topic(a, id, "/procedure-steps"),
            by.token(),
            Some(body),
        )
        .await
    };
    let moved =
        async |rest: &str| send(&app, Method::POST, &topic(a, id, rest), Some(&a.staff)).await;
    refused(moved("/accept").await, StatusCode::CONFLICT, "step_missing");
    refused(
        step("committees_discussion", &a.staff).await,
        StatusCode::CONFLICT,
        "out_of_order",
    );
    let (status, _) = step("branch_proposal", &a.resident).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = step("branch_proposal", &a.staff).await;
    assert_eq!(
        (status, body["step"].as_str()),
        (StatusCode::CREATED, Some("branch_proposal")),
        "{body}"
    );
    refused(
        step("branch_proposal", &a.staff).await,
        StatusCode::CONFLICT,
        "out_of_order",
    ); // repeated
    refused(
        step("committees_discussion", &a.staff).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    ); // not accepted yet
    assert_eq!(moved("/accept").await.0, StatusCode::OK);
    refused(
        moved("/open-discussion").await,
        StatusCode::CONFLICT,
        "step_missing",
    );
    assert_eq!(
        step("committees_discussion", &a.staff).await.0,
        StatusCode::CREATED
    );
    assert_eq!(moved("/open-discussion").await.0, StatusCode::OK);
    // The vote cannot open before the party members' review.
    let blocked = force(&app, a, id, TopicStage::Voting).await.unwrap_err();
    assert_eq!(blocked.fields[0].code, "step_missing");
    assert_eq!(
        step("members_review", &a.staff).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        step("meeting_resolution", &a.staff).await.0,
        StatusCode::CONFLICT,
        "before the vote"
    );
    decide(&app, a, id).await;
    assert_eq!(
        step("meeting_resolution", &a.staff).await.0,
        StatusCode::CREATED
    );
    refused(
        moved("/start-implementation").await,
        StatusCode::CONFLICT,
        "step_missing",
    );
    assert_eq!(
        step("resolution_public", &a.staff).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        step("result_public", &a.staff).await.0,
        StatusCode::CONFLICT,
        "not implementing yet"
    );
    assert_eq!(moved("/start-implementation").await.0, StatusCode::OK);
    refused(
        moved("/close-evaluation").await,
        StatusCode::CONFLICT,
        "step_missing",
    );
    assert_eq!(step("result_public", &a.staff).await.0, StatusCode::CREATED);
    let (status, view) = moved("/close-evaluation").await;
    assert_eq!(
        (status, view["stage"].as_str()),
        (StatusCode::OK, Some("evaluated"))
    );
    let steps: Vec<&str> = view["procedure_steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["step"].as_str())
        .collect();
    assert_eq!(
        steps,
        [
            "branch_proposal",
            "committees_discussion",
            "members_review",
            "meeting_resolution",
            "resolution_public",
            "result_public"
        ]
    );
    // The public reads the steps with their notes, on the decisions page too.
    let (_, page) = app.get(&topics(a, "/decisions"), None).await;
    let listed = &page["items"][0];
    assert_eq!(
        (
            listed["id"].as_i64(),
            listed["procedure_steps"].as_array().map(Vec::len)
        ),
        (Some(id), Some(6))
    );
    let step_events = listed["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "procedure_step")
        .count();
    assert_eq!(step_events, 6);
    // A standard topic has no steps.
    refused(
        app.post(
            &topic(a, a.topic, "/procedure-steps"),
            a.staff.token(),
            json!({ "step": "branch_proposal", "note": "提议" }),
        )
        .await,
        StatusCode::CONFLICT,
        "not_four_two",
    );
}

async fn strangers_read_only_decided_topics(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let proposed = raise(&app, a, &a.resident, json!({})).await;
    let decided = raise(
        &app,
        a,
        &a.staff,
        json!({ "origin": "staff", "title": "楼道照明改造" }),
    )
    .await;
    send(
        &app,
        Method::POST,
        &topic(a, decided, "/accept"),
        Some(&a.staff),
    )
    .await;
    send(
        &app,
        Method::POST,
        &topic(a, decided, "/open-discussion"),
        Some(&a.staff),
    )
    .await;
    decide(&app, a, decided).await;
    let rejected = raise(&app, a, &a.staff, json!({ "origin": "staff" })).await;
    let (status, view) = app
        .post(
            &topic(a, rejected, "/reject"),
            a.staff.token(),
            json!({ "reason": "不属于社区事务" }),
        )
        .await;
    assert_eq!(
        (status, view["rejection_reason"].as_str()),
        (StatusCode::OK, Some("不属于社区事务"))
    );

    let ids = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["id"].as_i64())
            .collect()
    };
    for stranger in [None, Some(&a.member), Some(&world.outsider), Some(&b.staff)] {
        let (status, page) = send(&app, Method::GET, &topics(a, "/topics"), stranger).await;
        assert_eq!((status, ids(&page)), (StatusCode::OK, vec![decided]));
        for hidden in [proposed, rejected, a.topic] {
            let (status, body) = send(&app, Method::GET, &topic(a, hidden, ""), stranger).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
            let (status, _) =
                send(&app, Method::GET, &topic(a, hidden, "/meetings"), stranger).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        let (status, view) = send(&app, Method::GET, &topic(a, decided, ""), stranger).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            view.get("raised_by").is_none() && view.get("cosigned_by_me").is_none(),
            "{view}"
        );
        assert!(
            view["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e.get("actor_id").is_none())
        );
    }
    let (_, page) = app.get(&topics(a, "/topics"), a.resident.token()).await;
    assert_eq!(ids(&page), [rejected, decided, proposed, a.topic]);
    let (_, page) = app
        .get(
            &format!("{}?stage=proposed&origin=residents", topics(a, "/topics")),
            a.grid_worker.token(),
        )
        .await;
    assert_eq!(ids(&page), [proposed]);
    let (_, page) = app
        .get(
            &format!("{}?procedure=four_two", topics(a, "/topics")),
            a.resident.token(),
        )
        .await;
    assert_eq!(ids(&page), Vec::<i64>::new());
    let (_, page) = app
        .get(
            &format!("{}?limit=2", topics(a, "/topics")),
            a.resident.token(),
        )
        .await;
    let (_, rest) = app
        .get(
            &format!(
                "{}?limit=2&cursor={}",
                topics(a, "/topics"),
                page["next_cursor"].as_str().unwrap()
            ),
            a.resident.token(),
        )
        .await;
    assert_eq!(
        (ids(&page), ids(&rest)),
        (vec![rejected, decided], vec![proposed, a.topic])
    );
    let (status, _) = app
        .get(&format!("{}?stage=sideways", topics(a, "/topics")), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another community's ids answer 404 under this community, decided or not.
    for id in [decided, proposed] {
        let (status, body) = app.get(&topic(b, id, ""), b.staff.token()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    let (_, page) = app.get(&topics(b, "/decisions"), None).await;
    assert_eq!(ids(&page), Vec::<i64>::new());
    let (status, _) = app.get("/communities/999999/decisions", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

crate::backend_tests!(
    settings_and_threshold,
    residents_topic_needs_its_cosigners,
    who_raises_what,
    four_two_steps_gate_the_stages,
    strangers_read_only_decided_topics,
);
