//! The scheduler every node runs: one loop per job that looks whether the job is due, takes
//! its lease if it is free, runs it while renewing the lease, and gives the lease back with
//! the outcome and the next due time.

use super::{Job, lease, runs};
use crate::error::ApiError;
use crate::state::AppState;
use futures_util::FutureExt;
use futures_util::future::{Either, select};
use rand::Rng;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

/// How soon a failed run is tried again.
const RETRY_FAILED: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// What came of asking to run a job.
#[derive(Debug)]
pub enum Ran {
    Done(Result<String, String>),
    /// Another run holds the lease, or the job is not due.
    NotNow,
}

/// Starts every scheduled job's loop, unless `WUSHE_JOBS=off`.
pub fn spawn(state: AppState) {
    if !state.config.delivery.jobs_enabled {
        tracing::info!("scheduled jobs are off on this node (WUSHE_JOBS=off)");
        return;
    }
    for &job in Job::ALL {
        let schedule = job.schedule(&state.config);
        if schedule == super::Schedule::Never {
            continue;
        }
        let state = state.clone();
        tokio::spawn(async move {
            // Nodes started together should not all look at the same instant.
            let jitter = rand::thread_rng().gen_range(0..=250);
            tokio::time::sleep(Duration::from_millis(jitter)).await;
            loop {
                if let Err(error) = attempt(&state, job, false).await {
                    tracing::warn!(job = job.as_str(), ?error, "cannot schedule job");
                }
                tokio::time::sleep(schedule.poll()).await;
            }
        });
    }
}

/// Runs `job` if its lease can be had: when due, or at once with `now_anyway` (by hand).
pub async fn attempt(state: &AppState, job: Job, now_anyway: bool) -> Result<Ran, ApiError> {
    let name = job.as_str();
    let at = state.clock.now();
    let holder = format!(
        "{}/{:08x}",
        state.config.delivery.node_name,
        rand::thread_rng().r#gen::<u32>()
    );
    let until = at + job.lease();
    let taken = {
        let holder = holder.clone();
        state
            .db
            .run(move |conn| {
                match lease::is_due(conn, name, at)? {
                    None => lease::ensure(conn, name, at)?,
                    Some(false) if !now_anyway => return Ok(false),
                    Some(_) => {}
                }
                lease::take(conn, name, &holder, at, until, now_anyway)
            })
            .await?
    };
    if !taken {
        return Ok(Ran::NotNow);
    }
    let started = Instant::now();
    // A panic in a job is a failed run, not the end of the job's loop on this node.
    let running = AssertUnwindSafe(runs::run(state, job)).catch_unwind();
    let outcome = match select(Box::pin(running), Box::pin(keep_lease(state, job, &holder))).await {
        Either::Left((Ok(result), _)) => result.map_err(|e| format!("{e:?}")),
        Either::Left((Err(_), _)) => Err("the job panicked".to_owned()),
        Either::Right((lost, _)) => Err(lost),
    };
    let seconds = started.elapsed().as_secs_f64();
    state.metrics.job_run(name, outcome.is_ok(), seconds);
    match &outcome {
        Ok(summary) => tracing::info!(job = name, seconds, "{summary}"),
        Err(error) => tracing::warn!(job = name, seconds, error, "job failed"),
    }
    let finished = state.clock.now();
    // A failed run is tried again soon, not at its next regular time (a day, for some).
    let next = match &outcome {
        Ok(_) => job.schedule(&state.config).next_after(finished),
        Err(_) => job
            .schedule(&state.config)
            .next_after(finished)
            .min(finished + RETRY_FAILED),
    };
    let recorded = outcome.clone();
    state
        .db
        .run(move |conn| lease::give_back(conn, name, &holder, finished, next, &recorded))
        .await?;
    Ok(Ran::Done(outcome))
}

/// Renews the lease every third of its length while the job runs; returns only if the lease
/// was lost (taken over after a stall), which stops the run.
async fn keep_lease(state: &AppState, job: Job, holder: &str) -> String {
    let every = (job.lease() / 3)
        .to_std()
        .unwrap_or(Duration::from_secs(60));
    loop {
        tokio::time::sleep(every).await;
        let (name, holder) = (job.as_str(), holder.to_owned());
        let until = state.clock.now() + job.lease();
        match state
            .db
            .run(move |conn| lease::renew(conn, name, &holder, until))
            .await
        {
            Ok(true) => {}
            Ok(false) => return "the lease was taken over by another node".into(),
            // A database hiccup: the lease still runs for two more thirds; try again.
            Err(error) => tracing::warn!(job = name, ?error, "cannot renew job lease"),
        }
    }
}
