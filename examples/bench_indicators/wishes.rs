//! Micro-wishes (微心愿) through the year, each at the stage its story reached: most
//! published, claimed and confirmed within a fortnight, some still open, a few rejected,
//! cancelled or expired. A confirmation credits the helper the category's points, as the
//! service's default wish settings give them.
//!
//! The load data set's year ends now, so its stories stop there: a wish whose deadline passed
//! is over, one posted in the last month may still be open, and nothing is claimed, fulfilled
//! or confirmed after the year's end.

use crate::dice::{Dice, days, year_end};
use crate::ledger::{About, Book, Then, Tx};
use crate::people::{Community, RESIDENTS_PER_SIZE};
use crate::sink::{NULL, Sink, Table, row};
use chrono::NaiveDateTime;
use wushe::ledger::{Asset, Holder, Posting, SystemAccount, TxKind};
use wushe::wishes::settings::WishSettings;

/// Wishes an average community sees in a year at scale 1 (the indicators district).
const WISHES: f64 = 90.0;
/// A wish's deadline, after its posting.
const DEADLINE_DAYS: i64 = 30;
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
#[derive(Clone, Copy, PartialEq)]
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

/// A published wish, as its claims need it.
struct Wish {
    id: i64,
    requester: i64,
    title: String,
    points: i64,
    published: NaiveDateTime,
}

pub fn wishes(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    book: &mut Book,
) -> Vec<Confirmed> {
    let mut confirmed = Vec::new();
    let officers = community.officers();
    let rules = WishSettings::default();
    let per_size = community.profile.live.as_ref().map_or(WISHES, |live| {
        live.wishes / live.residents * RESIDENTS_PER_SIZE
    });
    for n in 0..dice.count(per_size * community.size) {
        let created = dice.between(community.first_residents(), year_end() - days(3));
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
        let mut fate = fate(dice, community.quality);
        if book.is_live() {
            fate = by_now(dice, fate, created);
        }
        let id = sink.id(Table::Wishes);
        let reviewer = *dice.pick(&officers);
        let reviewed = (fate != Fate::Submitted).then(|| dice.after(created, 30, 60 * 24));
        let published = reviewed.filter(|_| fate != Fate::Rejected);
        let reason = (fate == Fate::Rejected).then_some("请求超出微心愿范围");
        let (title, story) = (
            format!("微心愿{}", n + 1),
            "家中老人行动不便，希望有人帮忙。",
        );
        let category = *dice.pick(&CATEGORIES);
        let value = 100 * dice.int(20, 500);
        if let Some(published) = published {
            let wish = Wish {
                id,
                requester,
                title: title.clone(),
                points: rules.category(category).map_or(0, |c| c.points),
                published,
            };
            if let Some(at) = claims(sink, dice, community, book, &wish, &mut fate) {
                confirmed.push(Confirmed {
                    id,
                    requester,
                    confirmed_at: at,
                });
            }
        }
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
                created + days(DEADLINE_DAYS),
                grid,
                status(fate),
                reason,
                reviewed.map(|_| reviewer),
                reviewed,
                published,
                created,
                created
            ],
        );
    }
    confirmed
}

fn status(fate: Fate) -> &'static str {
    match fate {
        Fate::Submitted => "submitted",
        Fate::Rejected => "rejected",
        Fate::Open => "published",
        Fate::Cancelled => "cancelled",
        Fate::Expired => "expired",
        Fate::Claimed => "claimed",
        Fate::Fulfilled => "fulfilled",
        Fate::Confirmed => "confirmed",
    }
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

/// Where a wish of the load data set stands at the year's end: one past its deadline is over
/// (unclaimed, it expired; claimed, it was seen through), while one posted in the last month
/// may still wait for a helper, the more likely the younger it is.
fn by_now(dice: &mut Dice, fate: Fate, created: NaiveDateTime) -> Fate {
    if created + days(DEADLINE_DAYS) <= year_end() {
        return match fate {
            Fate::Open | Fate::Submitted => Fate::Expired,
            Fate::Claimed => Fate::Confirmed,
            other => other,
        };
    }
    let age = (year_end() - created).num_minutes() as f64 / (DEADLINE_DAYS * 24 * 60) as f64;
    match fate {
        Fate::Expired => Fate::Open,
        Fate::Claimed | Fate::Fulfilled | Fate::Confirmed if dice.chance((1.0 - age).sqrt()) => {
            Fate::Open
        }
        other => other,
    }
}

