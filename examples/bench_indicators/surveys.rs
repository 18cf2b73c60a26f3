//! Quarterly satisfaction surveys (满意度测评), with one question per satisfaction tag, and
//! the responses and their answers.
//!
//! The load data set also writes each survey's audience as the service freezes it at opening
//! (who may answer, and who has), and holds one more survey, opened in the year's last days
//! and still open, which residents can answer.

use crate::dice::{Dice, days, months_in, year_end};
use crate::people::Community;
use crate::sink::{NULL, Sink, Table, row};
use chrono::Datelike;

/// The questions: key, kind, tag. Likert answers are 1–5; good/average/poor are 3/2/1.
const QUESTIONS: [(&str, &str, Option<&str>); 7] = [
    ("overall", "likert", Some("resident_satisfaction")),
    (
        "services",
        "good_average_poor",
        Some("service_satisfaction"),
    ),
    ("security", "likert", Some("security_satisfaction")),
    ("environment", "likert", Some("environment_satisfaction")),
    (
        "governance",
        "good_average_poor",
        Some("governance_satisfaction"),
    ),
    ("civility", "likert", Some("civility_satisfaction")),
    ("suggestions", "free_text", None),
];

/// Surveys open early in the year's first, fourth, seventh and tenth months (January, April,
/// July and October for the indicators district) and run a fortnight, so every quarter and
/// the month of October (the benchmark's month) each hold one.
const CLOSING_MONTHS: [u32; 4] = [1, 4, 7, 10];

pub fn surveys(sink: &mut Sink, dice: &mut Dice, community: &Community) {
    let author = community
        .staff
        .first()
        .copied()
        .unwrap_or(community.admins[0]);
    let live = community.profile.live.as_ref();
    let rate = live.map_or((0.15, 0.45), |live| live.response_rate);
    for (n, &month) in CLOSING_MONTHS.iter().enumerate() {
        let opens = dice.after(months_in(month - 1), 0, 60 * 24 * 3);
        survey(sink, dice, community, (author, n, opens), rate, false);
    }
    if let Some(live) = live {
        let opens = dice.between(year_end() - days(4), year_end() - days(1));
        let last = (author, CLOSING_MONTHS.len(), opens);
        survey(sink, dice, community, last, live.open_response_rate, true);
    }
}

/// Survey `n`, by `author`, opening at `opens` and closing a fortnight later unless `open`;
/// a share in `rate` of its audience responds.
fn survey(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    (author, n, opens): (i64, usize, chrono::NaiveDateTime),
    rate: (f64, f64),
    open: bool,
) {
    let closes = opens + days(14);
    let audience = community.residents_at(opens);
    let anonymous = n % 2 == 0;
    let id = sink.id(Table::Surveys);
    let local = wushe::calendar::local(opens);
    let quarter = local.month0() / 3 + 1;
    let title = format!("{}年第{quarter}季度居民满意度测评", local.year());
    let (status, closed) = if open {
        ("open", None)
    } else {
        ("closed", Some(closes))
    };
    sink.add(
        Table::Surveys,
        row![
            id,
            community.id,
            title,
            NULL,
            "residents",
            anonymous,
            false,
            true,
            status,
            opens,
            closes,
            audience.len() as i64,
            opens,
            closed,
            author,
            opens - days(2),
            closed.unwrap_or(opens)
        ],
    );
    let mut questions = Vec::new();
    for (position, (key, kind, tag)) in QUESTIONS.into_iter().enumerate() {
        let question = sink.id(Table::SurveyQuestions);
        let required = tag.is_some();
        let prompt = format!("{key}?");
        sink.add(
            Table::SurveyQuestions,
            row![
                question,
                id,
                position as i64,
                key,
                kind,
                prompt,
                required,
                tag
            ],
        );
        questions.push((question, kind, tag));
    }
    let rate = dice.real(rate.0, rate.1);
    let mut responded = vec![false; audience.len()];
    for pick in dice.sample(audience.len(), (audience.len() as f64 * rate) as usize) {
        responded[pick] = true;
        let respondent = &audience[pick];
        let receipt = dice.receipt_hash();
        let named = (!anonymous).then_some(respondent.id);
        sink.add(
            Table::SurveyResponses,
            row![id, receipt, named, respondent.grid],
        );
        for &(question, kind, tag) in &questions {
            let (value, text) = match (kind, tag) {
                ("free_text", _) if dice.chance(0.1) => (0, Some("希望增加夜间巡逻")),
                ("free_text", _) => continue,
                (_, Some(tag)) => (answer(dice, kind, satisfaction(community, tag)), None),
                _ => continue,
            };
            sink.add(
                Table::SurveyAnswers,
                row![id, receipt, question, value, text],
            );
        }
    }
    if community.profile.is_live() {
        for (resident, responded) in audience.iter().zip(responded) {
            sink.add(
                Table::SurveyAudience,
                row![id, resident.id, resident.household, responded],
            );
        }
    }
}

/// The share of residents satisfied on `tag`: security runs highest, as it does in the
/// seeds' surveys, so the 95% security threshold is met by the best-run communities only.
fn satisfaction(community: &Community, tag: &str) -> f64 {
    match tag {
        "security_satisfaction" => community.quality + 0.03,
        "governance_satisfaction" => community.quality - 0.05,
        _ => community.quality,
    }
}

/// One answer: satisfied (4–5, or good) with probability `satisfied`.
fn answer(dice: &mut Dice, kind: &str, satisfied: f64) -> i64 {
    let happy = dice.chance(satisfied);
    match (kind, happy) {
        ("good_average_poor", true) => 3,
        ("good_average_poor", false) => dice.int(1, 3),
        (_, true) => dice.int(4, 6),
        (_, false) => dice.int(1, 4),
    }
}
