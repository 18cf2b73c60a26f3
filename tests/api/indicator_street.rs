//! A month of known activity in one community (October 2026, Beijing time: from
//! 2026-09-30 16:00 to 2026-10-31 16:00 UTC), written straight to the database with the
//! timestamps that place each row inside or just outside the month. The features' own tests
//! cover how these rows come about; the indicators only read them, and need them in a closed
//! period. Every row is commented with what it adds to which metric.

use crate::fund;
use crate::helpers::TestApp;
use crate::world::{Side, done};
use serde_json::json;

/// October's expected metrics for a community given [`october`] (hand-computed).
pub const EXPECTED: &[(&str, Option<f64>)] = &[
    ("residents", Some(8.0)),
    ("households", Some(4.0)),
    ("registered_volunteers", Some(2.0)),
    ("volunteer_registration_rate", Some(0.25)),
    // 180 minutes in October: 180 × 365 / (60 × 8 × 31) = 4.41532…
    ("verified_hours_per_resident", Some(4.4153)),
    ("active_volunteers_90d", Some(2.0)),
    ("wish_fulfilment_rate", Some(0.6667)),
    ("wish_median_days_to_fulfil", Some(9.0)),
    ("vote_turnout", Some(0.6)),
    ("implementation_published_rate", Some(0.5)),
    ("security_satisfaction", Some(0.5)),
    ("resident_satisfaction", Some(0.6667)),
    ("service_satisfaction", None),
    ("service_good_rate", Some(0.3333)),
    ("rectification_rate", Some(0.6667)),
    ("rectification_on_time_rate", Some(0.3333)),
    ("social_organisations", Some(2.0)),
    ("social_organisations_life_service", Some(1.0)),
    ("social_organisations_charity", Some(1.0)),
    ("social_organisations_mutual_aid", Some(0.0)),
    ("community_workers", Some(2.0)),
    ("social_workers", Some(1.0)),
    ("social_worker_ratio", Some(0.5)),
    ("fund_raised_fen", Some(15000.0)),
    ("fund_disbursed_fen", Some(3000.0)),
    ("linkage_index", Some(0.5)),
];

/// Writes the month into `side`'s community. Ids start at `base` (leave 1,000 free).
pub async fn october(app: &TestApp, side: &Side, base: i64) {
    let c = side.community;
    let u = |n: i64| base + n;
    let t = |s: &str| format!("'2026-{s}'");
    let mut rows: Vec<String> = Vec::new();
    // Ten people: 1–8 verified in October, 9 verified on 2 November (not yet a resident at the
    // end), 10 still pending.
    for n in 1..=10 {
        rows.push(format!(
            "INSERT INTO users (id, display_name, status, is_platform_admin, assisted, created_at, \
             updated_at) VALUES ({}, '居民{n}', 'active', FALSE, TRUE, {at}, {at})",
            u(n),
            at = t("09-01 00:00:00")
        ));
        let (status, decided) = match n {
            1..=8 => ("verified", t("10-05 02:00:00")),
            9 => ("verified", t("11-02 03:00:00")),
            _ => ("pending", "NULL".into()),
        };
        rows.push(format!(
            "INSERT INTO memberships (user_id, community_id, address, status, applied_at, \
             decided_at) VALUES ({}, {c}, '1栋{n}号', '{status}', {}, {decided})",
            u(n),
            t("09-01 00:00:00")
        ));
    }
    // Four households registered on 1 October.
    for n in 1..=4 {
        rows.push(format!(
            "INSERT INTO households (community_id, building, unit, room, created_at) \
             VALUES ({c}, '9栋', '1', '{n}01', {})",
            t("10-01 02:00:00")
        ));
    }
    // Volunteers 1 and 2 registered in October: 2 of 8 residents.
    for n in 1..=2 {
        rows.push(format!(
            "INSERT INTO volunteer_profiles (community_id, user_id, availability, dual_report, \
             created_at, updated_at) VALUES ({c}, {}, 'weekends', FALSE, {at}, {at})",
            u(n),
            at = t("10-10 02:00:00")
        ));
    }
    // Hours: 120 + 60 minutes in October; 30 in August (within 90 days of the end, by
    // volunteer 1); 45 in July (too early to make volunteer 3 active).
    for (n, minutes, served) in [
        (1, 120, "10-12"),
        (2, 60, "10-20"),
        (1, 30, "08-15"),
        (3, 45, "07-01"),
    ] {
        rows.push(format!(
            "INSERT INTO service_hours (community_id, user_id, kind, minutes, served_at, \
             description, evidence, points, recorded_at) VALUES ({c}, {}, 'honour', {minutes}, \
             {at}, '助老', '台账第3页', 0, {at})",
            u(n),
            at = t(&format!("{served} 02:00:00"))
        ));
    }
    // Wishes: 1 and 2 published in October and confirmed after 4 and 10 days; 3 published in
    // October, unfulfilled; 4 published in September, confirmed in October after 9 days.
    // Rate 2/3; median of 4, 10, 9 days = 9.
    for (n, published, confirmed) in [
        (1, "10-02 02:00:00", Some("10-06 02:00:00")),
        (2, "10-03 02:00:00", Some("10-13 02:00:00")),
        (3, "10-20 02:00:00", None),
        (4, "09-25 02:00:00", Some("10-04 02:00:00")),
    ] {
        let status = if confirmed.is_some() {
            "confirmed"
        } else {
            "published"
        };
        rows.push(format!(
            "INSERT INTO wishes (id, community_id, requester_id, posted_by, title, story, \
             category, estimated_value_fen, deadline, status, published_at, created_at, \
             updated_at) VALUES ({id}, {c}, {r}, {r}, '心愿{n}', '故事', 'life_help', 0, \
             '2026-12-31 00:00:00', '{status}', {p}, {p}, {p})",
            id = u(100 + n),
            r = u(1),
            p = t(published)
        ));
        if let Some(confirmed) = confirmed {
            rows.push(format!(
                "INSERT INTO wish_claims (wish_id, claimant_id, claimant_kind, status, claimed_at, \
                 confirmed_at) VALUES ({}, {}, 'volunteer', 'confirmed', {}, {})",
                u(100 + n),
                u(2),
                t(published),
                t(confirmed)
            ));
        }
    }
    topics_and_votes(&mut rows, c, &u, &t);
    surveys_and_ratings(&mut rows, c, &u, &t);
    societies(&mut rows, c, &u, &t);
    for row in rows {
        app.sql(&row).await;
    }
    charity(app, side).await;
}

