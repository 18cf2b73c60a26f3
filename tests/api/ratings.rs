//! Service ratings (好差评) and rectification (整改): each kind of service rated by the person
//! served and the refusals along the way, one rating per person under a crowd of parallel
//! requests, a poor rating's case from opening to acceptance (with a rejection and a missed
//! deadline), the service counter's cases, the figures of a period checked by hand, and
//! privacy: nobody at the counter or in the office sees a rater's phone or address.

use crate::activities::{self, advance, attend, codes, sign_up, two_hours};
use crate::helpers::{TestApp, User, tally};
use crate::topics::refused;
use crate::wishes;
use crate::world::{self, Side};
use chrono::{DateTime, NaiveDate, TimeDelta};
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The world's residents' phones (prefix + 0007), which no staff response may carry.
const PHONES: [&str; 2] = ["13700000007", "13600000007"];

fn path(side: &Side, rest: &str) -> String {
    format!("/communities/{}{rest}", side.community)
}

fn rating(subject: &str, id: i64, grade: &str) -> Value {
    json!({ "subject": subject, "subject_id": id, "grade": grade, "comment": "办事员很耐心" })
}

async fn rate(
    app: &TestApp,
    side: &Side,
    by: &User,
    (subject, id): (&str, i64),
    grade: &str,
) -> (StatusCode, Value) {
    app.post(
        &path(side, "/ratings"),
        by.token(),
        rating(subject, id, grade),
    )
    .await
}

/// Rates, expecting 201; returns the rating.
pub async fn rated(
    app: &TestApp,
    side: &Side,
    by: &User,
    subject: (&str, i64),
    grade: &str,
) -> Value {
    let (status, body) = rate(app, side, by, subject, grade).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// A case staff record for `resident` at the counter, still open.
async fn open_case(app: &TestApp, side: &Side, resident: i64) -> i64 {
    let body = json!({ "resident_id": resident, "service": "居住证办理", "summary": "材料齐全，当场受理。" });
    let case = world::created(app, &path(side, "/service-cases"), &side.staff, body).await;
    case["id"].as_i64().unwrap()
}

pub async fn done_case(app: &TestApp, side: &Side, resident: i64) -> i64 {
    let id = open_case(app, side, resident).await;
    let done = path(side, &format!("/service-cases/{id}/done"));
    world::done(app, &done, &side.grid_worker, json!(null)).await;
    id
}

/// A wish of `requester` that a volunteer claimed and fulfilled.
async fn fulfilled_wish(app: &TestApp, side: &Side, requester: &User) -> i64 {
    let id = wishes::published(app, side, requester).await;
    let (status, body) = wishes::claim(app, side, id, &side.volunteer).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let fulfil = path(side, &format!("/wishes/{id}/fulfil"));
    world::done(app, &fulfil, &side.volunteer, json!({ "note": "送到了" })).await;
    id
}

/// A two-hour activity that `attendee` attended (verified by check-in and check-out codes)
/// and that `absent` signed up for but missed; the clock is moved past its end.
async fn attended_activity(app: &TestApp, side: &Side, attendee: &User, absent: &User) -> i64 {
    let id = activities::published(app, side, two_hours(app)).await;
    sign_up(app, side, id, attendee).await;
    sign_up(app, side, id, absent).await;
    advance(app, 60);
    let code = codes(app, side, id, "check_in", 1).await;
    assert_eq!(
        attend(app, side, id, attendee, "check-in", &code[0])
            .await
            .0,
        StatusCode::CREATED
    );
    advance(app, 110);
    let (status, body) = rate(app, side, attendee, ("activity", id), "good").await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_completed")),
        "not before the end: {body}"
    );
    let code = codes(app, side, id, "check_out", 1).await;
    let (status, body) = attend(app, side, id, attendee, "check-out", &code[0]).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("verified")),
        "{body}"
    );
    advance(app, 11);
    id
}

