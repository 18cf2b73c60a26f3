//! The district: a province → city → district → five streets, and the profile's communities
//! on them (100 for the indicators, 20 for the load data set; those on the fifth street, a
//! township, are villages), each filled with a year of activity and committed on its own.

use crate::dice::{Dice, days, year_start};
use crate::ledger::Book;
use crate::people::{self, Community, RESIDENTS_PER_SIZE};
use crate::profile::Profile;
use crate::sink::{NULL, Sink, Table, row};
use crate::{consultation, feedback, fund, shop, societies, surveys, volunteering, wishes};

const STREETS: [&str; 5] = [
    "岳麓街道",
    "望月湖街道",
    "桔子洲街道",
    "银盆岭街道",
    "莲花镇",
];

pub fn generate(
    sink: &mut Sink,
    dice: &mut Dice,
    profile: &'static Profile,
    scale: f64,
) -> Result<(), String> {
    let (streets, region_admin) = regions(sink, dice);
    sink.commit()?;
    let mut street_organisations: Vec<Vec<i64>> = vec![Vec::new(); streets.len()];
    let planned = planned_sizes(dice, profile, streets.len());
    for n in 0..profile.communities {
        let street = n % streets.len();
        let rural = street == streets.len() - 1;
        let own_size = match &planned {
            Some(sizes) => sizes[n],
            None => own_size(dice, rural),
        };
        let mut community = Community {
            id: sink.id(Table::Communities),
            profile,
            rural,
            size: scale * own_size,
            own_size,
            quality: dice.real(0.7, 0.99),
            time_bank: profile
                .live
                .as_ref()
                .is_some_and(|live| dice.chance(live.time_bank_share)),
            region_admin,
            admins: Vec::new(),
            staff: Vec::new(),
            social_workers: Vec::new(),
            grids: Vec::new(),
            households: Vec::new(),
            residents: Vec::new(),
            volunteers: Vec::new(),
        };
        people::populate(sink, dice, &mut community);
        let organisations =
            societies::organisations(sink, dice, &community, &mut street_organisations[street]);
        societies::members(sink, dice, &community, &organisations);
        let mut book = Book::new(community.id, profile.is_live());
        let served = volunteering::activities(sink, dice, &community, &mut book);
        let confirmed = wishes::wishes(sink, dice, &community, &mut book);
        feedback::ratings(sink, dice, &community, &served, &confirmed);
        consultation::topics(sink, dice, &community);
        surveys::surveys(sink, dice, &community);
        fund::donations(sink, dice, &community, &mut book);
        fund::projects(
            sink,
            dice,
            &community,
            &organisations,
            &confirmed,
            &mut book,
        );
        let areas = societies::manual_values(sink, dice, &community);
        let shop = profile
            .live
            .as_ref()
            .map(|live| shop::open(sink, dice, &community, live, &mut book));
        book.close(sink);
        if let Some(shop) = shop {
            shop.stock(sink);
        }
        record(sink, &community, &streets[street], n, areas);
        sink.commit()?;
        if (n + 1) % 10 == 0 || profile.is_live() {
            eprintln!("{} communities written", n + 1);
        }
    }
    Ok(())
}

/// Villages are smaller and quieter than urban communities.
fn own_size(dice: &mut Dice, rural: bool) -> f64 {
    if rural {
        dice.real(0.35, 0.7)
    } else {
        dice.real(0.7, 1.45)
    }
}

/// The load data set draws every community's size first and scales them to its resident
/// target, so that twenty draws cannot move the total by several percent; the indicators
/// district draws each as it comes (`None`), as it always has, so its rows stay the same.
fn planned_sizes(dice: &mut Dice, profile: &Profile, streets: usize) -> Option<Vec<f64>> {
    let live = profile.live.as_ref()?;
    let drawn: Vec<f64> = (0..profile.communities)
        .map(|n| own_size(dice, n % streets == streets - 1))
        .collect();
    let wanted = live.residents / RESIDENTS_PER_SIZE;
    let factor = wanted / drawn.iter().sum::<f64>();
    Some(drawn.into_iter().map(|size| size * factor).collect())
}

/// A region, with its materialised path (`/1/2/3/`).
struct Region {
    id: i64,
    name: String,
    path: String,
}

/// The region tree and the district's civil-affairs officer (region_admin). Returns the
/// streets and the officer's id.
fn regions(sink: &mut Sink, dice: &mut Dice) -> (Vec<Region>, i64) {
    let at = year_start() - days(400);
    let province = region(sink, None, "province", "湖南省", at);
    let city = region(sink, Some(&province), "city", "长沙市", at);
    let district = region(sink, Some(&city), "district", "岳麓区", at);
    let streets = STREETS
        .iter()
        .map(|name| region(sink, Some(&district), "street", name, at))
        .collect();
    let officer = people::user(sink, dice, "民政干部", at);
    let grant = sink.id(Table::RoleGrants);
    sink.add(
        Table::RoleGrants,
        row![
            grant,
            officer,
            "region_admin",
            NULL,
            district.id,
            NULL,
            at,
            NULL,
            NULL
        ],
    );
    (streets, officer)
}

fn region(
    sink: &mut Sink,
    parent: Option<&Region>,
    level: &str,
    name: &str,
    at: chrono::NaiveDateTime,
) -> Region {
    let id = sink.id(Table::Regions);
    let path = format!("{}{id}/", parent.map_or("/", |p| p.path.as_str()));
    let code = format!("43{id:04}");
    sink.add(
        Table::Regions,
        row![
            id,
            parent.map(|p| p.id),
            level,
            name,
            code,
            path.as_str(),
            at
        ],
    );
    Region {
        id,
        name: name.to_owned(),
        path,
    }
}

/// The community's own record, with the households and verified residents it ended the
/// year with: written last, as only then are they known (the commit writes it first).
fn record(
    sink: &mut Sink,
    community: &Community,
    street: &Region,
    n: usize,
    (facility, room): (i64, i64),
) {
    let street_name = &street.name;
    let kind = if community.rural { "rural" } else { "urban" };
    let name = if community.rural {
        format!("{street_name}第{}村", n / 5 + 1)
    } else {
        format!("{street_name}第{}社区", n / 5 + 1)
    };
    let code = format!("430104{:06}", community.id);
    let address = format!("长沙市岳麓区{street_name}");
    sink.add(
        Table::Communities,
        row![
            community.id,
            street.id,
            name,
            code,
            kind,
            address,
            community.households.len() as i64,
            community.residents.len() as i64,
            facility,
            room,
            community.staff.len() as i64,
            year_start() - days(400),
            year_start()
        ],
    );
}
