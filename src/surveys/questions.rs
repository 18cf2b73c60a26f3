//! Questions: the checks on a survey's questions when it is built, the answers each kind
//! accepts and their stored form, and the skip logic that decides which questions a
//! respondent is shown.

use super::types::{IndicatorTag, QuestionKind, QuestionSpec, ShowIf};
use crate::error::{ApiError, FieldError};
use serde_json::{Value, json};
use std::collections::HashSet;

const MAX_OPTIONS: usize = 20;
const MAX_PROMPT: usize = 500;
const MAX_OPTION_LABEL: usize = 100;
const MAX_KEY: usize = 32;
/// Longer than any comment a resident types on a phone, short enough to read in a report.
pub const MAX_TEXT_ANSWER: usize = 2000;

/// Stored forms of good / average / poor: ordered, so that "higher is better" as on scales.
pub const GOOD: i32 = 3;
const AVERAGE: i32 = 2;
const POOR: i32 = 1;

/// A question as a survey holds it, with its skip logic in stored form.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: i64,
    pub key: String,
    pub kind: QuestionKind,
    pub prompt: String,
    pub required: bool,
    pub options: Vec<String>,
    pub tag: Option<IndicatorTag>,
    /// The earlier question's key, and the stored answers that show this one.
    pub show_if: Option<(String, Vec<i32>)>,
}

/// One stored answer value (an option, a score, or 0 with the text).
pub type Stored = (i32, Option<String>);

impl Question {
    /// The stored form of an answer, or the code of what is wrong with it.
    pub fn parse(&self, answer: &Value) -> Result<Vec<Stored>, &'static str> {
        let options = i64::try_from(self.options.len()).unwrap_or(i64::MAX);
        let whole = |value: &Value, low: i64, high: i64| match value.as_i64() {
            None => Err("invalid_type"),
            Some(n) if !(low..=high).contains(&n) => Err("range"),
            Some(n) => Ok((i32::try_from(n).map_err(|_| "range")?, None)),
        };
        let one = match self.kind {
            QuestionKind::SingleChoice => whole(answer, 0, options - 1)?,
            QuestionKind::Likert => whole(answer, 1, 5)?,
            QuestionKind::ZeroToTen => whole(answer, 0, 10)?,
            QuestionKind::GoodAveragePoor => match answer.as_str() {
                Some("good") => (GOOD, None),
                Some("average") => (AVERAGE, None),
                Some("poor") => (POOR, None),
                Some(_) => return Err("invalid_value"),
                None => return Err("invalid_type"),
            },
            QuestionKind::FreeText => {
                let text = answer.as_str().ok_or("invalid_type")?;
                crate::http::text::multi_line(text).map_err(|e| match e.code.as_ref() {
                    "blank" => "blank",
                    _ => "control_characters",
                })?;
                if text.chars().count() > MAX_TEXT_ANSWER {
                    return Err("length");
                }
                (0, Some(text.trim().to_owned()))
            }
            QuestionKind::MultipleChoice => {
                let chosen = answer.as_array().ok_or("invalid_type")?;
                if chosen.is_empty() {
                    return Err("required");
                }
                let mut values = chosen
                    .iter()
                    .map(|v| whole(v, 0, options - 1))
                    .collect::<Result<Vec<_>, _>>()?;
                values.sort();
                values.dedup();
                if values.len() != chosen.len() {
                    return Err("duplicate");
                }
                return Ok(values);
            }
        };
        Ok(vec![one])
    }

    /// An answer in its wire form, from its stored values.
    pub fn render(&self, stored: &[Stored]) -> Value {
        let value = |(v, _): &Stored| *v;
        match self.kind {
            QuestionKind::MultipleChoice => json!(stored.iter().map(value).collect::<Vec<_>>()),
            QuestionKind::FreeText => json!(stored.first().and_then(|(_, t)| t.clone())),
            QuestionKind::GoodAveragePoor => json!(stored.first().map(value).map(grade_name)),
            _ => json!(stored.first().map(value)),
        }
    }

    /// The label of a stored value in reports: an option's text, a grade, or the number.
    pub fn label(&self, value: i32) -> String {
        match self.kind {
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => usize::try_from(value)
                .ok()
                .and_then(|i| self.options.get(i).cloned())
                .unwrap_or_default(),
            QuestionKind::GoodAveragePoor => grade_name(value).to_owned(),
            _ => value.to_string(),
        }
    }

    /// The values a question of this kind can take, in report order (none for free text).
    pub fn scale(&self) -> Vec<i32> {
        let options = i32::try_from(self.options.len()).unwrap_or(0);
        match self.kind {
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => (0..options).collect(),
            QuestionKind::Likert => (1..=5).collect(),
            QuestionKind::GoodAveragePoor => vec![GOOD, AVERAGE, POOR],
            QuestionKind::ZeroToTen => (0..=10).collect(),
            QuestionKind::FreeText => Vec::new(),
        }
    }

    /// Whether a stored value counts as satisfied: 4 or 5 on Likert, or good.
    pub fn is_satisfied(&self, value: i32) -> Option<bool> {
        match self.kind {
            QuestionKind::Likert => Some(value >= 4),
            QuestionKind::GoodAveragePoor => Some(value == GOOD),
            _ => None,
        }
    }

    /// The question in its wire form; `all` holds the question its skip logic refers to.
    pub fn spec(&self, all: &[Question]) -> QuestionSpec {
        let show_if = self.show_if.as_ref().map(|(key, values)| {
            let graded = all
                .iter()
                .any(|q| &q.key == key && q.kind == QuestionKind::GoodAveragePoor);
            ShowIf {
                question: key.clone(),
                any_of: values
                    .iter()
                    .map(|v| match graded {
                        true => json!(grade_name(*v)),
                        false => json!(v),
                    })
                    .collect(),
            }
        });
        QuestionSpec {
            key: self.key.clone(),
            kind: self.kind,
            prompt: self.prompt.clone(),
            required: self.required,
            options: (!self.options.is_empty()).then(|| self.options.clone()),
            tag: self.tag,
            show_if,
        }
    }
}

