//! Gifts of points or time credits to a family member: someone verified in the same household
//! of the same community, within a monthly limit per asset.

use super::settings;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::calendar;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::ledger::{self, Asset, Holder, NewTransaction, Posting, TxKind};
use crate::memberships::Status as Residency;
use crate::roles::{Permission, standing};
use crate::schema::{ledger_entries, ledger_transactions, memberships};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftRequest {
    /// The family member receiving the gift.
    #[validate(range(min = 1))]
    pub to_user_id: i64,
    /// `points` or `time_credits` (minutes).
    pub asset: Asset,
    #[validate(range(min = 1, max = 1_000_000))]
    pub amount: i64,
    #[validate(length(max = 200), custom(function = "crate::http::text::single_line"))]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GiftView {
    pub transaction_id: i64,
    pub from_user_id: i64,
    pub to_user_id: i64,
    pub asset: Asset,
    pub amount: i64,
    /// What the giver may still give of this asset this month.
    pub remaining_this_month: i64,
}

fn household_of(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
) -> Result<Option<i64>, ApiError> {
    Ok(memberships::table
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::status.eq(Residency::Verified.as_str()))
        .select(memberships::household_id)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}

/// What the giver has given of `asset` since the start of this month.
fn given_this_month(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
    asset: Asset,
) -> Result<i64, ApiError> {
    let Some(account_id) = ledger::personal_account(conn, community_id, user_id, asset)? else {
        return Ok(0);
    };
    let amounts: Vec<i64> = ledger_entries::table
        .inner_join(ledger_transactions::table)
        .filter(ledger_entries::account_id.eq(account_id))
        .filter(ledger_entries::amount.lt(0))
        .filter(ledger_transactions::kind.eq(TxKind::Gift.as_str()))
        .filter(ledger_entries::created_at.ge(calendar::start_of_month(now())))
        .select(ledger_entries::amount)
        .load(conn)?;
    Ok(-amounts.iter().sum::<i64>())
}

pub fn give(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    gift: &GiftRequest,
) -> ApiResult<GiftView> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ViewOwnAccount,
    )?;
    if gift.asset == Asset::Money {
        return Err(ApiError::invalid_field("asset", "invalid_value"));
    }
    if gift.to_user_id == caller.user_id {
        return Err(ApiError::invalid_field("to_user_id", "same_person"));
    }
    let from_household = household_of(conn, community_id, caller.user_id)?;
    let to_household = household_of(conn, community_id, gift.to_user_id)?;
    if from_household.is_none() || from_household != to_household {
        return Err(ApiError::new(Code::Forbidden).with_field("to_user_id", "not_same_household"));
    }
    ledger::lock_community(conn, community_id)?;
    let rules = settings::load(conn, community_id)?;
    let limit = match gift.asset {
        Asset::TimeCredits => rules.gift_monthly_limit_minutes,
        _ => rules.gift_monthly_limit_points,
    };
    let given = given_this_month(conn, community_id, caller.user_id, gift.asset)?;
    if given + gift.amount > limit {
        return Err(ApiError::new(Code::LimitExceeded).with_field("amount", "monthly_limit"));
    }
    let memo = match &gift.note {
        Some(note) => format!("家庭转赠：{}", note.trim()),
        None => "家庭转赠".to_owned(),
    };
    let posted = ledger::post(
        conn,
        NewTransaction {
            community_id,
            kind: TxKind::Gift,
            memo: &memo,
            reference: Some(("user", gift.to_user_id)),
            reverses: None,
            created_by: Some(caller.actor_id()),
            postings: Posting::transfer(
                Holder::Person(caller.user_id),
                Holder::Person(gift.to_user_id),
                gift.asset,
                gift.amount,
            )
            .to_vec(),
        },
    )?;
    let view = GiftView {
        transaction_id: posted.transaction_id,
        from_user_id: caller.user_id,
        to_user_id: gift.to_user_id,
        asset: gift.asset,
        amount: gift.amount,
        remaining_this_month: limit - given - gift.amount,
    };
    let change = Change::in_community(
        community_id,
        "points.gifted",
        "ledger_transaction",
        posted.transaction_id,
    )
    .after(&view);
    audit::record(conn, &caller.into(), change)?;
    Ok(view)
}
