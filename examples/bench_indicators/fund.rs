//! Charity resources and linkage: the community fund's donations and payments (money through
//! the ledger), and micro-governance projects with the societies that took part in each.

use crate::dice::{Dice, days, year_end, year_start};
use crate::ledger::{About, Book, Posted, Then, Tx};
use crate::people::Community;
use crate::sink::{NULL, Sink, Table, row};
use crate::wishes::Confirmed;
use chrono::NaiveDateTime;
use wushe::ledger::{Asset, Holder, Posting, SystemAccount, TxKind};

const SOCIETIES: [&str; 4] = [
    "social_organisation",
    "social_worker",
    "volunteer",
    "charity_resource",
];
/// Donations and projects an average community sees in a year at scale 1.
const DONATIONS: f64 = 36.0;
const PROJECTS: f64 = 5.0;

/// Money donations enter the fund through the ledger; goods are recorded with their value.
pub fn donations(sink: &mut Sink, dice: &mut Dice, community: &Community, book: &mut Book) {
    let officers = community.officers();
    for _ in 0..dice.count(DONATIONS * community.size) {
        let id = sink.id(Table::FundDonations);
        let recorded = dice.between(year_start(), year_end());
        let recorded_by = *dice.pick(&officers);
        let by_person = dice.chance(0.7) && !community.residents.is_empty();
        let (donor_kind, donor, name) = if by_person {
            ("person", Some(dice.pick(&community.residents).id), None)
        } else {
            ("company", None, Some("本地爱心企业"))
        };
        let amount = 100 * dice.int(50, 5000);
        let money = dice.chance(0.85);
        let (kind, goods) = if money {
            ("money", None)
        } else {
            ("goods", Some("米面油若干"))
        };
        let (community_id, anonymous) = (community.id, dice.chance(0.2));
        let write = move |sink: &mut Sink, posted: Option<Posted>| {
            sink.add(
                Table::FundDonations,
                row![
                    id,
                    community_id,
                    donor_kind,
                    donor,
                    name,
                    anonymous,
                    kind,
                    amount,
                    goods,
                    recorded_by,
                    recorded,
                    posted.map(|p| p.id)
                ],
            );
            None
        };
        if !money {
            write(sink, None);
            continue;
        }
        let tx = Tx {
            at: recorded,
            kind: TxKind::Donation,
            memo: format!("公益基金捐赠（第 {id} 号）"),
            about: About::Known("fund_donation", id),
            reverses: None,
            by: Some(recorded_by),
            postings: fund_transfer(SystemAccount::Donations, SystemAccount::Fund, amount),
        };
        book.post(sink, tx, Then::new(write));
    }
}

fn fund_transfer(from: SystemAccount, to: SystemAccount, fen: i64) -> Vec<Posting> {
    Posting::transfer(Holder::System(from), Holder::System(to), Asset::Money, fen).to_vec()
}

/// Projects run by an approved organisation, each recording the societies that took part:
/// the community always, and each other society with even odds, so about half reach three.
/// The fund pays for most projects and for a fifth of confirmed wishes.
pub fn projects(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    organisations: &[i64],
    confirmed: &[Confirmed],
    book: &mut Book,
) {
    let officers = community.officers();
    for n in 0..dice.count(PROJECTS * community.size) {
        let id = sink.id(Table::Projects);
        let created = dice.between(year_start(), year_end() - days(60));
        let decided = dice.after(created, 60 * 24, 60 * 24 * 20);
        let started = dice.after(decided, 60 * 24, 60 * 24 * 10);
        let completed = dice
            .chance(0.5)
            .then(|| dice.after(started, 60 * 24 * 10, 60 * 24 * 40))
            .and_then(|at| community.by_end(at));
        let status = if completed.is_some() {
            "completed"
        } else {
            "in_progress"
        };
        let budget = 100 * dice.int(500, 20_000);
        let title = format!("微治理项目{}", n + 1);
        let (proposer, decided_by) = (*dice.pick(&officers), *dice.pick(&officers));
        sink.add(
            Table::Projects,
            row![
                id,
                community.id,
                title,
                "楼道微改造",
                proposer,
                dice.pick(organisations).to_owned(),
                budget,
                status,
                decided_by,
                decided,
                started,
                completed,
                created,
                completed.unwrap_or(started)
            ],
        );
        sink.add(Table::ProjectSocieties, row![id, "community"]);
        for society in SOCIETIES {
            if dice.chance(0.5) {
                sink.add(Table::ProjectSocieties, row![id, society]);
            }
        }
        if dice.chance(0.7) {
            let project = (NULL, Some(id));
            disburse(sink, dice, community, book, project, (budget / 2, started));
        }
    }
    for wish in confirmed {
        if dice.chance(0.2) {
            let amount = 100 * dice.int(20, 500);
            let wish_paid = (Some(wish.id), NULL);
            disburse(
                sink,
                dice,
                community,
                book,
                wish_paid,
                (amount, wish.confirmed_at),
            );
        }
    }
}

/// A payment two different officers approve; one in ten is still waiting for the second, as
/// is one the fund cannot cover when the second approves (the service refuses the approval)
/// and one whose approvals were not due by the data's end.
fn disburse(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    book: &mut Book,
    (wish, project): (Option<i64>, Option<i64>),
    (amount, at): (i64, NaiveDateTime),
) {
    let officers = community.officers();
    let id = sink.id(Table::FundDisbursements);
    let approvers = dice.sample(officers.len(), 2);
    let (first, second) = (officers[approvers[0]], officers[approvers[1]]);
    let first_at = dice.after(at, 60, 60 * 24 * 2);
    let second_at = dice.after(first_at, 60, 60 * 24 * 2);
    let first_at = community.by_end(first_at);
    let community_id = community.id;
    let write = move |sink: &mut Sink, posted: Option<Posted>| {
        let (status, second, second_at) = match posted {
            Some(_) => ("approved", Some(second), Some(second_at)),
            None => ("pending", None, None),
        };
        sink.add(
            Table::FundDisbursements,
            row![
                id,
                community_id,
                wish,
                project,
                amount,
                "公益基金拨付",
                status,
                first,
                at,
                first_at.map(|_| first),
                first_at,
                second,
                second_at,
                posted.map(|p| p.id)
            ],
        );
        None
    };
    if !dice.chance(0.9) || community.by_end(second_at).is_none() {
        write(sink, None);
        return;
    }
    let tx = Tx {
        at: second_at,
        kind: TxKind::Disbursement,
        memo: "公益基金拨付：项目与心愿".to_owned(),
        about: About::Known("fund_disbursement", id),
        reverses: None,
        by: Some(second),
        postings: fund_transfer(SystemAccount::Fund, SystemAccount::Disbursements, amount),
    };
    book.post(sink, tx, Then::new(write));
}
