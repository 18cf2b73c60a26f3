//! A district's year of activity, written straight to the database: the data generator for
//! `scripts/bench-indicators`, which then times `wushe compute-indicators` over it.
//!
//!   DATABASE_URL=sqlite:///tmp/d.db SCALE=4 SEED=2026 target/release/examples/bench_indicators
//!
//! Migrates the database in `DATABASE_URL` (it must hold no users yet), then writes a
//! province → city → district → five streets, 100 communities (80 urban, 20 villages) and
//! for 2026 everything the indicators read: residents and their verification, staff and
//! role grants, volunteers, activities with verified hours, wishes and claims, topics with
//! votes and their electorates, quarterly satisfaction surveys, 好差评 ratings and
//! rectifications, social organisations and their members, the charity fund, projects and
//! approved manual values. About a million rows at `SCALE=1`. The people and all they do grow
//! with the scale, so `SCALE=16` is a district whose communities are sixteen times as populous
//! and busy (and sixteen times the rows); its regions, committees, organisations and the
//! number of topics, votes and surveys stay as they are (each vote's electorate and each
//! survey's responses grow). The same `SEED` (default 2026) gives the same rows.
//!
//! Prints the rows per table and the load time, ending with a line the script reads:
//! `loaded <rows> rows in <seconds> s`.

mod consultation;
mod dice;
mod district;
mod feedback;
mod fund;
mod people;
mod sink;
mod societies;
mod volunteering;
mod wishes;

use diesel::connection::SimpleConnection;
use diesel::{QueryableByName, RunQueryDsl};
use sink::{Sink, Table};
use std::time::{Duration, Instant};
use wushe::db::{DatabaseTarget, Db, DbConnection, run_migrations};

fn setting(name: &str, default: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|_| format!("{name} must be a whole number")),
        Err(_) => Ok(default),
    }
}

fn main() -> Result<(), String> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set")?;
    let (scale, seed) = (setting("SCALE", 1)?, setting("SEED", 2026)?);
    let db = Db::connect(&DatabaseTarget::parse(&url)?, 1, Duration::from_secs(30))?;
    let mut pooled = db
        .get()
        .map_err(|e| format!("cannot open the database: {e:?}"))?;
    let conn: &mut DbConnection = &mut pooled;
    run_migrations(conn)?;
    if users(conn)? > 0 {
        return Err("the database already has users: the generator needs a fresh one".into());
    }
    if let DbConnection::Sqlite(_) = conn {
        // For loading only: a crash mid-load loses a database we would throw away anyway.
        // The service's own connections go back to synchronous=NORMAL.
        conn.batch_execute("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;")
            .map_err(|e| e.to_string())?;
    }

    let started = Instant::now();
    let mut sink = Sink::new(conn);
    district::generate(&mut sink, &mut dice::Dice::new(seed), scale as f64)?;
    let counts = sink.counts();
    let loaded = started.elapsed().as_secs_f64();

    let started = Instant::now();
    settle(conn)?;
    let settled = started.elapsed().as_secs_f64();

    let total: u64 = counts.iter().map(|(_, rows)| rows).sum();
    for (table, rows) in &counts {
        println!("{:<26} {rows:>10}", table.name());
    }
    println!("scale {scale}, seed {seed}; statistics gathered in {settled:.1} s");
    println!("loaded {total} rows in {loaded:.1} s");
    Ok(())
}

fn users(conn: &mut DbConnection) -> Result<i64, String> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let count: Count = diesel::sql_query("SELECT COUNT(*) AS n FROM users")
        .get_result(conn)
        .map_err(|e| e.to_string())?;
    Ok(count.n)
}

/// Leaves the database as a running service's would be: PostgreSQL's identity sequences
/// moved past the ids written here (so the service's own inserts do not collide), and
/// planner statistics gathered on both backends, with the visibility map set on PostgreSQL
/// and SQLite's write-ahead log folded back in, so the timed computation does not pay for
/// the bulk load's aftermath (or race autovacuum doing it).
fn settle(conn: &mut DbConnection) -> Result<(), String> {
    let statements: Vec<String> = match conn {
        DbConnection::Postgres(_) => {
            let sequences: String = Table::ALL
                .iter()
                .filter(|table| table.has_id())
                .map(|table| {
                    let name = table.name();
                    format!(
                        "SELECT setval(pg_get_serial_sequence('{name}', 'id'), MAX(id)) FROM {name};"
                    )
                })
                .collect();
            // VACUUM refuses to run inside a multi-statement string.
            vec![sequences, "VACUUM ANALYZE".into()]
        }
        DbConnection::Sqlite(_) => vec!["ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);".into()],
    };
    for sql in statements {
        conn.batch_execute(&sql).map_err(|e| e.to_string())?;
    }
    Ok(())
}
