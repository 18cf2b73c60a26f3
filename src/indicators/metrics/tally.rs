//! The one shape every metric query returns: per community (and optionally per key such as a
//! survey tag) up to three integer tallies. Queries are plain SQL that both backends run alike;
//! sums are cast to BIGINT because PostgreSQL sums BIGINTs into NUMERIC.

use crate::db::{DbConnection, numbered};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text, Timestamp};

#[derive(Debug, diesel::QueryableByName)]
pub struct Tally {
    #[diesel(sql_type = BigInt)]
    pub community_id: i64,
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = BigInt)]
    pub a: i64,
    #[diesel(sql_type = BigInt)]
    pub b: i64,
    #[diesel(sql_type = BigInt)]
    pub c: i64,
}

/// The instants a query is bound to.
pub enum Bounds {
    /// `$1`: what existed before this instant (the period's end).
    AsOf(NaiveDateTime),
    /// `$1` and `$2`: what happened from the first instant up to the second.
    Window(NaiveDateTime, NaiveDateTime),
}

/// Runs a tally query bound to `bounds` (`$1`, or `$1` and `$2`, in any order).
pub fn tally(conn: &mut DbConnection, sql: &str, bounds: Bounds) -> Result<Vec<Tally>, ApiError> {
    let query = diesel::sql_query(numbered(conn, sql));
    Ok(match bounds {
        Bounds::AsOf(at) => query.bind::<Timestamp, _>(at).load(conn)?,
        Bounds::Window(from, to) => query
            .bind::<Timestamp, _>(from)
            .bind::<Timestamp, _>(to)
            .load(conn)?,
    })
}
