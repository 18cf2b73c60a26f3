//! Casting a ballot. Two writes in one transaction, sharing nothing but the moment: the
//! elector is marked as having voted, and a ballot row holding only the choice and the hash
//! of a random receipt goes into the box. Nothing stored ties one to the other: no voter,
//! no id, no time, and the box is kept in receipt order.
//!
//! The receipt is the voter's alone. With it they can find their ballot in the list
//! published after close, replace it before close when the vote allows, or retry a cast
//! whose answer they lost (ballots are never written to the idempotency store, whose stored
//! answers would tie a receipt to a person).

use super::electorate;
use super::lifecycle;
use super::store::VoteRow;
use super::tally;
use super::types::{BallotChange, BallotRequest, Channel, Receipt};
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::receipt::{new_receipt, receipt_hash};
use crate::schema::vote_ballots;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Checks the vote is open at `at` (opening it if its time has come), holding it open until
/// this transaction ends (see `db::holds_open`), so no ballot lands after the result is sealed.
pub fn hold_open(
    conn: &mut DbConnection,
    vote: VoteRow,
    at: NaiveDateTime,
) -> Result<VoteRow, ApiError> {
    if vote.closes_at <= at {
        // Past its close: refused without closing it here, since this transaction rolls
        // back with the refusal and would take the sealed result and its notices with it.
        // The reads and the sweep close it, each in a transaction of its own.
        return Err(ApiError::new(Code::VoteNotOpen));
    }
    let vote = if lifecycle::is_due(&vote, at) {
        lifecycle::bring_up_to_date(conn, vote.community_id, vote.id, at)?
    } else {
        vote
    };
    if !crate::db::holds_open(conn, "votes", vote.id, at)? {
        return Err(ApiError::new(Code::VoteNotOpen));
    }
    Ok(vote)
}

/// Puts a ballot in the box for `elector`. A retry with the receipt of the ballot this
/// elector already cast, and the same choices, is answered again (`Ok(false)` with it).
pub fn cast(
    conn: &mut DbConnection,
    vote: &VoteRow,
    elector: i64,
    channel: Channel,
    body: &BallotRequest,
) -> Result<(Receipt, bool), ApiError> {
    let choice = tally::encode(vote, &body.choices)?;
    let receipt = body.receipt.clone().unwrap_or_else(new_receipt);
    let hash = receipt_hash(&receipt);
    let answer = |choice: &str| Receipt {
        receipt: receipt.clone(),
        receipt_hash: hash.clone(),
        choices: tally::decode(choice),
    };
    if !electorate::mark_voted(conn, vote.id, elector, channel)? {
        if body.receipt.is_some()
            && stored_choice(conn, vote.id, &hash)?.as_deref() == Some(choice.as_str())
        {
            return Ok((answer(&choice), false));
        }
        return Err(ApiError::new(Code::AlreadyVoted));
    }
    if stored_choice(conn, vote.id, &hash)?.is_some() {
        // Someone else's receipt (a copied code): refused, and this transaction rolls back.
        return Err(ApiError::new(Code::AlreadyExists).with_field("receipt", "already_exists"));
    }
    diesel::insert_into(vote_ballots::table)
        .values((
            vote_ballots::vote_id.eq(vote.id),
            vote_ballots::receipt_hash.eq(&hash),
            vote_ballots::choice.eq(&choice),
        ))
        .execute(conn)?;
    Ok((answer(&choice), true))
}

pub fn stored_choice(
    conn: &mut DbConnection,
    vote_id: i64,
    hash: &str,
) -> Result<Option<String>, ApiError> {
    Ok(vote_ballots::table
        .filter(vote_ballots::vote_id.eq(vote_id))
        .filter(vote_ballots::receipt_hash.eq(hash))
        .select(vote_ballots::choice)
        .first(conn)
        .optional()?)
}

/// Replaces the choices of the ballot with this receipt, for an elector who has voted, while
/// the vote is open and allows it. Still one ballot, still no link.
pub fn change(
    conn: &mut DbConnection,
    vote: &VoteRow,
    elector: i64,
    body: &BallotChange,
) -> Result<Receipt, ApiError> {
    if !vote.allow_change {
        return Err(ApiError::new(Code::InvalidState).with_field("receipt", "changes_not_allowed"));
    }
    if !electorate::has_voted(conn, vote.id, elector)? {
        return Err(ApiError::new(Code::InvalidState).with_field("receipt", "not_voted"));
    }
    let choice = tally::encode(vote, &body.choices)?;
    let hash = receipt_hash(&body.receipt);
    let changed = diesel::update(
        vote_ballots::table
            .filter(vote_ballots::vote_id.eq(vote.id))
            .filter(vote_ballots::receipt_hash.eq(&hash)),
    )
    .set(vote_ballots::choice.eq(&choice))
    .execute(conn)?;
    if changed == 0 {
        return Err(ApiError::invalid_field("receipt", "unknown_receipt"));
    }
    Ok(Receipt {
        receipt: body.receipt.clone(),
        receipt_hash: hash,
        choices: tally::decode(&choice),
    })
}
