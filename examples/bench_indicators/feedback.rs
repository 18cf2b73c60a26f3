//! What residents say in 好差评 ratings of wishes and activities: a poor one opens a
//! rectification (整改) that staff reply to and the resident mostly accepts.

use crate::dice::{Dice, days, minutes};
use crate::people::Community;
use crate::sink::{Sink, Table, row};
use crate::volunteering::Served;
use crate::wishes::Confirmed;

/// Share of verified activity attendances and confirmed wishes that get rated.
const ACTIVITY_RATING_SHARE: f64 = 0.15;
const WISH_RATING_SHARE: f64 = 0.7;

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
    let (replied, accepted) = match dice.real(0.0, 1.0) {
        r if r < 0.15 => (None, None),
        r if r < 0.4 => (Some(replied), None),
        _ => (Some(replied), Some(accepted)),
    };
    let replied = replied.and_then(|at| community.by_end(at));
    let accepted = accepted
        .and_then(|at| community.by_end(at))
        .filter(|_| replied.is_some());
    let status = match (replied, accepted) {
        (None, _) => "open",
        (Some(_), None) => "replied",
        (Some(_), Some(_)) => "accepted",
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
