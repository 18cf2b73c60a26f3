//! Migrations, embedded per backend and applied at start-up.

use super::DbConnection;
use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Serialises migrations when several nodes start together against one PostgreSQL.
const MIGRATION_LOCK_KEY: i64 = 0x7775_7368_6500;

/// Applies pending migrations; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, String> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| v.len()),
        DbConnection::Postgres(c) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(c)
                .map_err(|e| e.to_string())?;
            let result = c.run_pending_migrations(POSTGRES).map(|v| v.len());
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .execute(c)
                .map_err(|e| e.to_string())?;
            result
        }
    };
    applied.map_err(|e| format!("migration failed: {e}"))
}
