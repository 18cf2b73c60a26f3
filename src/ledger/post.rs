//! Writing transactions: balanced, chained, and refused whole if any personal account would
//! go below zero.

use super::chain::{self, EntryFields, TransactionFields};
use super::{Asset, Holder, Posting, TxKind, accounts};
use crate::db::{DbConnection, now};
use crate::error::{ApiError, Code};
use crate::notifications::{Notice, notify};
use crate::schema::{ledger_accounts, ledger_entries, ledger_transactions};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::BTreeMap;

/// The largest amount one entry may move; far beyond any real use, far below overflow.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// A transaction to write. The caller must be inside a write transaction.
pub struct NewTransaction<'a> {
    pub community_id: i64,
    pub kind: TxKind,
    /// Why, in words a resident reading their statement understands.
    pub memo: &'a str,
    /// The record this transaction is about (an activity, a redemption, a wish...).
    pub reference: Option<(&'static str, i64)>,
    pub reverses: Option<i64>,
    /// The person responsible; `None` for scheduled jobs.
    pub created_by: Option<i64>,
    pub postings: Vec<Posting>,
}

/// A written transaction.
#[derive(Debug, Clone, Copy)]
pub struct Posted {
    pub transaction_id: i64,
    pub created_at: NaiveDateTime,
}

fn check_balanced(postings: &[Posting]) -> Result<(), ApiError> {
    if postings.is_empty() {
        return Err(ApiError::internal("a ledger transaction needs entries"));
    }
    let mut sums: BTreeMap<Asset, i64> = BTreeMap::new();
    for posting in postings {
        if posting.amount == 0 || posting.amount.abs() > MAX_AMOUNT {
            return Err(ApiError::internal(format!(
                "bad posting amount {}",
                posting.amount
            )));
        }
        *sums.entry(posting.asset).or_default() += posting.amount;
    }
    match sums.iter().find(|(_, sum)| **sum != 0) {
        Some((asset, sum)) => Err(ApiError::internal(format!(
            "unbalanced ledger transaction: {} {sum:+}",
            asset.as_str()
        ))),
        None => Ok(()),
    }
}

/// Writes `tx`: one transaction row and one chained entry per posting, updating each account's
/// balance in the same statement that checks it. Refuses with `insufficient_balance` (and
/// writes nothing, once the caller's transaction rolls back) if a personal account would go
/// below zero.
pub fn post(conn: &mut DbConnection, tx: NewTransaction) -> Result<Posted, ApiError> {
    check_balanced(&tx.postings)?;
    let (first_seq, mut prev_hash) =
        chain::lock_head(conn, tx.community_id, tx.postings.len() as i64)?;
    let created_at = now();
    let (ref_type, ref_id) = tx
        .reference
        .map_or((None, None), |(t, id)| (Some(t), Some(id)));
    let transaction_id: i64 = diesel::insert_into(ledger_transactions::table)
        .values((
            ledger_transactions::community_id.eq(tx.community_id),
            ledger_transactions::kind.eq(tx.kind.as_str()),
            ledger_transactions::memo.eq(tx.memo),
            ledger_transactions::ref_type.eq(ref_type),
            ledger_transactions::ref_id.eq(ref_id),
            ledger_transactions::reverses_id.eq(tx.reverses),
            ledger_transactions::created_by.eq(tx.created_by),
            ledger_transactions::created_at.eq(created_at),
        ))
        .returning(ledger_transactions::id)
        .get_result(conn)?;
    let digest = chain::transaction_digest(&TransactionFields {
        id: transaction_id,
        kind: tx.kind.as_str(),
        memo: tx.memo,
        ref_type,
        ref_id,
        reverses_id: tx.reverses,
        created_by: tx.created_by,
        created_at,
    });
    for (offset, posting) in tx.postings.iter().enumerate() {
        let account_id = accounts::open(conn, tx.community_id, posting.holder, posting.asset)?;
        let balance_after = accounts::apply(conn, account_id, posting.amount)?;
        let fields = EntryFields {
            community_id: tx.community_id,
            chain_seq: first_seq + offset as i64,
            transaction_id,
            account_id,
            asset: posting.asset.as_str(),
            amount: posting.amount,
            balance_after,
            created_at,
        };
        let hash = chain::entry_hash(&prev_hash, &fields, &digest);
        diesel::insert_into(ledger_entries::table)
            .values((
                ledger_entries::transaction_id.eq(transaction_id),
                ledger_entries::community_id.eq(tx.community_id),
                ledger_entries::account_id.eq(account_id),
                ledger_entries::asset.eq(fields.asset),
                ledger_entries::amount.eq(posting.amount),
                ledger_entries::balance_after.eq(balance_after),
                ledger_entries::chain_seq.eq(fields.chain_seq),
                ledger_entries::prev_hash.eq(&prev_hash),
                ledger_entries::hash.eq(&hash),
                ledger_entries::created_at.eq(created_at),
            ))
            .execute(conn)?;
        prev_hash = hash;
    }
    chain::store_head(conn, tx.community_id, &prev_hash)?;
    tell_of_points(conn, &tx)?;
    Ok(Posted {
        transaction_id,
        created_at,
    })
}

