//! Charity resources and linkage: the community fund's donations and payments (money through
//! the ledger), and micro-governance projects with the societies that took part in each.

use crate::dice::{Dice, days, year_end, year_start};
use crate::people::Community;
use crate::sink::{NULL, Sink, Table, row};
use crate::wishes::Confirmed;

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
pub fn donations(sink: &mut Sink, dice: &mut Dice, community: &Community) {
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
        let transaction = money.then(|| {
            let memo = format!("公益基金捐赠（第 {id} 号）");
            ledger_transaction(
                sink,
                community.id,
                "donation",
                &memo,
                ("fund_donation", id),
                recorded_by,
                recorded,
            )
        });
        let (kind, goods) = if money {
            ("money", None)
        } else {
            ("goods", Some("米面油若干"))
        };
        sink.add(
            Table::FundDonations,
            row![
                id,
                community.id,
                donor_kind,
                donor,
                name,
                dice.chance(0.2),
                kind,
                amount,
                goods,
                recorded_by,
                recorded,
                transaction
            ],
        );
    }
}

fn ledger_transaction(
    sink: &mut Sink,
    community: i64,
    kind: &str,
    memo: &str,
    (ref_type, ref_id): (&str, i64),
    by: i64,
    at: chrono::NaiveDateTime,
) -> i64 {
    let id = sink.id(Table::LedgerTransactions);
    sink.add(
        Table::LedgerTransactions,
        row![id, community, kind, memo, ref_type, ref_id, by, at],
    );
    id
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
) {
    let officers = community.officers();
    for n in 0..dice.count(PROJECTS * community.size) {
        let id = sink.id(Table::Projects);
        let created = dice.between(year_start(), year_end() - days(60));
        let decided = dice.after(created, 60 * 24, 60 * 24 * 20);
        let started = dice.after(decided, 60 * 24, 60 * 24 * 10);
        let completed = dice
            .chance(0.5)
            .then(|| dice.after(started, 60 * 24 * 10, 60 * 24 * 40));
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
            disburse(sink, dice, community, (NULL, Some(id)), budget / 2, started);
        }
    }
    for wish in confirmed {
        if dice.chance(0.2) {
            let amount = 100 * dice.int(20, 500);
            disburse(
                sink,
                dice,
                community,
                (Some(wish.id), NULL),
                amount,
                wish.confirmed_at,
            );
        }
    }
}

/// A payment two different officers approve; one in ten is still waiting for the second.
fn disburse(
    sink: &mut Sink,
    dice: &mut Dice,
    community: &Community,
    (wish, project): (Option<i64>, Option<i64>),
    amount: i64,
    at: chrono::NaiveDateTime,
) {
    let officers = community.officers();
    let id = sink.id(Table::FundDisbursements);
    let approvers = dice.sample(officers.len(), 2);
    let (first, second) = (officers[approvers[0]], officers[approvers[1]]);
    let first_at = dice.after(at, 60, 60 * 24 * 2);
    let second_at = dice.after(first_at, 60, 60 * 24 * 2);
    let requested_by = first;
    let (status, second, second_at, transaction) = if dice.chance(0.9) {
        let memo = "公益基金拨付：项目与心愿";
        let tx = ledger_transaction(
            sink,
            community.id,
            "disbursement",
            memo,
            ("fund_disbursement", id),
            second,
            second_at,
        );
        ("approved", Some(second), Some(second_at), Some(tx))
    } else {
        ("pending", None, None, None)
    };
    sink.add(
        Table::FundDisbursements,
        row![
            id,
            community.id,
            wish,
            project,
            amount,
            "公益基金拨付",
            status,
            requested_by,
            at,
            first,
            first_at,
            second,
            second_at,
            transaction
        ],
    );
}
