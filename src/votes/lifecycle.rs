//! A vote's clock: `scheduled → open` (the electorate frozen) at `opens_at` or when staff
//! open it; `open → closed` (the result sealed) at `closes_at`, or earlier by a recorded admin
//! act; `scheduled → cancelled`. Transitions that fall due are applied by whichever comes
//! first: a request touching the vote, or the sweep (`wushe sweep-votes`).

use super::electorate;
use super::store::{self, VoteRow};
use super::tally;
use super::types::{Outcome, VoteResult, VoteStatus};
use crate::audit::{self, Actor, Change};
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::notifications::{Notice, notify};
use crate::schema::{vote_ballots, vote_electors, votes};
use crate::topics::timeline::{self, Event, EventKind};
use crate::topics::{TopicStage, stage, store as topics};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

fn not_now() -> ApiError {
    ApiError::new(Code::InvalidState).with_field("status", "invalid_transition")
}

/// Moves the vote from `from` to `to` if nobody else has; the caller then does the rest of
/// the step in the same transaction.
fn claim_step(
    conn: &mut DbConnection,
    vote: &VoteRow,
    from: VoteStatus,
    to: VoteStatus,
    at: NaiveDateTime,
) -> Result<bool, ApiError> {
    let moved = diesel::update(
        votes::table
            .filter(votes::id.eq(vote.id))
            .filter(votes::status.eq(from.as_str())),
    )
    .set((votes::status.eq(to.as_str()), votes::updated_at.eq(at)))
    .execute(conn)?;
    Ok(moved == 1)
}

/// Opens the vote now: freezes the electorate and moves the topic into voting. A vote whose
/// topic has left discussion meanwhile (rejected, say) is cancelled instead.
pub fn open(
    conn: &mut DbConnection,
    actor: &Actor,
    vote: &VoteRow,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let topic = topics::find(conn, vote.community_id, vote.topic_id)?;
    if topic.stage()? != TopicStage::Discussion {
        return cancel(
            conn,
            actor,
            vote,
            "议题已不在讨论阶段 (the topic is no longer under discussion)",
            at,
        );
    }
    if !claim_step(conn, vote, VoteStatus::Scheduled, VoteStatus::Open, at)? {
        return Err(not_now());
    }
    // Opened by hand before its time: the adult cut-off and the record say when it really did.
    let opens_at = vote.opens_at.min(at);
    let frozen = VoteRow {
        opens_at,
        ..vote.clone()
    };
    let size = electorate::freeze(conn, &frozen, opens_at)?;
    diesel::update(votes::table.find(vote.id))
        .set((
            votes::opens_at.eq(opens_at),
            votes::opened_at.eq(at),
            votes::electorate_size.eq(i32::try_from(size).map_err(ApiError::internal)?),
        ))
        .execute(conn)?;
    stage::advance(conn, actor, &topic, TopicStage::Voting, at)?;
    let event = Event::new(EventKind::VoteOpened, actor.user_id)
        .data(json!({"vote_id": vote.id, "electorate_size": size}));
    timeline::record(conn, vote.topic_id, event, at)?;
    let notice = Notice::VoteOpened {
        vote_id: vote.id,
        question: vote.question.clone(),
        closes_at: vote.closes_at,
    };
    // Opened late, after its close (the node was down): the result notice follows at once,
    // and an invitation to a vote already over would only mislead.
    if vote.closes_at > at {
        tell_electors(conn, vote, &notice)?;
    }
    audit::record(
        conn,
        actor,
        Change::in_community(vote.community_id, "vote.open", "vote", vote.id)
            .after(&json!({"electorate_size": size, "opened_at": at.and_utc()})),
    )
}

/// Tells everyone on the vote's frozen electorate.
fn tell_electors(conn: &mut DbConnection, vote: &VoteRow, notice: &Notice) -> Result<(), ApiError> {
    let electors: Vec<i64> = vote_electors::table
        .filter(vote_electors::vote_id.eq(vote.id))
        .select(vote_electors::elector_id)
        .load(conn)?;
    notify(conn, Some(vote.community_id), notice, &electors, None)?;
    Ok(())
}

