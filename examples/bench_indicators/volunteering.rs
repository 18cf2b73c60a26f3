//! Volunteer activities through the year: who came, the hours verified, and the permanent
//! service-hours record those hours leave (plus a few honour hours staff back-fill).
//!
//! In the load data set, as in the service, hours are recorded when the organiser settles
//! the activity, in the settlement that credits the points (and, in a community with a time
//! bank, the minutes): a settled activity has no attendance left undecided, and one only
//! completed has no hours yet. The indicators district records every verified attendance's
//! hours, settled or not, as it always has.

use crate::dice::{Dice, days, minutes, year_end, year_start};
use crate::ledger::{About, Book, Then, Tx};
use crate::people::Community;
use crate::sink::{NULL, Sink, Table, row};
use chrono::NaiveDateTime;
use wushe::ledger::{Asset, Holder, Posting, SystemAccount, TxKind};

/// Activities an average community runs in a year at scale 1: one or two a week.
const ACTIVITIES: f64 = 75.0;
/// Ten points per verified hour.
const POINTS_PER_HOUR: i64 = 10;

/// A verified attendance, which the volunteer may go on to rate (好差评).
pub struct Served {
    pub activity: i64,
    pub volunteer: i64,
    pub ended_at: NaiveDateTime,
}

pub fn activities(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    book: &mut Book,
) -> Vec<Served> {
    let mut served = Vec::new();
    let officers = community.officers();
    let places = ["社区党群服务中心", "小区广场", "老年活动室", "社区公园"];
    for n in 0..dice.count(ACTIVITIES * community.size) {
        let id = sink.id(Table::Activities);
        // The load data set's year ends now: its activities are all decided and settled by then.
        let last_start = year_end() - days(if book.is_live() { 5 } else { 2 });
        let starts = dice.between(year_start(), last_start);
        let ends = starts + minutes(60 * dice.int(1, 5));
        // Social workers organise two in five where there are any, as 社工支撑 intends.
        let organiser = if community.social_workers.is_empty() || dice.chance(0.6) {
            *dice.pick(&officers)
        } else {
            *dice.pick(&community.social_workers)
        };
        let roll = dice.real(0.0, 1.0);
        let status = match roll {
            r if r < 0.04 => "cancelled",
            r if r < 0.15 => "completed",
            _ => "settled",
        };
        let capacity = dice.int(15, 41);
        let (title, place) = (format!("志愿服务活动{}", n + 1), *dice.pick(&places));
        let grid = *dice.pick(&community.grids);
        let created = starts - days(dice.int(3, 15));
        sink.add(
            Table::Activities,
            row![
                id,
                community.id,
                title,
                place,
                grid,
                starts,
                ends,
                starts,
                capacity,
                status,
                organiser,
                created,
                ends
            ],
        );
        if book.is_live() {
            // Points by the hour, as the activity form proposes: what the hours carry.
            sink.add(
                Table::ActivityCreditRules,
                row![id, "per_hour", POINTS_PER_HOUR, NULL, 0_i64],
            );
        }
        if status == "cancelled" {
            continue;
        }
        let occasion = Occasion {
            community: community.id,
            activity: id,
            organiser,
            starts,
            ends,
            title,
            settled: status == "settled",
            live: book.is_live(),
        };
        let eligible = community
            .volunteers
            .partition_point(|&(_, since)| since < starts);
        let wanted = dice.int(capacity / 3, capacity) as usize;
        let mut credits = Vec::new();
        for pick in dice.sample(eligible, wanted) {
            let volunteer = community.volunteers[pick].0;
            if let Some(credit) = attend(sink, dice, &occasion, volunteer) {
                served.push(Served {
                    activity: id,
                    volunteer,
                    ended_at: credit.started + minutes(credit.minutes),
                });
                credits.push(credit);
            }
        }
        settle(sink, dice, book, community, &occasion, credits);
    }
    honour_hours(sink, dice, community);
    served
}

/// An activity as its attendance and settlement need it.
struct Occasion {
    community: i64,
    activity: i64,
    organiser: i64,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
    title: String,
    settled: bool,
    /// Whether settlement rules apply (the load data set; see the module's header).
    live: bool,
}

/// Verified service, which the settlement credits and records.
struct Credit {
    volunteer: i64,
    attendance: i64,
    started: NaiveDateTime,
    minutes: i64,
    decided: NaiveDateTime,
}

