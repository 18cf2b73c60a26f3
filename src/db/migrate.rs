//! Migrations, embedded per backend and applied at start-up.

use super::DbConnection;
use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Serialises migrations when several nodes start together against one PostgreSQL.
const MIGRATION_LOCK_KEY: i64 = 0x7775_7368_6500;

/// Applies pending migrations, then installs the built-in evaluation standards a new database
/// lacks; returns how many migrations ran. On PostgreSQL both happen under an advisory lock,
/// so nodes starting together neither race the migrations nor install a standard twice.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, String> {
    let postgres = matches!(conn, DbConnection::Postgres(_));
    if postgres {
        advisory(conn, "pg_advisory_lock")?;
    }
    let result = apply(conn).and_then(|applied| {
        crate::indicators::standards::builtin::install(conn)?;
        Ok(applied)
    });
    if postgres {
        advisory(conn, "pg_advisory_unlock")?;
    }
    result
}

fn advisory(conn: &mut DbConnection, function: &str) -> Result<(), String> {
    diesel::sql_query(format!("SELECT {function}({MIGRATION_LOCK_KEY})"))
        .execute(conn)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn apply(conn: &mut DbConnection) -> Result<usize, String> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| v.len()),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES).map(|v| v.len()),
    };
    applied.map_err(|e| format!("migration failed: {e}"))
}
