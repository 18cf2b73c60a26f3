//! A community's people: grids and households, residents who applied during the year (most
//! verified), the committee and staff with their role grants, social workers and the
//! residents who registered as volunteers.

use crate::dice::{Dice, days, minutes, year_end, year_start};
use crate::profile::Profile;
use crate::sink::{NULL, Sink, Table, row};
use chrono::NaiveDateTime;

/// Households and residents of an average community at scale 1; a community's own size
/// multiplies these (see `district`).
const HOUSEHOLDS: f64 = 470.0;
const RESIDENTS_PER_HOUSEHOLD: f64 = 2.1;
/// Share of applicants whom staff verify (a few are rejected, some still pending).
const VERIFIED: f64 = 0.92;
/// Verified residents of a community of size 1, on average.
pub const RESIDENTS_PER_SIZE: f64 = HOUSEHOLDS * RESIDENTS_PER_HOUSEHOLD * VERIFIED;
/// A grid (网格) is drawn around this many households.
const HOUSEHOLDS_PER_GRID: usize = 80;

pub struct Household {
    pub id: i64,
    pub grid: i64,
}

/// A resident whose residency was verified, and when.
pub struct Resident {
    pub id: i64,
    pub household: i64,
    pub grid: i64,
    pub verified_at: NaiveDateTime,
}

/// What the rest of the generator needs to know about a community.
pub struct Community {
    pub id: i64,
    pub profile: &'static Profile,
    pub rural: bool,
    /// How much happens here: scale times the community's own size.
    pub size: f64,
    /// Its own size, without the scale: a community sixteen times as populous holds as many
    /// votes, each with sixteen times the electorate, so vote rows grow with the scale too.
    pub own_size: f64,
    /// How well it is run, 0.70–0.99: drives satisfaction, turnout and fulfilment.
    pub quality: f64,
    /// Whether it runs a time bank (load data set only): settlements deposit time credits.
    pub time_bank: bool,
    /// The district's civil-affairs officer, who appoints staff and approves manual values.
    pub region_admin: i64,
    pub admins: Vec<i64>,
    pub staff: Vec<i64>,
    pub social_workers: Vec<i64>,
    pub grids: Vec<i64>,
    pub households: Vec<Household>,
    /// Verified residents, earliest verified first.
    pub residents: Vec<Resident>,
    /// Volunteers and when they registered, earliest first.
    pub volunteers: Vec<(i64, NaiveDateTime)>,
}

impl Community {
    /// The admins and staff: who reviews, records and approves.
    pub fn officers(&self) -> Vec<i64> {
        self.admins.iter().chain(&self.staff).copied().collect()
    }

    /// When its residents began to register: households in the first two months, residents
    /// from then on (see [`Profile::history_days`]).
    pub fn settled_from(&self) -> NaiveDateTime {
        year_start() - days(self.profile.history_days)
    }

    /// When the first residents could be verified, and the earliest anything they start
    /// (a wish, a topic) may happen: never before the year.
    pub fn first_residents(&self) -> NaiveDateTime {
        (self.settled_from() + days(60)).max(year_start())
    }

    /// `at`, if it has happened when the data ends. The load data set's year ends now, so
    /// nothing after it has happened yet; the indicators district's stories run on past its
    /// year, as they always have.
    pub fn by_end(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        (!self.profile.is_live() || at < year_end()).then_some(at)
    }

    /// The residents verified before `at`.
    pub fn residents_at(&self, at: NaiveDateTime) -> &[Resident] {
        let verified = self.residents.partition_point(|r| r.verified_at < at);
        &self.residents[..verified]
    }
}

/// A user account with a unique (unused) mobile number.
pub fn user(sink: &mut Sink, dice: &mut Dice, name: &str, created_at: NaiveDateTime) -> i64 {
    let id = sink.id(Table::Users);
    let created_at = created_at - minutes(dice.int(0, 60 * 24 * 30));
    let phone = format!("13{id:09}");
    let name = format!("{name}{id}");
    sink.add(
        Table::Users,
        row![
            id, name, phone, "active", false, false, created_at, created_at
        ],
    );
    id
}

/// One role held in a community, granted at `at`.
pub fn grant(sink: &mut Sink, user: i64, role: &str, community: i64, by: i64, at: NaiveDateTime) {
    let id = sink.id(Table::RoleGrants);
    sink.add(
        Table::RoleGrants,
        row![id, user, role, community, NULL, by, at, NULL, NULL],
    );
}

pub fn populate(sink: &mut Sink, dice: &mut Dice, community: &mut Community) {
    households(sink, dice, community);
    officers(sink, dice, community);
    residents(sink, dice, community);
    volunteers(sink, dice, community);
}

