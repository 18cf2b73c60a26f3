//! What a person sees of the ledger: balances and a statement of entries with their reasons.

use super::{Asset, SystemAccount, TxKind, accounts};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::schema::{ledger_entries, ledger_transactions};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

/// A person's balances in one community.
#[derive(Debug, Serialize, ToSchema)]
pub struct Balances {
    pub community_id: i64,
    pub user_id: i64,
    /// Spendable points.
    pub points: i64,
    /// Time-bank credits, in minutes of service.
    pub time_credit_minutes: i64,
}

pub fn balances(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
) -> Result<Balances, ApiError> {
    Ok(Balances {
        community_id,
        user_id,
        points: accounts::balance_of(conn, community_id, user_id, Asset::Points)?,
        time_credit_minutes: accounts::balance_of(conn, community_id, user_id, Asset::TimeCredits)?,
    })
}

/// What a ledger transaction is about, for the app to link to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reference {
    /// `activity`, `redemption`, `adjustment`, `wish`, `ledger_transaction`, `user`...
    pub r#type: String,
    pub id: i64,
}

/// One line of a statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementEntry {
    pub id: i64,
    pub transaction_id: i64,
    pub kind: TxKind,
    /// Why, in words.
    pub memo: String,
    /// Positive for credits, negative for debits.
    pub amount: i64,
    pub balance_after: i64,
    pub reference: Option<Reference>,
    pub created_at: DateTime<Utc>,
}

type Row = (
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    NaiveDateTime,
);

/// A person's entries in one asset, newest first.
pub fn entries(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
    asset: Asset,
    page: Page,
) -> Result<Vec<StatementEntry>, ApiError> {
    let Some(account_id) = accounts::personal_account(conn, community_id, user_id, asset)? else {
        return Ok(Vec::new());
    };
    let rows: Vec<Row> = ledger_entries::table
        .inner_join(ledger_transactions::table)
        .filter(ledger_entries::account_id.eq(account_id))
        .filter(ledger_entries::id.lt(page.before_id))
        .order(ledger_entries::id.desc())
        .limit(page.limit + 1)
        .select((
            ledger_entries::id,
            ledger_entries::transaction_id,
            ledger_transactions::kind,
            ledger_transactions::memo,
            ledger_entries::amount,
            ledger_entries::balance_after,
            ledger_transactions::ref_type,
            ledger_transactions::ref_id,
            ledger_entries::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(
                id,
                transaction_id,
                kind,
                memo,
                amount,
                balance_after,
                ref_type,
                ref_id,
                created_at,
            )| {
                Some(StatementEntry {
                    id,
                    transaction_id,
                    kind: TxKind::parse(&kind)?,
                    memo,
                    amount,
                    balance_after,
                    reference: ref_type
                        .zip(ref_id)
                        .map(|(r#type, id)| Reference { r#type, id }),
                    created_at: created_at.and_utc(),
                })
            },
        )
        .collect())
}

/// Where an asset stands in a community, from its system accounts' side.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetSummary {
    pub asset: Asset,
    /// Everything ever issued, net of reversals.
    pub issued: i64,
    /// Spent in the rewards shop.
    pub redeemed: i64,
    pub expired: i64,
    /// Held for booked services.
    pub in_escrow: i64,
    /// Held by people: issued − redeemed − expired − in escrow.
    pub held_by_people: i64,
}

pub fn summary(
    conn: &mut DbConnection,
    community_id: i64,
    asset: Asset,
) -> Result<AssetSummary, ApiError> {
    let mut balance = |system| accounts::system_balance(conn, community_id, system, asset);
    let issued = -balance(SystemAccount::Issuance)?;
    let redeemed = balance(SystemAccount::Redemption)?;
    let expired = balance(SystemAccount::Expiry)?;
    let in_escrow = balance(SystemAccount::Escrow)?;
    Ok(AssetSummary {
        asset,
        issued,
        redeemed,
        expired,
        in_escrow,
        held_by_people: issued - redeemed - expired - in_escrow,
    })
}
