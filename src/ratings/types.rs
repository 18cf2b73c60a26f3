//! Service ratings on the wire: the words stored in the tables, the request bodies, and what
//! each reader is shown. No view carries a rater's phone or address; staff see display names.

use crate::stored_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

stored_enum! {
    /// The service a rating is about.
    pub enum Subject as RatedSubject {
        /// A micro-wish, rated by its requester once fulfilled.
        Wish => "wish",
        /// An activity, rated by those whose attendance the organiser verified, once it ended.
        Activity => "activity",
        /// A service-counter case, rated by its resident once done.
        ServiceCase => "service_case",
    }
}

stored_enum! {
    /// 好 / 中 / 差.
    pub enum Grade {
        Good => "good",
        Average => "average",
        Poor => "poor",
    }
}

stored_enum! {
    /// A service-counter case: recorded while being handled, then done (and rateable).
    pub enum CaseStatus {
        Open => "open",
        Done => "done",
    }
}

stored_enum! {
    /// `open` (staff owe a reply) `→ replied` (the resident owes an answer) `→ accepted`;
    /// a rejected reply sends the case back to `open` with a new deadline.
    pub enum RectificationStatus {
        Open => "open",
        Replied => "replied",
        Accepted => "accepted",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    /// The resident served: a verified member of the community, not the staff member.
    pub resident_id: i64,
    /// What was handled, e.g. 居住证办理.
    #[validate(
        length(min = 2, max = 60),
        custom(function = "crate::http::text::single_line")
    )]
    pub service: String,
    #[validate(
        length(min = 2, max = 1000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub summary: String,
}

/// A service-counter case, for staff and for its resident.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    pub id: i64,
    pub community_id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub service: String,
    pub summary: String,
    pub status: CaseStatus,
    pub handled_by: i64,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    /// One resident's cases (staff; `/mine` is always the caller's own).
    pub resident_id: Option<i64>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    pub subject: Subject,
    /// The wish, activity or service case rated, in this community.
    pub subject_id: i64,
    pub grade: Grade,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub comment: Option<String>,
}

/// Where the rectification a poor rating opened stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RectificationBrief {
    pub id: i64,
    pub status: RectificationStatus,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
}

/// A rating, as its rater and the community's staff read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RatingView {
    pub id: i64,
    pub community_id: i64,
    pub subject: Subject,
    pub subject_id: i64,
    pub grade: Grade,
    pub comment: Option<String>,
    pub rater_id: i64,
    pub rater_name: String,
    pub created_at: DateTime<Utc>,
    /// Only for a poor rating.
    pub rectification: Option<RectificationBrief>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatingFilter {
    pub subject: Option<Subject>,
    pub grade: Option<Grade>,
    /// Rated on or after this Beijing date (YYYY-MM-DD).
    pub from: Option<String>,
    /// Rated on or before this Beijing date (YYYY-MM-DD).
    pub to: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// What was done about the complaint, for the resident to accept or reject.
    #[validate(
        length(min = 2, max = 2000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub reply: String,
}

/// A rectification case (整改) with the rating that opened it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RectificationView {
    pub id: i64,
    pub community_id: i64,
    pub rating_id: i64,
    pub subject: Subject,
    pub subject_id: i64,
    /// The poor rating's comment: what the resident complained of.
    pub complaint: Option<String>,
    pub rater_id: i64,
    pub rater_name: String,
    pub status: RectificationStatus,
    pub due_at: DateTime<Utc>,
    /// Still awaiting a staff reply after its deadline; computed when read, never stored.
    pub overdue: bool,
    /// The latest reply; after a rejection, the one rejected.
    pub reply: Option<String>,
    pub replied_by: Option<i64>,
    pub replied_at: Option<DateTime<Utc>>,
    /// How many replies the resident rejected.
    pub rejections: i32,
    pub rejection_reason: Option<String>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RectificationFilter {
    pub status: Option<RectificationStatus>,
    /// `true`: only open cases past their deadline; `false`: all but those.
    pub overdue: Option<bool>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}
