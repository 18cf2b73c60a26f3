//! `sqlite-baseline`: the raw SQLite insert-transaction rate on this machine, the ceiling for
//! any endpoint that writes. One connection opened exactly as wushe opens its own
//! (`wushe::db::Db`, so the same pragmas: busy timeout, WAL, `synchronous = NORMAL`, foreign
//! keys), one single-row INSERT per transaction, begun as wushe begins its writes
//! (`BEGIN IMMEDIATE`, through `wushe::db::write_tx`), on a scratch table dropped afterwards.

use crate::drive::{histogram, ms};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wushe::db::{DatabaseTarget, Db, write_tx};

#[derive(clap::Args, Debug)]
pub struct BaselineArgs {
    /// A SQLite database file, `sqlite://PATH` (created if missing).
    #[arg(long)]
    pub database_url: String,
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    value: String,
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

const TABLE: &str = "bench_load_baseline";

pub fn run(args: &BaselineArgs) -> Result<Value, String> {
    let target = DatabaseTarget::parse(&args.database_url)?;
    if !matches!(target, DatabaseTarget::Sqlite(_)) {
        return Err("sqlite-baseline needs a sqlite:// database".into());
    }
    let db = Db::connect(&target, 1, Duration::from_secs(30))?;
    let mut conn = db
        .get()
        .map_err(|e| format!("cannot open the database: {e:?}"))?;
    let fail = |e: diesel::result::Error| e.to_string();
    let journal: Setting =
        diesel::sql_query("SELECT journal_mode AS value FROM pragma_journal_mode")
            .get_result(&mut *conn)
            .map_err(fail)?;
    let synchronous: Number =
        diesel::sql_query("SELECT synchronous AS value FROM pragma_synchronous")
            .get_result(&mut *conn)
            .map_err(fail)?;
    let busy: Number = diesel::sql_query("SELECT timeout AS value FROM pragma_busy_timeout")
        .get_result(&mut *conn)
        .map_err(fail)?;
    conn.batch_execute(&format!(
        "DROP TABLE IF EXISTS {TABLE}; CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, \
         payload TEXT NOT NULL, created_at TEXT NOT NULL)"
    ))
    .map_err(fail)?;
    let insert = format!("INSERT INTO {TABLE} (payload, created_at) VALUES (?, ?)");
    let payload = "负载测试基线：一行约一百字节的文本，像一条通知或一条流水".to_owned();
    let mut latency = histogram();
    let (mut count, mut errors) = (0u64, 0u64);
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.seconds);
    while Instant::now() < deadline {
        let at = Instant::now();
        let created = chrono::Utc::now().to_rfc3339();
        let done = write_tx(&mut conn, |conn| {
            diesel::sql_query(&insert)
                .bind::<Text, _>(&payload)
                .bind::<Text, _>(&created)
                .execute(conn)
        });
        latency.saturating_record(at.elapsed().as_micros().max(1) as u64);
        match done {
            Ok(_) => count += 1,
            Err(e) => {
                errors += 1;
                if errors <= 5 {
                    eprintln!("error: {e}");
                }
            }
        }
    }
    let elapsed = started.elapsed();
    conn.batch_execute(&format!("DROP TABLE {TABLE}"))
        .map_err(fail)?;
    Ok(json!({
        "scenario": "sqlite-baseline", "mode": "peak", "backend": "sqlite", "connections": 1,
        "seconds": args.seconds, "requests": count + errors, "errors": errors,
        "rps": (count as f64 / elapsed.as_secs_f64() * 10.0).round() / 10.0,
        "p50_ms": ms(&latency, 0.5), "p99_ms": ms(&latency, 0.99),
        "p999_ms": ms(&latency, 0.999), "max_ms": ms(&latency, 1.0),
        "pragmas": {"journal_mode": journal.value, "synchronous": synchronous.value,
                    "busy_timeout_ms": busy.value},
    }))
}
