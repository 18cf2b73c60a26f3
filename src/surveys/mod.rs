//! Satisfaction surveys (满意度测评): the satisfaction rates in the evaluation standards
//! (居民满意率 ≥ 90%, 治安满意率 ≥ 95%) are computed from here, so the numbers are made to be
//! honest and hard to game.
//!
//! - Questions are fixed once a survey is published, and skip logic is checked on every
//!   response, so every respondent answered the same questionnaire.
//! - The audience is frozen when the survey opens: the response rate's denominator cannot
//!   be moved, and only people in it can answer, once each (or once per household).
//! - Anonymous responses are stored apart from who answered (`survey_audience` says who,
//!   `survey_responses` what, with nothing linking them: no respondent, no time, keyed by the
//!   hash of a random receipt), as ballots are; they never pass through the idempotency
//!   store, and staff cannot answer for a resident in an assisted session.
//! - Rates come with their Wilson interval, and breakdowns never show a group under five.

pub mod audience;
pub mod export;
pub mod lifecycle;
pub mod questions;
pub mod response_routes;
pub mod responses;
pub mod result_routes;
pub mod results;
pub mod routes;
pub mod setup;
pub mod stats;
pub mod store;
pub mod templates;
pub mod types;
