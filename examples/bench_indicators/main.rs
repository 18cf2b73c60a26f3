//! A district's year of activity, written straight to the database: the data generator for
//! `scripts/bench-indicators`, which then times `wushe compute-indicators` over it, and (with
//! `PROFILE=load`) for the load benchmark `scripts/bench` (issue 10).
//!
//!   DATABASE_URL=sqlite:///tmp/d.db SCALE=4 SEED=2026 target/release/examples/bench_indicators
//!   DATABASE_URL=sqlite:///tmp/l.db PROFILE=load target/release/examples/bench_indicators
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
//! `PROFILE=load` writes the data set a load test drives the service over, as the service
//! itself would have written it: 20 communities (16 urban, 4 villages) with 60,000 verified
//! residents, the year up to today (Beijing; `UNTIL=YYYY-MM-DD` names another end, for the
//! same rows again), about 1,000,000 ledger entries on valid per-community hash chains
//! (points and time credits for settled activities, points for confirmed wishes, staff
//! adjustments, redemptions in each community's rewards shop and a few refunds, the charity
//! fund's money), 50,000 wishes with a few thousand still open, 10 votes per community (8
//! closed with their ballots, 2 open for a fortnight), 100,000 survey responses (the fifth
//! survey of each community still open), and the points rules, credit rules, ballots and
//! survey audiences the service needs to act on them. `SCALE` (it may be fractional here,
//! e.g. 0.05 for a quick check) multiplies the people and all they do, as for the district.
//! The same `SEED` and `UNTIL` give the same rows, on either backend.
//!
//! What a load driver finds there: communities 1–20 (5, 10, 15 and 20 are villages); their
//! verified residents in `memberships` (status `verified`), their officers in `role_grants`
//! (`community_admin`, `community_staff`, not revoked); six items in each shop
//! (`reward_items`, 20 to 300 points, stock about 99,000 each); points balances in
//! `ledger_accounts` (kind `personal`); the open votes and the open survey by their status,
//! with who may still answer in `vote_electors` (`voted` false; a household's id where the
//! vote is per household) and `survey_audience` (`responded` false).
//!
//! Prints the rows per table and the load time, ending with a line the script reads:
//! `loaded <rows> rows in <seconds> s`.

mod consultation;
mod dice;
mod district;
mod feedback;
mod fund;
mod ledger;
mod people;
mod profile;
mod shop;
mod sink;
mod societies;
mod surveys;
mod volunteering;
mod votes;
mod wishes;

use diesel::connection::SimpleConnection;
use diesel::{QueryableByName, RunQueryDsl};
use profile::Profile;
use sink::{Sink, Table};
use std::str::FromStr;
use std::time::{Duration, Instant};
use wushe::db::{DatabaseTarget, Db, DbConnection, run_migrations};

fn setting<T: FromStr>(name: &str, default: T, what: &str) -> Result<T, String> {
    match std::env::var(name) {
        Ok(value) => value.parse().map_err(|_| format!("{name} must be {what}")),
        Err(_) => Ok(default),
    }
}

fn main() -> Result<(), String> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set")?;
    let profile = Profile::from_env()?;
    let scale: f64 = setting("SCALE", 1.0, "a positive number")?;
    let seed: u64 = setting("SEED", 2026, "a whole number")?;
    if !(scale > 0.0 && scale.is_finite()) || (!profile.is_live() && scale.fract() != 0.0) {
        return Err(
            "SCALE must be a positive whole number (a positive number with PROFILE=load)".into(),
        );
    }
    if profile.is_live() {
        // The load data set's year ends today, so that its open votes and surveys are still
        // open when the test runs (the indicators district's year is 2026).
        let today = wushe::calendar::local(wushe::db::now()).date();
        dice::set_year_end(setting("UNTIL", today, "a date (YYYY-MM-DD)")?);
    }
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
    district::generate(&mut sink, &mut dice::Dice::new(seed), profile, scale)?;
    let counts = sink.counts();
    let loaded = started.elapsed().as_secs_f64();

    let started = Instant::now();
    settle(conn)?;
    let settled = started.elapsed().as_secs_f64();

    let total: u64 = counts.iter().map(|(_, rows)| rows).sum();
    // Tables the profile leaves empty are not listed.
    for (table, rows) in counts.iter().filter(|(_, rows)| *rows > 0) {
        println!("{:<26} {rows:>10}", table.name());
    }
    println!(
        "profile {}, scale {scale}, seed {seed}; statistics gathered in {settled:.1} s",
        profile.name
    );
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
