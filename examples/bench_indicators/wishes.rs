//! Micro-wishes (微心愿) through the year, each at the stage its story reached: most
//! published, claimed and confirmed within a fortnight, some still open, a few rejected,
//! cancelled or expired.

use crate::dice::{Dice, days, year_end, year_start};
use crate::people::Community;
use crate::sink::{NULL, Sink, Table, row};
use chrono::NaiveDateTime;

/// Wishes an average community sees in a year at scale 1.
const WISHES: f64 = 90.0;
const CATEGORIES: [&str; 5] = [
    "life_help",
    "school_supplies",
    "companionship",
    "repair",
    "other",
];

/// A confirmed wish, which its requester may rate and the fund may pay for.
pub struct Confirmed {
    pub id: i64,
    pub requester: i64,
    pub confirmed_at: NaiveDateTime,
}

/// Where a wish's story stopped.
#[derive(PartialEq)]
enum Fate {
    Submitted,
    Rejected,
    Open,
    Cancelled,
    Expired,
    Claimed,
    Fulfilled,
    Confirmed,
}

pub fn wishes(sink: &mut Sink, dice: &mut Dice, community: &Community) -> Vec<Confirmed> {
    let mut confirmed = Vec::new();
    let officers = community.officers();
    for n in 0..dice.count(WISHES * community.size) {
        let created = dice.between(year_start() + days(60), year_end() - days(3));
        let residents = community.residents_at(created);
        if residents.is_empty() {
            continue;
        }
        let requester = dice.pick(residents);
        let (requester, grid) = (requester.id, requester.grid);
        // Staff post for the elderly and vulnerable who do not use the app.
        let posted_by = if dice.chance(0.2) {
            *dice.pick(&officers)
        } else {
            requester
        };
        let fate = fate(dice, community.quality);
        let id = sink.id(Table::Wishes);
        let reviewer = *dice.pick(&officers);
        let reviewed = (fate != Fate::Submitted).then(|| dice.after(created, 30, 60 * 24));
        let published = reviewed.filter(|_| fate != Fate::Rejected);
        let reason = (fate == Fate::Rejected).then_some("请求超出微心愿范围");
        let status = match fate {
            Fate::Submitted => "submitted",
            Fate::Rejected => "rejected",
            Fate::Open => "published",
            Fate::Cancelled => "cancelled",
            Fate::Expired => "expired",
            Fate::Claimed => "claimed",
            Fate::Fulfilled => "fulfilled",
            Fate::Confirmed => "confirmed",
        };
        let (title, story) = (
            format!("微心愿{}", n + 1),
            "家中老人行动不便，希望有人帮忙。",
        );
        let category = *dice.pick(&CATEGORIES);
        let value = 100 * dice.int(20, 500);
        sink.add(
            Table::Wishes,
            row![
                id,
                community.id,
                requester,
                posted_by,
                title,
                story,
                category,
                value,
                created + days(30),
                grid,
                status,
                reason,
                reviewed.map(|_| reviewer),
                reviewed,
                published,
                created,
                created
            ],
        );
        if let Some(published) = published
            && let Some(at) = claims(sink, dice, community, id, requester, published, &fate)
        {
            confirmed.push(Confirmed {
                id,
                requester,
                confirmed_at: at,
            });
        }
    }
    confirmed
}

/// The better run the community, the more wishes reach confirmation.
fn fate(dice: &mut Dice, quality: f64) -> Fate {
    let roll = dice.real(0.0, 1.0);
    let confirmed = 0.35 + 0.45 * quality;
    let thresholds = [
        (0.02, Fate::Submitted),
        (0.06, Fate::Rejected),
        (0.08, Fate::Cancelled),
        (0.14 - 0.04 * quality, Fate::Expired),
        (0.20 - 0.04 * quality, Fate::Open),
        (0.24, Fate::Claimed),
        (0.28, Fate::Fulfilled),
        (0.28 + confirmed, Fate::Confirmed),
    ];
    thresholds
        .into_iter()
        .find(|(below, _)| roll < *below)
        .map_or(Fate::Open, |(_, fate)| fate)
}

/// The claims of a published wish: one in twenty first claimed by someone who let it go.
/// Returns when the requester confirmed the help, if they did.
fn claims(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    wish: i64,
    requester: i64,
    published: NaiveDateTime,
    fate: &Fate,
) -> Option<NaiveDateTime> {
    let claimed_fates = [Fate::Claimed, Fate::Fulfilled, Fate::Confirmed];
    if !claimed_fates.contains(fate) || community.volunteers.is_empty() {
        return None;
    }
    let mut claimed = dice.after(published, 60, 60 * 24 * 4);
    if dice.chance(0.05) {
        let released = dice.after(claimed, 60, 60 * 24 * 2);
        let (id, claimant) = (
            sink.id(Table::WishClaims),
            dice.pick(&community.volunteers).0,
        );
        sink.add(
            Table::WishClaims,
            row![
                id,
                wish,
                claimant,
                "volunteer",
                "released",
                claimed,
                released,
                NULL,
                NULL,
                NULL,
                NULL
            ],
        );
        claimed = dice.after(released, 60, 60 * 24 * 2);
    }
    // Volunteers claim most; a resident sometimes gives the thing wished for as a donor.
    let (claimant, kind) = if dice.chance(0.85) {
        (dice.pick(&community.volunteers).0, "volunteer")
    } else {
        (dice.pick(&community.residents).id, "donor")
    };
    let fulfilled = dice.after(claimed, 60 * 12, 60 * 24 * 10);
    let confirmed = dice.after(fulfilled, 60, 60 * 24 * 3);
    let (status, fulfilled, confirmed) = match fate {
        Fate::Claimed => ("active", None, None),
        Fate::Fulfilled => ("fulfilled", Some(fulfilled), None),
        _ => ("confirmed", Some(fulfilled), Some(confirmed)),
    };
    let rating = confirmed.map(|_| dice.int(3, 6));
    let id = sink.id(Table::WishClaims);
    sink.add(
        Table::WishClaims,
        row![
            id,
            wish,
            claimant,
            kind,
            status,
            claimed,
            NULL,
            fulfilled,
            rating,
            confirmed.map(|_| requester),
            confirmed
        ],
    );
    confirmed
}
