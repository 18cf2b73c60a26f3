//! Answering a survey: one response per person (or household), checked against the
//! questions and their skip logic, and edited until close when the survey allows.
//!
//! As with ballots, two writes share nothing but the moment: the audience entry is marked as
//! answered, and the response, keyed by the hash of a random receipt and holding no time,
//! goes in. An anonymous response names no respondent; a named one does.

use super::audience::{self, Entry};
use super::lifecycle;
use super::questions::{Question, Stored, is_shown};
use super::store::{self, SurveyRow};
use super::types::{Answers, ResponseReceipt, ResponseRequest};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code, FieldError};
use crate::receipt::{new_receipt, receipt_hash};
use crate::roles::standing;
use crate::schema::{survey_answers, survey_responses};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use validator::Validate;

/// Answers checked against the questions, in question order: each shown question with its
/// stored values (none for an optional one left blank).
type Checked<'q> = Vec<(&'q Question, Vec<Stored>)>;

/// Checks every answer; names each faulty one as `answers.<key>`.
fn check<'q>(questions: &'q [Question], answers: &Answers) -> Result<Checked<'q>, ApiError> {
    let mut errors = Vec::new();
    let mut checked: Checked<'q> = Vec::new();
    for key in answers.keys() {
        if !questions.iter().any(|q| &q.key == key) {
            errors.push(FieldError::new(
                format!("answers.{key}"),
                "unknown_question",
            ));
        }
    }
    for question in questions {
        let field = format!("answers.{}", question.key);
        let given = answers.get(&question.key).filter(|v| !v.is_null());
        let shown = is_shown(question, &checked);
        let stored = match (shown, given) {
            (false, Some(_)) => {
                errors.push(FieldError::new(field, "not_shown"));
                continue;
            }
            (false, None) => continue,
            (true, None) if question.required => {
                errors.push(FieldError::new(field, "required"));
                continue;
            }
            (true, None) => Vec::new(),
            (true, Some(answer)) => match question.parse(answer) {
                Ok(stored) => stored,
                Err(code) => {
                    errors.push(FieldError::new(field, code));
                    continue;
                }
            },
        };
        checked.push((question, stored));
    }
    match errors.is_empty() {
        true => Ok(checked),
        false => Err(ApiError::invalid(errors)),
    }
}

/// The rows a response's answers are stored as: (question, value, text), sorted.
fn rows(checked: &Checked<'_>) -> Vec<(i64, i32, Option<String>)> {
    let mut rows: Vec<_> = checked
        .iter()
        .flat_map(|(q, stored)| stored.iter().map(|(v, t)| (q.id, *v, t.clone())))
        .collect();
    rows.sort();
    rows
}

fn stored_rows(
    conn: &mut DbConnection,
    survey_id: i64,
    hash: &str,
) -> Result<Vec<(i64, i32, Option<String>)>, ApiError> {
    Ok(survey_answers::table
        .filter(survey_answers::survey_id.eq(survey_id))
        .filter(survey_answers::receipt_hash.eq(hash))
        .select((
            survey_answers::question_id,
            survey_answers::value,
            survey_answers::text,
        ))
        .order((survey_answers::question_id, survey_answers::value))
        .load(conn)?)
}