fn grade_name(value: i32) -> &'static str {
    match value {
        GOOD => "good",
        AVERAGE => "average",
        _ => "poor",
    }
}

/// Whether skip logic shows `question`, given the stored answers of the questions before it
/// (a question whose condition's question was itself not shown is not shown either).
pub fn is_shown(question: &Question, answered: &[(&Question, Vec<Stored>)]) -> bool {
    let Some((key, values)) = &question.show_if else {
        return true;
    };
    answered
        .iter()
        .find(|(earlier, _)| &earlier.key == key)
        .is_some_and(|(_, stored)| stored.iter().any(|(v, _)| values.contains(v)))
}

/// Checks a survey's questions and turns them into their stored form (ids unset), naming
/// every faulty field as `questions[i].field`.
pub fn prepare(specs: &[QuestionSpec]) -> Result<Vec<Question>, ApiError> {
    let mut errors = Vec::new();
    let mut prepared: Vec<Question> = Vec::new();
    let mut keys = HashSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let mut fault = |field: &str, code: &'static str| {
            errors.push(FieldError::new(format!("questions[{i}].{field}"), code));
        };
        let key_ok = !spec.key.is_empty()
            && spec.key.len() <= MAX_KEY
            && spec
                .key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !key_ok {
            fault("key", "invalid_value");
        } else if !keys.insert(spec.key.clone()) {
            fault("key", "duplicate");
        }
        if let Err(e) = crate::http::text::multi_line(&spec.prompt) {
            fault(
                "prompt",
                if e.code == "blank" {
                    "blank"
                } else {
                    "control_characters"
                },
            );
        } else if spec.prompt.chars().count() > MAX_PROMPT {
            fault("prompt", "length");
        }
        let is_choice = matches!(
            spec.kind,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice
        );
        let options = spec.options.clone().unwrap_or_default();
        if is_choice && !(2..=MAX_OPTIONS).contains(&options.len()) {
            fault("options", "too_few_options");
        }
        if !is_choice && spec.options.is_some() {
            fault("options", "not_for_kind");
        }
        if options.iter().any(|label| {
            crate::http::text::single_line(label).is_err()
                || label.chars().count() > MAX_OPTION_LABEL
        }) {
            fault("options", "invalid_value");
        }
        if options.iter().collect::<HashSet<_>>().len() != options.len() {
            fault("options", "duplicate");
        }
        let mut question = Question {
            id: 0,
            key: spec.key.clone(),
            kind: spec.kind,
            prompt: spec.prompt.trim().to_owned(),
            required: spec.required,
            options: options.iter().map(|o| o.trim().to_owned()).collect(),
            tag: spec.tag,
            show_if: None,
        };
        if spec.tag.is_some() && question.is_satisfied(1).is_none() {
            fault("tag", "not_for_kind");
        }
        if let Some(show_if) = &spec.show_if {
            match condition(show_if, &prepared) {
                Ok(stored) => question.show_if = Some((show_if.question.clone(), stored)),
                Err(code) => fault("show_if", code),
            }
        }
        prepared.push(question);
    }
    match errors.is_empty() {
        true => Ok(prepared),
        false => Err(ApiError::invalid(errors)),
    }
}

/// A skip condition in stored form: it must name an earlier question with answers to choose
/// from, and give 1 to 20 of that question's answers.
fn condition(show_if: &ShowIf, earlier: &[Question]) -> Result<Vec<i32>, &'static str> {
    let target = earlier
        .iter()
        .find(|q| q.key == show_if.question)
        .ok_or("invalid_reference")?;
    if target.kind == QuestionKind::FreeText {
        return Err("not_for_kind");
    }
    if show_if.any_of.is_empty() || show_if.any_of.len() > MAX_OPTIONS {
        return Err("range");
    }
    // A condition on a multiple-choice question names options one at a time.
    let single = Question {
        kind: match target.kind {
            QuestionKind::MultipleChoice => QuestionKind::SingleChoice,
            kind => kind,
        },
        ..target.clone()
    };
    let mut stored = Vec::new();
    for answer in &show_if.any_of {
        stored.extend(single.parse(answer)?.into_iter().map(|(v, _)| v));
    }
    Ok(stored)
}