type Ids<'a> = &'a dyn Fn(i64) -> i64;
type At<'a> = &'a dyn Fn(&str) -> String;

/// Topics 1 and 2 decided in October, 1 with its implementation published in October and 2
/// only in November (1/2); topic 3 decided in September. Vote 1 closed in October with 3 of 5
/// electors voting (0.6); vote 2 closed in November.
fn topics_and_votes(rows: &mut Vec<String>, c: i64, u: Ids, t: At) {
    for (n, decided, implemented) in [
        (1, "10-08", "10-20"),
        (2, "10-10", "11-03"),
        (3, "09-20", "09-28"),
    ] {
        let topic = u(200 + n);
        rows.push(format!(
            "INSERT INTO topics (id, community_id, title, body, special, procedure, origin, \
             raised_by, cosigners_required, stage, created_at, updated_at) VALUES ({topic}, {c}, \
             '议题{n}', '内容', FALSE, 'standard', 'staff', {r}, 0, 'implementing', {at}, {at})",
            r = u(1),
            at = t("09-01 00:00:00")
        ));
        rows.push(format!(
            "INSERT INTO topic_events (topic_id, kind, data, created_at) VALUES ({topic}, \
             'stage_changed', '{{\"from\":\"voting\",\"to\":\"decided\"}}', {})",
            t(&format!("{decided} 02:00:00"))
        ));
        rows.push(format!(
            "INSERT INTO topic_events (topic_id, kind, body, created_at) VALUES ({topic}, \
             'implementation_update', '已完成', {})",
            t(&format!("{implemented} 02:00:00"))
        ));
    }
    for (n, closed, electors, voted) in [(1, "10-15", 5, 3), (2, "11-05", 4, 4)] {
        let vote = u(300 + n);
        rows.push(format!(
            "INSERT INTO votes (id, community_id, topic_id, question, kind, options, max_choices, \
             electorate, status, opens_at, closes_at, quorum_numerator, quorum_denominator, \
             pass_numerator, pass_denominator, pass_inclusive, live_results, allow_change, \
             electorate_size, closed_at, created_by, created_at, updated_at) VALUES ({vote}, {c}, \
             {topic}, '同意吗', 'yes_no', '[]', 1, 'residents', 'closed', {open}, {close}, 1, 2, \
             1, 2, FALSE, FALSE, FALSE, {electors}, {close}, {by}, {open}, {close})",
            topic = u(201),
            open = t("09-01 00:00:00"),
            close = t(&format!("{closed} 02:00:00")),
            by = u(1)
        ));
        for e in 1..=electors {
            let (flag, channel) = if e <= voted {
                ("TRUE", "'app'")
            } else {
                ("FALSE", "NULL")
            };
            rows.push(format!(
                "INSERT INTO vote_electors (vote_id, elector_id, voted, channel) VALUES ({vote}, \
                 {}, {flag}, {channel})",
                u(e)
            ));
        }
    }
}

