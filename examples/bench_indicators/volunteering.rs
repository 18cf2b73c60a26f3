//! Volunteer activities through the year: who came, the hours verified, and the permanent
//! service-hours record those hours leave (plus a few honour hours staff back-fill).

use crate::dice::{Dice, days, minutes, year_end, year_start};
use crate::people::Community;
use crate::sink::{NULL, Sink, Table, row};
use chrono::NaiveDateTime;

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

pub fn activities(sink: &mut Sink, dice: &mut Dice, community: &Community) -> Vec<Served> {
    let mut served = Vec::new();
    let officers = community.officers();
    let places = ["社区党群服务中心", "小区广场", "老年活动室", "社区公园"];
    for n in 0..dice.count(ACTIVITIES * community.size) {
        let id = sink.id(Table::Activities);
        let starts = dice.between(year_start(), year_end() - days(2));
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
        if status == "cancelled" {
            continue;
        }
        let occasion = Occasion {
            community: community.id,
            activity: id,
            organiser,
            starts,
            ends,
        };
        let eligible = community
            .volunteers
            .partition_point(|&(_, since)| since < starts);
        let wanted = dice.int(capacity / 3, capacity) as usize;
        for pick in dice.sample(eligible, wanted) {
            let volunteer = community.volunteers[pick].0;
            if let Some(ended_at) = attend(sink, dice, &occasion, volunteer) {
                served.push(Served {
                    activity: id,
                    volunteer,
                    ended_at,
                });
            }
        }
    }
    honour_hours(sink, dice, community);
    served
}

/// An activity as its attendance needs it.
struct Occasion {
    community: i64,
    activity: i64,
    organiser: i64,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
}

/// One volunteer's attendance; when the organiser verified it, the service hours too.
/// Returns when the verified service ended.
fn attend(
    sink: &mut Sink,
    dice: &mut Dice,
    occasion: &Occasion,
    volunteer: i64,
) -> Option<NaiveDateTime> {
    let &Occasion {
        community,
        activity,
        organiser,
        starts,
        ends,
    } = occasion;
    let id = sink.id(Table::Attendance);
    let started = dice.after(starts, -10, 15);
    let served = ((ends - started).num_minutes() - dice.int(0, 30)).max(15);
    let ended = started + minutes(served);
    let decided = dice.after(ends, 30, 60 * 24 * 2);
    let roll = dice.real(0.0, 1.0);
    let (status, decided_by, decided_at, reason) = match roll {
        r if r < 0.03 => ("rejected", Some(organiser), Some(decided), Some("未到场")),
        r if r < 0.08 => ("pending", None, None, None),
        _ => ("verified", Some(organiser), Some(decided), None),
    };
    sink.add(
        Table::Attendance,
        row![
            id, activity, volunteer, "check_in", started, ended, served, status, decided_by,
            decided_at, reason, started
        ],
    );
    if status != "verified" {
        return None;
    }
    let hours = sink.id(Table::ServiceHours);
    sink.add(
        Table::ServiceHours,
        row![
            hours,
            community,
            volunteer,
            "credit",
            served,
            started,
            "志愿服务活动",
            activity,
            id,
            NULL,
            served * POINTS_PER_HOUR / 60,
            organiser,
            decided
        ],
    );
    Some(ended)
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
                *dice.pick(&officers),
                recorded
            ],
        );
    }
}
