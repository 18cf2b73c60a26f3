//! Surveys on the wire: how one is set up, its questions, a response, and how it reads.

use crate::stored_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

stored_enum! {
    /// Where a survey stands: built as a draft, scheduled to open, open for answers, closed,
    /// and archived out of the everyday lists.
    pub enum SurveyStatus {
        Draft => "draft",
        Scheduled => "scheduled",
        Open => "open",
        Closed => "closed",
        Archived => "archived",
    }
}

stored_enum! {
    /// Who is asked, frozen when the survey opens: the community's verified residents, one
    /// answer per household, the participants of an activity, or an organisation's members.
    pub enum Audience {
        Residents => "residents",
        Households => "households",
        Activity => "activity",
        Organisation => "organisation",
    }
}

stored_enum! {
    /// single_choice and multiple_choice answer with option numbers (from 0); likert with 1–5;
    /// good_average_poor with "good", "average" or "poor"; zero_to_ten with 0–10; free_text
    /// with text.
    pub enum QuestionKind {
        SingleChoice => "single_choice",
        MultipleChoice => "multiple_choice",
        Likert => "likert",
        GoodAveragePoor => "good_average_poor",
        ZeroToTen => "zero_to_ten",
        FreeText => "free_text",
    }
}

stored_enum! {
    /// The indicator a question's answers feed (DOMAIN.md section 8): 居民满意率 overall,
    /// public service, 治安 security, environment, self-governance and civility.
    pub enum IndicatorTag {
        ResidentSatisfaction => "resident_satisfaction",
        ServiceSatisfaction => "service_satisfaction",
        SecuritySatisfaction => "security_satisfaction",
        EnvironmentSatisfaction => "environment_satisfaction",
        GovernanceSatisfaction => "governance_satisfaction",
        CivilitySatisfaction => "civility_satisfaction",
    }
}

/// Skip logic: ask this question only when an earlier one was answered with one of these
/// answers (for multiple choice: when any of them was chosen).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShowIf {
    /// The key of an earlier question (not free text).
    pub question: String,
    /// Answers in that question's own form, e.g. `[1, 2]` for Likert or `["poor"]`.
    pub any_of: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuestionSpec {
    /// Short name, unique in the survey (letters, digits, `_`): the key of its answer and
    /// its column in the CSV export.
    pub key: String,
    pub kind: QuestionKind,
    pub prompt: String,
    #[serde(default = "yes")]
    pub required: bool,
    /// The labels of the options, 2 to 20 (choice questions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<IndicatorTag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<ShowIf>,
}

fn yes() -> bool {
    true
}

/// A new survey, or a draft's replacement. Either `questions` or a built-in `template`
/// (whose questions are then copied) is given.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyRequest {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::http::text::single_line")
    )]
    pub title: String,
    #[validate(length(max = 2000), custom(function = "crate::http::text::multi_line"))]
    pub description: Option<String>,
    pub audience: Audience,
    /// The activity whose participants are asked (audience `activity`).
    pub activity_id: Option<i64>,
    /// The organisation whose members are asked (audience `organisation`).
    pub organisation_id: Option<i64>,
    /// Anonymous (the default): nothing stored ties an answer to its respondent.
    #[serde(default = "yes")]
    pub anonymous: bool,
    /// Respondents may replace their answers until close.
    #[serde(default)]
    pub allow_edit: bool,
    /// The audience may read the results once closed (staff always may).
    #[serde(default = "yes")]
    pub results_public: bool,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// A built-in template's name (`GET /survey-templates`).
    pub template: Option<String>,
    #[validate(length(min = 1, max = 100))]
    pub questions: Option<Vec<QuestionSpec>>,
}

/// A built-in survey: its questions, ready to copy into a community's survey.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Template {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Which evaluation standard it comes from.
    pub source: &'static str,
    pub questions: Vec<QuestionSpec>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SurveyView {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub template: Option<String>,
    pub audience: Audience,
    pub activity_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub anonymous: bool,
    pub allow_edit: bool,
    pub results_public: bool,
    pub status: SurveyStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// People (or households) asked: set when the survey opens.
    pub audience_size: Option<i64>,
    pub responses: i64,
    pub questions: Vec<QuestionSpec>,
    /// For a signed-in reader: whether they are asked and have answered.
    pub me: Option<MyPart>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyPart {
    pub in_audience: bool,
    /// In a household survey: whether the household has answered.
    pub responded: bool,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SurveyFilter {
    /// Only surveys in this state (archived ones are listed only when asked for).
    pub status: Option<SurveyStatus>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// Answers by question key, each in its question's form (see `QuestionKind`). Questions not
/// shown by skip logic are left out; optional ones may be.
pub type Answers = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseRequest {
    #[schema(value_type = Object)]
    pub answers: Answers,
    /// A receipt code the app made up itself (16 to 64 letters, digits and dashes); send the
    /// same one to retry after a lost answer. Needed later to edit an anonymous response.
    #[validate(
        length(min = 16, max = 64),
        custom(function = "crate::receipt::receipt_characters")
    )]
    pub receipt: Option<String>,
}

/// What a respondent keeps: the receipt (the only way back to an anonymous response) and the
/// answers as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResponseReceipt {
    /// Shown when the response is first made (and on edits that sent it).
    pub receipt: Option<String>,
    #[schema(value_type = Object)]
    pub answers: Answers,
}