fn write_answers(
    conn: &mut DbConnection,
    survey_id: i64,
    hash: &str,
    rows: &[(i64, i32, Option<String>)],
) -> Result<(), ApiError> {
    diesel::delete(
        survey_answers::table
            .filter(survey_answers::survey_id.eq(survey_id))
            .filter(survey_answers::receipt_hash.eq(hash)),
    )
    .execute(conn)?;
    for (question_id, value, text) in rows {
        diesel::insert_into(survey_answers::table)
            .values((
                survey_answers::survey_id.eq(survey_id),
                survey_answers::receipt_hash.eq(hash),
                survey_answers::question_id.eq(question_id),
                survey_answers::value.eq(value),
                survey_answers::text.eq(text),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Answer rows in their wire form, by question key.
fn rendered(questions: &[Question], rows: &[(i64, i32, Option<String>)]) -> Answers {
    questions
        .iter()
        .filter_map(|q| {
            let stored: Vec<Stored> = rows
                .iter()
                .filter(|(id, _, _)| *id == q.id)
                .map(|(_, v, t)| (*v, t.clone()))
                .collect();
            (!stored.is_empty()).then(|| (q.key.clone(), q.render(&stored)))
        })
        .collect()
}

/// The answers stored under `hash`, in their wire form.
fn answers_of(
    conn: &mut DbConnection,
    survey_id: i64,
    questions: &[Question],
    hash: &str,
) -> Result<Answers, ApiError> {
    Ok(rendered(questions, &stored_rows(conn, survey_id, hash)?))
}

/// The open survey and the caller's audience entry, inside the write transaction. Answering
/// in an assisted session is refused: staff beside a resident would see, and could steer,
/// the answers that the satisfaction rates are made of.
fn respondent(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, survey_id): (i64, i64),
    at: NaiveDateTime,
) -> Result<(SurveyRow, Entry), ApiError> {
    let standing = standing::in_community(conn, caller.user_id, community_id)?;
    let survey = store::find(conn, community_id, survey_id)?;
    if standing.roles.is_empty() {
        return Err(ApiError::not_found());
    }
    if caller.on_behalf_of().is_some() {
        return Err(ApiError::forbidden().with_field("answers", "assisted_session"));
    }
    let survey = lifecycle::hold_open(conn, survey, at)?;
    let entry = audience::entry(conn, survey.id, caller.user_id)?
        .ok_or_else(|| ApiError::new(Code::NotInAudience))?;
    Ok((survey, entry))
}

/// Submits the caller's response; `Ok(false)` with the receipt again for a retry of the same
/// answers with the same receipt.
pub fn submit(
    conn: &mut DbConnection,
    caller: &Caller,
    ids: (i64, i64),
    body: &ResponseRequest,
    at: NaiveDateTime,
) -> Result<(ResponseReceipt, bool), ApiError> {
    body.validate()?;
    let (survey, entry) = respondent(conn, caller, ids, at)?;
    let questions = store::questions(conn, survey.id)?;
    let rows = rows(&check(&questions, &body.answers)?);
    let receipt = body.receipt.clone().unwrap_or_else(new_receipt);
    let hash = receipt_hash(&receipt);
    if !audience::mark_responded(conn, &survey, caller.user_id, entry)? {
        if body.receipt.is_some() && stored_rows(conn, survey.id, &hash)? == rows {
            let answers = rendered(&questions, &rows);
            return Ok((
                ResponseReceipt {
                    receipt: Some(receipt),
                    answers,
                },
                false,
            ));
        }
        return Err(ApiError::new(Code::AlreadyResponded));
    }
    let taken: i64 = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey.id))
        .filter(survey_responses::receipt_hash.eq(&hash))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        // Someone else's receipt (a copied code): refused, and this transaction rolls back.
        return Err(ApiError::new(Code::AlreadyExists).with_field("receipt", "already_exists"));
    }
    diesel::insert_into(survey_responses::table)
        .values((
            survey_responses::survey_id.eq(survey.id),
            survey_responses::receipt_hash.eq(&hash),
            survey_responses::respondent_id.eq((!survey.anonymous).then_some(caller.user_id)),
            survey_responses::grid_id.eq(audience::grid_of(conn, ids.0, caller.user_id)?),
        ))
        .execute(conn)?;
    write_answers(conn, survey.id, &hash, &rows)?;
    let answers = rendered(&questions, &rows);
    Ok((
        ResponseReceipt {
            receipt: Some(receipt),
            answers,
        },
        true,
    ))
}

/// The hash of the caller's response: by its receipt on an anonymous survey, by its
/// respondent on a named one.
fn own_response(
    conn: &mut DbConnection,
    survey: &SurveyRow,
    caller: &Caller,
    receipt: Option<&str>,
) -> Result<String, ApiError> {
    let responses = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey.id))
        .select(survey_responses::receipt_hash);
    let found = match (survey.anonymous, receipt) {
        (true, None) => return Err(ApiError::invalid_field("receipt", "required")),
        (true, Some(receipt)) => responses
            .filter(survey_responses::receipt_hash.eq(receipt_hash(receipt)))
            .first::<String>(conn)
            .optional()?,
        (false, _) => responses
            .filter(survey_responses::respondent_id.eq(caller.user_id))
            .first::<String>(conn)
            .optional()?,
    };
    found.ok_or_else(|| match survey.anonymous {
        true => ApiError::invalid_field("receipt", "unknown_receipt"),
        false => ApiError::not_found(),
    })
}

/// Replaces the caller's answers while the survey is open and allows it. Still one response.
pub fn edit(
    conn: &mut DbConnection,
    caller: &Caller,
    ids: (i64, i64),
    body: &ResponseRequest,
    at: NaiveDateTime,
) -> Result<ResponseReceipt, ApiError> {
    body.validate()?;
    let (survey, entry) = respondent(conn, caller, ids, at)?;
    if !survey.allow_edit {
        return Err(ApiError::new(Code::InvalidState).with_field("answers", "changes_not_allowed"));
    }
    if !entry.responded {
        return Err(ApiError::invalid_field("answers", "not_responded"));
    }
    let hash = own_response(conn, &survey, caller, body.receipt.as_deref())?;
    let questions = store::questions(conn, survey.id)?;
    let rows = rows(&check(&questions, &body.answers)?);
    write_answers(conn, survey.id, &hash, &rows)?;
    Ok(ResponseReceipt {
        receipt: body.receipt.clone(),
        answers: rendered(&questions, &rows),
    })
}

/// The caller's own answers to a named survey (an anonymous one links no answer to anyone:
/// its respondents keep their answers on their phones).
pub fn mine(
    conn: &mut DbConnection,
    caller: &Caller,
    survey: &SurveyRow,
) -> Result<Answers, ApiError> {
    if survey.anonymous {
        return Err(ApiError::new(Code::InvalidState).with_field("survey", "anonymous"));
    }
    let hash = own_response(conn, survey, caller, None)?;
    let questions = store::questions(conn, survey.id)?;
    answers_of(conn, survey.id, &questions, &hash)
}