/// The claims of a published wish: one in twenty first claimed by someone who let it go.
/// Returns when the requester confirmed the help, if they did, having posted its points. In
/// the load data set a step due after the year's end has not happened, and `fate` says so.
fn claims(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    book: &mut Book,
    wish: &Wish,
    fate: &mut Fate,
) -> Option<NaiveDateTime> {
    let claimed_fates = [Fate::Claimed, Fate::Fulfilled, Fate::Confirmed];
    if !claimed_fates.contains(fate) || community.volunteers.is_empty() {
        return None;
    }
    let late = |at: NaiveDateTime| community.by_end(at).is_none();
    let mut claimed = dice.after(wish.published, 60, 60 * 24 * 4);
    if dice.chance(0.05) {
        let released = dice.after(claimed, 60, 60 * 24 * 2);
        let claimant = dice.pick(&community.volunteers).0;
        if !late(released) {
            let id = sink.id(Table::WishClaims);
            sink.add(
                Table::WishClaims,
                row![
                    id,
                    wish.id,
                    claimant,
                    "volunteer",
                    "released",
                    claimed,
                    released,
                    NULL,
                    NULL,
                    NULL,
                    NULL,
                    NULL
                ],
            );
            claimed = dice.after(released, 60, 60 * 24 * 2);
        }
    }
    if late(claimed) {
        *fate = Fate::Open;
        return None;
    }
    // Volunteers claim most; a resident sometimes gives the thing wished for as a donor.
    let (claimant, kind) = if dice.chance(0.85) {
        (dice.pick(&community.volunteers).0, "volunteer")
    } else {
        (dice.pick(&community.residents).id, "donor")
    };
    let fulfilled = dice.after(claimed, 60 * 12, 60 * 24 * 10);
    let confirmed = dice.after(fulfilled, 60, 60 * 24 * 3);
    if *fate != Fate::Claimed && late(fulfilled) {
        *fate = Fate::Claimed;
    } else if *fate == Fate::Confirmed && late(confirmed) {
        *fate = Fate::Fulfilled;
    }
    let (status, fulfilled, confirmed) = match fate {
        Fate::Claimed => ("active", None, None),
        Fate::Fulfilled => ("fulfilled", Some(fulfilled), None),
        _ => ("confirmed", Some(fulfilled), Some(confirmed)),
    };
    let rating = confirmed.map(|_| dice.int(3, 6));
    let (id, wish_id, requester) = (sink.id(Table::WishClaims), wish.id, wish.requester);
    let write = move |sink: &mut Sink, tx: Option<i64>| {
        sink.add(
            Table::WishClaims,
            row![
                id,
                wish_id,
                claimant,
                kind,
                status,
                claimed,
                NULL,
                fulfilled,
                rating,
                confirmed.map(|_| requester),
                confirmed,
                tx
            ],
        );
    };
    let Some(at) = confirmed else {
        write(sink, None);
        return None;
    };
    let issuance = Holder::System(SystemAccount::Issuance);
    let tx = Tx {
        at,
        kind: TxKind::WishFulfilment,
        memo: format!("微心愿：{}", wish.title),
        about: About::Known("wish", wish_id),
        reverses: None,
        by: Some(requester),
        postings: Posting::transfer(
            issuance,
            Holder::Person(claimant),
            Asset::Points,
            wish.points,
        )
        .to_vec(),
    };
    let then = move |sink: &mut Sink, posted: Option<crate::ledger::Posted>| {
        write(sink, posted.map(|p| p.id));
        None
    };
    book.post(sink, tx, Then::new(then));
    confirmed
}
