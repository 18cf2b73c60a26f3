//! The hash chain over a community's ledger entries, and its verification.
//!
//! Each entry's hash covers the previous entry's hash, the entry's own fields and a digest of
//! its transaction (kind, memo, reference, author, time). Changing, inserting or deleting any
//! entry or transaction in the database, or rewinding the tail, breaks the chain from that
//! point on, and [`verify`] names the first place it breaks.

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::{
    ledger_accounts, ledger_chain_heads as heads, ledger_entries, ledger_transactions,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// The hash before a community's first entry.
pub const GENESIS: &str = "";

/// Takes the community's chain lock, reserving `count` sequence numbers. Returns the first of
/// them and the hash to chain from. The lock is held until the transaction ends, so all ledger
/// writes of one community are ordered (and those of different communities are not).
pub(super) fn lock_head(
    conn: &mut DbConnection,
    community_id: i64,
    count: i64,
) -> Result<(i64, String), ApiError> {
    let advance = || {
        diesel::update(heads::table.find(community_id))
            .set(heads::seq.eq(heads::seq + count))
            .returning((heads::seq, heads::last_hash))
    };
    let head: Option<(i64, String)> = advance().get_result(conn).optional()?;
    let (seq, last_hash) = match head {
        Some(head) => head,
        // The community's first ledger write: create its head (a racing first write on
        // PostgreSQL waits here and inserts nothing), then advance it.
        None => {
            diesel::sql_query(
                "INSERT INTO ledger_chain_heads (community_id, seq, last_hash) VALUES ($1, 0, '') \
                 ON CONFLICT (community_id) DO NOTHING",
            )
            .bind::<BigInt, _>(community_id)
            .execute(conn)?;
            advance().get_result(conn)?
        }
    };
    Ok((seq - count + 1, last_hash))
}

pub(super) fn store_head(
    conn: &mut DbConnection,
    community_id: i64,
    last_hash: &str,
) -> Result<(), ApiError> {
    diesel::update(heads::table.find(community_id))
        .set(heads::last_hash.eq(last_hash))
        .execute(conn)?;
    Ok(())
}

/// The fields of a transaction that its entries' hashes vouch for.
pub struct TransactionFields<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub memo: &'a str,
    pub ref_type: Option<&'a str>,
    pub ref_id: Option<i64>,
    pub reverses_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn transaction_digest(tx: &TransactionFields) -> String {
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
        tx.id,
        tx.kind,
        tx.memo,
        tx.ref_type.unwrap_or(""),
        tx.ref_id.map_or(String::new(), |v| v.to_string()),
        tx.reverses_id.map_or(String::new(), |v| v.to_string()),
        tx.created_by.map_or(String::new(), |v| v.to_string()),
        tx.created_at.and_utc().timestamp_millis(),
    );
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The fields of an entry that go into its hash.
pub struct EntryFields<'a> {
    pub community_id: i64,
    pub chain_seq: i64,
    pub transaction_id: i64,
    pub account_id: i64,
    pub asset: &'a str,
    pub amount: i64,
    pub balance_after: i64,
    pub created_at: NaiveDateTime,
}

pub fn entry_hash(prev_hash: &str, entry: &EntryFields, transaction_digest: &str) -> String {
    let text = format!(
        "{prev_hash}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{transaction_digest}",
        entry.community_id,
        entry.chain_seq,
        entry.transaction_id,
        entry.account_id,
        entry.asset,
        entry.amount,
        entry.balance_after,
        entry.created_at.and_utc().timestamp_millis(),
    );
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The outcome of checking a community's ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainReport {
    /// True when every check below passed.
    pub valid: bool,
    pub entries_checked: i64,
    pub transactions_checked: i64,
    /// Hash of the last entry: publish it, and a later report with the same prefix proves
    /// nothing before it changed.
    pub head_hash: String,
    /// Sum of all entries per asset; zero in a balanced ledger.
    pub sums: BTreeMap<String, i64>,
    /// What is wrong, first problem first (at most 20).
    pub problems: Vec<String>,
}

