//! A community's ledger, written as `wushe::ledger::post` writes it: one transaction row and
//! one entry per posting, each entry chained by hash to the one before it in the community
//! (`wushe::ledger::chain`, whose functions compute the hashes here too), accounts opened on
//! first use with their balances kept beside the entries, and the chain head stored last.
//!
//! The generator meets a community's events out of order (all of an activity's year, then all
//! of its wishes...), but the chain must run in time order, as the service's lock makes it. So
//! a [`Book`] queues every transaction with the rows that name it, and [`Book::close`] writes
//! them in time order, numbering transactions, entries and accounts as they are written, as
//! the service's sequences would. A transaction that would take a personal account (or the
//! charity fund) below zero is refused whole, as the service refuses it, and leaves no rows.
//!
//! The indicators district keeps no ledger entries: there a book records only the bare
//! transactions that the fund's rows must name (their CHECK constraints want one), as that
//! district always has, and hands every other transaction's rows `None` at once.

use crate::sink::{Sink, Table, row};
use chrono::NaiveDateTime;
use std::collections::BTreeMap;
use wushe::ledger::chain::{EntryFields, TransactionFields, entry_hash, transaction_digest};
use wushe::ledger::{Asset, Holder, Posting, SystemAccount, TxKind};

/// The record a transaction is about: one already numbered, or one numbered only when the
/// transaction goes through (a redemption or an adjustment exists only if its points do).
pub enum About {
    Known(&'static str, i64),
    Next(&'static str, Table),
}

pub struct Tx {
    pub at: NaiveDateTime,
    pub kind: TxKind,
    pub memo: String,
    pub about: About,
    pub reverses: Option<i64>,
    pub by: Option<i64>,
    pub postings: Vec<Posting>,
}

/// A written transaction: its id, the id of the record it is about, and when.
#[derive(Clone, Copy)]
pub struct Posted {
    pub id: i64,
    pub about: i64,
    pub at: NaiveDateTime,
}

/// Writes the rows that name a transaction once it is written (`None`: nothing was posted),
/// and may return a transaction that follows from it later (a refund).
pub struct Then(Box<Write>);

type Write = dyn FnOnce(&mut Sink, Option<Posted>) -> FollowUp;

pub type FollowUp = Option<(Tx, Then)>;

impl Then {
    pub fn new(then: impl FnOnce(&mut Sink, Option<Posted>) -> FollowUp + 'static) -> Self {
        Self(Box::new(then))
    }

    fn run(self, sink: &mut Sink, posted: Option<Posted>) -> FollowUp {
        (self.0)(sink, posted)
    }
}

pub struct Book {
    community: i64,
    live: bool,
    /// Transactions to write, by time and then by the order they were queued in.
    queue: BTreeMap<(NaiveDateTime, u64), (Tx, Then)>,
    queued: u64,
}

impl Book {
    pub fn new(community: i64, live: bool) -> Self {
        Self {
            community,
            live,
            queue: BTreeMap::new(),
            queued: 0,
        }
    }

    /// Whether this book keeps entries (the load data set) or not (the indicators district).
    pub fn is_live(&self) -> bool {
        self.live
    }

    fn queue(&mut self, tx: Tx, then: Then) {
        self.queued += 1;
        self.queue.insert((tx.at, self.queued), (tx, then));
    }

    /// Posts `tx`, and has `then` write the rows that name it: when the book is closed, or
    /// at once for a book without entries. A transaction with nothing to post is not
    /// written, as the service writes none.
    pub fn post(&mut self, sink: &mut Sink, tx: Tx, then: Then) {
        let bare = matches!(tx.kind, TxKind::Donation | TxKind::Disbursement);
        let posted = match (self.live, tx.postings.is_empty(), bare) {
            (true, false, _) => return self.queue(tx, then),
            (false, false, true) => Some(transaction(sink, self.community, &tx)),
            _ => None,
        };
        if let Some((tx, then)) = then.run(sink, posted) {
            self.post(sink, tx, then);
        }
    }

    /// Writes the queued transactions in time order with their entries and follow-ups, then
    /// the accounts with their final balances and the chain head.
    pub fn close(mut self, sink: &mut Sink) {
        let mut chain = Chain::new(self.community);
        while let Some((_, (tx, then))) = self.queue.pop_first() {
            let posted = chain.covers(&tx).then(|| chain.write(sink, &tx));
            if let Some((mut next, then)) = then.run(sink, posted) {
                // Nothing is written before what came earlier in the chain.
                next.at = next.at.max(tx.at);
                self.queue(next, then);
            }
        }
        chain.finish(sink);
    }
}

/// The transaction's own row, as the service inserts it; returns it as posted.
fn transaction(sink: &mut Sink, community: i64, tx: &Tx) -> Posted {
    let id = sink.id(Table::LedgerTransactions);
    let (ref_type, about) = match tx.about {
        About::Known(ref_type, about) => (ref_type, about),
        About::Next(ref_type, table) => (ref_type, sink.id(table)),
    };
    let kind = tx.kind.as_str();
    sink.add(
        Table::LedgerTransactions,
        row![
            id,
            community,
            kind,
            tx.memo.as_str(),
            ref_type,
            about,
            tx.reverses,
            tx.by,
            tx.at
        ],
    );
    Posted {
        id,
        about,
        at: tx.at,
    }
}

struct Account {
    id: i64,
    holder: Holder,
    asset: Asset,
    balance: i64,
    opened: NaiveDateTime,
}

/// A community's chain as it is written: its accounts, the last sequence number and hash.
struct Chain {
    community: i64,
    accounts: Vec<Account>,
    index: BTreeMap<(Holder, Asset), usize>,
    seq: i64,
    last_hash: String,
}

impl Chain {
    fn new(community: i64) -> Self {
        Self {
            community,
            accounts: Vec::new(),
            index: BTreeMap::new(),
            seq: 0,
            last_hash: wushe::ledger::chain::GENESIS.to_owned(),
        }
    }

    fn balance(&self, key: (Holder, Asset)) -> i64 {
        self.index
            .get(&key)
            .map_or(0, |&at| self.accounts[at].balance)
    }

    /// Whether every personal account stays at or above zero through the postings, in order,
    /// as `accounts::apply` checks each; and the fund, which a disbursement's approval checks
    /// holds the money first.
    fn covers(&self, tx: &Tx) -> bool {
        let mut after: BTreeMap<(Holder, Asset), i64> = BTreeMap::new();
        tx.postings.iter().all(|posting| {
            let key = (posting.holder, posting.asset);
            let balance = after.entry(key).or_insert_with(|| self.balance(key));
            *balance += posting.amount;
            let guarded = matches!(
                posting.holder,
                Holder::Person(_) | Holder::System(SystemAccount::Fund)
            );
            !guarded || *balance >= 0
        })
    }

    fn account(&mut self, sink: &mut Sink, key: (Holder, Asset), at: NaiveDateTime) -> usize {
        *self.index.entry(key).or_insert_with(|| {
            self.accounts.push(Account {
                id: sink.id(Table::LedgerAccounts),
                holder: key.0,
                asset: key.1,
                balance: 0,
                opened: at,
            });
            self.accounts.len() - 1
        })
    }

    fn write(&mut self, sink: &mut Sink, tx: &Tx) -> Posted {
        let posted = transaction(sink, self.community, tx);
        let ref_type = match tx.about {
            About::Known(ref_type, _) | About::Next(ref_type, _) => ref_type,
        };
        let digest = transaction_digest(&TransactionFields {
            id: posted.id,
            kind: tx.kind.as_str(),
            memo: &tx.memo,
            ref_type: Some(ref_type),
            ref_id: Some(posted.about),
            reverses_id: tx.reverses,
            created_by: tx.by,
            created_at: tx.at,
        });
        for posting in &tx.postings {
            let at = self.account(sink, (posting.holder, posting.asset), tx.at);
            let account = &mut self.accounts[at];
            account.balance += posting.amount;
            self.seq += 1;
            let fields = EntryFields {
                community_id: self.community,
                chain_seq: self.seq,
                transaction_id: posted.id,
                account_id: account.id,
                asset: posting.asset.as_str(),
                amount: posting.amount,
                balance_after: account.balance,
                created_at: tx.at,
            };
            let hash = entry_hash(&self.last_hash, &fields, &digest);
            let id = sink.id(Table::LedgerEntries);
            let previous = std::mem::replace(&mut self.last_hash, hash);
            sink.add(
                Table::LedgerEntries,
                row![
                    id,
                    fields.transaction_id,
                    self.community,
                    fields.account_id,
                    fields.asset,
                    fields.amount,
                    fields.balance_after,
                    fields.chain_seq,
                    previous,
                    self.last_hash.as_str(),
                    tx.at
                ],
            );
        }
        posted
    }

    fn finish(self, sink: &mut Sink) {
        for account in &self.accounts {
            let (kind, owner) = match account.holder {
                Holder::Person(user) => ("personal", Some(user)),
                Holder::System(system) => (system.as_str(), None),
            };
            sink.add(
                Table::LedgerAccounts,
                row![
                    account.id,
                    self.community,
                    account.asset.as_str(),
                    kind,
                    owner,
                    account.balance,
                    account.opened
                ],
            );
        }
        if self.seq > 0 {
            sink.add(
                Table::LedgerChainHeads,
                row![self.community, self.seq, self.last_hash],
            );
        }
    }
}
