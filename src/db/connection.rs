//! One connection type over both backends, and the r2d2 manager that opens it.
//!
//! The backend is chosen explicitly from the URL scheme rather than by
//! `MultiConnection::establish`'s try-each-in-turn, which would quietly create a SQLite file
//! named after a PostgreSQL URL whenever the PostgreSQL server is down.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::ManageConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use std::path::PathBuf;
use std::time::Duration;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Where the database lives, parsed once from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseTarget {
    /// Accepts `sqlite://PATH`, `sqlite:PATH`, `postgres://...` and `postgresql://...`.
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                format!("DATABASE_URL must start with sqlite:// or postgres://, got {url:?}")
            })?;
        if path.is_empty() {
            return Err("DATABASE_URL sqlite:// needs a file path".into());
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// Per-connection SQLite settings. WAL lets readers proceed while one writer commits;
/// `synchronous=NORMAL` is durable across application crashes in WAL mode; the busy timeout
/// makes a second writer wait for the lock instead of failing at once.
/// The busy timeout comes first so that even switching to WAL waits for other connections.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;";

pub struct DbManager {
    target: DatabaseTarget,
}

impl DbManager {
    pub fn new(target: DatabaseTarget) -> Self {
        Self { target }
    }

    pub fn establish(target: &DatabaseTarget) -> Result<DbConnection, ConnectionError> {
        match target {
            DatabaseTarget::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                conn.batch_execute("SET TIME ZONE 'UTC'")
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Postgres(conn))
            }
            DatabaseTarget::Sqlite(path) => {
                let path = path.to_str().ok_or_else(|| {
                    ConnectionError::BadConnection("database path is not valid UTF-8".into())
                })?;
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        Self::establish(&self.target).map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        match conn {
            DbConnection::Postgres(pg) => diesel::r2d2::R2D2Connection::is_broken(pg),
            DbConnection::Sqlite(_) => false,
        }
    }
}

/// How long a request waits for a pooled connection before the API answers 503, by default.
pub const POOL_CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);
