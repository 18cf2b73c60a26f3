//! Paper ballots from a meeting (villagers' or residents' meeting): one officer enters the
//! batch (who handed in a ballot, and the count per choice); a second officer counts the
//! papers again and enters their own figures, and only when both agree are the electors
//! marked as having voted on paper and the ballots put in the box. Both steps are audited.

use super::electorate;
use super::store::VoteRow;
use super::tally;
use super::types::Channel;
use crate::audit::{self, Actor, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::receipt::{new_receipt, receipt_hash};
use crate::schema::{vote_ballots, vote_paper_batches as batches};
use crate::stored_enum;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use validator::Validate;

stored_enum! {
    pub enum PaperBatchStatus {
        Pending => "pending",
        Applied => "applied",
        Rejected => "rejected",
    }
}

/// So many paper ballots marked with these choices.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperCount {
    #[validate(length(min = 1, max = 20))]
    pub choices: Vec<i32>,
    #[validate(range(min = 1, max = 100000))]
    pub count: i32,
}

/// An officer's count of the papers.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperTally {
    #[validate(range(min = 1, max = 100000))]
    pub paper_count: i32,
    #[validate(length(min = 1, max = 100), nested)]
    pub tally: Vec<PaperCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperBatchRequest {
    /// The residents who handed in a paper ballot (the meeting's sign-in sheet).
    #[validate(length(min = 1, max = 100000))]
    pub voters: Vec<i64>,
    // The count's two fields are spelled out rather than a flattened `PaperTally`: serde
    // cannot deny unknown fields through a flatten, and the document would combine a closed
    // object with another field, which no request could satisfy.
    #[validate(range(min = 1, max = 100000))]
    pub paper_count: i32,
    #[validate(length(min = 1, max = 100), nested)]
    pub tally: Vec<PaperCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PaperBatchView {
    pub id: i64,
    pub vote_id: i64,
    pub paper_count: i32,
    /// Electors (users, or households in a household vote) marked by this batch.
    pub electors: Vec<i64>,
    /// Encoded choice (option numbers, comma-separated) → ballots.
    pub tally: BTreeMap<String, i32>,
    pub status: PaperBatchStatus,
    pub entered_by: i64,
    pub entered_at: DateTime<Utc>,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = batches)]
pub struct BatchRow {
    pub id: i64,
    pub vote_id: i64,
    pub paper_count: i32,
    pub electors: String,
    pub tally: String,
    pub status: String,
    pub entered_by: i64,
    pub entered_at: NaiveDateTime,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
}

impl BatchRow {
    pub fn view(&self) -> Result<PaperBatchView, ApiError> {
        let corrupt = |_| ApiError::internal(format!("paper batch {} is unreadable", self.id));
        Ok(PaperBatchView {
            id: self.id,
            vote_id: self.vote_id,
            paper_count: self.paper_count,
            electors: serde_json::from_str(&self.electors).map_err(corrupt)?,
            tally: serde_json::from_str(&self.tally).map_err(corrupt)?,
            status: PaperBatchStatus::parse(&self.status)
                .ok_or_else(|| ApiError::internal("paper batch status"))?,
            entered_by: self.entered_by,
            entered_at: self.entered_at.and_utc(),
            confirmed_by: self.confirmed_by,
            confirmed_at: self.confirmed_at.map(|t| t.and_utc()),
            rejection_reason: self.rejection_reason.clone(),
        })
    }
}

