//! The writes of a disbursement's life: requested by staff, approved by two different staff
//! members, or rejected with a reason.
//!
//! The requester may be one of the two approvers (the rule is two people, not three); what is
//! refused is the same person approving twice (403, field `second_approver`). Approving and
//! rejecting take the community's ledger lock before they read the disbursement, so two
//! decisions never interleave, and the fund's balance checked by the second approval is the
//! one the payment is written against, on either backend.

use super::disbursements::{self, DisbursementRequest, DisbursementView, Status, TargetType};
use super::text_of;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::ledger::{self, Asset, Holder, NewTransaction, Posting, SystemAccount, TxKind};
use crate::roles::{Permission, standing};
use crate::schema::fund_disbursements;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Asks for money for a wish or a project of the community; nothing moves yet.
pub fn request(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &DisbursementRequest,
) -> ApiResult<DisbursementView> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageFund)?;
    disbursements::check_target(conn, community_id, body)?;
    let id = disbursements::insert(conn, community_id, body, caller.actor_id())?;
    let created = disbursements::get(conn, community_id, id)?;
    record(conn, caller, "fund.disbursement_requested", None, &created)?;
    Ok(created)
}

/// The first approval is recorded; the second, by someone else, pays the money out if the
/// fund holds enough (409 `insufficient_balance` otherwise, and nothing is written).
pub fn approve(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    id: i64,
) -> ApiResult<DisbursementView> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageFund)?;
    ledger::lock_community(conn, community_id)?;
    let before = pending(conn, community_id, id)?;
    let by = caller.actor_id();
    let (action, decision) = match &before.first_approver {
        None => (
            "fund.disbursement_first_approved",
            Decision {
                first_approver: Some(by),
                first_approved_at: Some(now()),
                ..Decision::default()
            },
        ),
        Some(first) if first.id == by => {
            return Err(ApiError::forbidden().with_field("second_approver", "same_approver"));
        }
        Some(_) => (
            "fund.disbursement_approved",
            Decision {
                status: Some(text_of(Status::Approved)),
                second_approver: Some(by),
                second_approved_at: Some(now()),
                transaction_id: Some(pay_out(conn, caller, &before)?),
                ..Decision::default()
            },
        ),
    };
    let after = decide(conn, caller, &before, action, decision)?;
    // Money paid to a project brings charity resources into its five societies.
    if let (Status::Approved, TargetType::Project) = (after.status, after.target.r#type) {
        crate::projects::societies::refresh(conn, community_id, after.target.id)?;
    }
    Ok(after)
}

/// Turns a pending disbursement down; nothing was paid, so nothing is returned.
pub fn reject(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    id: i64,
    reason: &str,
) -> ApiResult<DisbursementView> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageFund)?;
    ledger::lock_community(conn, community_id)?;
    let before = pending(conn, community_id, id)?;
    let decision = Decision {
        status: Some(text_of(Status::Rejected)),
        rejected_by: Some(caller.actor_id()),
        rejection_reason: Some(reason.trim().to_owned()),
        ..Decision::default()
    };
    decide(
        conn,
        caller,
        &before,
        "fund.disbursement_rejected",
        decision,
    )
}

/// The disbursement, which must still be pending (409 otherwise).
fn pending(conn: &mut DbConnection, community_id: i64, id: i64) -> ApiResult<DisbursementView> {
    let disbursement = disbursements::get(conn, community_id, id)?;
    if disbursement.status == Status::Pending {
        Ok(disbursement)
    } else {
        Err(ApiError::new(Code::InvalidState))
    }
}

/// Moves the money from the fund to the disbursements account, if the fund holds it.
fn pay_out(
    conn: &mut DbConnection,
    caller: &Caller,
    disbursement: &DisbursementView,
) -> ApiResult<i64> {
    let community_id = disbursement.community_id;
    if super::balance(conn, community_id)? < disbursement.amount_fen {
        return Err(
            ApiError::new(Code::InsufficientBalance).with_field("amount_fen", "exceeds_fund")
        );
    }
    let memo = format!("公益基金拨付：{}", disbursement.purpose);
    let posted = ledger::post(
        conn,
        NewTransaction {
            community_id,
            kind: TxKind::Disbursement,
            memo: &memo,
            reference: Some(("fund_disbursement", disbursement.id)),
            reverses: None,
            created_by: Some(caller.actor_id()),
            postings: Posting::transfer(
                Holder::System(SystemAccount::Fund),
                Holder::System(SystemAccount::Disbursements),
                Asset::Money,
                disbursement.amount_fen,
            )
            .to_vec(),
        },
    )?;
    Ok(posted.transaction_id)
}

/// What a decision changes; the columns left `None` stay as they are.
#[derive(Default, AsChangeset)]
#[diesel(table_name = fund_disbursements)]
struct Decision {
    status: Option<String>,
    first_approver: Option<i64>,
    first_approved_at: Option<NaiveDateTime>,
    second_approver: Option<i64>,
    second_approved_at: Option<NaiveDateTime>,
    rejected_by: Option<i64>,
    rejection_reason: Option<String>,
    transaction_id: Option<i64>,
}

/// Applies a decision to the pending disbursement `before` and records it in the audit log.
fn decide(
    conn: &mut DbConnection,
    caller: &Caller,
    before: &DisbursementView,
    action: &'static str,
    decision: Decision,
) -> ApiResult<DisbursementView> {
    let updated = diesel::update(
        fund_disbursements::table
            .find(before.id)
            .filter(fund_disbursements::status.eq(text_of(Status::Pending))),
    )
    .set(decision)
    .execute(conn)?;
    if updated != 1 {
        return Err(ApiError::new(Code::InvalidState));
    }
    let after = disbursements::get(conn, before.community_id, before.id)?;
    record(conn, caller, action, Some(before), &after)?;
    Ok(after)
}

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    action: &'static str,
    before: Option<&DisbursementView>,
    after: &DisbursementView,
) -> ApiResult<()> {
    let mut change =
        Change::in_community(after.community_id, action, "fund_disbursement", after.id)
            .after(after);
    if let Some(before) = before {
        change = change.before(before);
    }
    audit::record(conn, &caller.into(), change)
}