/// Rewrites the vote's ballots in receipt order in one statement each, so that their
/// physical order and (on PostgreSQL) their writing transactions no longer reflect the order
/// or the moments in which they were cast.
fn seal(conn: &mut DbConnection, vote_id: i64) -> Result<(), ApiError> {
    let ballots: Vec<(String, String)> = vote_ballots::table
        .filter(vote_ballots::vote_id.eq(vote_id))
        .select((vote_ballots::receipt_hash, vote_ballots::choice))
        .order(vote_ballots::receipt_hash)
        .load(conn)?;
    diesel::delete(vote_ballots::table.filter(vote_ballots::vote_id.eq(vote_id))).execute(conn)?;
    for (receipt_hash, choice) in ballots {
        diesel::insert_into(vote_ballots::table)
            .values((
                vote_ballots::vote_id.eq(vote_id),
                vote_ballots::receipt_hash.eq(receipt_hash),
                vote_ballots::choice.eq(choice),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Closes the vote: seals the ballots and the official result, and moves the topic to
/// `decided` (or back to discussion when too few took part). `early` is an admin's reason
/// for closing before `closes_at`.
pub fn close(
    conn: &mut DbConnection,
    actor: &Actor,
    vote: &VoteRow,
    at: NaiveDateTime,
    early: Option<&str>,
) -> Result<VoteResult, ApiError> {
    if !claim_step(conn, vote, VoteStatus::Open, VoteStatus::Closed, at)? {
        return Err(not_now());
    }
    seal(conn, vote.id)?;
    let result = tally::count(conn, vote, true)?;
    let sealed = serde_json::to_string(&result).map_err(ApiError::internal)?;
    diesel::update(votes::table.find(vote.id))
        .set((
            votes::result.eq(sealed),
            votes::closed_at.eq(at),
            votes::closed_early_by.eq(early.and(actor.user_id)),
            votes::close_reason.eq(early),
        ))
        .execute(conn)?;
    let topic = topics::find(conn, vote.community_id, vote.topic_id)?;
    if topic.stage()? == TopicStage::Voting {
        let next = match result.outcome {
            Outcome::NoQuorum => TopicStage::Discussion,
            Outcome::Passed | Outcome::NotPassed => TopicStage::Decided,
        };
        stage::advance(conn, actor, &topic, next, at)?;
    }
    let mut event = Event::new(EventKind::VoteClosed, actor.user_id)
        .data(json!({"vote_id": vote.id, "question": vote.question, "result": result}));
    if let Some(reason) = early {
        event = event.body(reason);
    }
    timeline::record(conn, vote.topic_id, event, at)?;
    let notice = Notice::VoteResult {
        vote_id: vote.id,
        question: vote.question.clone(),
        outcome: result.outcome.as_str().to_owned(),
    };
    tell_electors(conn, vote, &notice)?;
    let action = if early.is_some() {
        "vote.close_early"
    } else {
        "vote.close"
    };
    audit::record(
        conn,
        actor,
        Change::in_community(vote.community_id, action, "vote", vote.id)
            .before(&json!({"status": VoteStatus::Open}))
            .after(&json!({"status": VoteStatus::Closed, "reason": early, "result": result})),
    )?;
    Ok(result)
}

/// Cancels a vote that has not opened; the topic stays under discussion.
pub fn cancel(
    conn: &mut DbConnection,
    actor: &Actor,
    vote: &VoteRow,
    reason: &str,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    if !claim_step(conn, vote, VoteStatus::Scheduled, VoteStatus::Cancelled, at)? {
        return Err(not_now());
    }
    diesel::update(votes::table.find(vote.id))
        .set(votes::close_reason.eq(reason))
        .execute(conn)?;
    let event = Event::new(EventKind::VoteCancelled, actor.user_id)
        .body(reason)
        .data(json!({"vote_id": vote.id}));
    timeline::record(conn, vote.topic_id, event, at)?;
    audit::record(
        conn,
        actor,
        Change::in_community(vote.community_id, "vote.cancel", "vote", vote.id)
            .before(&json!({"status": VoteStatus::Scheduled}))
            .after(&json!({"status": VoteStatus::Cancelled, "reason": reason})),
    )
}

/// Whether a transition of the vote has fallen due at `at`.
pub fn is_due(vote: &VoteRow, at: NaiveDateTime) -> bool {
    match VoteStatus::parse(&vote.status) {
        Some(VoteStatus::Scheduled) => vote.opens_at <= at,
        Some(VoteStatus::Open) => vote.closes_at <= at,
        _ => false,
    }
}

/// Takes the vote's row lock, applies the transitions due at `at` and returns the vote as it
/// now stands; inside a write transaction. Done by the system, so the records name no one.
pub fn bring_up_to_date(
    conn: &mut DbConnection,
    community_id: i64,
    vote_id: i64,
    at: NaiveDateTime,
) -> Result<VoteRow, ApiError> {
    super::lock(conn, vote_id)?;
    let system = Actor::default();
    let mut vote = store::find(conn, community_id, vote_id)?;
    while is_due(&vote, at) {
        match vote.status()? {
            VoteStatus::Scheduled => open(conn, &system, &vote, at)?,
            VoteStatus::Open => {
                close(conn, &system, &vote, vote.closes_at, None)?;
            }
            VoteStatus::Closed | VoteStatus::Cancelled => break,
        }
        vote = store::find(conn, vote.community_id, vote.id)?;
    }
    Ok(vote)
}

#[derive(Debug, Default, serde::Serialize)]
pub struct SweepReport {
    pub opened: usize,
    pub closed: usize,
}

/// Opens and closes every vote whose time has come, each in its own transaction.
pub fn sweep(conn: &mut DbConnection, at: NaiveDateTime) -> Result<SweepReport, ApiError> {
    let due: Vec<VoteRow> = votes::table
        .filter(
            (votes::status
                .eq(VoteStatus::Scheduled.as_str())
                .and(votes::opens_at.le(at)))
            .or(votes::status
                .eq(VoteStatus::Open.as_str())
                .and(votes::closes_at.le(at))),
        )
        .select(VoteRow::as_select())
        .load(conn)?;
    let mut report = SweepReport::default();
    for vote in due {
        let was_open = vote.status == VoteStatus::Open.as_str();
        let now = crate::db::write_tx(conn, |conn| {
            bring_up_to_date(conn, vote.community_id, vote.id, at)
        })?;
        match (was_open, now.status()?) {
            (_, VoteStatus::Closed) => report.closed += 1,
            (false, VoteStatus::Open) => report.opened += 1,
            _ => {}
        }
    }
    Ok(report)
}
