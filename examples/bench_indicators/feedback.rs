//! What residents say: a quarterly satisfaction survey (满意度测评) with one question per
//! satisfaction tag, and 好差评 ratings of wishes and activities, a poor one opening a
//! rectification (整改) that staff reply to and the resident mostly accepts.

use crate::dice::{Dice, days, local_day, minutes};
use crate::people::Community;
use crate::sink::{NULL, Sink, Table, row};
use crate::volunteering::Served;
use crate::wishes::Confirmed;

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

/// Surveys close mid-January, April, July and October, so every quarter and the month of
/// October (the benchmark's month) each hold one.
const CLOSING_MONTHS: [u32; 4] = [1, 4, 7, 10];

/// Share of verified activity attendances and confirmed wishes that get rated.
const ACTIVITY_RATING_SHARE: f64 = 0.15;
const WISH_RATING_SHARE: f64 = 0.7;

pub fn surveys(sink: &mut Sink, dice: &mut Dice, community: &Community) {
    let author = community
        .staff
        .first()
        .copied()
        .unwrap_or(community.admins[0]);
    for (n, &month) in CLOSING_MONTHS.iter().enumerate() {
        let opens = dice.after(local_day(2026, month, 1), 0, 60 * 24 * 3);
        let closes = opens + days(14);
        let audience = community.residents_at(opens);
        let anonymous = n % 2 == 0;
        let id = sink.id(Table::Surveys);
        let title = format!("2026年第{}季度居民满意度测评", n + 1);
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
                "closed",
                opens,
                closes,
                audience.len() as i64,
                opens,
                closes,
                author,
                opens - days(2),
                closes
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
        let rate = dice.real(0.15, 0.45);
        for pick in dice.sample(audience.len(), (audience.len() as f64 * rate) as usize) {
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

pub fn ratings(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    served: &[Served],
    confirmed: &[Confirmed],
) {
    for service in served {
        if dice.chance(ACTIVITY_RATING_SHARE) {
            let at = dice.after(service.ended_at, 10, 60 * 24 * 2);
            rate(
                sink,
                dice,
                community,
                ("activity", service.activity),
                service.volunteer,
                at,
            );
        }
    }
    for wish in confirmed {
        if dice.chance(WISH_RATING_SHARE) {
            rate(
                sink,
                dice,
                community,
                ("wish", wish.id),
                wish.requester,
                wish.confirmed_at,
            );
        }
    }
}

/// One rating: good as often as the community is well run; a third of the rest poor, and
/// every poor one a rectification case with a week to reply.
fn rate(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    (subject, subject_id): (&str, i64),
    rater: i64,
    at: chrono::NaiveDateTime,
) {
    let grade = match dice.real(0.0, 1.0) {
        r if r < community.quality => "good",
        r if r < community.quality + (1.0 - community.quality) * 0.67 => "average",
        _ => "poor",
    };
    let id = sink.id(Table::ServiceRatings);
    sink.add(
        Table::ServiceRatings,
        row![id, community.id, subject, subject_id, rater, grade, at],
    );
    if grade != "poor" {
        return;
    }
    let case = sink.id(Table::Rectifications);
    let replied_by = *dice.pick(&community.officers());
    let replied = dice.after(at, 60, 60 * 24 * 6);
    let accepted = dice.after(replied, 60, 60 * 24 * 3);
    let (status, replied, accepted) = match dice.real(0.0, 1.0) {
        r if r < 0.15 => ("open", None, None),
        r if r < 0.4 => ("replied", Some(replied), None),
        _ => ("accepted", Some(replied), Some(accepted)),
    };
    let reply = replied.map(|_| "已安排专人整改，感谢监督。");
    sink.add(
        Table::Rectifications,
        row![
            case,
            community.id,
            id,
            status,
            at + days(7),
            reply,
            replied.map(|_| replied_by),
            replied,
            accepted,
            at,
            accepted.or(replied).unwrap_or(at + minutes(1))
        ],
    );
}
