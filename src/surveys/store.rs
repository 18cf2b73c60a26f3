//! Reading surveys and their questions, and the survey as a reader sees it.

use super::audience;
use super::questions::Question;
use super::types::{
    Audience, IndicatorTag, MyPart, QuestionKind, SurveyFilter, SurveyStatus, SurveyView,
};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::schema::{survey_questions, survey_responses, surveys};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = surveys)]
pub struct SurveyRow {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub template: Option<String>,
    pub audience: String,
    pub activity_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub anonymous: bool,
    pub allow_edit: bool,
    pub results_public: bool,
    pub status: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub audience_size: Option<i32>,
    pub opened_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn corrupt(survey_id: i64, what: &str) -> ApiError {
    ApiError::internal(format!("survey {survey_id} has an unreadable {what}"))
}

impl SurveyRow {
    pub fn status(&self) -> Result<SurveyStatus, ApiError> {
        SurveyStatus::parse(&self.status).ok_or_else(|| corrupt(self.id, "status"))
    }

    pub fn audience(&self) -> Result<Audience, ApiError> {
        Audience::parse(&self.audience).ok_or_else(|| corrupt(self.id, "audience"))
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = survey_questions)]
struct QuestionRow {
    id: i64,
    key: String,
    kind: String,
    prompt: String,
    required: bool,
    options: Option<String>,
    tag: Option<String>,
    show_if_key: Option<String>,
    show_if_values: Option<String>,
}

/// The survey `survey_id` of `community_id` (404 for another community's).
pub fn find(
    conn: &mut DbConnection,
    community_id: i64,
    survey_id: i64,
) -> Result<SurveyRow, ApiError> {
    surveys::table
        .find(survey_id)
        .filter(surveys::community_id.eq(community_id))
        .select(SurveyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// The survey's questions in order.
pub fn questions(conn: &mut DbConnection, survey_id: i64) -> Result<Vec<Question>, ApiError> {
    let rows: Vec<QuestionRow> = survey_questions::table
        .filter(survey_questions::survey_id.eq(survey_id))
        .order(survey_questions::position)
        .select(QuestionRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let bad = || corrupt(survey_id, "question");
            let values: Option<Vec<i32>> = json_list(row.show_if_values).map_err(|_| bad())?;
            let options: Option<Vec<String>> = json_list(row.options).map_err(|_| bad())?;
            Ok(Question {
                id: row.id,
                key: row.key,
                kind: QuestionKind::parse(&row.kind).ok_or_else(bad)?,
                prompt: row.prompt,
                required: row.required,
                options: options.unwrap_or_default(),
                tag: match row.tag {
                    Some(tag) => Some(IndicatorTag::parse(&tag).ok_or_else(bad)?),
                    None => None,
                },
                show_if: row.show_if_key.zip(values),
            })
        })
        .collect()
}

/// Which surveys a list shows its reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Staff who run surveys: drafts too.
    Everything,
    /// People with standing in the community: all but drafts.
    Published,
    /// Everyone else: closed surveys whose results are public.
    PublicResults,
}

fn json_list<T: serde::de::DeserializeOwned>(
    text: Option<String>,
) -> Result<Option<Vec<T>>, serde_json::Error> {
    text.map(|t| serde_json::from_str(&t)).transpose()
}

pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    filter: &SurveyFilter,
    shown: Shown,
    page: Page,
) -> Result<Vec<SurveyRow>, ApiError> {
    let mut query = surveys::table
        .filter(surveys::community_id.eq(community_id))
        .filter(surveys::id.lt(page.before_id))
        .select(SurveyRow::as_select())
        .order(surveys::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    match shown {
        Shown::Everything => {}
        Shown::Published => query = query.filter(surveys::status.ne(SurveyStatus::Draft.as_str())),
        Shown::PublicResults => {
            let closed = [
                SurveyStatus::Closed.as_str(),
                SurveyStatus::Archived.as_str(),
            ];
            query = query
                .filter(surveys::results_public.eq(true))
                .filter(surveys::status.eq_any(closed));
        }
    }
    query = match filter.status {
        Some(status) => query.filter(surveys::status.eq(status.as_str())),
        None => query.filter(surveys::status.ne(SurveyStatus::Archived.as_str())),
    };
    Ok(query.load(conn)?)
}

pub fn response_count(conn: &mut DbConnection, survey_id: i64) -> Result<i64, ApiError> {
    Ok(survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .count()
        .get_result(conn)?)
}

/// The survey as `reader` (a signed-in user, if any) sees it.
pub fn view(
    conn: &mut DbConnection,
    survey: &SurveyRow,
    reader: Option<i64>,
) -> Result<SurveyView, ApiError> {
    let questions = questions(conn, survey.id)?;
    let me = match reader {
        Some(user_id) if survey.audience_size.is_some() => {
            let entry = audience::entry(conn, survey.id, user_id)?;
            Some(MyPart {
                in_audience: entry.is_some(),
                responded: entry.is_some_and(|e| e.responded),
            })
        }
        _ => None,
    };
    Ok(SurveyView {
        id: survey.id,
        community_id: survey.community_id,
        title: survey.title.clone(),
        description: survey.description.clone(),
        template: survey.template.clone(),
        audience: survey.audience()?,
        activity_id: survey.activity_id,
        organisation_id: survey.organisation_id,
        anonymous: survey.anonymous,
        allow_edit: survey.allow_edit,
        results_public: survey.results_public,
        status: survey.status()?,
        opens_at: survey.opens_at.and_utc(),
        closes_at: survey.closes_at.and_utc(),
        audience_size: survey.audience_size.map(i64::from),
        responses: response_count(conn, survey.id)?,
        questions: questions.iter().map(|q| q.spec(&questions)).collect(),
        me,
    })
}
