//! Time-bank mutual-aid services (时间银行): the resident served pays the providers in time
//! credits. Publishing holds the most the service can cost in escrow; settlement pays each
//! verified provider for their minutes and returns the rest; cancelling returns it all.

use super::store::{ActivityRow, CreditRule};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::ledger::{self, Asset, Holder, NewTransaction, Posting, SystemAccount, TxKind};

const ESCROW: Holder = Holder::System(SystemAccount::Escrow);

fn post(
    conn: &mut DbConnection,
    activity: &ActivityRow,
    memo: &str,
    by: Option<i64>,
    postings: Vec<Posting>,
) -> Result<(), ApiError> {
    ledger::post(
        conn,
        NewTransaction {
            community_id: activity.community_id,
            kind: TxKind::TimeBankService,
            memo,
            reference: Some(("activity", activity.id)),
            reverses: None,
            created_by: by,
            postings,
        },
    )
    .map(|_| ())
}

/// Holds the escrow from the resident served; 409 `insufficient_balance` if they lack it.
pub fn hold(
    conn: &mut DbConnection,
    activity: &ActivityRow,
    rule: &CreditRule,
    by: i64,
) -> Result<(), ApiError> {
    let Some(recipient) = rule.service_recipient_id else {
        return Ok(());
    };
    let postings = Posting::transfer(
        Holder::Person(recipient),
        ESCROW,
        Asset::TimeCredits,
        rule.escrow_minutes,
    );
    let memo = format!("时间银行服务预付：{}", activity.title);
    post(conn, activity, &memo, Some(by), postings.to_vec())
}

/// Pays each provider their minutes from the escrow, in order, while it lasts, and returns
/// what is left to the resident served. Returns what each provider was paid.
pub fn settle(
    conn: &mut DbConnection,
    activity: &ActivityRow,
    rule: &CreditRule,
    providers: &[(i64, i64)],
    by: i64,
) -> Result<Vec<(i64, i64)>, ApiError> {
    let Some(recipient) = rule.service_recipient_id else {
        return Ok(Vec::new());
    };
    let mut left = rule.escrow_minutes;
    let mut paid = Vec::new();
    let mut postings = Vec::new();
    for &(provider, minutes) in providers {
        let amount = minutes.min(left);
        if amount > 0 {
            postings.extend(Posting::transfer(
                ESCROW,
                Holder::Person(provider),
                Asset::TimeCredits,
                amount,
            ));
            paid.push((provider, amount));
            left -= amount;
        }
    }
    if left > 0 {
        postings.extend(Posting::transfer(
            ESCROW,
            Holder::Person(recipient),
            Asset::TimeCredits,
            left,
        ));
    }
    let memo = format!("时间银行服务结算：{}", activity.title);
    post(conn, activity, &memo, Some(by), postings)?;
    Ok(paid)
}

/// Returns the whole escrow to the resident served (the service was cancelled).
pub fn refund(
    conn: &mut DbConnection,
    activity: &ActivityRow,
    rule: &CreditRule,
    by: i64,
) -> Result<(), ApiError> {
    let Some(recipient) = rule.service_recipient_id else {
        return Ok(());
    };
    let postings = Posting::transfer(
        ESCROW,
        Holder::Person(recipient),
        Asset::TimeCredits,
        rule.escrow_minutes,
    );
    let memo = format!("时间银行服务取消退还：{}", activity.title);
    post(conn, activity, &memo, Some(by), postings.to_vec())
}