/// Another verified resident of the side's household, 居民乙.
async fn second_resident(app: &TestApp, side: &Side) -> User {
    let phone = "13911112222";
    world::verified_resident(
        app,
        side.community,
        side.household,
        &side.staff,
        phone,
        "居民乙",
    )
    .await
}

fn reveals_contact(body: &Value) -> bool {
    let text = body.to_string();
    PHONES.iter().any(|p| text.contains(p)) || text.contains("栋") || text.contains("\"phone\"")
}

/// Reads `path` as `by`, expecting 200, and checks no phone or address is in it.
async fn read(app: &TestApp, path: &str, by: &User) -> Value {
    let (status, body) = app.get(path, by.token()).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    assert!(!reveals_contact(&body), "{path}: {body}");
    body
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn each_kind_of_service_is_rated_by_the_person_served(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let resident = &a.resident;

    let wish = fulfilled_wish(&app, a, resident).await;
    refused(
        rate(&app, a, &a.grid_worker, ("wish", wish), "good").await,
        StatusCode::FORBIDDEN,
        "not_a_party",
    );
    let body = rated(&app, a, resident, ("wish", wish), "good").await;
    assert_eq!(
        (
            body["subject"].as_str(),
            body["grade"].as_str(),
            body["rater_name"].as_str()
        ),
        (Some("wish"), Some("good"), Some("居民"))
    );
    assert_eq!(
        body["rectification"],
        Value::Null,
        "only a poor rating opens one"
    );
    refused(
        rate(&app, a, resident, ("wish", wish), "poor").await,
        StatusCode::CONFLICT,
        "already_rated",
    );
    let unfulfilled = wishes::published(&app, a, resident).await;
    refused(
        rate(&app, a, resident, ("wish", unfulfilled), "good").await,
        StatusCode::CONFLICT,
        "not_completed",
    );

    let case = open_case(&app, a, resident.id).await;
    refused(
        rate(&app, a, resident, ("service_case", case), "good").await,
        StatusCode::CONFLICT,
        "not_completed",
    );
    world::done(
        &app,
        &path(a, &format!("/service-cases/{case}/done")),
        &a.staff,
        json!(null),
    )
    .await;
    refused(
        rate(&app, a, &a.volunteer, ("service_case", case), "good").await,
        StatusCode::NOT_FOUND,
        "",
    ); // between the resident and the counter
    refused(
        rate(&app, a, &a.social_worker, ("service_case", case), "good").await,
        StatusCode::FORBIDDEN,
        "not_a_party",
    );
    refused(
        rate(&app, b, &b.resident, ("service_case", case), "good").await,
        StatusCode::NOT_FOUND,
        "",
    ); // another community's case
    refused(
        rate(&app, b, resident, ("service_case", case), "good").await,
        StatusCode::NOT_FOUND,
        "",
    ); // no standing there
    refused(
        rate(&app, a, resident, ("service_case", 999_999), "good").await,
        StatusCode::NOT_FOUND,
        "",
    );
    let (status, body) = app
        .post(
            &path(a, "/ratings"),
            resident.token(),
            rating("service_case", case, "excellent"),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("grade")),
        "{body}"
    );
    let (status, body) = app
        .post(
            &path(a, "/ratings"),
            resident.token(),
            json!({ "subject": "topic", "subject_id": 1, "grade": "good" }),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("subject")),
        "{body}"
    );
    let id = app
        .created_twice(
            &path(a, "/ratings"),
            resident,
            "rate-case-1",
            &rating("service_case", case, "average"),
        )
        .await
        .as_i64()
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM service_ratings WHERE subject = 'service_case'")
            .await,
        1,
        "a retried request rates once"
    );

    let activity = attended_activity(&app, a, resident, &a.volunteer).await;
    refused(
        rate(&app, a, &a.volunteer, ("activity", activity), "good").await,
        StatusCode::FORBIDDEN,
        "not_a_party",
    ); // signed up, never came
    refused(
        rate(&app, b, &b.resident, ("activity", activity), "good").await,
        StatusCode::NOT_FOUND,
        "",
    );
    rated(&app, a, resident, ("activity", activity), "good").await;

    let mine = read(&app, &path(a, "/ratings/mine"), resident).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 3, "{mine}");
    assert_eq!(mine["items"][1]["id"], id);
    let staff = read(&app, &path(a, "/ratings?subject=activity"), &a.staff).await;
    assert_eq!(
        staff["items"][0]["rater_name"], "居民",
        "staff see who rated: {staff}"
    );
    assert_eq!(staff["items"].as_array().unwrap().len(), 1);
    let (status, _) = app.get(&path(a, "/ratings"), resident.token()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "residents read their own only"
    );
    let theirs = read(&app, &path(b, "/ratings/mine"), &b.resident).await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);
    let audit = world::audit_of(&app, a, "service_rating", id).await;
    assert_eq!(audit[0]["action"], "service_rating.created");
    assert!(!reveals_contact(&audit[0]), "{}", audit[0]);
}

