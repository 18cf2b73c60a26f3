//! What an activity looks like on the wire, and its states.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ActivityStatus)]
pub enum Status {
    Draft,
    Published,
    /// Published and under way; derived, never stored.
    InProgress,
    Completed,
    Settled,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published | Self::InProgress => "published",
            Self::Completed => "completed",
            Self::Settled => "settled",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Published,
            Self::Completed,
            Self::Settled,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// How taking part earns points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PointsRule {
    /// `points_amount` per verified hour, pro rata by the minute, rounded down.
    PerHour,
    /// `points_amount` for any verified attendance.
    Fixed,
}

impl PointsRule {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PerHour => "per_hour",
            Self::Fixed => "fixed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::PerHour, Self::Fixed]
            .into_iter()
            .find(|r| r.as_str() == value)
    }

    /// Points for `minutes` of verified service.
    pub fn points_for(self, amount: i64, minutes: i64) -> i64 {
        match self {
            Self::PerHour => amount * minutes / 60,
            Self::Fixed => amount,
        }
    }
}

/// An activity as an organiser creates it or replaces it before it starts.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityRequest {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::http::text::single_line")
    )]
    pub title: String,
    #[validate(length(max = 4000), custom(function = "crate::http::text::multi_line"))]
    pub description: Option<String>,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::text::single_line")
    )]
    pub place: String,
    /// The grid it takes place in, for "near me" lists.
    pub grid_id: Option<i64>,
    /// The volunteer team running it.
    pub team_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    /// At most 24 hours after the start.
    pub ends_at: DateTime<Utc>,
    /// Sign-ups close then, at the start at the latest; defaults to the start.
    pub signup_deadline: Option<DateTime<Utc>>,
    #[validate(range(min = 1, max = 10_000))]
    pub capacity: i32,
    #[validate(length(max = 10), custom(function = "skill_tags"))]
    #[serde(default)]
    pub required_skills: Vec<String>,
    pub points_rule: PointsRule,
    #[validate(range(min = 0, max = 10_000))]
    pub points_amount: i64,
    /// For a time-bank mutual-aid service: the resident served, who pays the providers in
    /// time credits. Such an activity is published by that resident (or staff acting for them
    /// in person), which holds `capacity ×` the window's minutes from them in escrow.
    pub service_recipient_id: Option<i64>,
}

/// Skills are short one-line tags.
pub fn skill_tags(tags: &[String]) -> Result<(), ValidationError> {
    for tag in tags {
        let length = tag.trim().chars().count();
        if !(1..=20).contains(&length) {
            return Err(ValidationError::new("length"));
        }
        crate::http::text::single_line(tag)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub place: String,
    pub grid_id: Option<i64>,
    pub team_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub signup_deadline: DateTime<Utc>,
    pub capacity: i32,
    pub required_skills: Vec<String>,
    pub points_rule: PointsRule,
    pub points_amount: i64,
    /// Whether this is a time-bank service paid by the resident served (who is not named
    /// here: that is for the organiser's eyes).
    pub time_bank_service: bool,
    pub status: Status,
    pub cancel_reason: Option<String>,
    pub organiser_id: i64,
    /// Confirmed places taken and people waiting.
    pub confirmed: i64,
    pub waitlisted: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityFilter {
    /// `draft` (organisers only), `published` (not yet begun), `in_progress` (begun, not yet
    /// completed by the organiser), `completed`, `settled`, `cancelled`.
    pub status: Option<Status>,
    /// Activities starting on or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Activities starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Activities needing this skill.
    pub skill: Option<String>,
    pub grid_id: Option<i64>,
    /// Only activities in the grid of the caller's household.
    #[serde(default)]
    pub near_me: bool,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

impl ActivityFilter {
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        crate::calendar::plausible("from", self.from)?;
        crate::calendar::plausible("to", self.to)
    }
}
