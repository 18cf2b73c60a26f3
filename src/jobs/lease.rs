//! Job leases in the database: a job runs where its lease is held, so with several nodes
//! each run happens on exactly one of them. A lease lapses at `lease_until`, so a node that
//! dies mid-run holds nothing for long; a running job renews its lease as it goes.

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::job_leases;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// A job's row: who holds it, when it is next due, how it last went.
#[derive(Debug, Queryable, Serialize)]
pub struct LeaseRow {
    pub name: String,
    pub holder: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub next_run_at: NaiveDateTime,
    pub runs: i64,
    pub failures: i64,
    pub last_started_at: Option<NaiveDateTime>,
    pub last_finished_at: Option<NaiveDateTime>,
    pub last_outcome: Option<String>,
    pub last_error: Option<String>,
}

/// Creates the job's row, due at `at`, unless it exists.
pub fn ensure(conn: &mut DbConnection, name: &str, at: NaiveDateTime) -> Result<(), ApiError> {
    let sql = "INSERT INTO job_leases (name, next_run_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    diesel::sql_query(crate::db::numbered(conn, sql))
        .bind::<diesel::sql_types::Text, _>(name)
        .bind::<diesel::sql_types::Timestamp, _>(at)
        .execute(conn)?;
    Ok(())
}

/// Whether the job is due at `at` and nobody holds it (`None` when it has no row yet): a
/// read, so idle polling never takes SQLite's write lock.
pub fn is_due(
    conn: &mut DbConnection,
    name: &str,
    at: NaiveDateTime,
) -> Result<Option<bool>, ApiError> {
    let row: Option<(NaiveDateTime, Option<NaiveDateTime>)> = job_leases::table
        .find(name)
        .select((job_leases::next_run_at, job_leases::lease_until))
        .first(conn)
        .optional()?;
    Ok(row.map(|(next, lease)| next <= at && lease.is_none_or(|until| until < at)))
}

/// Takes the lease for `holder` until `until`, if it is free (and, unless `now_anyway`, the
/// job is due). Of several nodes trying at once, one gets it.
pub fn take(
    conn: &mut DbConnection,
    name: &str,
    holder: &str,
    at: NaiveDateTime,
    until: NaiveDateTime,
    now_anyway: bool,
) -> Result<bool, ApiError> {
    // Far enough ahead for any schedule, and still ordered as text on SQLite.
    let due_by = if now_anyway {
        at + chrono::TimeDelta::days(36_500)
    } else {
        at
    };
    let taken = diesel::update(
        job_leases::table
            .filter(job_leases::name.eq(name))
            .filter(job_leases::next_run_at.le(due_by))
            .filter(
                job_leases::lease_until
                    .is_null()
                    .or(job_leases::lease_until.lt(at)),
            ),
    )
    .set((
        job_leases::holder.eq(holder),
        job_leases::lease_until.eq(until),
        job_leases::last_started_at.eq(at),
    ))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Extends a lease `holder` still has.
pub fn renew(
    conn: &mut DbConnection,
    name: &str,
    holder: &str,
    until: NaiveDateTime,
) -> Result<bool, ApiError> {
    let renewed = diesel::update(
        job_leases::table
            .filter(job_leases::name.eq(name))
            .filter(job_leases::holder.eq(holder)),
    )
    .set(job_leases::lease_until.eq(until))
    .execute(conn)?;
    Ok(renewed == 1)
}

/// Gives the lease back after a run, recording how it went and when the job is next due.
pub fn give_back(
    conn: &mut DbConnection,
    name: &str,
    holder: &str,
    finished: NaiveDateTime,
    next_run_at: NaiveDateTime,
    outcome: &Result<String, String>,
) -> Result<(), ApiError> {
    let (summary, error) = match outcome {
        Ok(summary) => (Some(summary.as_str()), None),
        Err(error) => (None, Some(error.as_str())),
    };
    diesel::update(
        job_leases::table
            .filter(job_leases::name.eq(name))
            .filter(job_leases::holder.eq(holder)),
    )
    .set((
        job_leases::holder.eq(None::<String>),
        job_leases::lease_until.eq(None::<NaiveDateTime>),
        job_leases::next_run_at.eq(next_run_at),
        job_leases::runs.eq(job_leases::runs + 1),
        job_leases::failures.eq(job_leases::failures + i64::from(error.is_some())),
        job_leases::last_finished_at.eq(finished),
        job_leases::last_outcome.eq(summary),
        job_leases::last_error.eq(error),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<LeaseRow>, ApiError> {
    Ok(job_leases::table
        .order(job_leases::name)
        .load::<LeaseRow>(conn)?)
}
