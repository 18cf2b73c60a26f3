//! Surveys: building one (and each refusal), every question kind answered and read back,
//! skip logic, each bad answer refused with its field and nothing written, the lifecycle
//! with its frozen audience, edits with a receipt, and the built-in templates.

use crate::helpers::TestApp;
use crate::surveying::{
    close, content, draft, every_kind, open_survey, respond, responded, survey_body, survey_path,
};
use crate::voting::{crowd, in_minutes};
use crate::world::{self, done};
use chrono::TimeDelta;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn field_codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    let text = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
                    (text("field"), text("code"))
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn every_kind_is_answered_and_read_back(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let survey = open_survey(&app, a, every_kind(), json!({"anonymous": false})).await;
    // Unhappy with security: the follow-up is shown and answered.
    let answers = json!({"channel": 2, "security": 2, "concerns": [2, 0], "service": "poor",
                         "recommend": 0, "words": "  晚上路灯太暗  "});
    let receipt = responded(&app, a, survey, &a.resident, answers).await;
    assert_eq!(
        receipt["answers"],
        json!({"channel": 2, "security": 2, "concerns": [0, 2], "service": "poor",
               "recommend": 0, "words": "晚上路灯太暗"})
    );
    let receipt_code = receipt["receipt"].as_str().unwrap();
    assert_eq!(receipt_code.len(), 23, "{receipt}");
    // A named survey: the respondent reads their own answers back.
    let (status, mine) = app
        .get(
            &survey_path(a, survey, "/responses/mine"),
            a.resident.token(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine, receipt["answers"]);
    let (_, view) = app
        .get(&survey_path(a, survey, ""), a.resident.token())
        .await;
    assert_eq!(view["me"], json!({"in_audience": true, "responded": true}));
    assert_eq!(view["responses"], 1);
    assert_eq!(
        view["questions"][2]["show_if"],
        json!({"question": "security", "any_of": [1, 2]})
    );
}

async fn each_bad_answer_names_its_field_and_writes_nothing(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let survey = open_survey(&app, a, every_kind(), json!({})).await;
    let with = |changes: Value| {
        let mut answers = content();
        for (k, v) in changes.as_object().unwrap() {
            match v {
                Value::Null => answers.as_object_mut().unwrap().remove(k),
                v => answers
                    .as_object_mut()
                    .unwrap()
                    .insert(k.clone(), v.clone()),
            };
        }
        answers
    };
    let cases = [
        (
            with(json!({"security": null})),
            "answers.security",
            "required",
        ),
        (
            with(json!({"nonsense": 1})),
            "answers.nonsense",
            "unknown_question",
        ),
        (
            with(json!({"security": "5"})),
            "answers.security",
            "invalid_type",
        ),
        (with(json!({"security": 6})), "answers.security", "range"),
        (with(json!({"security": 0})), "answers.security", "range"),
        (with(json!({"channel": 3})), "answers.channel", "range"),
        (
            with(json!({"service": "great"})),
            "answers.service",
            "invalid_value",
        ),
        (with(json!({"recommend": 11})), "answers.recommend", "range"),
        (with(json!({"recommend": -1})), "answers.recommend", "range"),
        (
            with(json!({"words": "x".repeat(2001)})),
            "answers.words",
            "length",
        ),
        (with(json!({"words": "   "})), "answers.words", "blank"),
        // Satisfied with security, so the follow-up was never shown.
        (
            with(json!({"concerns": [0]})),
            "answers.concerns",
            "not_shown",
        ),
        (
            with(json!({"security": 1, "concerns": [0, 0]})),
            "answers.concerns",
            "duplicate",
        ),
        (
            with(json!({"security": 1, "concerns": []})),
            "answers.concerns",
            "required",
        ),
        (with(json!({"security": 1})), "answers.concerns", "required"),
    ];
    for (answers, field, code) in cases {
        let (status, problem) = respond(&app, a, survey, &a.resident, answers.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{answers}: {problem}"
        );
        assert!(
            field_codes(&problem).contains(&(field.to_owned(), code.to_owned())),
            "{answers}: {problem}"
        );
    }
    let body = json!({"answers": content(), "receipt": "short"});
    let (status, problem) = app
        .post(
            &survey_path(a, survey, "/responses"),
            a.resident.token(),
            body,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let written = format!("SELECT COUNT(*) AS n FROM survey_responses WHERE survey_id = {survey}");
    assert_eq!(app.count(&written).await, 0);
    let marked = format!(
        "SELECT COUNT(*) AS n FROM survey_audience WHERE survey_id = {survey} AND responded"
    );
    assert_eq!(app.count(&marked).await, 0);
    // And then a good answer goes through.
    responded(&app, a, survey, &a.resident, content()).await;
    assert_eq!(app.count(&written).await, 1);
}

async fn a_survey_is_built_by_staff_with_sound_questions(app: TestApp) {
    let w = world::build(&app).await;
    let (a, b) = (&w.a, &w.b);
    let path = format!("/communities/{}/surveys", a.community);
    let q = |extra: Value| {
        let mut question = json!({"key": "q", "kind": "likert", "prompt": "满意吗？"});
        question
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        question
    };
    let bad = [
        (
            json!({"questions": [q(json!({})), q(json!({}))]}),
            "questions[1].key",
            "duplicate",
        ),
        (
            json!({"questions": [q(json!({"key": "has space"}))]}),
            "questions[0].key",
            "invalid_value",
        ),
        (
            json!({"questions": [q(json!({"kind": "single_choice"}))]}),
            "questions[0].options",
            "too_few_options",
        ),
        (
            json!({"questions": [q(json!({"options": ["a", "b"]}))]}),
            "questions[0].options",
            "not_for_kind",
        ),
        (
            json!({"questions": [q(json!({"kind": "free_text", "tag": "service_satisfaction"}))]}),
            "questions[0].tag",
            "not_for_kind",
        ),
        (
            json!({"questions": [q(json!({"show_if": {"question": "later", "any_of": [1]}}))]}),
            "questions[0].show_if",
            "invalid_reference",
        ),
        (
            json!({"questions": [q(json!({})), q(json!({"key": "r", "show_if": {"question": "q", "any_of": [9]}}))]}),
            "questions[1].show_if",
            "range",
        ),
        (
            json!({"questions": [q(json!({"prompt": ""}))]}),
            "questions[0].prompt",
            "blank",
        ),
        (
            json!({"template": "hunan-2022-urban-satisfaction"}),
            "questions",
            "exactly_one",
        ),
        (
            json!({"questions": null, "template": "no-such-template"}),
            "template",
            "not_found",
        ),
        (json!({"questions": []}), "questions", "length"),
        (
            json!({"closes_at": in_minutes(&app, -2)}),
            "closes_at",
            "before_start",
        ),
        (json!({"audience": "activity"}), "activity_id", "required"),
        (
            json!({"audience": "activity", "activity_id": b.activity}),
            "activity_id",
            "not_found",
        ),
        (
            json!({"audience": "organisation", "organisation_id": b.organisation}),
            "organisation_id",
            "not_found",
        ),
        (
            json!({"activity_id": a.activity}),
            "activity_id",
            "not_for_kind",
        ),
    ];
    for (extra, field, code) in bad {
        let body = survey_body(&app, json!([q(json!({}))]), extra.clone());
        let (status, problem) = app.post(&path, a.staff.token(), body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{extra}: {problem}"
        );
        assert!(
            field_codes(&problem).contains(&(field.to_owned(), code.to_owned())),
            "{extra}: {problem}"
        );
    }
    let good = survey_body(&app, json!([q(json!({}))]), json!({}));
    let (status, _) = app.post(&path, a.resident.token(), good.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&path, b.staff.token(), good.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another community's staff");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM surveys").await, 0);
    // Audiences of an activity and an organisation of the community itself are fine.
    let activity = json!({"audience": "activity", "activity_id": a.activity});
    draft(&app, a, json!([q(json!({}))]), activity).await;
    let members = json!({"audience": "organisation", "organisation_id": a.organisation});
    draft(&app, a, json!([q(json!({}))]), members).await;
}

async fn a_survey_runs_from_draft_to_archive_with_its_audience_frozen(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let starts = json!({"opens_at": in_minutes(&app, 60), "allow_edit": true});
    let survey = draft(&app, a, every_kind(), starts).await;
    let path = survey_path(a, survey, "");
    // A draft is staff's alone, and may be replaced.
    assert_eq!(
        app.get(&path, a.resident.token()).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&path, a.staff.token()).await.0, StatusCode::OK);
    let renamed = survey_body(
        &app,
        every_kind(),
        json!({"title": "改名", "opens_at": in_minutes(&app, 60), "allow_edit": true}),
    );
    let (status, view) = app
        .call(Method::PUT, &path, a.staff.token(), Some(renamed.clone()))
        .await;
    assert_eq!(
        (status, view["title"].as_str()),
        (StatusCode::OK, Some("改名")),
        "{view}"
    );
    let view = done(
        &app,
        &survey_path(a, survey, "/publish"),
        &a.staff,
        json!({}),
    )
    .await;
    assert_eq!(view["status"], "scheduled");
    let (status, _) = app
        .call(Method::PUT, &path, a.staff.token(), Some(renamed))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "questions are fixed once published"
    );
    let (status, problem) = respond(&app, a, survey, &a.resident, content()).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("survey_not_open"))
    );
    // It opens on time; who is asked is fixed then.
    app.state.clock.advance(TimeDelta::minutes(61));
    let (_, view) = app.get(&path, a.resident.token()).await;
    assert_eq!(view["status"], "open", "{view}");
    let verified = format!(
        "SELECT COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.community_id = {} AND m.status = 'verified' AND u.status = 'active'",
        a.community
    );
    assert_eq!(
        view["audience_size"].as_i64(),
        Some(app.count(&verified).await)
    );
    let latecomer = &crowd(&app, a, 1, None).await[0];
    let (status, problem) = respond(&app, a, survey, latecomer, content()).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_in_audience"))
    );
    let (status, _) = respond(&app, a, survey, &a.member, content()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a member awaiting verification"
    );
    let (status, _) = respond(&app, a, survey, &w.b.resident, content()).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another community's resident"
    );
    let receipt = responded(&app, a, survey, &a.resident, content()).await;
    let (status, problem) = respond(&app, a, survey, &a.resident, content()).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_responded"))
    );
    // An anonymous response is edited with its receipt, and stays one response.
    let mine = survey_path(a, survey, "/responses/mine");
    let mut edit = json!({"answers": {"channel": 1, "security": 1, "concerns": [1], "service": "average", "recommend": 3}});
    let (status, problem) = app
        .call(Method::PUT, &mine, a.resident.token(), Some(edit.clone()))
        .await;
    assert_eq!(
        (status, field_codes(&problem)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("receipt".into(), "required".into())]
        )
    );
    edit["receipt"] = json!("ABCDE-FGHJK-MNPQR-STUVW");
    let (status, problem) = app
        .call(Method::PUT, &mine, a.resident.token(), Some(edit.clone()))
        .await;
    assert_eq!(
        (status, field_codes(&problem)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("receipt".into(), "unknown_receipt".into())]
        )
    );
    edit["receipt"] = receipt["receipt"].clone();
    let (status, edited) = app
        .call(Method::PUT, &mine, a.resident.token(), Some(edit))
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["answers"]["concerns"], json!([1]));
    let (status, _) = app.get(&mine, a.resident.token()).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "an anonymous survey links no answers to anyone"
    );
    // Closing early, then archiving; nothing is answered after close.
    let (status, _) = app
        .post(
            &survey_path(a, survey, "/close"),
            a.resident.token(),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    close(&app, a, survey).await;
    let (status, problem) = respond(&app, a, survey, &a.volunteer, content()).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("survey_not_open"))
    );
    let view = done(
        &app,
        &survey_path(a, survey, "/archive"),
        &a.staff,
        json!({}),
    )
    .await;
    assert_eq!(view["status"], "archived");
    let list = format!("/communities/{}/surveys", a.community);
    let (_, everyday) = app.get(&list, a.resident.token()).await;
    assert_eq!(everyday["items"], json!([]), "{everyday}");
    let (_, archived) = app
        .get(&format!("{list}?status=archived"), a.resident.token())
        .await;
    assert_eq!(archived["items"][0]["id"], survey);
    let trail = crate::world::audit_of(&app, a, "survey", survey).await;
    let actions: Vec<&str> = trail.iter().filter_map(|r| r["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "survey.archive",
            "survey.close",
            "survey.open",
            "survey.publish",
            "survey.edit",
            "survey.create"
        ]
    );
}

