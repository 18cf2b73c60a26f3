//! Projects on the wire: what a proposer sends, and what each reader is shown.

use crate::fund::MAX_AMOUNT_FEN;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ProjectStatus)]
pub enum Status {
    /// Waiting for staff to decide.
    Proposed,
    Approved,
    Rejected,
    InProgress,
    Completed,
    Cancelled,
}

impl Status {
    /// What anyone may read without belonging to the community: projects staff approved.
    pub const PUBLIC: [Status; 3] = [Self::Approved, Self::InProgress, Self::Completed];
    /// Projects still being prepared or run, whose people and milestones may change.
    pub const OPEN: [Status; 3] = [Self::Proposed, Self::Approved, Self::InProgress];

    pub fn is_public(self) -> bool {
        Self::PUBLIC.contains(&self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ProjectRole)]
pub enum ParticipantRole {
    /// Runs the project day to day; may manage its people and milestones.
    Lead,
    /// Holds the social worker role in the community.
    SocialWorker,
    Volunteer,
}

/// The five societies (五社) a project may link: derived from its data, never typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Society {
    /// The community approved it (社区平台).
    Community,
    /// An organisation proposes or carries it (社会组织载体).
    SocialOrganisation,
    /// A social worker takes part (社工支撑).
    SocialWorker,
    /// A volunteer takes part (志愿者辅助).
    Volunteer,
    /// The charity fund paid for it (公益慈善资源补充).
    CharityResource,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectRequest {
    #[validate(
        length(min = 2, max = 60),
        custom(function = "crate::http::text::single_line")
    )]
    pub title: String,
    #[validate(
        length(min = 2, max = 2000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub summary: String,
    /// In fen, at most a million yuan.
    #[validate(range(min = 0, max = MAX_AMOUNT_FEN))]
    pub budget_fen: i64,
    /// The organisation to carry it out; it must serve the community.
    #[validate(range(min = 1))]
    pub organisation_id: Option<i64>,
    /// Proposing for an organisation serving the community, as one of its leaders.
    #[validate(range(min = 1))]
    pub proposer_organisation_id: Option<i64>,
    /// The consultation topic it came from, when there is one.
    #[validate(range(min = 1))]
    pub topic_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ProjectOrganisation)]
pub struct OrganisationRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProjectPerson)]
pub struct Person {
    pub user_id: i64,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProjectParticipant)]
pub struct ParticipantView {
    pub user_id: i64,
    pub display_name: String,
    pub role: ParticipantRole,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ProjectMilestone)]
pub struct MilestoneView {
    pub id: i64,
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    /// What was done: for people of the community and the project's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A project. `proposed_by`, `participants` and milestone notes appear only for people of the
/// community and those taking part; everyone else sees the project without any person in it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectView {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub summary: String,
    pub budget_fen: i64,
    pub status: Status,
    pub topic_id: Option<i64>,
    /// The organisation carrying it out.
    pub organisation: Option<OrganisationRef>,
    pub proposer_organisation: Option<OrganisationRef>,
    /// Which of the five societies took part, derived from the project's data.
    pub societies: Vec<Society>,
    pub linkage_count: usize,
    pub participant_count: usize,
    pub milestones: Vec<MilestoneView>,
    pub rejection_reason: Option<String>,
    pub cancellation_reason: Option<String>,
    pub completion_report: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_by: Option<Person>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<ParticipantView>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilter {
    pub status: Option<Status>,
    /// Carried out or proposed by this organisation.
    pub organisation_id: Option<i64>,
    /// At least this many of the five societies took part (1 to 5).
    pub min_societies: Option<i64>,
    /// Only projects I proposed, in any status.
    #[serde(default)]
    pub mine: bool,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

impl ProjectFilter {
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        if self.min_societies.is_some_and(|n| !(1..=5).contains(&n)) {
            return Err(crate::error::ApiError::invalid(vec![
                crate::error::FieldError::new("min_societies", "range")
                    .with_bounds(Some(1), Some(5)),
            ]));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ProjectParticipantRequest)]
pub struct ParticipantRequest {
    pub role: ParticipantRole,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneRequest {
    #[validate(
        length(min = 2, max = 60),
        custom(function = "crate::http::text::single_line")
    )]
    pub title: String,
    pub due_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneDoneRequest {
    /// What was done.
    #[validate(
        length(min = 2, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionRequest {
    /// The completion report (结项报告), shown with the project.
    #[validate(
        length(min = 2, max = 2000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub report: String,
}