/// One volunteer's attendance. Returns the service, when the organiser verified it.
fn attend(sink: &mut Sink, dice: &mut Dice, occasion: &Occasion, volunteer: i64) -> Option<Credit> {
    let &Occasion {
        activity,
        organiser,
        starts,
        ends,
        settled,
        live,
        ..
    } = occasion;
    // The service settles an activity only once every attendance is decided.
    let undecided = if live && settled { 0.03 } else { 0.08 };
    let id = sink.id(Table::Attendance);
    let started = dice.after(starts, -10, 15);
    let served = ((ends - started).num_minutes() - dice.int(0, 30)).max(15);
    let ended = started + minutes(served);
    let decided = dice.after(ends, 30, 60 * 24 * 2);
    let roll = dice.real(0.0, 1.0);
    let (status, decided_by, decided_at, reason) = match roll {
        r if r < 0.03 => ("rejected", Some(organiser), Some(decided), Some("未到场")),
        r if r < undecided => ("pending", None, None, None),
        _ => ("verified", Some(organiser), Some(decided), None),
    };
    sink.add(
        Table::Attendance,
        row![
            id, activity, volunteer, "check_in", started, ended, served, status, decided_by,
            decided_at, reason, started
        ],
    );
    (status == "verified").then_some(Credit {
        volunteer,
        attendance: id,
        started,
        minutes: served,
        decided,
    })
}

/// The organiser settles the activity a little after the last decision: one transaction
/// credits every verified volunteer's points (and minutes, with a time bank), from the
/// issuance account, and the hours go on record naming it. See the module's header for the
/// indicators district, which records hours without settling.
fn settle(
    sink: &mut Sink,
    dice: &mut Dice,
    book: &mut Book,
    community: &Community,
    occasion: &Occasion,
    credits: Vec<Credit>,
) {
    if occasion.live && !occasion.settled {
        return;
    }
    let last = credits.iter().map(|c| c.decided).max();
    let at = match last {
        Some(last) if occasion.live => dice.after(last, 10, 60 * 24),
        _ => occasion.ends,
    };
    let issuance = Holder::System(SystemAccount::Issuance);
    let mut postings = Vec::new();
    for credit in &credits {
        let points = credit.minutes * POINTS_PER_HOUR / 60;
        let deposit = if community.time_bank {
            credit.minutes
        } else {
            0
        };
        for (asset, amount) in [(Asset::Points, points), (Asset::TimeCredits, deposit)] {
            if amount > 0 {
                let to = Holder::Person(credit.volunteer);
                postings.extend(Posting::transfer(issuance, to, asset, amount));
            }
        }
    }
    let (community_id, activity, organiser) =
        (occasion.community, occasion.activity, occasion.organiser);
    let tx = Tx {
        at,
        kind: TxKind::ActivitySettlement,
        memo: format!("志愿服务积分：{}", occasion.title),
        about: About::Known("activity", activity),
        reverses: None,
        by: Some(organiser),
        postings,
    };
    let record = move |sink: &mut Sink, posted: Option<crate::ledger::Posted>| {
        for credit in credits {
            let hours = sink.id(Table::ServiceHours);
            let recorded = posted.map_or(credit.decided, |p| p.at);
            sink.add(
                Table::ServiceHours,
                row![
                    hours,
                    community_id,
                    credit.volunteer,
                    "credit",
                    credit.minutes,
                    credit.started,
                    "志愿服务活动",
                    activity,
                    credit.attendance,
                    NULL,
                    credit.minutes * POINTS_PER_HOUR / 60,
                    posted.map(|p| p.id),
                    organiser,
                    recorded
                ],
            );
        }
        None
    };
    book.post(sink, tx, Then::new(record));
}

/// Service done outside the platform (a neighbour cared for, a flood watch), back-filled by
/// staff with evidence: about fifteen records a year in an average community.
fn honour_hours(sink: &mut Sink, dice: &mut Dice, community: &Community) {
    let officers = community.officers();
    if community.volunteers.is_empty() {
        return;
    }
    for _ in 0..dice.count(ACTIVITIES * community.size * 0.3) {
        let id = sink.id(Table::ServiceHours);
        let &(volunteer, since) = dice.pick(&community.volunteers);
        let served_at = dice.between(since, year_end());
        let recorded = dice.after(served_at, 60, 60 * 24 * 7).min(year_end());
        let served = 30 * dice.int(1, 9);
        sink.add(
            Table::ServiceHours,
            row![
                id,
                community.id,
                volunteer,
                "honour",
                served,
                served_at,
                "防汛值守",
                NULL,
                NULL,
                "值守签到表照片",
                0_i64,
                NULL,
                *dice.pick(&officers),
                recorded
            ],
        );
    }
}
