//! Database access: one pool over SQLite or PostgreSQL, blocking work moved off the async
//! workers, and write transactions that queue instead of failing on SQLite.

mod connection;
pub mod enums;
mod migrate;
pub mod stored_enum;

pub use connection::{DatabaseTarget, DbConnection};
pub use migrate::run_migrations;

use crate::error::ApiError;
use connection::DbManager;
pub use connection::POOL_CHECKOUT_TIMEOUT;
use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::r2d2::{Pool, PooledConnection};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub type DbPool = Pool<DbManager>;
/// The backend type generated for [`DbConnection`], for boxed queries.
pub type DbBackend = <DbConnection as Connection>::Backend;
pub type PooledDb = PooledConnection<DbManager>;

#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    target: DatabaseTarget,
    /// On SQLite, which takes one writer at a time, this node's write transactions queue
    /// here for their turn. Otherwise they would all start `BEGIN IMMEDIATE` and the losers
    /// would sleep in SQLite's busy handler (1, 2, 5... up to 100 ms at a time), leaving the
    /// database idle while they sleep: under 32 concurrent writers, throughput fell and p99
    /// latency rose to the length of those sleeps.
    writers: Option<Arc<Semaphore>>,
}

impl Db {
    /// Opens the pool. For SQLite the file and its directory are created if missing.
    pub fn connect(
        target: &DatabaseTarget,
        max_size: u32,
        checkout_timeout: std::time::Duration,
    ) -> Result<Self, String> {
        if let DatabaseTarget::Sqlite(path) = target
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(checkout_timeout)
            .test_on_check_out(false)
            .build_unchecked(DbManager::new(target.clone()));
        let writers = match target {
            DatabaseTarget::Sqlite(_) => Some(Arc::new(Semaphore::new(1))),
            DatabaseTarget::Postgres(_) => None,
        };
        Ok(Self {
            pool,
            target: target.clone(),
            writers,
        })
    }

    pub fn target(&self) -> &DatabaseTarget {
        &self.target
    }

    pub fn pool_state(&self) -> diesel::r2d2::State {
        self.pool.state()
    }

    pub fn max_size(&self) -> u32 {
        self.pool.max_size()
    }

    /// Checks out a connection on the current thread; for CLI commands and blocking code.
    pub fn get(&self) -> Result<PooledDb, ApiError> {
        Ok(self.pool.get()?)
    }

    /// Runs blocking database work on the blocking thread pool.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(ApiError::unavailable)?
    }

    /// Like [`Db::run`], inside a write transaction (on SQLite, once this node's writer
    /// before it has finished).
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let _turn = match &self.writers {
            Some(writers) => Some(writers.acquire().await.map_err(ApiError::unavailable)?),
            None => None,
        };
        self.run(move |conn| write_tx(conn, work)).await
    }
}

/// Runs `work` in a transaction that takes the write lock up front on SQLite
/// (`BEGIN IMMEDIATE`), so concurrent writers wait on the busy timeout instead of failing
/// with "database is locked" when a read lock cannot be upgraded. Any error rolls back.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?
        }
        DbConnection::Postgres(_) => {
            <DbConnection as Connection>::TransactionManager::begin_transaction(conn)?
        }
    }
    match work(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(err) => {
            // The work's error is what the caller needs; a failed rollback only adds noise.
            let _ = <DbConnection as Connection>::TransactionManager::rollback_transaction(conn);
            Err(err)
        }
    }
}

/// The id the next row of `table` will get, for a row that a ledger transaction must name
/// while the row needs that transaction's id in turn: from the table's sequence on
/// PostgreSQL; on SQLite, whose write transactions run one at a time, as one past the largest.
/// `table` is a table name from the code, never from a request.
pub fn next_id(conn: &mut DbConnection, table: &'static str) -> Result<i64, ApiError> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Next {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let sql = match conn {
        DbConnection::Postgres(_) => {
            format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id")
        }
        DbConnection::Sqlite(_) => format!("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM {table}"),
    };
    Ok(diesel::sql_query(sql).get_result::<Next>(conn)?.id)
}

/// `sql` with its `$n` parameters in the form the connection's backend numbers explicitly:
/// unchanged for PostgreSQL, `?n` for SQLite, which takes `$n` as a name and numbers names
/// by first appearance (so `$2` written before `$1` would take the first value).
pub fn numbered(conn: &DbConnection, sql: &str) -> String {
    match conn {
        DbConnection::Postgres(_) => sql.to_owned(),
        DbConnection::Sqlite(_) => {
            let mut out = String::with_capacity(sql.len());
            let mut chars = sql.chars().peekable();
            while let Some(c) = chars.next() {
                let starts_number = chars.peek().is_some_and(char::is_ascii_digit);
                out.push(if c == '$' && starts_number { '?' } else { c });
            }
            out
        }
    }
}

/// The aggregate joining `expr` (any type) into comma-separated text, on either backend.
pub fn joined_text(conn: &DbConnection, expr: &str) -> String {
    match conn {
        DbConnection::Postgres(_) => format!("string_agg(CAST({expr} AS TEXT), ',')"),
        DbConnection::Sqlite(_) => format!("group_concat({expr}, ',')"),
    }
}

/// The current time as stored: UTC without zone, millisecond precision on both backends.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    let now = chrono::Utc::now().naive_utc();
    now.duration_trunc(TimeDelta::milliseconds(1))
        .unwrap_or(now)
}

#[derive(diesel::QueryableByName)]
struct Window {
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    closes_at: chrono::NaiveDateTime,
}

/// Whether the row `id` of `table` (a vote or a survey: a `status` and a `closes_at`) is
/// `open` before `at`, holding it so until this write transaction ends: on PostgreSQL a share
/// lock on the row, which closing (an update) must wait for, so nothing lands after close;
/// SQLite runs one write transaction at a time.
pub fn holds_open(
    conn: &mut DbConnection,
    table: &'static str,
    id: i64,
    at: chrono::NaiveDateTime,
) -> Result<bool, ApiError> {
    use diesel::RunQueryDsl;
    let lock = match conn {
        DbConnection::Postgres(_) => " FOR SHARE",
        DbConnection::Sqlite(_) => "",
    };
    let window: Window = diesel::sql_query(format!(
        "SELECT status, closes_at FROM {table} WHERE id = $1{lock}"
    ))
    .bind::<diesel::sql_types::BigInt, _>(id)
    .get_result(conn)?;
    Ok(window.status == "open" && at < window.closes_at)
}
