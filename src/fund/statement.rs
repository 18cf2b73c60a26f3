//! The fund's public statement (居务公开): its totals, for anyone, without logging in.

use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::ledger::{Asset, SystemAccount, system_balance};
use crate::schema::communities;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::Serialize;
use utoipa::ToSchema;

/// The fund's totals: money from the ledger, goods and counts from the records.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundStatement {
    pub community_id: i64,
    /// All money donated, in fen.
    pub money_donated_fen: i64,
    /// All money paid out to wishes and projects, in fen.
    pub money_disbursed_fen: i64,
    /// What the fund holds: donated less disbursed.
    pub balance_fen: i64,
    #[serde(flatten)]
    pub records: RecordTotals,
}

/// What the fund's records add up to beside the ledger.
#[derive(Debug, Serialize, ToSchema, QueryableByName)]
#[schema(as = FundRecordTotals)]
pub struct RecordTotals {
    /// The estimated value of donated goods, in fen; goods are not in the balance.
    #[diesel(sql_type = BigInt)]
    pub goods_estimated_value_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub money_donations_count: i64,
    #[diesel(sql_type = BigInt)]
    pub goods_donations_count: i64,
    /// Disbursements paid out (pending and rejected ones are not counted).
    #[diesel(sql_type = BigInt)]
    pub disbursements_count: i64,
}

/// 404 for a community that does not exist.
pub fn require_community(conn: &mut DbConnection, community_id: i64) -> ApiResult<()> {
    communities::table
        .find(community_id)
        .select(communities::id)
        .first::<i64>(conn)?;
    Ok(())
}

pub fn statement(conn: &mut DbConnection, community_id: i64) -> ApiResult<FundStatement> {
    require_community(conn, community_id)?;
    let records: RecordTotals = diesel::sql_query(
        "SELECT \
           CAST(COALESCE(SUM(CASE WHEN kind = 'goods' THEN amount_fen ELSE 0 END), 0) AS BIGINT) \
             AS goods_estimated_value_fen, \
           CAST(COUNT(CASE WHEN kind = 'money' THEN 1 END) AS BIGINT) AS money_donations_count, \
           CAST(COUNT(CASE WHEN kind = 'goods' THEN 1 END) AS BIGINT) AS goods_donations_count, \
           (SELECT CAST(COUNT(*) AS BIGINT) FROM fund_disbursements \
             WHERE community_id = $1 AND status = 'approved') AS disbursements_count \
         FROM fund_donations WHERE community_id = $1",
    )
    .bind::<BigInt, _>(community_id)
    .get_result(conn)?;
    let mut money = |account| system_balance(conn, community_id, account, Asset::Money);
    Ok(FundStatement {
        community_id,
        money_donated_fen: -money(SystemAccount::Donations)?,
        money_disbursed_fen: money(SystemAccount::Disbursements)?,
        balance_fen: money(SystemAccount::Fund)?,
        records,
    })
}