/// Survey 1 closed in October: security Likert answers 5, 4, 3, 2 (2 of 4 satisfied) and
/// resident good/average/poor answers good, good, average (2 of 3). Survey 2, all satisfied,
/// closed in November. Six service ratings in October: 2 good, 1 average, 3 poor; of the poor,
/// one rectified on time, one rectified late, one still open.
fn surveys_and_ratings(rows: &mut Vec<String>, c: i64, u: Ids, t: At) {
    for (n, closed, security, resident) in [
        (1, "10-25", vec![5, 4, 3, 2], vec![3, 3, 2]),
        (2, "11-10", vec![5, 5], vec![]),
    ] {
        let survey = u(400 + n);
        rows.push(format!(
            "INSERT INTO surveys (id, community_id, title, audience, anonymous, allow_edit, \
             results_public, status, opens_at, closes_at, closed_at, created_by, created_at, \
             updated_at) VALUES ({survey}, {c}, '满意度{n}', 'residents', TRUE, FALSE, TRUE, \
             'closed', {open}, {close}, {close}, {by}, {open}, {close})",
            open = t("09-01 00:00:00"),
            close = t(&format!("{closed} 02:00:00")),
            by = u(1)
        ));
        for (q, kind, tag) in [
            (1, "likert", "security_satisfaction"),
            (2, "good_average_poor", "resident_satisfaction"),
        ] {
            rows.push(format!(
                "INSERT INTO survey_questions (id, survey_id, position, key, kind, prompt, required, \
                 tag) VALUES ({}, {survey}, {q}, 'q{q}', '{kind}', '您满意吗', FALSE, '{tag}')",
                u(410 + 2 * n + q)
            ));
        }
        for (r, value) in security.iter().enumerate() {
            let receipt = format!("s{n}r{r}");
            rows.push(format!("INSERT INTO survey_responses (survey_id, receipt_hash) VALUES ({survey}, '{receipt}')"));
            rows.push(format!(
                "INSERT INTO survey_answers (survey_id, receipt_hash, question_id, value) VALUES \
                 ({survey}, '{receipt}', {}, {value})",
                u(410 + 2 * n + 1)
            ));
            if let Some(graded) = resident.get(r) {
                rows.push(format!(
                    "INSERT INTO survey_answers (survey_id, receipt_hash, question_id, value) VALUES \
                     ({survey}, '{receipt}', {}, {graded})",
                    u(410 + 2 * n + 2)
                ));
            }
        }
    }
    let poor = [
        (
            "accepted",
            "'2026-10-25 00:00:00'",
            "'2026-10-18 00:00:00'",
            "'2026-10-20 00:00:00'",
        ),
        (
            "accepted",
            "'2026-10-22 00:00:00'",
            "'2026-10-29 00:00:00'",
            "'2026-10-30 00:00:00'",
        ),
        ("open", "'2026-10-30 00:00:00'", "NULL", "NULL"),
    ];
    for (n, grade) in ["good", "good", "average", "poor", "poor", "poor"]
        .iter()
        .enumerate()
    {
        let rating = u(500 + n as i64);
        rows.push(format!(
            "INSERT INTO service_ratings (id, community_id, subject, subject_id, rater_id, grade, \
             created_at) VALUES ({rating}, {c}, 'service_case', {rating}, {}, '{grade}', {})",
            u(1),
            t("10-15 02:00:00")
        ));
        if let Some((status, due, replied, accepted)) = n.checked_sub(3).map(|i| poor[i]) {
            let reply = if replied == "NULL" {
                "NULL"
            } else {
                "'已整改'"
            };
            rows.push(format!(
                "INSERT INTO rectifications (community_id, rating_id, status, due_at, reply, \
                 replied_at, rejections, accepted_at, created_at, updated_at) VALUES ({c}, \
                 {rating}, '{status}', {due}, {reply}, {replied}, 0, {accepted}, {at}, {at})",
                at = t("10-15 02:00:00")
            ));
        }
    }
}

