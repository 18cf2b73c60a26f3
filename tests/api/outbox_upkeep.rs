//! Messages the outbox must not leave hanging: one to an account disabled since it was written
//! is given up, not sent; one for a channel no server delivers is given up after two days.

use crate::helpers::{Backend, TestApp};
use crate::notifications::{deliver, run_job};
use crate::outbox_delivery::{credit, reads_email_in_english, with_mail};
use crate::world;
use chrono::TimeDelta;
use wushe::jobs::Job;

crate::backend_cases!(a_disabled_account_is_not_written_to);
crate::backend_tests!(a_channel_no_server_delivers_is_given_up_after_two_days);

async fn a_disabled_account_is_not_written_to(backend: Backend) {
    let Some((sink, app)) = with_mail(backend, 20).await else {
        return;
    };
    let world = world::build(&app).await;
    let a = &world.a;
    reads_email_in_english(&app, &a.resident, false).await;
    credit(&app, a, &a.resident, 30).await;
    app.sql(&format!(
        "UPDATE users SET status = 'disabled' WHERE id = {}",
        a.resident.id
    ))
    .await;
    assert_eq!(
        deliver(&app).await,
        "0 sent, 0 to retry, 1 failed, 0 deferred"
    );
    assert!(sink.messages().is_empty());
    let error = app
        .texts("SELECT last_error AS t FROM outbox WHERE channel = 'email'")
        .await;
    assert_eq!(error, ["the account is no longer active"]);
}

async fn a_channel_no_server_delivers_is_given_up_after_two_days(app: TestApp) {
    // This app has no mail server configured, yet the resident asked for email.
    let world = world::build(&app).await;
    let a = &world.a;
    reads_email_in_english(&app, &a.resident, false).await;
    credit(&app, a, &a.resident, 30).await;
    let email = "SELECT status || ':' || COALESCE(last_error, '') AS t FROM outbox \
                 WHERE channel = 'email'";
    deliver(&app).await;
    let prune = run_job(&app, Job::Prune).await;
    assert!(
        prune.ends_with(", 0 never taken up marked failed"),
        "{prune}"
    );
    assert_eq!(app.texts(email).await, ["pending:"]);

    app.state
        .clock
        .advance(TimeDelta::days(2) + TimeDelta::minutes(1));
    let prune = run_job(&app, Job::Prune).await;
    assert!(
        prune.ends_with(", 1 never taken up marked failed"),
        "{prune}"
    );
    assert_eq!(
        app.texts(email).await,
        ["failed:no server delivers this channel"]
    );
    let (_, told) = app.get("/me/notifications", a.resident.token()).await;
    assert_eq!(
        told["items"][0]["kind"], "points_credited",
        "the inbox keeps it"
    );
}
