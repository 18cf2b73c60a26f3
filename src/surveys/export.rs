//! The CSV export, in a fixed layout that stays readable with skip logic: one row per
//! response and one column per question, never one per path.
//!
//! Columns: `response` (1, 2, … in no meaningful order), `respondent` (display name on a named
//! survey, empty on an anonymous one), `grid` (empty where the grid has fewer than five
//! responses), then one column per question, headed by its key, in question order. A cell is
//! the option's label (several joined by "; "), the score, `good`/`average`/`poor`, or the
//! text; empty when an optional question was left blank, and `NA` when skip logic did not
//! show the question. Text people wrote (answers, labels, names) that a spreadsheet would take
//! for a formula gets a leading apostrophe (see `http::spreadsheet`). The file is UTF-8 with a
//! byte-order mark, so spreadsheet programs read the Chinese text correctly.

use super::questions::{Question, Stored, is_shown};
use super::stats;
use super::store::{self, SurveyRow};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::spreadsheet::text_cell;
use crate::schema::{grids, survey_answers, survey_responses, users};
use diesel::prelude::*;
use std::collections::BTreeMap;

/// Responses read per query, so a large survey is exported in bounded memory.
const CHUNK: i64 = 1000;
const NOT_SHOWN: &str = "NA";

type Row = (String, Option<i64>, Option<i64>);

fn grid_labels(
    conn: &mut DbConnection,
    survey: &SurveyRow,
) -> Result<BTreeMap<Option<i64>, String>, ApiError> {
    let sizes: Vec<(Option<i64>, i64)> = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey.id))
        .group_by(survey_responses::grid_id)
        .select((survey_responses::grid_id, diesel::dsl::count_star()))
        .load(conn)?;
    let names: BTreeMap<i64, String> = grids::table
        .filter(grids::community_id.eq(survey.community_id))
        .select((grids::id, grids::name))
        .load(conn)?
        .into_iter()
        .collect();
    let show = stats::shown(&sizes.iter().map(|(_, n)| *n).collect::<Vec<_>>());
    Ok(sizes
        .iter()
        .zip(show)
        .filter(|(_, shown)| *shown)
        .filter_map(|((grid, _), _)| Some((*grid, names.get(&(*grid)?)?.clone())))
        .collect())
}

fn cell(question: &Question, stored: &[Stored]) -> String {
    match stored {
        [(_, Some(text))] => text_cell(text).into_owned(),
        _ => stored
            .iter()
            .map(|(v, _)| text_cell(&question.label(*v)).into_owned())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn write_chunk(
    conn: &mut DbConnection,
    survey: &SurveyRow,
    (questions, grids): (&[Question], &BTreeMap<Option<i64>, String>),
    rows: &[Row],
    (out, numbered): (&mut csv::Writer<Vec<u8>>, &mut i64),
) -> Result<(), ApiError> {
    let hashes: Vec<&String> = rows.iter().map(|(h, _, _)| h).collect();
    let loaded: Vec<(String, i64, i32, Option<String>)> = survey_answers::table
        .filter(survey_answers::survey_id.eq(survey.id))
        .filter(survey_answers::receipt_hash.eq_any(&hashes))
        .select((
            survey_answers::receipt_hash,
            survey_answers::question_id,
            survey_answers::value,
            survey_answers::text,
        ))
        .order((survey_answers::receipt_hash, survey_answers::question_id))
        .load(conn)?;
    let mut answers: BTreeMap<(String, i64), Vec<Stored>> = BTreeMap::new();
    for (hash, question_id, value, text) in loaded {
        answers
            .entry((hash, question_id))
            .or_default()
            .push((value, text));
    }
    let respondents: BTreeMap<i64, String> = users::table
        .filter(users::id.eq_any(rows.iter().filter_map(|(_, r, _)| *r)))
        .select((users::id, users::display_name))
        .load(conn)?
        .into_iter()
        .collect();
    for (hash, respondent, grid) in rows {
        *numbered += 1;
        let mut record = vec![
            numbered.to_string(),
            respondent
                .and_then(|r| respondents.get(&r))
                .map(|name| text_cell(name).into_owned())
                .unwrap_or_default(),
            grids
                .get(grid)
                .map(|name| text_cell(name).into_owned())
                .unwrap_or_default(),
        ];
        let mut answered: Vec<(&Question, Vec<Stored>)> = Vec::new();
        for question in questions {
            let stored = answers
                .remove(&(hash.clone(), question.id))
                .unwrap_or_default();
            record.push(match is_shown(question, &answered) {
                true => cell(question, &stored),
                false => NOT_SHOWN.to_owned(),
            });
            answered.push((question, stored));
        }
        out.write_record(&record).map_err(ApiError::internal)?;
    }
    Ok(())
}

/// The survey's responses as CSV (see the module's description of the layout).
pub fn csv(conn: &mut DbConnection, survey: &SurveyRow) -> Result<Vec<u8>, ApiError> {
    let questions = store::questions(conn, survey.id)?;
    let grids = grid_labels(conn, survey)?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = ["response", "respondent", "grid"]
        .into_iter()
        .chain(questions.iter().map(|q| q.key.as_str()));
    out.write_record(header).map_err(ApiError::internal)?;
    let (mut after, mut numbered) = (String::new(), 0i64);
    loop {
        let rows: Vec<Row> = survey_responses::table
            .filter(survey_responses::survey_id.eq(survey.id))
            .filter(survey_responses::receipt_hash.gt(&after))
            .order(survey_responses::receipt_hash)
            .select((
                survey_responses::receipt_hash,
                survey_responses::respondent_id,
                survey_responses::grid_id,
            ))
            .limit(CHUNK)
            .load(conn)?;
        let Some((last, _, _)) = rows.last() else {
            break;
        };
        after = last.clone();
        let context = (questions.as_slice(), &grids);
        write_chunk(conn, survey, context, &rows, (&mut out, &mut numbered))?;
    }
    out.into_inner().map_err(ApiError::internal)
}
