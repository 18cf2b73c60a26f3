//! What each job does when it runs, returning a one-line summary for logs and the CLI.

use super::Job;
use crate::error::ApiError;
use crate::state::AppState;
use chrono::TimeDelta;

/// Delivered outbox rows are kept this long for support questions, then deleted.
const KEEP_DELIVERED: TimeDelta = TimeDelta::days(30);
/// How long a message may wait for a node that delivers its channel before it is given up.
const UNTAKEN_FOR: TimeDelta = TimeDelta::days(2);

pub async fn run(state: &AppState, job: Job) -> Result<String, ApiError> {
    let at = state.clock.now();
    let db = state.db.clone();
    Ok(match job {
        Job::Outbox => {
            let done = crate::outbox::sender::run(state).await?;
            format!(
                "{} sent, {} to retry, {} failed, {} deferred, {} pushed live",
                done.sent, done.retrying, done.failed, done.deferred, done.pushed
            )
        }
        Job::Reminders => {
            let told = db
                .write(move |conn| crate::notifications::reminders::run(conn, at))
                .await?;
            format!(
                "reminded {} of activities, {} of votes, {} of surveys, {} of rectifications",
                told.activities, told.votes, told.surveys, told.rectifications
            )
        }
        Job::SweepVotes => {
            let report = db
                .run(move |conn| crate::votes::lifecycle::sweep(conn, at))
                .await?;
            format!("{} votes opened, {} closed", report.opened, report.closed)
        }
        Job::SweepSurveys => {
            let moved = db
                .run(move |conn| crate::surveys::lifecycle::sweep(conn, at))
                .await?;
            format!("{moved} surveys opened or closed")
        }
        Job::SweepWishes => {
            let report = db
                .write(move |conn| crate::wishes::sweep::run(conn, at))
                .await?;
            format!(
                "{} wishes expired, {} claims flagged overdue, {} wishes escalated",
                report.expired, report.flagged_overdue, report.escalated
            )
        }
        Job::CloseAttendance => {
            let closed = db
                .write(move |conn| crate::activities::review::close_overnight(conn, at))
                .await?;
            format!("{closed} attendance sessions closed without a check-out")
        }
        Job::EmailDigest => {
            let digests = db
                .write(move |conn| crate::outbox::digest::run(conn, at))
                .await?;
            format!("{digests} digests queued")
        }
        Job::ExpirePoints => {
            let runs = db.run(crate::points::expiry::expire_all).await?;
            let points: i64 = runs.iter().map(|r| r.points).sum();
            format!("{points} points expired in {} communities", runs.len())
        }
        Job::Indicators => crate::indicators::schedule::run(state).await,
        Job::Prune => {
            let (deleted, abandoned) = db
                .write(move |conn| {
                    let deleted = crate::outbox::store::prune(conn, at - KEEP_DELIVERED)?;
                    let abandoned = crate::outbox::store::abandon_untaken(conn, at - UNTAKEN_FOR)?;
                    Ok((deleted, abandoned))
                })
                .await?;
            format!(
                "{deleted} delivered outbox rows deleted, {abandoned} never taken up marked failed"
            )
        }
    })
}
