//! The social organisations a community approved (some shared with neighbours on the same
//! street) and their members, its social workers' qualifications, and the manual indicator
//! values the district approved for the year.

use crate::dice::{Dice, days, local_day, months_in, period_year, year_end, year_start};
use crate::people::Community;
use crate::sink::{NULL, Sink, Table, row};

const CATEGORIES: [&str; 5] = [
    "life_service",
    "charity",
    "mutual_aid",
    "culture_sports",
    "social_work_agency",
];

/// Approves 6–14 organisations (3–7 in a village); three in ten already serve a community
/// on the same street (`street` holds those, and gains the new ones). Returns the approved.
pub fn organisations(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    street: &mut Vec<i64>,
) -> Vec<i64> {
    let wanted = if community.rural {
        dice.int(3, 8)
    } else {
        dice.int(6, 15)
    };
    let mut approved: Vec<i64> = Vec::new();
    let decided_by = community.admins[0];
    for _ in 0..wanted {
        let others: Vec<i64> = street
            .iter()
            .copied()
            .filter(|id| !approved.contains(id))
            .collect();
        let shared = (!others.is_empty() && dice.chance(0.3)).then(|| *dice.pick(&others));
        let organisation = shared.unwrap_or_else(|| {
            let id = sink.id(Table::Organisations);
            let (name, category) = (format!("社会组织{id}"), *dice.pick(&CATEGORIES));
            let registration = if dice.chance(0.7) {
                "filed"
            } else {
                "registered"
            };
            let created = dice.between(year_start() - days(700), year_start());
            sink.add(
                Table::Organisations,
                row![
                    id,
                    name,
                    category,
                    registration,
                    NULL,
                    "0731-8888 0000",
                    community.region_admin,
                    created,
                    created
                ],
            );
            street.push(id);
            id
        });
        let requested = dice.between(year_start() - days(300), year_end() - days(20));
        let decided = dice.after(requested, 60, 60 * 24 * 14);
        sink.add(
            Table::OrganisationCommunities,
            row![
                organisation,
                community.id,
                "approved",
                community.region_admin,
                requested,
                decided_by,
                decided
            ],
        );
        approved.push(organisation);
    }
    approved
}

/// Who belongs to the approved organisations: each social worker to the one employing them,
/// with their certificate, and one volunteer in twenty to a group of their choosing.
pub fn members(sink: &mut Sink, dice: &mut Dice, community: &Community, organisations: &[i64]) {
    for &worker in &community.social_workers {
        let (employer, level) = (
            *dice.pick(organisations),
            *dice.pick(&["assistant", "intermediate", "senior"]),
        );
        sink.add(
            Table::OrganisationMembers,
            row![employer, worker, "member", year_start()],
        );
        sink.add(
            Table::SocialWorkers,
            row![
                worker,
                level,
                employer,
                community.region_admin,
                year_start()
            ],
        );
    }
    for &(volunteer, since) in &community.volunteers {
        if dice.chance(0.05) {
            let organisation = *dice.pick(organisations);
            sink.add(
                Table::OrganisationMembers,
                row![organisation, volunteer, "member", since],
            );
        }
    }
}
/// Facility and activity-room areas and criminal cases for the calendar year, entered by staff
/// in the year's last month (December for the indicators district) and approved by the
/// district: most communities meet the area thresholds
/// (600 m² urban, 300 m² rural) and seven in ten had no criminal case. Returns the two
/// areas, which the community's own record repeats.
pub fn manual_values(sink: &mut Sink, dice: &mut Dice, community: &Community) -> (i64, i64) {
    let facility = if community.rural {
        dice.int(200, 600)
    } else {
        dice.int(450, 1300)
    };
    let room = facility * dice.int(35, 65) / 100;
    let cases = if dice.chance(0.7) { 0 } else { dice.int(1, 4) };
    let last_month = months_in(11);
    let entered = dice.between(last_month + days(14), last_month + days(24));
    let year = period_year();
    let (period, from, to) = (
        year.to_string(),
        local_day(year, 1, 1),
        local_day(year + 1, 1, 1),
    );
    let decided = dice.after(entered, 60, 60 * 24 * 3);
    let entered_by = community
        .staff
        .first()
        .copied()
        .unwrap_or(community.admins[0]);
    for (key, value) in [
        ("service_facility_area_m2", facility),
        ("activity_room_area_m2", room),
        ("criminal_cases", cases),
    ] {
        let id = sink.id(Table::ManualIndicatorValues);
        sink.add(
            Table::ManualIndicatorValues,
            row![
                id,
                community.id,
                key,
                period.as_str(),
                from,
                to,
                value * 10_000,
                "现场核查记录",
                "approved",
                entered_by,
                entered,
                community.region_admin,
                decided
            ],
        );
    }
    (facility, room)
}