/// Tells each person whose points grew by `tx`, with its memo. A settlement credits a whole
/// activity's attendees in one transaction, so people are told in one `notify` per amount
/// rather than one per posting.
fn tell_of_points(conn: &mut DbConnection, tx: &NewTransaction) -> Result<(), ApiError> {
    let mut credited: BTreeMap<i64, i64> = BTreeMap::new();
    for posting in &tx.postings {
        if let (Holder::Person(user_id), Asset::Points) = (posting.holder, posting.asset) {
            *credited.entry(user_id).or_default() += posting.amount;
        }
    }
    let mut by_amount: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (user_id, points) in credited.into_iter().filter(|(_, points)| *points > 0) {
        by_amount.entry(points).or_default().push(user_id);
    }
    for (points, people) in by_amount {
        let notice = Notice::PointsCredited {
            points,
            memo: tx.memo.to_owned(),
        };
        notify(conn, Some(tx.community_id), &notice, &people, None)?;
    }
    Ok(())
}

/// Writes the mirror image of transaction `transaction_id` of the community. A transaction is
/// reversed at most once, and reversals are not themselves reversed (post a new transaction).
pub fn reverse(
    conn: &mut DbConnection,
    community_id: i64,
    transaction_id: i64,
    memo: &str,
    by: Option<i64>,
) -> Result<Posted, ApiError> {
    let (kind, reverses): (String, Option<i64>) = ledger_transactions::table
        .filter(ledger_transactions::community_id.eq(community_id))
        .filter(ledger_transactions::id.eq(transaction_id))
        .select((ledger_transactions::kind, ledger_transactions::reverses_id))
        .first(conn)?;
    let already: i64 = ledger_transactions::table
        .filter(ledger_transactions::reverses_id.eq(transaction_id))
        .count()
        .get_result(conn)?;
    let by_its_own_workflow = TxKind::parse(&kind).is_some_and(TxKind::undone_by_its_own_workflow);
    if already > 0 || reverses.is_some() || kind == TxKind::Reversal.as_str() || by_its_own_workflow
    {
        return Err(ApiError::new(Code::InvalidState));
    }
    let rows: Vec<(String, Option<i64>, String, i64)> = ledger_entries::table
        .inner_join(ledger_accounts::table)
        .filter(ledger_entries::transaction_id.eq(transaction_id))
        .order(ledger_entries::chain_seq)
        .select((
            ledger_accounts::kind,
            ledger_accounts::owner_user_id,
            ledger_entries::asset,
            ledger_entries::amount,
        ))
        .load(conn)?;
    let postings = rows
        .into_iter()
        .map(|(kind, owner, asset, amount)| {
            let holder = match owner {
                Some(user_id) => Holder::Person(user_id),
                None => Holder::System(super::SystemAccount::parse(&kind)?),
            };
            Some(Posting {
                holder,
                asset: Asset::parse(&asset)?,
                amount: -amount,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| ApiError::internal("unknown account kind or asset in the ledger"))?;
    post(
        conn,
        NewTransaction {
            community_id,
            kind: TxKind::Reversal,
            memo,
            reference: Some(("ledger_transaction", transaction_id)),
            reverses: Some(transaction_id),
            created_by: by,
            postings,
        },
    )
}
