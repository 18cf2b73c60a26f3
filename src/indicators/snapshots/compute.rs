//! Computing a period: every platform metric of the communities in scope (a fixed number of
//! grouped queries per batch of communities), the manual values in force, each applicable
//! standard's scores, then the snapshots written in one transaction per batch. A snapshot
//! whose headline figures (composite, stars, eligibility, pass, version, finality) changed
//! leaves an audit record with them before and after.

use super::plan::{self, Scope, Task};
use crate::audit::{self, Actor, Change};
use crate::db::{DbConnection, now, write_tx};
use crate::error::ApiError;
use crate::indicators::manual::store::{InForce, in_force};
use crate::indicators::measure::Measure;
use crate::indicators::metrics;
use crate::indicators::period::Period;
use crate::indicators::standards::definition::Source;
use crate::indicators::standards::scoring::{Evaluation, evaluate};
use crate::schema::{evaluation_standards as standards, indicator_snapshots as snaps};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Communities whose metrics are computed together.
const BATCH: usize = 500;

/// What a snapshot stores beside its headline figures: enough to explain every number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Detail {
    pub evaluation: Evaluation,
    /// Every platform metric of the period (not only those the standard scores), by key;
    /// `null` where there was nothing to divide by.
    #[schema(value_type = Object)]
    pub metrics: BTreeMap<String, Option<Measure>>,
    /// The approved manual values used, with the entries they came from.
    pub manual: BTreeMap<String, InForce>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Report {
    pub period: String,
    pub communities: usize,
    /// Snapshots written (inserted, or updated in place).
    pub snapshots: usize,
    /// Snapshots whose figures differ from what was stored before (new ones included).
    pub changed: usize,
}

/// Computes `period` for the communities in `scope` as of `at`. A closed period already
/// computed is skipped unless `recompute`.
pub fn run(
    conn: &mut DbConnection,
    period: Period,
    scope: Scope,
    recompute: bool,
    at: NaiveDateTime,
    actor: &Actor,
) -> Result<Report, ApiError> {
    if period.start() > at {
        return Err(ApiError::invalid_field("period", "not_begun"));
    }
    let places = plan::places(conn, scope)?;
    let mut report = Report {
        period: period.to_string(),
        ..Report::default()
    };
    for batch in places.chunks(BATCH) {
        let tasks = plan::tasks(conn, batch, period, recompute)?;
        let mut ids: Vec<i64> = tasks.iter().map(|t| t.community_id).collect();
        ids.dedup();
        report.communities += ids.len();
        let manual = in_force(conn, &ids, period)?;
        let values = metrics::compute(conn, period, &ids, &manual)?;
        let none = BTreeMap::new();
        let details: Vec<(Task, Detail)> = tasks
            .into_iter()
            .map(|task| {
                let definition = task.standard.definition()?;
                let metric_values = values.get(&task.community_id).cloned().unwrap_or_default();
                let manual = manual.get(&task.community_id).unwrap_or(&none);
                let evaluation = evaluate(&definition, |source| match source {
                    Source::Metric(key) => metric_values.get(key.as_str()).copied().flatten(),
                    Source::Manual(key) => manual.get(key).map(|v| v.value),
                });
                let cited = definition
                    .indicators()
                    .filter_map(|(_, i)| match &i.source {
                        Source::Manual(key) => manual.get(key).map(|v| (key.clone(), *v)),
                        Source::Metric(_) => None,
                    })
                    .collect();
                let metrics = metric_values
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                Ok((
                    task,
                    Detail {
                        evaluation,
                        metrics,
                        manual: cited,
                    },
                ))
            })
            .collect::<Result<_, ApiError>>()?;
        let is_final = period.is_closed(at);
        write_tx(conn, |conn| {
            serialise_writers(conn)?;
            for (task, detail) in &details {
                report.snapshots += 1;
                if store(conn, period, task, detail, is_final, actor)? {
                    report.changed += 1;
                }
            }
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(report)
}

/// Makes concurrent computations (the schedule on several nodes, a request) write one at a
/// time, so each sees the snapshots the other wrote and updates them instead of adding a
/// second. SQLite's write transaction already holds the database's one write lock.
fn serialise_writers(conn: &mut DbConnection) -> Result<(), ApiError> {
    if let DbConnection::Postgres(_) = conn {
        diesel::sql_query(format!(
            "SELECT pg_advisory_xact_lock({SNAPSHOT_WRITERS_LOCK})"
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// The advisory lock key of snapshot writers ("wushe" and 8 for the issue that added them).
const SNAPSHOT_WRITERS_LOCK: i64 = 0x7775_7368_6508;

/// The snapshot there is for the task's community, period and standard code (any version).
fn existing(conn: &mut DbConnection, period: Period, task: &Task) -> Result<Option<i64>, ApiError> {
    Ok(snaps::table
        .inner_join(standards::table)
        .filter(snaps::community_id.eq(task.community_id))
        .filter(snaps::period.eq(period.to_string()))
        .filter(standards::code.eq(&task.standard.code))
        .select(snaps::id)
        .first(conn)
        .optional()?)
}

/// The headline figures an audit record compares.
#[derive(Debug, PartialEq, Serialize, Queryable)]
struct Headline {
    standard_id: i64,
    composite: i64,
    stars: Option<i32>,
    eligible: bool,
    passed: bool,
    is_final: bool,
}

/// Writes one snapshot; `true` when its headline figures changed.
fn store(
    conn: &mut DbConnection,
    period: Period,
    task: &Task,
    detail: &Detail,
    is_final: bool,
    actor: &Actor,
) -> Result<bool, ApiError> {
    let evaluation = &detail.evaluation;
    let headline = Headline {
        standard_id: task.standard.id,
        composite: evaluation.composite.raw(),
        stars: evaluation.stars.map(i32::from),
        eligible: evaluation.eligible,
        passed: evaluation.passed,
        is_final,
    };
    let text = serde_json::to_string(detail).map_err(ApiError::internal)?;
    let figures = (
        snaps::standard_id.eq(headline.standard_id),
        snaps::composite.eq(headline.composite),
        snaps::stars.eq(headline.stars),
        snaps::eligible.eq(headline.eligible),
        snaps::passed.eq(headline.passed),
        snaps::detail.eq(&text),
        snaps::is_final.eq(is_final),
        snaps::computed_at.eq(now()),
    );
    let before: Option<Headline> = match existing(conn, period, task)? {
        Some(id) => {
            let before = snaps::table
                .find(id)
                .select((
                    snaps::standard_id,
                    snaps::composite,
                    snaps::stars,
                    snaps::eligible,
                    snaps::passed,
                    snaps::is_final,
                ))
                .first(conn)?;
            diesel::update(snaps::table.find(id))
                .set(figures)
                .execute(conn)?;
            Some(before)
        }
        None => {
            diesel::insert_into(snaps::table)
                .values((
                    snaps::community_id.eq(task.community_id),
                    snaps::period.eq(period.to_string()),
                    snaps::period_kind.eq(period.kind.as_str()),
                    figures,
                ))
                .execute(conn)?;
            None
        }
    };
    if before.as_ref() == Some(&headline) {
        return Ok(false);
    }
    let target = format!("{}/{}/{}", task.community_id, task.standard.code, period);
    let change = Change::in_community(
        task.community_id,
        "indicators.snapshot_computed",
        "indicator_snapshot",
        target,
    );
    audit::record(
        conn,
        actor,
        change.before_if(before.as_ref()).after(&headline),
    )?;
    Ok(true)
}
