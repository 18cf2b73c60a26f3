//! Votes on the wire: how one is set up, a ballot, a receipt, and the result.

use crate::stored_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

stored_enum! {
    /// The form of the question.
    pub enum VoteKind {
        /// Options 0 yes (同意), 1 no (反对), 2 abstain (弃权).
        YesNo => "yes_no",
        Single => "single",
        /// Up to `max_choices` options.
        Multiple => "multiple",
    }
}

stored_enum! {
    /// Who may vote.
    pub enum ElectorateKind {
        /// Every verified adult resident.
        Residents => "residents",
        /// One ballot per household (户代表), cast by any verified adult of it.
        Households => "households",
        /// The named resident representatives (居民代表).
        Representatives => "representatives",
    }
}

stored_enum! {
    /// Where a vote stands. `scheduled` becomes `open` at `opens_at` and `open` becomes
    /// `closed` at `closes_at` (or earlier by a recorded admin act).
    pub enum VoteStatus {
        Scheduled => "scheduled",
        Open => "open",
        Closed => "closed",
        Cancelled => "cancelled",
    }
}

stored_enum! {
    /// How an elector's ballot reached the box.
    pub enum Channel as BallotChannel {
        App => "app",
        Proxy => "proxy",
        Paper => "paper",
    }
}

/// A share: `numerator / denominator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fraction {
    #[validate(range(min = 0, max = 1000))]
    pub numerator: i32,
    #[validate(range(min = 1, max = 1000))]
    pub denominator: i32,
}

/// The share of votes cast an option needs: more than the fraction, or at least it when
/// `inclusive` (三分之二以上 includes two thirds itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassRule {
    #[validate(nested)]
    pub share: Fraction,
    pub inclusive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    #[validate(
        length(min = 2, max = 200),
        custom(function = "crate::http::text::single_line")
    )]
    pub question: String,
    pub kind: VoteKind,
    /// The options of a single or multiple choice vote (2 to 20); none for yes/no.
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "option_labels"))]
    pub options: Vec<String>,
    /// How many options a ballot may mark in a multiple choice vote.
    #[validate(range(min = 1, max = 20))]
    pub max_choices: Option<i32>,
    pub electorate: ElectorateKind,
    /// The resident representatives, when they are the electorate.
    #[serde(default)]
    #[validate(length(max = 1000))]
    pub representatives: Vec<i64>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Turnout needed, as a share of the electorate (default: more than half).
    #[validate(nested)]
    pub quorum: Option<Fraction>,
    /// Votes an option needs, as a share of ballots cast (default: more than half; at least
    /// two thirds for a special topic).
    #[validate(nested)]
    pub pass_rule: Option<PassRule>,
    /// Show the tally while voting runs; otherwise only the turnout until close.
    #[serde(default)]
    pub live_results: bool,
    /// Let a voter replace their ballot, with its receipt, until close.
    #[serde(default)]
    pub allow_change: bool,
}

fn option_labels(labels: &[String]) -> Result<(), ValidationError> {
    for label in labels {
        let length = label.trim().chars().count();
        if !(1..=100).contains(&length) {
            return Err(ValidationError::new("length"));
        }
        crate::http::text::single_line(label)?;
    }
    Ok(())
}

/// A ballot: the numbers of the chosen options (yes/no: 0 yes, 1 no, 2 abstain).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotRequest {
    #[validate(length(min = 1, max = 20))]
    pub choices: Vec<i32>,
    /// A receipt code the app made up itself (16 to 64 letters and digits). Send the same one
    /// again when retrying after a lost response: the ballot is then answered, not doubled.
    /// Without it the server makes one. Nobody but the voter ever holds it.
    #[validate(
        length(min = 16, max = 64),
        custom(function = "crate::receipt::receipt_characters")
    )]
    pub receipt: Option<String>,
}

/// A ballot replaced before close: the receipt of the ballot, and the new choices.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotChange {
    #[validate(length(min = 1, max = 20))]
    pub choices: Vec<i32>,
    #[validate(
        length(min = 16, max = 64),
        custom(function = "crate::receipt::receipt_characters")
    )]
    pub receipt: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptCheck {
    #[validate(
        length(min = 16, max = 64),
        custom(function = "crate::receipt::receipt_characters")
    )]
    pub receipt: String,
}

/// What a voter keeps: the receipt code, shown once, and its hash as published after close.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    pub receipt: String,
    pub receipt_hash: String,
    pub choices: Vec<i32>,
}

/// A ballot as published after close, for anyone to recount.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublishedBallot {
    pub receipt_hash: String,
    pub choices: Vec<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OptionCount {
    pub option: i32,
    pub label: String,
    pub votes: i64,
}

/// The tally: counts, turnout, quorum and outcome.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VoteResult {
    pub electorate_size: i64,
    pub ballots_cast: i64,
    pub quorum_met: bool,
    pub counts: Vec<OptionCount>,
    /// The options that met the pass rule (yes/no: `[0]` when passed).
    pub winners: Vec<i32>,
    pub outcome: Outcome,
    /// Provisional while the vote is open (a live tally); official once closed.
    pub official: bool,
}

stored_enum! {
    pub enum Outcome {
        /// Quorum met and at least one option met the pass rule.
        Passed => "passed",
        /// Quorum met, no option met the pass rule.
        NotPassed => "not_passed",
        /// Too few took part for the vote to count.
        NoQuorum => "no_quorum",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Turnout {
    pub electorate_size: i64,
    pub ballots_cast: i64,
}

/// A vote as a reader sees it: the result only once it may be shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VoteView {
    pub id: i64,
    pub community_id: i64,
    pub topic_id: i64,
    pub question: String,
    pub kind: VoteKind,
    pub options: Vec<String>,
    pub max_choices: i32,
    pub electorate: ElectorateKind,
    pub status: VoteStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub quorum: Fraction,
    pub pass_rule: PassRule,
    pub live_results: bool,
    pub allow_change: bool,
    pub closed_at: Option<DateTime<Utc>>,
    /// Set when an admin closed it before its time.
    pub close_reason: Option<String>,
    /// Known once the electorate is frozen at opening.
    pub turnout: Option<Turnout>,
    /// After close, or while open when the vote shows a live tally.
    pub result: Option<VoteResult>,
    /// For a logged-in reader: whether they (or their household) are in the electorate.
    pub in_electorate: Option<bool>,
    pub voted: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VoteFilter {
    pub status: Option<VoteStatus>,
    pub topic_id: Option<i64>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}
