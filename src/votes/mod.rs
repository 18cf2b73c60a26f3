//! Votes on consultation topics (表决): yes/no/abstain, single or multiple choice; an
//! electorate of verified adult residents, one per household (户代表), or named
//! representatives, frozen when voting opens; secret ballots with receipts, published after
//! close for anyone to recount (`scripts/recount`); witnessed proxy ballots and paper ballots
//! entered by two officers.
//!
//! Secrecy: `vote_electors` says who voted (and by which channel), `vote_ballots` what was
//! chosen, and nothing links the two: no voter or id on a ballot, no times on either, ballots
//! keyed and stored by the hash of a random receipt that only the voter holds, and rewritten
//! at close (see `lifecycle::seal`). Ballots leave no audit record and never pass through the
//! idempotency store. While results are hidden, only the turnout is shown.

pub mod ballot_routes;
pub mod ballots;
pub mod electorate;
pub mod lifecycle;
pub mod live;
pub mod paper;
pub mod paper_routes;
pub mod proxy;
pub mod routes;
pub mod setup;
pub mod store;
pub mod tally;
pub mod types;

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::votes;
use diesel::prelude::*;

/// Takes the vote's row lock for the rest of the write transaction (a no-op write), so that
/// of many requests finding a transition due, one applies it and the others see it done.
pub fn lock(conn: &mut DbConnection, vote_id: i64) -> Result<(), ApiError> {
    let touched = diesel::update(votes::table.find(vote_id))
        .set(votes::updated_at.eq(votes::updated_at))
        .execute(conn)?;
    if touched == 0 {
        return Err(ApiError::not_found());
    }
    Ok(())
}
