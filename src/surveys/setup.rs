//! Building a survey: a new draft (from questions or a built-in template), and replacing a
//! draft before it is published. Questions never change once a survey is published, so
//! every response answers the same questionnaire.

use super::questions::{self, Question};
use super::store::{self, SurveyRow};
use super::templates;
use super::types::{Audience, SurveyRequest, SurveyStatus, SurveyView};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::roles::{Permission, standing};
use crate::schema::{activities, organisation_communities, survey_questions, surveys};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use validator::Validate;

/// A survey's settings as stored, from a request: written when it is created and when a
/// draft is replaced.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = surveys, treat_none_as_null = true)]
struct Settings<'a> {
    title: &'a str,
    description: Option<&'a str>,
    template: Option<&'a str>,
    audience: &'static str,
    activity_id: Option<i64>,
    organisation_id: Option<i64>,
    anonymous: bool,
    allow_edit: bool,
    results_public: bool,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
}

impl<'a> Settings<'a> {
    fn of(body: &'a SurveyRequest) -> Self {
        Self {
            title: body.title.trim(),
            description: body.description.as_deref().map(str::trim),
            template: body.template.as_deref(),
            audience: body.audience.as_str(),
            activity_id: body.activity_id,
            organisation_id: body.organisation_id,
            anonymous: body.anonymous,
            allow_edit: body.allow_edit,
            results_public: body.results_public,
            opens_at: body.opens_at.naive_utc(),
            closes_at: body.closes_at.naive_utc(),
        }
    }
}

/// The request's questions, checked: its own, or its template's.
fn questions_of(body: &SurveyRequest) -> Result<Vec<Question>, ApiError> {
    let specs = match (&body.template, &body.questions) {
        (Some(name), None) => {
            templates::find(name)
                .ok_or_else(|| ApiError::invalid_field("template", "not_found"))?
                .questions
        }
        (None, Some(questions)) => questions.clone(),
        _ => return Err(ApiError::invalid_field("questions", "exactly_one")),
    };
    questions::prepare(&specs)
}

/// The audience's activity or organisation must be the community's own; exactly the one
/// the audience needs is given.
fn check_audience(
    conn: &mut DbConnection,
    community_id: i64,
    body: &SurveyRequest,
) -> Result<(), ApiError> {
    match (body.audience, body.activity_id, body.organisation_id) {
        (Audience::Activity, Some(activity_id), None) => {
            let found: i64 = activities::table
                .filter(activities::id.eq(activity_id))
                .filter(activities::community_id.eq(community_id))
                .count()
                .get_result(conn)?;
            if found == 0 {
                return Err(ApiError::invalid_field("activity_id", "not_found"));
            }
        }
        (Audience::Organisation, None, Some(organisation_id)) => {
            let serving: i64 = organisation_communities::table
                .filter(organisation_communities::organisation_id.eq(organisation_id))
                .filter(organisation_communities::community_id.eq(community_id))
                .filter(organisation_communities::status.eq("approved"))
                .count()
                .get_result(conn)?;
            if serving == 0 {
                return Err(ApiError::invalid_field("organisation_id", "not_found"));
            }
        }
        (Audience::Residents | Audience::Households, None, None) => {}
        (Audience::Activity, _, _) => {
            return Err(ApiError::invalid_field("activity_id", "required"));
        }
        (Audience::Organisation, _, _) => {
            return Err(ApiError::invalid_field("organisation_id", "required"));
        }
        (_, Some(_), _) => return Err(ApiError::invalid_field("activity_id", "not_for_kind")),
        (_, _, Some(_)) => {
            return Err(ApiError::invalid_field("organisation_id", "not_for_kind"));
        }
    }
    if body.closes_at <= body.opens_at {
        return Err(ApiError::invalid_field("closes_at", "before_start"));
    }
    crate::calendar::plausible("opens_at", Some(body.opens_at))?;
    crate::calendar::plausible("closes_at", Some(body.closes_at))
}

fn write_questions(
    conn: &mut DbConnection,
    survey_id: i64,
    questions: &[Question],
) -> Result<(), ApiError> {
    diesel::delete(survey_questions::table.filter(survey_questions::survey_id.eq(survey_id)))
        .execute(conn)?;
    for (position, q) in questions.iter().enumerate() {
        let options = (!q.options.is_empty())
            .then(|| serde_json::to_string(&q.options))
            .transpose()
            .map_err(ApiError::internal)?;
        let (show_if_key, show_if_values) = match &q.show_if {
            Some((key, values)) => (
                Some(key.clone()),
                Some(serde_json::to_string(values).map_err(ApiError::internal)?),
            ),
            None => (None, None),
        };
        diesel::insert_into(survey_questions::table)
            .values((
                survey_questions::survey_id.eq(survey_id),
                survey_questions::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                survey_questions::key.eq(&q.key),
                survey_questions::kind.eq(q.kind.as_str()),
                survey_questions::prompt.eq(&q.prompt),
                survey_questions::required.eq(q.required),
                survey_questions::options.eq(options),
                survey_questions::tag.eq(q.tag.map(|t| t.as_str())),
                survey_questions::show_if_key.eq(show_if_key),
                survey_questions::show_if_values.eq(show_if_values),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Checks the body and the caller; returns the questions to store.
fn checked(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &SurveyRequest,
) -> Result<Vec<Question>, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageSurveys,
    )?;
    body.validate()?;
    let questions = questions_of(body)?;
    check_audience(conn, community_id, body)?;
    Ok(questions)
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &SurveyRequest,
    now: NaiveDateTime,
) -> Result<SurveyView, ApiError> {
    let questions = checked(conn, caller, community_id, body)?;
    let survey_id: i64 = diesel::insert_into(surveys::table)
        .values((
            Settings::of(body),
            surveys::community_id.eq(community_id),
            surveys::status.eq(SurveyStatus::Draft.as_str()),
            surveys::created_by.eq(caller.actor_id()),
            surveys::created_at.eq(now),
            surveys::updated_at.eq(now),
        ))
        .returning(surveys::id)
        .get_result(conn)?;
    write_questions(conn, survey_id, &questions)?;
    let survey = store::find(conn, community_id, survey_id)?;
    let view = store::view(conn, &survey, Some(caller.user_id))?;
    audit::record(
        conn,
        &caller.into(),
        Change::in_community(community_id, "survey.create", "survey", survey_id).after(&view),
    )?;
    Ok(view)
}

/// Replaces a draft: its settings and all its questions.
pub fn replace(
    conn: &mut DbConnection,
    caller: &Caller,
    survey: &SurveyRow,
    body: &SurveyRequest,
    now: NaiveDateTime,
) -> Result<SurveyView, ApiError> {
    let questions = checked(conn, caller, survey.community_id, body)?;
    let before = store::view(conn, survey, None)?;
    // Only a draft changes: the condition is part of the update, so a publish in between wins.
    let replaced = diesel::update(
        surveys::table
            .find(survey.id)
            .filter(surveys::status.eq(SurveyStatus::Draft.as_str())),
    )
    .set((Settings::of(body), surveys::updated_at.eq(now)))
    .execute(conn)?;
    if replaced == 0 {
        return Err(ApiError::new(Code::InvalidState).with_field("status", "invalid_transition"));
    }
    write_questions(conn, survey.id, &questions)?;
    let survey = store::find(conn, survey.community_id, survey.id)?;
    let view = store::view(conn, &survey, Some(caller.user_id))?;
    audit::record(
        conn,
        &caller.into(),
        Change::in_community(survey.community_id, "survey.edit", "survey", survey.id)
            .before(&before)
            .after(&view),
    )?;
    Ok(view)
}