type EntryRow = (
    i64,
    i64,
    i64,
    i64,
    String,
    i64,
    i64,
    i64,
    String,
    String,
    NaiveDateTime,
);
type TxRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    NaiveDateTime,
);

const BATCH: i64 = 5000;
const MAX_PROBLEMS: usize = 20;

/// Walks the community's entries in chain order, recomputing every hash and checking that
/// each transaction balances per asset, that running balances match the entries and the
/// accounts, that no personal balance ever went below zero, and that the head matches.
pub fn verify(conn: &mut DbConnection, community_id: i64) -> Result<ChainReport, ApiError> {
    let mut walk = Walk::default();
    let mut after_seq = 0;
    loop {
        let entries: Vec<EntryRow> = ledger_entries::table
            .filter(ledger_entries::community_id.eq(community_id))
            .filter(ledger_entries::chain_seq.gt(after_seq))
            .order(ledger_entries::chain_seq)
            .limit(BATCH)
            .select((
                ledger_entries::id,
                ledger_entries::transaction_id,
                ledger_entries::chain_seq,
                ledger_entries::account_id,
                ledger_entries::asset,
                ledger_entries::amount,
                ledger_entries::balance_after,
                ledger_entries::community_id,
                ledger_entries::prev_hash,
                ledger_entries::hash,
                ledger_entries::created_at,
            ))
            .load(conn)?;
        let Some(last) = entries.last() else { break };
        after_seq = last.2;
        let tx_ids: Vec<i64> = entries.iter().map(|e| e.1).collect();
        let digests = transaction_digests(conn, community_id, &tx_ids)?;
        let personal = personal_accounts(conn, &entries)?;
        for entry in &entries {
            walk.check(entry, &digests, &personal);
        }
    }
    walk.finish(conn, community_id)
}

fn transaction_digests(
    conn: &mut DbConnection,
    community_id: i64,
    ids: &[i64],
) -> Result<HashMap<i64, String>, ApiError> {
    let rows: Vec<TxRow> = ledger_transactions::table
        .filter(ledger_transactions::community_id.eq(community_id))
        .filter(ledger_transactions::id.eq_any(ids))
        .select((
            ledger_transactions::id,
            ledger_transactions::kind,
            ledger_transactions::memo,
            ledger_transactions::ref_type,
            ledger_transactions::ref_id,
            ledger_transactions::reverses_id,
            ledger_transactions::created_by,
            ledger_transactions::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, kind, memo, ref_type, ref_id, reverses_id, created_by, created_at)| {
                let fields = TransactionFields {
                    id,
                    kind: &kind,
                    memo: &memo,
                    ref_type: ref_type.as_deref(),
                    ref_id,
                    reverses_id,
                    created_by,
                    created_at,
                };
                (id, transaction_digest(&fields))
            },
        )
        .collect())
}

fn personal_accounts(
    conn: &mut DbConnection,
    entries: &[EntryRow],
) -> Result<HashMap<i64, bool>, ApiError> {
    let ids: Vec<i64> = entries.iter().map(|e| e.3).collect();
    let rows: Vec<(i64, String)> = ledger_accounts::table
        .filter(ledger_accounts::id.eq_any(ids))
        .select((ledger_accounts::id, ledger_accounts::kind))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind)| (id, kind == "personal"))
        .collect())
}

/// The running state of a verification walk.
#[derive(Default)]
struct Walk {
    expected_seq: i64,
    prev_hash: String,
    entries: i64,
    transactions: i64,
    current_tx: Option<i64>,
    current_tx_sums: BTreeMap<String, i64>,
    sums: BTreeMap<String, i64>,
    balances: HashMap<i64, i64>,
    problems: Vec<String>,
}