/// Households are registered in the first two months; each grid holds about eighty.
fn households(sink: &mut Sink, dice: &mut Dice, community: &mut Community) {
    let count = dice.count(HOUSEHOLDS * community.size).max(10);
    for g in 0..count.div_ceil(HOUSEHOLDS_PER_GRID) {
        let id = sink.id(Table::Grids);
        let name = format!("第{}网格", g + 1);
        sink.add(Table::Grids, row![id, community.id, name, year_start()]);
        community.grids.push(id);
    }
    for i in 0..count {
        let id = sink.id(Table::Households);
        let grid = community.grids[i / HOUSEHOLDS_PER_GRID];
        // Twelve flats to a unit, two units to a building.
        let (building, unit) = (
            format!("{}栋", i / 24 + 1),
            format!("{}单元", i / 12 % 2 + 1),
        );
        let room = format!("{}", (i % 12 / 2 + 1) * 100 + i % 2 + 1);
        let from = community.settled_from();
        let at = dice.between(from, from + days(60));
        sink.add(
            Table::Households,
            row![id, community.id, grid, building, unit, room, at],
        );
        community.households.push(Household { id, grid });
    }
}

/// The committee (两委), full-time staff (5–7 urban, 2–3 rural), a grid worker per grid and
/// social workers. One admin leaves mid-year and is replaced, so grants are not all current.
fn officers(sink: &mut Sink, dice: &mut Dice, community: &mut Community) {
    let (c, by) = (community.id, community.region_admin);
    let since = year_start() - days(200);
    for _ in 0..3 {
        let admin = user(sink, dice, "两委", since);
        grant(sink, admin, "community_admin", c, by, since);
        community.admins.push(admin);
    }
    let leaving = user(sink, dice, "两委", since);
    let (left, id) = (
        dice.between(year_start(), year_end()),
        sink.id(Table::RoleGrants),
    );
    sink.add(
        Table::RoleGrants,
        row![id, leaving, "community_admin", c, NULL, by, since, by, left],
    );
    let successor = user(sink, dice, "两委", left);
    grant(sink, successor, "community_admin", c, by, left);
    community.admins.push(successor);

    let staff = if community.rural {
        dice.int(2, 4)
    } else {
        dice.int(4, 8)
    };
    for _ in 0..staff {
        let worker = user(sink, dice, "社工站", since);
        grant(sink, worker, "community_staff", c, by, since);
        community.staff.push(worker);
    }
    for _ in 0..community.grids.len() {
        let worker = user(sink, dice, "网格员", since);
        grant(sink, worker, "grid_worker", c, by, since);
    }
    let social_workers = if community.rural {
        dice.int(0, 2)
    } else {
        dice.int(1, 4)
    };
    for _ in 0..social_workers {
        let at = dice.between(since, year_end() - days(30));
        let worker = user(sink, dice, "社工", at);
        grant(sink, worker, "social_worker", c, by, at);
        community.social_workers.push(worker);
    }
}

/// Residents apply through the year; staff verify most within three days, reject a few and
/// leave some pending.
fn residents(sink: &mut Sink, dice: &mut Dice, community: &mut Community) {
    let count = dice.count(community.households.len() as f64 * RESIDENTS_PER_HOUSEHOLD);
    let officers = community.officers();
    for _ in 0..count {
        let household = dice.pick(&community.households);
        let (household, grid) = (household.id, household.grid);
        let applied = dice.between(community.settled_from() + days(60), year_end() - days(1));
        let id = user(sink, dice, "居民", applied);
        let membership = sink.id(Table::Memberships);
        let decided_by = *dice.pick(&officers);
        let decided = dice
            .after(applied, 60, 60 * 24 * 3)
            .min(year_end() - minutes(1));
        let address = format!("户{household}");
        let roll = dice.real(0.0, 1.0);
        let (status, decided_by, decided_at, reason) = if roll < VERIFIED {
            ("verified", Some(decided_by), Some(decided), None)
        } else if roll < 0.95 {
            (
                "rejected",
                Some(decided_by),
                Some(decided),
                Some("住址与户籍信息不符"),
            )
        } else {
            ("pending", None, None, None)
        };
        sink.add(
            Table::Memberships,
            row![
                membership,
                id,
                community.id,
                household,
                address,
                status,
                applied,
                decided_by,
                decided_at,
                reason
            ],
        );
        if status == "verified" {
            community.residents.push(Resident {
                id,
                household,
                grid,
                verified_at: decided,
            });
        }
    }
    community.residents.sort_by_key(|r| r.verified_at);
}

/// Between 12% and 25% of residents register as volunteers, the better-run communities more;
/// a tenth of them are employed party members reporting where they live (双报到).
fn volunteers(sink: &mut Sink, dice: &mut Dice, community: &mut Community) {
    let share = 0.12 + (community.quality - 0.7) * 0.45;
    for resident in &community.residents {
        if !dice.chance(share) {
            continue;
        }
        let since = dice.after(resident.verified_at, 60, 60 * 24 * 60);
        if since >= year_end() {
            continue;
        }
        let dual = dice.chance(0.1);
        let unit = dual.then_some("区政务服务中心");
        let availability =
            r#"[{"weekday":6,"period":"morning"},{"weekday":7,"period":"afternoon"}]"#;
        sink.add(
            Table::VolunteerProfiles,
            row![
                community.id,
                resident.id,
                availability,
                dual,
                unit,
                since,
                since
            ],
        );
        community.volunteers.push((resident.id, since));
    }
    community.volunteers.sort_by_key(|&(_, since)| since);
}
