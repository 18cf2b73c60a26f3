//! Points expiry: in communities that set `points_expiry_months`, points earned before the
//! cut-off that have not been spent lapse, oldest first.
//!
//! Spending is taken from the oldest points, so what is left of the points earned before the
//! cut-off is what they earned before it minus everything they have ever spent (or lost to
//! earlier expiry); that remainder, if positive, lapses. Run twice, the second run finds
//! nothing, because the first run's debit counts as spent.

use super::settings;
use crate::calendar;
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::ledger::{self, Asset, Holder, NewTransaction, Posting, SystemAccount, TxKind};
use crate::schema::{communities, ledger_accounts};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ExpiryRun {
    pub community_id: i64,
    /// Accounts that lost points.
    pub accounts: i64,
    /// Points that lapsed in all.
    pub points: i64,
}

/// Expires what is due in one community at `at` (now, except in tests); writes nothing where no expiry is configured.
pub fn expire_community(
    conn: &mut DbConnection,
    community_id: i64,
    by: Option<i64>,
    at: NaiveDateTime,
) -> Result<ExpiryRun, ApiError> {
    let mut run = ExpiryRun {
        community_id,
        ..ExpiryRun::default()
    };
    let Some(months) = settings::load(conn, community_id)?.points_expiry_months else {
        return Ok(run);
    };
    ledger::lock_community(conn, community_id)?;
    let cutoff = calendar::months_before(at, months.unsigned_abs());
    let accounts: Vec<(i64, Option<i64>)> = ledger_accounts::table
        .filter(ledger_accounts::community_id.eq(community_id))
        .filter(ledger_accounts::asset.eq(Asset::Points.as_str()))
        .filter(ledger_accounts::kind.eq("personal"))
        .filter(ledger_accounts::balance.gt(0))
        .select((ledger_accounts::id, ledger_accounts::owner_user_id))
        .load(conn)?;
    let memo = format!("积分过期（超过 {months} 个月未使用）");
    for (account_id, owner) in accounts {
        let Some(user_id) = owner else { continue };
        let due = due_amount(conn, account_id, cutoff)?;
        if due <= 0 {
            continue;
        }
        ledger::post(
            conn,
            NewTransaction {
                community_id,
                kind: TxKind::Expiry,
                memo: &memo,
                reference: None,
                reverses: None,
                created_by: by,
                postings: Posting::transfer(
                    Holder::Person(user_id),
                    Holder::System(SystemAccount::Expiry),
                    Asset::Points,
                    due,
                )
                .to_vec(),
            },
        )?;
        run.accounts += 1;
        run.points += due;
    }
    Ok(run)
}

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = BigInt)]
    due: i64,
}

/// Earned before `cutoff` minus everything ever spent, as the module comment explains.
fn due_amount(
    conn: &mut DbConnection,
    account_id: i64,
    cutoff: NaiveDateTime,
) -> Result<i64, ApiError> {
    let row: Due = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(CASE WHEN amount > 0 AND created_at < $1 THEN amount \
                                      WHEN amount < 0 THEN amount ELSE 0 END), 0) AS BIGINT) AS due \
         FROM ledger_entries WHERE account_id = $2",
    )
    // SQLite numbers `$n` parameters in order of first appearance, so they appear in order.
    .bind::<Timestamp, _>(cutoff)
    .bind::<BigInt, _>(account_id)
    .get_result(conn)?;
    Ok(row.due)
}

/// Expires what is due in every community (the scheduled job and `wushe expire-points`).
pub fn expire_all(conn: &mut DbConnection) -> Result<Vec<ExpiryRun>, ApiError> {
    let ids: Vec<i64> = communities::table
        .select(communities::id)
        .order(communities::id)
        .load(conn)?;
    let mut runs = Vec::new();
    for id in ids {
        let run = crate::db::write_tx(conn, |conn| expire_community(conn, id, None, now()))?;
        if run.accounts > 0 {
            runs.push(run);
        }
    }
    Ok(runs)
}
