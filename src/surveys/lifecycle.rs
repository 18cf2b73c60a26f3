//! draft → scheduled → open → closed → archived. Opening freezes the audience; opening and
//! closing fall due at the survey's times and are applied by whichever request (or sweep)
//! first finds them due, under the survey's row lock.

use super::audience;
use super::store::{self, SurveyRow};
use super::types::SurveyStatus;
use crate::audit::{self, Actor, Change};
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::notifications::{Notice, notify};
use crate::schema::{survey_audience, surveys};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

fn not_now() -> ApiError {
    ApiError::new(Code::InvalidState).with_field("status", "invalid_transition")
}

/// Takes the survey's row lock for the rest of the write transaction (a no-op write).
fn lock(conn: &mut DbConnection, survey_id: i64) -> Result<(), ApiError> {
    let touched = diesel::update(surveys::table.find(survey_id))
        .set(surveys::updated_at.eq(surveys::updated_at))
        .execute(conn)?;
    match touched {
        0 => Err(ApiError::not_found()),
        _ => Ok(()),
    }
}

/// Moves the survey from `from` to `to` and records it; refused if it is not in `from`.
fn step(
    conn: &mut DbConnection,
    actor: &Actor,
    survey: &SurveyRow,
    (from, to): (SurveyStatus, SurveyStatus),
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let moved = diesel::update(
        surveys::table
            .filter(surveys::id.eq(survey.id))
            .filter(surveys::status.eq(from.as_str())),
    )
    .set((surveys::status.eq(to.as_str()), surveys::updated_at.eq(at)))
    .execute(conn)?;
    if moved != 1 {
        return Err(not_now());
    }
    let action = match to {
        SurveyStatus::Scheduled => "survey.publish",
        SurveyStatus::Open => "survey.open",
        SurveyStatus::Closed => "survey.close",
        SurveyStatus::Archived => "survey.archive",
        SurveyStatus::Draft => "survey.draft",
    };
    audit::record(
        conn,
        actor,
        Change::in_community(survey.community_id, action, "survey", survey.id)
            .before(&json!({"status": from}))
            .after(&json!({"status": to, "at": at.and_utc()})),
    )
}

/// Staff publish a draft: it opens at its time (now, if that has passed).
pub fn publish(
    conn: &mut DbConnection,
    actor: &Actor,
    survey: &SurveyRow,
    at: NaiveDateTime,
) -> Result<SurveyRow, ApiError> {
    lock(conn, survey.id)?;
    if survey.closes_at <= at {
        return Err(ApiError::invalid_field("closes_at", "in_the_past"));
    }
    step(
        conn,
        actor,
        survey,
        (SurveyStatus::Draft, SurveyStatus::Scheduled),
        at,
    )?;
    bring_up_to_date(conn, survey.community_id, survey.id, at)
}

fn open(conn: &mut DbConnection, survey: &SurveyRow, at: NaiveDateTime) -> Result<(), ApiError> {
    let system = Actor::default();
    step(
        conn,
        &system,
        survey,
        (SurveyStatus::Scheduled, SurveyStatus::Open),
        at,
    )?;
    let size = audience::freeze(conn, survey)?;
    diesel::update(surveys::table.find(survey.id))
        .set((
            surveys::opened_at.eq(at),
            surveys::audience_size.eq(i32::try_from(size).map_err(ApiError::internal)?),
        ))
        .execute(conn)?;
    let invited: Vec<i64> = survey_audience::table
        .filter(survey_audience::survey_id.eq(survey.id))
        .select(survey_audience::user_id)
        .load(conn)?;
    let notice = Notice::SurveyInvitation {
        survey_id: survey.id,
        title: survey.title.clone(),
        closes_at: survey.closes_at,
    };
    // Opened late, after its close (the node was down): no invitation to what is over.
    if survey.closes_at > at {
        notify(conn, Some(survey.community_id), &notice, &invited, None)?;
    }
    Ok(())
}

