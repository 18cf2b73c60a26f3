//! The writes of a redemption's life: paying for an item, handing it over, calling it off.
//!
//! Redeeming and cancelling take the community's ledger lock before they look at anything, so
//! the stock, the per-person count and the balance they check are the ones they write against:
//! two redemptions of one community never interleave, on either backend.

use super::items;
use super::redemptions::{
    self, CancelRequest, Decision, NewRedemption, RedemptionRequest, RedemptionView, Status,
};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Code};
use crate::ledger::{self, Asset, Holder, NewTransaction, Posting, SystemAccount, TxKind};
use crate::notifications::{Notice, notify};
use crate::roles::{Permission, standing};

/// The caller spends points on `quantity` of an item: checks stock, their limit and their
/// balance, takes the stock, posts the points to the redemption account and reserves the item.
/// An item off the shelf is 404, as it is missing from the residents' list.
pub fn redeem(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    item_id: i64,
    body: &RedemptionRequest,
) -> ApiResult<RedemptionView> {
    standing::require(conn, caller.user_id, community_id, Permission::Redeem)?;
    ledger::lock_community(conn, community_id)?;
    let item = items::get(conn, community_id, item_id)?;
    if !item.active {
        return Err(ApiError::not_found());
    }
    let quantity = body.quantity;
    if item.stock < quantity {
        return Err(ApiError::new(Code::OutOfStock).with_field("quantity", "out_of_stock"));
    }
    if let Some(limit) = item.per_person_limit
        && redemptions::held(conn, item_id, caller.user_id)? + i64::from(quantity)
            > i64::from(limit)
    {
        return Err(ApiError::new(Code::LimitExceeded).with_field("quantity", "per_person_limit"));
    }
    let points = item.price_points * i64::from(quantity);
    let id = redemptions::reserve_id(conn)?;
    let memo = format!("爱心超市兑换：{} × {quantity}", item.name);
    let posted = ledger::post(
        conn,
        NewTransaction {
            community_id,
            kind: TxKind::Redemption,
            memo: &memo,
            reference: Some(("redemption", id)),
            reverses: None,
            created_by: Some(caller.actor_id()),
            postings: Posting::transfer(
                Holder::Person(caller.user_id),
                Holder::System(SystemAccount::Redemption),
                Asset::Points,
                points,
            )
            .to_vec(),
        },
    )?;
    if !items::take_stock(conn, item_id, quantity)? {
        return Err(ApiError::new(Code::OutOfStock).with_field("quantity", "out_of_stock"));
    }
    redemptions::insert(
        conn,
        &NewRedemption {
            id,
            community_id,
            item_id,
            user_id: caller.user_id,
            quantity,
            points,
            transaction_id: posted.transaction_id,
        },
    )?;
    let created = redemptions::get(conn, community_id, id)?;
    let notice = Notice::RedemptionReady {
        redemption_id: id,
        item: item.name.clone(),
        quantity,
    };
    notify(conn, Some(community_id), &notice, &[caller.user_id], None)?;
    record(conn, caller, "rewards.redeemed", None, &created)?;
    Ok(created)
}

/// Staff hand a reserved item over.
pub fn collect(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    id: i64,
) -> ApiResult<RedemptionView> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageRewards,
    )?;
    let before = redemptions::get(conn, community_id, id)?;
    let decision = Decision {
        status: Status::Collected,
        by: caller.actor_id(),
        refund_transaction_id: None,
        cancel_reason: None,
    };
    redemptions::decide(conn, id, decision)?;
    let after = redemptions::get(conn, community_id, id)?;
    record(conn, caller, "rewards.collected", Some(&before), &after)?;
    Ok(after)
}

/// Calls off a reserved redemption: the redeemer their own, staff anyone's with a reason.
/// The stock goes back on the shelf and the points back to the redeemer, in a refund that
/// records itself as the reversal of the payment, so the ledger's own reversal route cannot
/// refund it a second time.
pub fn cancel(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    id: i64,
    body: &CancelRequest,
) -> ApiResult<RedemptionView> {
    let roles = standing::require(conn, caller.user_id, community_id, Permission::Redeem)?;
    ledger::lock_community(conn, community_id)?;
    let before = redemptions::get(conn, community_id, id)?;
    let reason = body.reason.as_deref().map(str::trim);
    if before.user_id != caller.user_id {
        roles.require(Permission::ManageRewards)?;
        if reason.is_none() {
            return Err(ApiError::invalid_field("reason", "required"));
        }
    }
    if before.status != Status::Reserved {
        return Err(ApiError::new(Code::InvalidState));
    }
    items::return_stock(conn, before.item_id, before.quantity)?;
    let memo = match reason {
        Some(reason) => format!("爱心超市兑换取消退还：{}（{reason}）", before.item_name),
        None => format!("爱心超市兑换取消退还：{}", before.item_name),
    };
    let refund = ledger::post(
        conn,
        NewTransaction {
            community_id,
            kind: TxKind::RedemptionRefund,
            memo: &memo,
            reference: Some(("redemption", id)),
            reverses: Some(before.transaction_id),
            created_by: Some(caller.actor_id()),
            postings: Posting::transfer(
                Holder::System(SystemAccount::Redemption),
                Holder::Person(before.user_id),
                Asset::Points,
                before.points,
            )
            .to_vec(),
        },
    )?;
    let decision = Decision {
        status: Status::Cancelled,
        by: caller.actor_id(),
        refund_transaction_id: Some(refund.transaction_id),
        cancel_reason: reason,
    };
    redemptions::decide(conn, id, decision)?;
    let after = redemptions::get(conn, community_id, id)?;
    record(conn, caller, "rewards.cancelled", Some(&before), &after)?;
    Ok(after)
}

fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    action: &'static str,
    before: Option<&RedemptionView>,
    after: &RedemptionView,
) -> ApiResult<()> {
    let mut change =
        Change::in_community(after.community_id, action, "redemption", after.id).after(after);
    if let Some(before) = before {
        change = change.before(before);
    }
    audit::record(conn, &caller.into(), change)
}
