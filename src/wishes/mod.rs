//! Micro-wishes (微心愿): small needs of residents, often elderly or vulnerable, met by a
//! volunteer, a team, an organisation or a donor.
//!
//! `submitted → published` (staff review) `→ claimed → fulfilled → confirmed`;
//! `submitted → rejected` (with a reason); `submitted | published → cancelled` (requester);
//! `published → expired` (deadline passed); `claimed → published` (the claimant releases).
//!
//! Privacy: the requester's name, phone and address are shown only to the requester, the
//! live claimant and staff with `ManageWishes`; everyone else sees the wish and its grid.

pub mod claim_routes;
pub mod claims;
pub mod confirmation;
pub mod lifecycle;
pub mod messages;
pub mod routes;
pub mod settings;
pub mod store;
pub mod sweep;
pub mod types;

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::wishes;
use diesel::prelude::*;

/// Takes the wish's row lock for the rest of the write transaction, so that of many people
/// claiming at once exactly one sees it published. A no-op write; on SQLite the write
/// transaction already holds the database lock.
pub fn lock(conn: &mut DbConnection, community_id: i64, wish_id: i64) -> Result<(), ApiError> {
    let touched = diesel::update(
        wishes::table
            .filter(wishes::id.eq(wish_id))
            .filter(wishes::community_id.eq(community_id)),
    )
    .set(wishes::updated_at.eq(wishes::updated_at))
    .execute(conn)?;
    if touched == 0 {
        return Err(ApiError::not_found());
    }
    Ok(())
}
