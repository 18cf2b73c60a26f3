//! Reading votes, and what each reader may be shown of them.

use super::electorate;
use super::tally;
use super::types::{
    ElectorateKind, Fraction, PassRule, Turnout, VoteFilter, VoteKind, VoteStatus, VoteView,
};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::schema::votes;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = votes)]
pub struct VoteRow {
    pub id: i64,
    pub community_id: i64,
    pub topic_id: i64,
    pub question: String,
    pub kind: String,
    pub options: String,
    pub max_choices: i32,
    pub electorate: String,
    pub status: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub quorum_numerator: i32,
    pub quorum_denominator: i32,
    pub pass_numerator: i32,
    pub pass_denominator: i32,
    pub pass_inclusive: bool,
    pub live_results: bool,
    pub allow_change: bool,
    pub electorate_size: Option<i32>,
    pub opened_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub closed_early_by: Option<i64>,
    pub close_reason: Option<String>,
    pub result: Option<String>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn corrupt(vote_id: i64, what: &str) -> ApiError {
    ApiError::internal(format!("vote {vote_id} has an unreadable {what}"))
}

impl VoteRow {
    pub fn status(&self) -> Result<VoteStatus, ApiError> {
        VoteStatus::parse(&self.status).ok_or_else(|| corrupt(self.id, "status"))
    }

    pub fn kind(&self) -> Result<VoteKind, ApiError> {
        VoteKind::parse(&self.kind).ok_or_else(|| corrupt(self.id, "kind"))
    }

    pub fn electorate(&self) -> Result<ElectorateKind, ApiError> {
        ElectorateKind::parse(&self.electorate).ok_or_else(|| corrupt(self.id, "electorate"))
    }

    pub fn options(&self) -> Result<Vec<String>, ApiError> {
        serde_json::from_str(&self.options).map_err(|_| corrupt(self.id, "option list"))
    }

    pub fn quorum(&self) -> Fraction {
        Fraction {
            numerator: self.quorum_numerator,
            denominator: self.quorum_denominator,
        }
    }

    pub fn pass_rule(&self) -> PassRule {
        PassRule {
            share: Fraction {
                numerator: self.pass_numerator,
                denominator: self.pass_denominator,
            },
            inclusive: self.pass_inclusive,
        }
    }
}

/// The community's vote; 404 for another community's.
pub fn find(conn: &mut DbConnection, community_id: i64, vote_id: i64) -> Result<VoteRow, ApiError> {
    votes::table
        .filter(votes::id.eq(vote_id))
        .filter(votes::community_id.eq(community_id))
        .select(VoteRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// Votes of the community, newest first; `closed_only` for readers without standing.
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    filter: &VoteFilter,
    closed_only: bool,
    page: Page,
) -> Result<Vec<VoteRow>, ApiError> {
    let mut query = votes::table
        .filter(votes::community_id.eq(community_id))
        .filter(votes::id.lt(page.before_id))
        .select(VoteRow::as_select())
        .order(votes::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if closed_only {
        query = query.filter(votes::status.eq(VoteStatus::Closed.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(votes::status.eq(status.as_str()));
    }
    if let Some(topic_id) = filter.topic_id {
        query = query.filter(votes::topic_id.eq(topic_id));
    }
    Ok(query.load(conn)?)
}

/// The vote as `reader` may see it. While it runs, only the turnout shows unless the vote
/// has a live tally; who voted is never shown, except to each voter about themself.
pub fn view(
    conn: &mut DbConnection,
    vote: &VoteRow,
    reader: Option<i64>,
) -> Result<VoteView, ApiError> {
    let status = vote.status()?;
    let result = match (status, &vote.result) {
        (VoteStatus::Closed, Some(sealed)) => {
            Some(serde_json::from_str(sealed).map_err(|_| corrupt(vote.id, "result"))?)
        }
        (VoteStatus::Open, _) if vote.live_results => Some(tally::count(conn, vote, false)?),
        _ => None,
    };
    let turnout = match vote.electorate_size {
        Some(size) => Some(Turnout {
            electorate_size: i64::from(size),
            ballots_cast: tally::ballots_cast(conn, vote.id)?,
        }),
        None => None,
    };
    let (in_electorate, voted) = match reader {
        Some(user_id) if vote.electorate_size.is_some() => {
            match electorate::elector_of(conn, vote, user_id)? {
                Some(elector) => (
                    Some(true),
                    Some(electorate::has_voted(conn, vote.id, elector)?),
                ),
                None => (Some(false), None),
            }
        }
        _ => (None, None),
    };
    Ok(VoteView {
        id: vote.id,
        community_id: vote.community_id,
        topic_id: vote.topic_id,
        question: vote.question.clone(),
        kind: vote.kind()?,
        options: vote.options()?,
        max_choices: vote.max_choices,
        electorate: vote.electorate()?,
        status,
        opens_at: vote.opens_at.and_utc(),
        closes_at: vote.closes_at.and_utc(),
        quorum: vote.quorum(),
        pass_rule: vote.pass_rule(),
        live_results: vote.live_results,
        allow_change: vote.allow_change,
        closed_at: vote.closed_at.map(|t| t.and_utc()),
        close_reason: vote.close_reason.clone(),
        turnout,
        result,
        in_electorate,
        voted,
    })
}
