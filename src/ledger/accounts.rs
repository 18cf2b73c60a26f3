//! Ledger accounts: found or opened on first use, balances kept beside their entries.

use super::{Asset, Holder, SystemAccount};
use crate::db::{DbConnection, now};
use crate::error::{ApiError, Code};
use crate::schema::ledger_accounts as accounts;
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::Bool;

const PERSONAL: &str = "personal";

/// The conditions of the two partial indexes on accounts, as literal SQL. A bound
/// `kind = $1` cannot be matched to them by either planner (SQLite plans at prepare time,
/// PostgreSQL reuses a generic plan), which then reads every account in the table: 10 ms
/// per lookup at 88,000 accounts on SQLite, against 0.1 ms with the literal.
fn personal() -> SqlLiteral<Bool> {
    sql("ledger_accounts.kind = 'personal'")
}

fn system_kind() -> SqlLiteral<Bool> {
    sql("ledger_accounts.kind <> 'personal'")
}

fn find(
    conn: &mut DbConnection,
    community_id: i64,
    holder: Holder,
    asset: Asset,
) -> Result<Option<i64>, ApiError> {
    let query = accounts::table
        .filter(accounts::community_id.eq(community_id))
        .filter(accounts::asset.eq(asset.as_str()))
        .select(accounts::id)
        .into_boxed();
    let query = match holder {
        Holder::Person(user_id) => query
            .filter(personal())
            .filter(accounts::owner_user_id.eq(user_id)),
        Holder::System(system) => query
            .filter(system_kind())
            .filter(accounts::kind.eq(system.as_str())),
    };
    Ok(query.first(conn).optional()?)
}

/// The account's id, opening it if this is its first entry. Callers hold the community's
/// chain lock, so two transactions never open the same account at once.
pub(super) fn open(
    conn: &mut DbConnection,
    community_id: i64,
    holder: Holder,
    asset: Asset,
) -> Result<i64, ApiError> {
    if let Some(id) = find(conn, community_id, holder, asset)? {
        return Ok(id);
    }
    let (kind, owner) = match holder {
        Holder::Person(user_id) => (PERSONAL, Some(user_id)),
        Holder::System(system) => (system.as_str(), None),
    };
    Ok(diesel::insert_into(accounts::table)
        .values((
            accounts::community_id.eq(community_id),
            accounts::asset.eq(asset.as_str()),
            accounts::kind.eq(kind),
            accounts::owner_user_id.eq(owner),
            accounts::balance.eq(0),
            accounts::created_at.eq(now()),
        ))
        .returning(accounts::id)
        .get_result(conn)?)
}

/// Adds `amount` to the account's balance and returns the new balance. A personal account
/// that would go below zero is refused in the same statement, so no interleaving of
/// concurrent debits can overdraw it.
pub(super) fn apply(
    conn: &mut DbConnection,
    account_id: i64,
    amount: i64,
) -> Result<i64, ApiError> {
    let covered = accounts::kind
        .ne(PERSONAL)
        .or((accounts::balance + amount).ge(0));
    diesel::update(accounts::table.find(account_id).filter(covered))
        .set(accounts::balance.eq(accounts::balance + amount))
        .returning(accounts::balance)
        .get_result(conn)
        .optional()?
        .ok_or_else(|| ApiError::new(Code::InsufficientBalance))
}

/// A person's personal account id, if they have ever held the asset in the community.
pub fn personal_account(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
    asset: Asset,
) -> Result<Option<i64>, ApiError> {
    find(conn, community_id, Holder::Person(user_id), asset)
}

/// What a person holds of `asset` in the community (zero before their first entry).
pub fn balance_of(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
    asset: Asset,
) -> Result<i64, ApiError> {
    Ok(accounts::table
        .filter(accounts::community_id.eq(community_id))
        .filter(accounts::asset.eq(asset.as_str()))
        .filter(personal())
        .filter(accounts::owner_user_id.eq(user_id))
        .select(accounts::balance)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// A system account's balance, for the ledger summary.
pub fn system_balance(
    conn: &mut DbConnection,
    community_id: i64,
    system: SystemAccount,
    asset: Asset,
) -> Result<i64, ApiError> {
    Ok(accounts::table
        .filter(accounts::community_id.eq(community_id))
        .filter(accounts::asset.eq(asset.as_str()))
        .filter(system_kind())
        .filter(accounts::kind.eq(system.as_str()))
        .select(accounts::balance)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}