async fn parallel_ratings_of_one_service_make_one(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let case = done_case(&app, a, a.resident.id).await;
    let results =
        join_all((0..24).map(|_| rate(&app, a, &a.resident, ("service_case", case), "poor"))).await;
    assert_eq!(
        (
            tally(&results, StatusCode::CREATED, None),
            tally(&results, StatusCode::CONFLICT, Some("already_exists"))
        ),
        (1, 23),
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .filter(|(s, _)| *s == StatusCode::CONFLICT)
            .all(|(_, b)| b["errors"][0]["code"] == "already_rated")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM service_ratings").await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM rectifications").await,
        1,
        "one case"
    );
}

async fn a_poor_rating_is_rectified_until_the_resident_accepts(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let resident = &a.resident;
    let case = done_case(&app, a, resident.id).await;
    let poor = rated(&app, a, resident, ("service_case", case), "poor").await;
    let opened = &poor["rectification"];
    assert_eq!(
        (opened["status"].as_str(), opened["overdue"].as_bool()),
        (Some("open"), Some(false))
    );
    let due = |v: &Value| DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    assert_eq!(
        due(&opened["due_at"]) - due(&poor["created_at"]),
        TimeDelta::days(7)
    );
    let id = opened["id"].as_i64().unwrap();
    let step = |name: &str| path(a, &format!("/rectifications/{id}/{name}"));
    let reply = |text: &str| json!({ "reply": text });

    refused(
        app.post(&step("accept"), resident.token(), json!(null))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    );
    refused(
        app.post(&step("reply"), resident.token(), reply("我自己回复"))
            .await,
        StatusCode::FORBIDDEN,
        "",
    );
    refused(
        app.post(&step("reply"), b.staff.token(), reply("隔壁社区"))
            .await,
        StatusCode::NOT_FOUND,
        "",
    );
    let replied = world::done(
        &app,
        &step("reply"),
        &a.staff,
        reply("已约谈窗口人员，改进了叫号流程。"),
    )
    .await;
    assert_eq!(replied["status"], "replied");
    refused(
        app.post(&step("reply"), a.grid_worker.token(), reply("再回复"))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    );
    refused(
        app.post(&step("accept"), a.volunteer.token(), json!(null))
            .await,
        StatusCode::NOT_FOUND,
        "",
    );
    refused(
        app.post(&step("accept"), a.grid_worker.token(), json!(null))
            .await,
        StatusCode::FORBIDDEN,
        "",
    );

    let reason = json!({ "reason": "叫号还是很慢" });
    let reopened = world::done(&app, &step("reject"), resident, reason).await;
    assert_eq!(
        (
            reopened["status"].as_str(),
            reopened["rejections"].as_i64(),
            reopened["rejection_reason"].as_str()
        ),
        (Some("open"), Some(1), Some("叫号还是很慢")),
        "{reopened}"
    );
    assert!(
        due(&reopened["due_at"]) > due(&opened["due_at"]),
        "a new deadline: {reopened}"
    );
    let mine = read(&app, &path(a, "/rectifications/mine"), resident).await;
    assert_eq!(mine["items"][0]["status"], "open");
    world::done(
        &app,
        &step("reply"),
        &a.social_worker,
        reply("增加了一个窗口。"),
    )
    .await;
    let accepted = world::done(&app, &step("accept"), resident, json!(null)).await;
    assert_eq!(
        (accepted["status"].as_str(), accepted["overdue"].as_bool()),
        (Some("accepted"), Some(false))
    );
    refused(
        app.post(&step("reply"), a.staff.token(), reply("补充"))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    );
    refused(
        app.post(&step("accept"), resident.token(), json!(null))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    );
    assert_eq!(
        world::audited(&app, a, "rectification", id).await,
        [
            "rectification.accepted",
            "rectification.replied",
            "rectification.rejected",
            "rectification.replied",
            "rectification.opened"
        ]
    );

    // A second case nobody answers goes overdue a week later.
    let late = done_case(&app, a, resident.id).await;
    let late =
        rated(&app, a, resident, ("service_case", late), "poor").await["rectification"]["id"]
            .as_i64()
            .unwrap();
    let overdue = path(a, "/rectifications?overdue=true");
    assert_eq!(
        ids(&read(&app, &overdue, &a.staff).await),
        Vec::<i64>::new()
    );
    advance(&app, 7 * 24 * 60 + 1);
    assert_eq!(ids(&read(&app, &overdue, &a.staff).await), [late]);
    assert_eq!(
        ids(&read(&app, &path(a, "/rectifications?overdue=false"), &a.staff).await),
        [id]
    );
    let all = read(
        &app,
        &path(a, "/rectifications?status=open"),
        &a.grid_worker,
    )
    .await;
    assert_eq!(
        (
            all["items"][0]["overdue"].as_bool(),
            all["items"][0]["rater_name"].as_str()
        ),
        (Some(true), Some("居民"))
    );
    let (status, _) = app.get(&path(a, "/rectifications"), resident.token()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mine = read(&app, &path(a, "/ratings/mine"), resident).await;
    assert_eq!(mine["items"][0]["rectification"]["overdue"], true, "{mine}");
    assert_eq!(
        ids(&read(&app, &path(b, "/rectifications"), &b.staff).await),
        Vec::<i64>::new()
    );

    // Staff are served too; nobody answers a complaint of their own.
    let wish = fulfilled_wish(&app, a, &a.grid_worker).await;
    let own = rated(&app, a, &a.grid_worker, ("wish", wish), "poor").await;
    let own = path(
        a,
        &format!("/rectifications/{}/reply", own["rectification"]["id"]),
    );
    refused(
        app.post(&own, a.grid_worker.token(), reply("已处理")).await,
        StatusCode::FORBIDDEN,
        "",
    );
    world::done(&app, &own, &a.staff, reply("已处理")).await;
}

async fn service_cases_are_recorded_for_verified_residents(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let cases = path(a, "/service-cases");
    let body = |resident: i64| json!({ "resident_id": resident, "service": "居住证办理", "summary": "材料齐全。" });
    refused(
        app.post(&cases, a.staff.token(), body(a.member.id)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_a_member",
    );
    refused(
        app.post(&cases, a.staff.token(), body(b.resident.id)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_a_member",
    );
    refused(
        app.post(&cases, a.staff.token(), body(a.staff.id)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "own_case",
    );
    refused(
        app.post(&cases, a.resident.token(), body(a.resident.id))
            .await,
        StatusCode::FORBIDDEN,
        "",
    );
    let mut short = body(a.resident.id);
    short["service"] = json!("x");
    refused(
        app.post(&cases, a.staff.token(), short).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "length",
    );
    let mut extra = body(a.resident.id);
    extra["fee"] = json!(1);
    refused(
        app.post(&cases, a.staff.token(), extra).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_field",
    );
    let other = second_resident(&app, a).await;
    let first = open_case(&app, a, a.resident.id).await;
    let second = done_case(&app, a, other.id).await;
    let done = path(a, &format!("/service-cases/{second}/done"));
    refused(
        app.post(&done, a.staff.token(), json!(null)).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    );
    refused(
        app.post(
            &path(b, &format!("/service-cases/{first}/done")),
            b.staff.token(),
            json!(null),
        )
        .await,
        StatusCode::NOT_FOUND,
        "",
    );

    assert_eq!(
        ids(&read(&app, &cases, &a.social_worker).await),
        [second, first]
    );
    assert_eq!(
        ids(&read(&app, &format!("{cases}?status=open"), &a.staff).await),
        [first]
    );
    let by_resident = read(&app, &format!("{cases}?resident_id={}", other.id), &a.staff).await;
    assert_eq!(
        (
            ids(&by_resident),
            by_resident["items"][0]["resident_name"].as_str()
        ),
        (vec![second], Some("居民乙"))
    );
    let paged = read(&app, &format!("{cases}?limit=1"), &a.staff).await;
    let next = paged["next_cursor"].as_str().unwrap();
    assert_eq!(
        ids(&read(&app, &format!("{cases}?limit=1&cursor={next}"), &a.staff).await),
        [first]
    );
    // A resident's own cases, which no filter widens to another's.
    let mine = format!("{cases}/mine?resident_id={}", other.id);
    assert_eq!(ids(&read(&app, &mine, &a.resident).await), [first]);
    let (status, _) = app.get(&cases, a.resident.token()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        world::audited(&app, a, "service_case", second).await,
        ["service_case.done", "service_case.recorded"]
    );
}

/// The Beijing dates the ratings were given on: the period that holds them all.
fn beijing_dates(ratings: &[Value]) -> (NaiveDate, NaiveDate) {
    let dates: Vec<NaiveDate> = ratings
        .iter()
        .map(|r| {
            let at = DateTime::parse_from_rfc3339(r["created_at"].as_str().unwrap()).unwrap();
            (at.naive_utc() + TimeDelta::hours(8)).date()
        })
        .collect();
    (*dates.iter().min().unwrap(), *dates.iter().max().unwrap())
}

fn rate_of(count: i64, of: i64, basis_points: Value) -> Value {
    json!({ "count": count, "of": of, "basis_points": basis_points })
}

async fn the_figures_of_a_period_are_counted_by_hand(app: TestApp) {
    let world = world::build(&app).await;
    let (a, b) = (&world.a, &world.b);
    let two = second_resident(&app, a).await;
    let (one, two) = (&a.resident, &two);
    let wish = fulfilled_wish(&app, a, one).await;
    let mut given = vec![rated(&app, a, one, ("wish", wish), "good").await];
    // Six counter cases: good, poor (accepted in time), poor (accepted late), average,
    // poor (never answered), poor (answered, awaiting the resident).
    for (resident, grade) in [
        (one, "good"),
        (one, "poor"),
        (one, "poor"),
        (two, "average"),
        (two, "poor"),
        (two, "poor"),
    ] {
        let case = done_case(&app, a, resident.id).await;
        given.push(rated(&app, a, resident, ("service_case", case), grade).await);
    }
    let elsewhere = done_case(&app, b, b.resident.id).await;
    rated(&app, b, &b.resident, ("service_case", elsewhere), "poor").await;
    let case_of = |i: usize| given[i]["rectification"]["id"].as_i64().unwrap();
    let step = |id: i64, name: &str| path(a, &format!("/rectifications/{id}/{name}"));
    let reply = json!({ "reply": "已整改。" });
    world::done(&app, &step(case_of(2), "reply"), &a.staff, reply.clone()).await;
    world::done(&app, &step(case_of(2), "accept"), one, json!(null)).await;
    world::done(&app, &step(case_of(6), "reply"), &a.staff, reply.clone()).await;
    advance(&app, 8 * 24 * 60);
    world::done(&app, &step(case_of(3), "reply"), &a.staff, reply.clone()).await;
    world::done(&app, &step(case_of(3), "accept"), one, json!(null)).await;

    let (from, to) = beijing_dates(&given);
    let summary = read(
        &app,
        &path(a, &format!("/ratings/summary?from={from}&to={to}")),
        &a.grid_worker,
    )
    .await;
    let grades = |total, good, average, poor| json!({ "total": total, "good": good, "average": average, "poor": poor });
    assert_eq!(summary["ratings"], grades(7, 2, 1, 4), "{summary}");
    assert_eq!(
        summary["by_subject"],
        json!({ "wish": grades(1, 1, 0, 0), "activity": grades(0, 0, 0, 0), "service_case": grades(6, 1, 1, 4) })
    );
    assert_eq!(
        summary["good_rate"],
        rate_of(2, 7, json!(2857)),
        "2/7 = 28.57%"
    );
    assert_eq!(summary["rectification_rate"], rate_of(2, 4, json!(5000)));
    assert_eq!(
        summary["on_time_rectification_rate"],
        rate_of(1, 4, json!(2500))
    );
    assert_eq!(
        summary["rectifications"],
        json!({ "open": 1, "replied": 1, "accepted": 2, "accepted_on_time": 1, "overdue": 1 })
    );
    assert_eq!(
        (summary["from"].as_str(), summary["community_id"].as_i64()),
        (Some(from.to_string().as_str()), Some(a.community))
    );

    // The day before holds nothing: every count 0, every rate null.
    let before = from - TimeDelta::days(1);
    let empty = read(
        &app,
        &path(a, &format!("/ratings/summary?from=2025-01-01&to={before}")),
        &world.admin,
    )
    .await;
    assert_eq!(empty["ratings"], grades(0, 0, 0, 0), "{empty}");
    for rate in [
        "good_rate",
        "rectification_rate",
        "on_time_rectification_rate",
    ] {
        assert_eq!(empty[rate], rate_of(0, 0, Value::Null));
    }
    read(
        &app,
        &path(a, &format!("/ratings/summary?from={from}&to={to}")),
        &a.region_admin,
    )
    .await;
    let (status, _) = app
        .get(
            &path(a, &format!("/ratings/summary?from={from}&to={to}")),
            one.token(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .get(
            &path(a, &format!("/ratings/summary?from={from}&to={to}")),
            b.region_admin.token(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let staff_list = read(
        &app,
        &path(a, &format!("/ratings?grade=poor&from={from}&to={to}")),
        &a.staff,
    )
    .await;
    assert_eq!(staff_list["items"].as_array().unwrap().len(), 4);

    for (query, field, code) in [
        ("from=2026-10-01", "to", "required"),
        ("from=2026-10&to=2026-12-31", "from", "invalid_date"),
        ("from=2026-10-01&to=2026-13-01", "to", "invalid_date"),
        ("from=2026-10-02&to=2026-10-01", "to", "before_from"),
        ("from=1999-12-31&to=2026-10-01", "from", "range"),
    ] {
        let (status, body) = app
            .get(
                &path(a, &format!("/ratings/summary?{query}")),
                a.staff.token(),
            )
            .await;
        assert_eq!(
            (
                status,
                body["errors"][0]["field"].as_str(),
                body["errors"][0]["code"].as_str()
            ),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field), Some(code)),
            "{query}: {body}"
        );
    }
    let (status, body) = app
        .get(&path(a, "/ratings?from=yesterday"), a.staff.token())
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("from"))
    );
}

crate::backend_tests!(
    each_kind_of_service_is_rated_by_the_person_served,
    parallel_ratings_of_one_service_make_one,
    a_poor_rating_is_rectified_until_the_resident_accepts,
    service_cases_are_recorded_for_verified_residents,
    the_figures_of_a_period_are_counted_by_hand,
);