fn to_json(value: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// The count in a canonical form two officers' entries can be compared in: choice → ballots,
/// adding up to the paper count.
fn canonical(
    vote: &VoteRow,
    paper_count: i32,
    lines: &[PaperCount],
) -> Result<BTreeMap<String, i32>, ApiError> {
    let mut tally = BTreeMap::new();
    for line in lines {
        *tally
            .entry(tally::encode(vote, &line.choices)?)
            .or_insert(0) += line.count;
    }
    if tally.values().sum::<i32>() != paper_count {
        return Err(ApiError::invalid_field("paper_count", "tally_mismatch"));
    }
    Ok(tally)
}

pub fn enter(
    conn: &mut DbConnection,
    caller: &Caller,
    vote: &VoteRow,
    body: &PaperBatchRequest,
    at: NaiveDateTime,
) -> Result<PaperBatchView, ApiError> {
    let tally = canonical(vote, body.paper_count, &body.tally)?;
    let mut electors = Vec::with_capacity(body.voters.len());
    for user_id in &body.voters {
        let elector = electorate::elector_of(conn, vote, *user_id)?
            .ok_or_else(|| ApiError::invalid_field("voters", "not_in_electorate"))?;
        electors.push(elector);
    }
    electors.sort_unstable();
    electors.dedup();
    if electors.len() != body.voters.len()
        || electors.len() != usize::try_from(body.paper_count).unwrap_or(0)
    {
        // Two people of one household, a name twice, or not one paper per voter.
        return Err(ApiError::invalid_field("voters", "paper_count_mismatch"));
    }
    let batch_id: i64 = diesel::insert_into(batches::table)
        .values((
            batches::vote_id.eq(vote.id),
            batches::paper_count.eq(body.paper_count),
            batches::electors.eq(to_json(&electors)?),
            batches::tally.eq(to_json(&tally)?),
            batches::status.eq(PaperBatchStatus::Pending.as_str()),
            batches::entered_by.eq(caller.actor_id()),
            batches::entered_at.eq(at),
        ))
        .returning(batches::id)
        .get_result(conn)?;
    let row = find(conn, vote, batch_id)?;
    let view = row.view()?;
    audit::record(
        conn,
        &Actor::from(caller),
        Change::in_community(
            vote.community_id,
            "vote.paper_batch.enter",
            "vote_paper_batch",
            row.id,
        )
        .after(&view),
    )?;
    Ok(view)
}

pub fn find(conn: &mut DbConnection, vote: &VoteRow, batch_id: i64) -> Result<BatchRow, ApiError> {
    batches::table
        .filter(batches::id.eq(batch_id))
        .filter(batches::vote_id.eq(vote.id))
        .select(BatchRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

pub fn list(conn: &mut DbConnection, vote: &VoteRow) -> Result<Vec<PaperBatchView>, ApiError> {
    let rows: Vec<BatchRow> = batches::table
        .filter(batches::vote_id.eq(vote.id))
        .select(BatchRow::as_select())
        .order(batches::id)
        .load(conn)?;
    rows.iter().map(BatchRow::view).collect()
}

/// Marks a pending batch decided (applied or rejected) unless someone else did first.
fn decide(
    conn: &mut DbConnection,
    caller: &Caller,
    batch: &BatchRow,
    to: PaperBatchStatus,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> Result<BatchRow, ApiError> {
    let decided = diesel::update(
        batches::table
            .filter(batches::id.eq(batch.id))
            .filter(batches::status.eq(PaperBatchStatus::Pending.as_str())),
    )
    .set((
        batches::status.eq(to.as_str()),
        batches::confirmed_by.eq(caller.actor_id()),
        batches::confirmed_at.eq(at),
        batches::rejection_reason.eq(reason),
    ))
    .execute(conn)?;
    if decided == 0 {
        return Err(ApiError::new(Code::InvalidState).with_field("status", "invalid_transition"));
    }
    Ok(batches::table
        .find(batch.id)
        .select(BatchRow::as_select())
        .first(conn)?)
}

/// The second officer's count. When it agrees with the first, the batch is applied: its
/// electors are marked as having voted on paper (409, and nothing applied, if any already
/// had) and its ballots go in the box under receipts nobody holds.
pub fn confirm(
    conn: &mut DbConnection,
    caller: &Caller,
    vote: &VoteRow,
    batch: &BatchRow,
    recount: &PaperTally,
    at: NaiveDateTime,
) -> Result<PaperBatchView, ApiError> {
    if batch.entered_by == caller.actor_id() {
        return Err(ApiError::forbidden().with_field("confirmed_by", "same_officer"));
    }
    let entered = batch.view()?;
    if recount.paper_count != entered.paper_count
        || canonical(vote, recount.paper_count, &recount.tally)? != entered.tally
    {
        return Err(ApiError::new(Code::InvalidState).with_field("tally", "counts_differ"));
    }
    let applied = decide(conn, caller, batch, PaperBatchStatus::Applied, None, at)?;
    for elector in &entered.electors {
        if !electorate::mark_voted(conn, vote.id, *elector, Channel::Paper)? {
            return Err(ApiError::new(Code::AlreadyVoted).with_field("voters", "already_voted"));
        }
    }
    for (choice, count) in &entered.tally {
        for _ in 0..*count {
            let unheld = receipt_hash(&new_receipt());
            diesel::insert_into(vote_ballots::table)
                .values((
                    vote_ballots::vote_id.eq(vote.id),
                    vote_ballots::receipt_hash.eq(unheld),
                    vote_ballots::choice.eq(choice),
                ))
                .execute(conn)?;
        }
    }
    let view = applied.view()?;
    audit::record(
        conn,
        &Actor::from(caller),
        Change::in_community(
            vote.community_id,
            "vote.paper_batch.confirm",
            "vote_paper_batch",
            batch.id,
        )
        .before(&entered)
        .after(&view),
    )?;
    Ok(view)
}

pub fn reject(
    conn: &mut DbConnection,
    caller: &Caller,
    vote: &VoteRow,
    batch: &BatchRow,
    reason: &str,
    at: NaiveDateTime,
) -> Result<PaperBatchView, ApiError> {
    let before = batch.view()?;
    let view = decide(
        conn,
        caller,
        batch,
        PaperBatchStatus::Rejected,
        Some(reason),
        at,
    )?
    .view()?;
    audit::record(
        conn,
        &Actor::from(caller),
        Change::in_community(
            vote.community_id,
            "vote.paper_batch.reject",
            "vote_paper_batch",
            batch.id,
        )
        .before(&before)
        .after(&view),
    )?;
    Ok(view)
}