/// Closes an open survey: at its time, or early by staff.
pub fn close(
    conn: &mut DbConnection,
    actor: &Actor,
    survey: &SurveyRow,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    step(
        conn,
        actor,
        survey,
        (SurveyStatus::Open, SurveyStatus::Closed),
        at,
    )?;
    diesel::update(surveys::table.find(survey.id))
        .set(surveys::closed_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn close_early(
    conn: &mut DbConnection,
    actor: &Actor,
    survey: &SurveyRow,
    at: NaiveDateTime,
) -> Result<SurveyRow, ApiError> {
    let survey = bring_up_to_date(conn, survey.community_id, survey.id, at)?;
    close(conn, actor, &survey, at)?;
    store::find(conn, survey.community_id, survey.id)
}

/// Archives a closed survey (out of the everyday lists; its results stay readable).
pub fn archive(
    conn: &mut DbConnection,
    actor: &Actor,
    survey: &SurveyRow,
    at: NaiveDateTime,
) -> Result<SurveyRow, ApiError> {
    let survey = bring_up_to_date(conn, survey.community_id, survey.id, at)?;
    step(
        conn,
        actor,
        &survey,
        (SurveyStatus::Closed, SurveyStatus::Archived),
        at,
    )?;
    store::find(conn, survey.community_id, survey.id)
}

/// Whether an opening or closing has fallen due at `at`.
pub fn is_due(survey: &SurveyRow, at: NaiveDateTime) -> bool {
    match SurveyStatus::parse(&survey.status) {
        Some(SurveyStatus::Scheduled) => survey.opens_at <= at,
        Some(SurveyStatus::Open) => survey.closes_at <= at,
        _ => false,
    }
}

/// Takes the survey's lock, applies what is due at `at` and returns the survey as it now
/// stands; inside a write transaction. Done by the system, so the records name no one.
pub fn bring_up_to_date(
    conn: &mut DbConnection,
    community_id: i64,
    survey_id: i64,
    at: NaiveDateTime,
) -> Result<SurveyRow, ApiError> {
    lock(conn, survey_id)?;
    let mut survey = store::find(conn, community_id, survey_id)?;
    while is_due(&survey, at) {
        match survey.status()? {
            SurveyStatus::Scheduled => open(conn, &survey, at)?,
            SurveyStatus::Open => close(conn, &Actor::default(), &survey, survey.closes_at)?,
            _ => break,
        }
        survey = store::find(conn, community_id, survey_id)?;
    }
    Ok(survey)
}

/// Checks the survey is open at `at`, holding it open until this transaction ends (see
/// `db::holds_open`).
pub fn hold_open(
    conn: &mut DbConnection,
    survey: SurveyRow,
    at: NaiveDateTime,
) -> Result<SurveyRow, ApiError> {
    if survey.closes_at <= at {
        // Past its close: refused without closing it inside a transaction that the refusal
        // rolls back; reads and the sweep close it in transactions of their own.
        return Err(ApiError::new(Code::SurveyNotOpen));
    }
    let survey = match is_due(&survey, at) {
        true => bring_up_to_date(conn, survey.community_id, survey.id, at)?,
        false => survey,
    };
    if !crate::db::holds_open(conn, "surveys", survey.id, at)? {
        return Err(ApiError::new(Code::SurveyNotOpen));
    }
    Ok(survey)
}

/// Opens and closes every survey whose time has come, each in its own transaction; returns
/// how many moved.
pub fn sweep(conn: &mut DbConnection, at: NaiveDateTime) -> Result<usize, ApiError> {
    let due: Vec<(i64, i64)> = surveys::table
        .filter(
            (surveys::status
                .eq(SurveyStatus::Scheduled.as_str())
                .and(surveys::opens_at.le(at)))
            .or(surveys::status
                .eq(SurveyStatus::Open.as_str())
                .and(surveys::closes_at.le(at))),
        )
        .select((surveys::community_id, surveys::id))
        .load(conn)?;
    for (community_id, survey_id) in &due {
        crate::db::write_tx(conn, |conn| {
            bring_up_to_date(conn, *community_id, *survey_id, at)
        })?;
    }
    Ok(due.len())
}