async fn a_survey_closes_by_itself_and_a_retry_is_answered_again(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let neighbour = &crowd(&app, a, 1, None).await[0];
    let survey = open_survey(&app, a, every_kind(), json!({})).await;
    let body = json!({"answers": content(), "receipt": "my-own-receipt-0001"});
    let path = survey_path(a, survey, "/responses");
    let (first, receipt) = app.post(&path, a.resident.token(), body.clone()).await;
    let (again, same) = app.post(&path, a.resident.token(), body).await;
    assert_eq!((first, again), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(receipt, same);
    let changed = json!({"answers": {"channel": 1, "security": 5, "service": "good", "recommend": 9}, "receipt": "my-own-receipt-0001"});
    let (status, _) = app.post(&path, a.resident.token(), changed).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "different answers are not a retry"
    );
    let copied = json!({"answers": content(), "receipt": "my-own-receipt-0001"});
    let (status, _) = app.post(&path, neighbour.token(), copied).await;
    assert_eq!(status, StatusCode::CONFLICT, "someone else's receipt");
    app.state.clock.advance(TimeDelta::days(2));
    let (_, view) = app.get(&survey_path(a, survey, ""), None).await;
    assert_eq!(view["status"], "closed", "{view}");
    assert_eq!(view["responses"], 1);
}