impl Walk {
    fn problem(&mut self, text: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(text);
        }
    }

    fn check(
        &mut self,
        entry: &EntryRow,
        digests: &HashMap<i64, String>,
        personal: &HashMap<i64, bool>,
    ) {
        let (
            id,
            tx_id,
            seq,
            account_id,
            asset,
            amount,
            balance_after,
            community_id,
            prev_hash,
            hash,
            created_at,
        ) = entry;
        self.expected_seq += 1;
        if *seq != self.expected_seq {
            self.problem(format!(
                "entry {id}: sequence {seq}, expected {}",
                self.expected_seq
            ));
            self.expected_seq = *seq;
        }
        if *prev_hash != self.prev_hash {
            self.problem(format!(
                "entry {id} (seq {seq}): does not chain to the previous entry"
            ));
        }
        if self.current_tx != Some(*tx_id) {
            self.close_transaction();
            self.current_tx = Some(*tx_id);
            self.transactions += 1;
        }
        let Some(digest) = digests.get(tx_id) else {
            self.problem(format!(
                "entry {id} (seq {seq}): transaction {tx_id} is missing"
            ));
            self.prev_hash = hash.clone();
            return;
        };
        let fields = EntryFields {
            community_id: *community_id,
            chain_seq: *seq,
            transaction_id: *tx_id,
            account_id: *account_id,
            asset,
            amount: *amount,
            balance_after: *balance_after,
            created_at: *created_at,
        };
        if entry_hash(prev_hash, &fields, digest) != *hash {
            self.problem(format!(
                "entry {id} (seq {seq}): hash does not match its contents"
            ));
        }
        let balance = self.balances.entry(*account_id).or_default();
        *balance += amount;
        let running = *balance;
        if running != *balance_after {
            self.problem(format!(
                "entry {id} (seq {seq}): balance_after {balance_after}, entries sum to {running}"
            ));
        }
        if running < 0 && personal.get(account_id).copied().unwrap_or(true) {
            self.problem(format!(
                "entry {id} (seq {seq}): personal account {account_id} went negative"
            ));
        }
        *self.current_tx_sums.entry(asset.clone()).or_default() += amount;
        *self.sums.entry(asset.clone()).or_default() += amount;
        self.entries += 1;
        self.prev_hash = hash.clone();
    }

    /// Entries of one transaction are written together under the chain lock, so they are
    /// contiguous; each run must sum to zero per asset.
    fn close_transaction(&mut self) {
        let unbalanced: Vec<String> = self
            .current_tx_sums
            .iter()
            .filter(|(_, sum)| **sum != 0)
            .map(|(asset, sum)| format!("{asset} {sum:+}"))
            .collect();
        if let (Some(tx), false) = (self.current_tx, unbalanced.is_empty()) {
            self.problem(format!(
                "transaction {tx} does not balance: {}",
                unbalanced.join(", ")
            ));
        }
        self.current_tx_sums.clear();
    }

    fn finish(
        mut self,
        conn: &mut DbConnection,
        community_id: i64,
    ) -> Result<ChainReport, ApiError> {
        self.close_transaction();
        let head: Option<(i64, String)> = heads::table
            .find(community_id)
            .select((heads::seq, heads::last_hash))
            .first(conn)
            .optional()?;
        let (head_seq, head_hash) = head.unwrap_or((0, GENESIS.to_owned()));
        if head_seq != self.expected_seq || head_hash != self.prev_hash {
            self.problem(format!(
                "chain head says {head_seq} entries ending {head_hash:.12}, found {} ending {:.12}",
                self.expected_seq, self.prev_hash
            ));
        }
        let cached: Vec<(i64, i64)> = ledger_accounts::table
            .filter(ledger_accounts::community_id.eq(community_id))
            .select((ledger_accounts::id, ledger_accounts::balance))
            .load(conn)?;
        for (account_id, balance) in cached {
            let summed = self.balances.get(&account_id).copied().unwrap_or(0);
            if summed != balance {
                self.problem(format!(
                    "account {account_id}: balance {balance}, entries sum to {summed}"
                ));
            }
        }
        let unbalanced: Vec<String> = self
            .sums
            .iter()
            .filter(|(_, sum)| **sum != 0)
            .map(|(asset, sum)| format!("{asset} entries sum to {sum}, not zero"))
            .collect();
        for problem in unbalanced {
            self.problem(problem);
        }
        Ok(ChainReport {
            valid: self.problems.is_empty(),
            entries_checked: self.entries,
            transactions_checked: self.transactions,
            head_hash: self.prev_hash,
            sums: self.sums,
            problems: self.problems,
        })
    }
}