/// Organisations: life service and charity approved in October, a second charity in November.
/// Roles at the end: staff member 3 and social worker 4; grid worker 5 revoked in October;
/// social worker 6 only from November (2 workers, 1 social worker). Linkage: project 1 with
/// three societies, project 2 with two, project 3 finished in September; activity 1 run by the
/// social worker with volunteers (3 societies with the community), activity 2 by the staff
/// member (2), activity 3 cancelled: (1 + 1) / (2 + 2).
fn societies(rows: &mut Vec<String>, c: i64, u: Ids, t: At) {
    for (n, category, approved) in [
        (1, "life_service", "10-01"),
        (2, "charity", "10-05"),
        (3, "charity", "11-02"),
    ] {
        let organisation = u(600 + n);
        rows.push(format!(
            "INSERT INTO organisations (id, name, category, registration, created_by, created_at, \
             updated_at) VALUES ({organisation}, '组织{c}-{n}', '{category}', 'filed', {by}, {at}, {at})",
            by = u(1),
            at = t("09-01 00:00:00")
        ));
        rows.push(format!(
            "INSERT INTO organisation_communities (organisation_id, community_id, status, \
             requested_by, requested_at, decided_at) VALUES ({organisation}, {c}, 'approved', {}, \
             {}, {})",
            u(1),
            t("09-01 00:00:00"),
            t(&format!("{approved} 02:00:00"))
        ));
    }
    for (n, role, granted, revoked) in [
        (3, "community_staff", "09-01", "NULL".to_string()),
        (4, "social_worker", "09-01", "NULL".to_string()),
        (5, "grid_worker", "09-01", t("10-15 00:00:00")),
        (6, "social_worker", "11-01", "NULL".to_string()),
    ] {
        rows.push(format!(
            "INSERT INTO role_grants (user_id, role, community_id, granted_at, revoked_at) VALUES \
             ({}, '{role}', {c}, {}, {revoked})",
            u(n),
            t(&format!("{granted} 00:00:00"))
        ));
    }
    for (n, status, decided, completed, linked) in [
        (1, "in_progress", "09-10", "NULL".to_string(), 3),
        (2, "approved", "10-01", "NULL".to_string(), 2),
        (3, "completed", "08-01", t("09-20 00:00:00"), 3),
    ] {
        let project = u(700 + n);
        rows.push(format!(
            "INSERT INTO projects (id, community_id, title, summary, proposed_by, budget_fen, \
             status, decided_at, completed_at, created_at, updated_at) VALUES ({project}, {c}, \
             '项目{n}', '简介', {by}, 0, '{status}', {decided}, {completed}, {at}, {at})",
            by = u(1),
            decided = t(&format!("{decided} 00:00:00")),
            at = t("08-01 00:00:00")
        ));
        for society in ["community", "social_worker", "volunteer"]
            .iter()
            .take(linked)
        {
            rows.push(format!("INSERT INTO project_societies (project_id, society) VALUES ({project}, '{society}')"));
        }
    }
    for (n, organiser, status) in [(1, 4, "completed"), (2, 3, "settled"), (3, 4, "cancelled")] {
        let activity = u(800 + n);
        rows.push(format!(
            "INSERT INTO activities (id, community_id, title, place, starts_at, ends_at, \
             signup_deadline, capacity, status, organiser_id, created_at, updated_at) VALUES \
             ({activity}, {c}, '活动{n}', '广场', {start}, {end}, {start}, 10, '{status}', {by}, \
             {start}, {end})",
            start = t("10-12 01:00:00"),
            end = t("10-12 03:00:00"),
            by = u(organiser)
        ));
        rows.push(format!(
            "INSERT INTO attendance (activity_id, user_id, source, started_at, ended_at, minutes, \
             status, created_at) VALUES ({activity}, {}, 'check_in', {start}, {end}, 120, \
             'verified', {start})",
            u(1),
            start = t("10-12 01:00:00"),
            end = t("10-12 03:00:00")
        ));
    }
}

/// Money raised in October: 10,000 and 5,000 fen (a November gift of 7,000 does not count);
/// 3,000 fen paid out on 22 October. Recorded through the API (each needs its ledger
/// transaction), then dated into the month.
async fn charity(app: &TestApp, side: &Side) {
    for (amount, at) in [
        (10_000, "2026-10-03"),
        (5_000, "2026-10-20"),
        (7_000, "2026-11-02"),
    ] {
        fund::fill(app, side, amount).await;
        app.sql(&format!(
            "UPDATE fund_donations SET recorded_at = '{at} 02:00:00' WHERE id = \
             (SELECT MAX(id) FROM fund_donations WHERE community_id = {})",
            side.community
        ))
        .await;
    }
    let (_, project) = fund::wish_and_project(app, side).await;
    let approved = fund::first_approved(app, side, json!({ "project_id": project }), 3_000).await;
    let path = format!(
        "/communities/{}/fund/disbursements/{}/approve",
        side.community, approved["id"]
    );
    done(app, &path, &side.community_admin, serde_json::Value::Null).await;
    app.sql(&format!(
        "UPDATE fund_disbursements SET second_approved_at = '2026-10-22 02:00:00' WHERE id = {}",
        approved["id"]
    ))
    .await;
}