async fn built_in_templates_make_a_ready_survey(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let (status, templates) = app.get("/survey-templates", None).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = templates
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "hunan-2022-urban-satisfaction",
            "hunan-2022-rural-satisfaction",
            "activity-feedback"
        ]
    );
    let body = json!({"template": "hunan-2022-urban-satisfaction", "questions": null});
    let survey = open_survey(&app, a, Value::Null, body).await;
    let (_, view) = app
        .get(&survey_path(a, survey, ""), a.resident.token())
        .await;
    assert_eq!(view["template"], "hunan-2022-urban-satisfaction");
    let tags: Vec<&str> = view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["tag"].as_str())
        .collect();
    assert!(
        tags.contains(&"security_satisfaction") && tags.contains(&"resident_satisfaction"),
        "{tags:?}"
    );
    let answers = json!({"self_governance": 4, "management": 4, "services": 5, "security": 2,
                         "security_concerns": [1, 3], "environment": 3, "civility": 5, "overall": 4});
    responded(&app, a, survey, &a.resident, answers).await;
}

async fn an_activity_or_organisation_survey_asks_only_its_people(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let people = crowd(&app, a, 3, None).await;
    // people[0] attended (verified), people[1] was turned away, people[2] never came.
    for (person, status) in [(&people[0], "verified"), (&people[1], "rejected")] {
        let now = if app.on_postgres() {
            "NOW()"
        } else {
            "CURRENT_TIMESTAMP"
        };
        app.sql(&format!(
            "INSERT INTO attendance (activity_id, user_id, source, started_at, ended_at, minutes, \
             status, created_at) VALUES ({}, {}, 'check_in', {now}, {now}, 60, '{status}', {now})",
            a.activity, person.id
        ))
        .await;
    }
    let attendees = json!({"audience": "activity", "activity_id": a.activity});
    let survey = open_survey(&app, a, every_kind(), attendees).await;
    let (_, view) = app.get(&survey_path(a, survey, ""), a.staff.token()).await;
    assert_eq!(view["audience_size"], 1, "{view}");
    responded(&app, a, survey, &people[0], content()).await;
    for outsider in [&people[1], &people[2], &a.resident] {
        let (status, problem) = respond(&app, a, survey, outsider, content()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    }
    // The organisation's members: its leader, the side's resident.
    let members = json!({"audience": "organisation", "organisation_id": a.organisation});
    let survey = open_survey(&app, a, every_kind(), members).await;
    let listed = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM organisation_members WHERE organisation_id = {}",
            a.organisation
        ))
        .await;
    let (_, view) = app
        .get(&survey_path(a, survey, ""), a.resident.token())
        .await;
    assert_eq!(view["audience_size"].as_i64(), Some(listed));
    assert_eq!(view["me"]["in_audience"], true);
    responded(&app, a, survey, &a.resident, content()).await;
    let (status, _) = respond(&app, a, survey, &people[0], content()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

crate::backend_tests!(
    every_kind_is_answered_and_read_back,
    each_bad_answer_names_its_field_and_writes_nothing,
    a_survey_is_built_by_staff_with_sound_questions,
    a_survey_runs_from_draft_to_archive_with_its_audience_frozen,
    a_survey_closes_by_itself_and_a_retry_is_answered_again,
    built_in_templates_make_a_ready_survey,
    an_activity_or_organisation_survey_asks_only_its_people,
);
