//! Results: per question the distribution, mean and satisfaction rate (Likert 4–5, or good)
//! with its Wilson interval, a breakdown by grid that never shows a group under five, the
//! response rate against the frozen audience, satisfaction per indicator tag, and (for staff)
//! the free-text answers.

use super::questions::Question;
use super::stats::{self, MIN_GROUP, Rate};
use super::store::{self, SurveyRow};
use super::types::{IndicatorTag, QuestionKind, SurveyStatus};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::{grids, survey_answers};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Free-text answers listed per question in the results; the CSV export has them all.
const TEXTS_SHOWN: i64 = 500;

#[derive(Debug, Serialize, ToSchema)]
pub struct Results {
    pub survey_id: i64,
    pub status: SurveyStatus,
    pub responses: i64,
    /// Responses of the audience frozen at opening (households in a household survey).
    pub response_rate: Rate,
    /// Satisfaction over all answers to the questions with each tag.
    pub by_tag: Vec<TagResult>,
    pub questions: Vec<QuestionResult>,
    /// The smallest group a breakdown shows.
    pub min_group: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagResult {
    pub tag: IndicatorTag,
    pub satisfaction: Rate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResult {
    pub key: String,
    pub kind: QuestionKind,
    pub prompt: String,
    pub tag: Option<IndicatorTag>,
    /// Responses that answered it (skipped and blank ones left out).
    pub answered: i64,
    pub distribution: Vec<ValueCount>,
    /// Mean score (Likert, 0–10 and good/average/poor as 3/2/1).
    pub mean: Option<f64>,
    pub satisfaction: Option<Rate>,
    pub by_grid: Vec<GridResult>,
    /// Grids left out of `by_grid` to keep their few respondents unrecognisable.
    pub hidden_grids: i64,
    /// Free-text answers (staff only), at most 500, in no meaningful order.
    pub texts: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ValueCount {
    pub value: i32,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridResult {
    /// None for respondents not placed in a grid.
    pub grid_id: Option<i64>,
    pub grid_name: Option<String>,
    pub answered: i64,
    pub mean: Option<f64>,
    pub satisfaction: Option<Rate>,
}

#[derive(QueryableByName)]
struct Tally {
    #[diesel(sql_type = BigInt)]
    question_id: i64,
    #[diesel(sql_type = Integer)]
    value: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    grid_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Answers per question, value and grid; and responses answering per question and grid.
fn tallies(conn: &mut DbConnection, survey_id: i64) -> Result<(Vec<Tally>, Vec<Tally>), ApiError> {
    let from = "FROM survey_answers a JOIN survey_responses r \
         ON r.survey_id = a.survey_id AND r.receipt_hash = a.receipt_hash WHERE a.survey_id = $1";
    let values = diesel::sql_query(format!(
        "SELECT a.question_id, a.value, r.grid_id, COUNT(*) AS count {from} \
         GROUP BY a.question_id, a.value, r.grid_id"
    ))
    .bind::<BigInt, _>(survey_id)
    .load(conn)?;
    let answered = diesel::sql_query(format!(
        "SELECT a.question_id, 0 AS value, r.grid_id, COUNT(DISTINCT a.receipt_hash) AS count \
         {from} GROUP BY a.question_id, r.grid_id"
    ))
    .bind::<BigInt, _>(survey_id)
    .load(conn)?;
    Ok((values, answered))
}

/// Counts per value of `question` (in grid `grid`, or all grids), in scale order.
fn counts(question: &Question, values: &[Tally], grid: Option<Option<i64>>) -> Vec<(i32, i64)> {
    question
        .scale()
        .into_iter()
        .map(|value| {
            let count = values
                .iter()
                .filter(|t| t.question_id == question.id && t.value == value)
                .filter(|t| grid.is_none_or(|g| t.grid_id == g))
                .map(|t| t.count)
                .sum();
            (value, count)
        })
        .collect()
}

fn satisfaction(question: &Question, counts: &[(i32, i64)], answered: i64) -> Option<Rate> {
    question.is_satisfied(0)?;
    let satisfied = counts
        .iter()
        .filter(|(v, _)| question.is_satisfied(*v) == Some(true))
        .map(|(_, c)| c)
        .sum();
    Some(Rate::of(satisfied, answered))
}

/// The mean of a scored question's counts (Likert, 0–10, good/average/poor as 3/2/1).
fn mean(question: &Question, counts: &[(i32, i64)]) -> Option<f64> {
    let scored = matches!(
        question.kind,
        QuestionKind::Likert | QuestionKind::ZeroToTen | QuestionKind::GoodAveragePoor
    );
    scored
        .then(|| stats::mean(counts.iter().copied()))
        .flatten()
}

fn by_grid(
    question: &Question,
    (values, answered): (&[Tally], &[Tally]),
    grid_names: &BTreeMap<i64, String>,
) -> (Vec<GridResult>, i64) {
    let groups: Vec<(Option<i64>, i64)> = answered
        .iter()
        .filter(|t| t.question_id == question.id)
        .map(|t| (t.grid_id, t.count))
        .collect();
    let show = stats::shown(&groups.iter().map(|(_, n)| *n).collect::<Vec<_>>());
    let hidden = show.iter().filter(|s| !**s).count();
    let shown = groups
        .iter()
        .zip(show)
        .filter(|(_, shown)| *shown)
        .map(|((grid_id, answered), _)| {
            let counts = counts(question, values, Some(*grid_id));
            GridResult {
                grid_id: *grid_id,
                grid_name: grid_id.and_then(|g| grid_names.get(&g).cloned()),
                answered: *answered,
                mean: mean(question, &counts),
                satisfaction: satisfaction(question, &counts, *answered),
            }
        })
        .collect();
    (shown, i64::try_from(hidden).unwrap_or(i64::MAX))
}

fn texts(conn: &mut DbConnection, question: &Question) -> Result<Vec<String>, ApiError> {
    let texts: Vec<Option<String>> = survey_answers::table
        .filter(survey_answers::question_id.eq(question.id))
        .filter(survey_answers::text.is_not_null())
        .order(survey_answers::receipt_hash)
        .select(survey_answers::text)
        .limit(TEXTS_SHOWN)
        .load(conn)?;
    Ok(texts.into_iter().flatten().collect())
}

/// The results of `survey`; free-text answers only `with_texts` (for staff).
pub fn compute(
    conn: &mut DbConnection,
    survey: &SurveyRow,
    with_texts: bool,
) -> Result<Results, ApiError> {
    let questions = store::questions(conn, survey.id)?;
    let (values, answered) = tallies(conn, survey.id)?;
    let grid_names: BTreeMap<i64, String> = grids::table
        .filter(grids::community_id.eq(survey.community_id))
        .select((grids::id, grids::name))
        .load(conn)?
        .into_iter()
        .collect();
    let mut tags: BTreeMap<&str, (IndicatorTag, i64, i64)> = BTreeMap::new();
    let mut results = Vec::new();
    for question in &questions {
        let total: i64 = answered
            .iter()
            .filter(|t| t.question_id == question.id)
            .map(|t| t.count)
            .sum();
        let counts = counts(question, &values, None);
        let satisfaction = satisfaction(question, &counts, total);
        if let (Some(tag), Some(rate)) = (question.tag, &satisfaction) {
            let entry = tags.entry(tag.as_str()).or_insert((tag, 0, 0));
            entry.1 += rate.count;
            entry.2 += rate.of;
        }
        let (grids, hidden_grids) = match question.kind {
            QuestionKind::FreeText => (Vec::new(), 0),
            _ => by_grid(question, (&values, &answered), &grid_names),
        };
        results.push(QuestionResult {
            key: question.key.clone(),
            kind: question.kind,
            prompt: question.prompt.clone(),
            tag: question.tag,
            answered: total,
            mean: mean(question, &counts),
            distribution: counts
                .into_iter()
                .map(|(value, count)| ValueCount {
                    value,
                    label: question.label(value),
                    count,
                })
                .collect(),
            satisfaction,
            by_grid: grids,
            hidden_grids,
            texts: match (with_texts, question.kind) {
                (true, QuestionKind::FreeText) => Some(texts(conn, question)?),
                _ => None,
            },
        });
    }
    let responses = store::response_count(conn, survey.id)?;
    Ok(Results {
        survey_id: survey.id,
        status: survey.status()?,
        responses,
        response_rate: Rate::of(responses, survey.audience_size.map_or(0, i64::from)),
        by_tag: tags
            .into_values()
            .map(|(tag, satisfied, of)| TagResult {
                tag,
                satisfaction: Rate::of(satisfied, of),
            })
            .collect(),
        questions: results,
        min_group: MIN_GROUP,
    })
}
