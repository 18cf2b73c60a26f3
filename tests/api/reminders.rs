//! Reminders of what closes soon go to those who still have something to do, once: electors
//! who have not voted, audience members who have not answered, staff with a rectification
//! falling due. (Activity reminders are tested with the inbox.)

use crate::helpers::{TestApp, User};
use crate::notifications::{inbox, run_job};
use crate::ratings::{done_case, rated};
use crate::surveying::{content, every_kind, open_survey, responded};
use crate::voting::{crowd, in_minutes, open_vote, voted};
use crate::world;
use chrono::TimeDelta;
use serde_json::json;
use wushe::jobs::Job;

crate::backend_tests!(
    a_vote_closing_reminds_only_those_who_have_not_voted,
    a_survey_closing_reminds_only_those_who_have_not_answered,
    a_rectification_falling_due_reminds_the_staff_who_answer_ratings
);

/// How many reminders of `kind` are in `user`'s inbox.
async fn reminders(app: &TestApp, user: &User, kind: &str) -> usize {
    let told = inbox(app, user, "", "en").await;
    let items = told["items"].as_array().unwrap();
    items.iter().filter(|n| n["kind"] == kind).count()
}

/// Runs the reminders job and returns how many it told of `what` ("votes", "surveys"...).
async fn reminded(app: &TestApp, what: &str) -> usize {
    let summary = run_job(app, Job::Reminders).await;
    let count = summary
        .trim_start_matches("reminded ")
        .split(", ")
        .find_map(|part| part.strip_suffix(&format!(" of {what}")))
        .unwrap_or_else(|| panic!("{summary}"));
    count.parse().unwrap()
}

async fn a_vote_closing_reminds_only_those_who_have_not_voted(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let people = crowd(&app, a, 3, None).await;
    let closes = json!({ "closes_at": in_minutes(&app, 48 * 60) });
    let vote = open_vote(&app, a, closes).await;
    voted(&app, a, vote, &people[0], &[1]).await;
    assert_eq!(reminded(&app, "votes").await, 0, "two days ahead");

    app.state.clock.advance(TimeDelta::hours(25));
    assert!(reminded(&app, "votes").await >= 2);
    assert_eq!(reminded(&app, "votes").await, 0, "once");
    assert_eq!(reminders(&app, &people[0], "vote_closing_soon").await, 0);
    for elector in &people[1..] {
        assert_eq!(reminders(&app, elector, "vote_closing_soon").await, 1);
    }
    assert_eq!(
        reminders(&app, &world.b.resident, "vote_closing_soon").await,
        0
    );
}

async fn a_survey_closing_reminds_only_those_who_have_not_answered(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let people = crowd(&app, a, 2, None).await;
    let closes = json!({ "closes_at": in_minutes(&app, 96 * 60) });
    let survey = open_survey(&app, a, every_kind(), closes).await;
    responded(&app, a, survey, &people[0], content()).await;
    assert_eq!(reminded(&app, "surveys").await, 0, "four days ahead");

    app.state.clock.advance(TimeDelta::hours(50));
    assert!(reminded(&app, "surveys").await >= 1);
    assert_eq!(reminded(&app, "surveys").await, 0, "once");
    assert_eq!(reminders(&app, &people[0], "survey_reminder").await, 0);
    assert_eq!(reminders(&app, &people[1], "survey_reminder").await, 1);
    assert_eq!(
        reminders(&app, &world.b.resident, "survey_reminder").await,
        0
    );
}

async fn a_rectification_falling_due_reminds_the_staff_who_answer_ratings(app: TestApp) {
    let world = world::build(&app).await;
    let a = &world.a;
    let case = done_case(&app, a, a.resident.id).await;
    rated(&app, a, &a.resident, ("service_case", case), "poor").await;
    assert_eq!(reminded(&app, "rectifications").await, 0, "due in a week");

    app.state
        .clock
        .advance(TimeDelta::days(6) + TimeDelta::hours(12));
    assert!(reminded(&app, "rectifications").await >= 1);
    assert_eq!(reminded(&app, "rectifications").await, 0, "once");
    assert_eq!(reminders(&app, &a.staff, "rectification_due").await, 1);
    assert_eq!(reminders(&app, &a.resident, "rectification_due").await, 0);
    assert_eq!(
        reminders(&app, &world.b.staff, "rectification_due").await,
        0
    );
}
