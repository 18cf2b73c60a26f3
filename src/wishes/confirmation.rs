//! The requester's confirmation and rating of a fulfilled wish, which credits the fulfiller's
//! points once.

use super::claims::set_status;
use super::lifecycle::{current, hidden_or_forbidden, recorded};
use super::store;
use super::types::{Status, WishView};
use super::{lock, settings};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::ledger::{self, Asset, Holder, NewTransaction, Posting, SystemAccount, TxKind};
use crate::notifications::{Notice, notify};
use crate::roles::{Permission, standing};
use crate::schema::{users, wish_claims as claims};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// How the help was, 1 to 5.
    #[validate(range(min = 1, max = 5))]
    pub rating: i32,
    #[validate(length(max = 500), custom(function = "crate::http::text::multi_line"))]
    pub comment: Option<String>,
}

/// The requester confirms and rates; staff may do it for a requester without a phone. The
/// fulfiller earns the category's points, posted once with the confirmation.
pub fn confirm(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
    confirmation: &Confirmation,
    now: NaiveDateTime,
) -> Result<WishView, ApiError> {
    let standing = standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ViewOwnAccount,
    )?;
    lock(conn, community_id, wish_id)?;
    let wish = store::find(conn, community_id, wish_id)?;
    if wish.requester_id != caller.user_id {
        let phoneless: Option<String> = users::table
            .find(wish.requester_id)
            .select(users::phone)
            .first(conn)?;
        let for_phoneless =
            phoneless.is_none() && standing.require(Permission::ManageWishes).is_ok();
        if !for_phoneless {
            return Err(hidden_or_forbidden(&wish)?);
        }
    }
    if wish.status()? != Status::Fulfilled {
        return Err(ApiError::new(Code::InvalidState));
    }
    let claim =
        store::live_claim(conn, wish_id)?.ok_or_else(|| ApiError::new(Code::InvalidState))?;
    // Staff confirming for a resident without a phone never confirm their own help.
    if claim.claimant_id == caller.actor_id() {
        return Err(ApiError::forbidden());
    }
    let before = current(conn, &wish)?;
    let points = settings::load(conn, community_id)?
        .category(&wish.category)
        .map_or(0, |c| c.points);
    let transaction_id = if points > 0 {
        let memo = format!("微心愿：{}", wish.title);
        let issuance = Holder::System(SystemAccount::Issuance);
        let posted = ledger::post(
            conn,
            NewTransaction {
                community_id,
                kind: TxKind::WishFulfilment,
                memo: &memo,
                reference: Some(("wish", wish_id)),
                reverses: None,
                created_by: Some(caller.actor_id()),
                postings: Posting::transfer(
                    issuance,
                    Holder::Person(claim.claimant_id),
                    Asset::Points,
                    points,
                )
                .to_vec(),
            },
        )?;
        Some(posted.transaction_id)
    } else {
        None
    };
    diesel::update(claims::table.find(claim.id))
        .set((
            claims::status.eq("confirmed"),
            claims::rating.eq(confirmation.rating),
            claims::rating_comment.eq(confirmation.comment.as_deref().map(str::trim)),
            claims::confirmed_by.eq(caller.actor_id()),
            claims::confirmed_at.eq(now),
            claims::transaction_id.eq(transaction_id),
        ))
        .execute(conn)?;
    set_status(conn, wish_id, Status::Confirmed, now)?;
    let notice = Notice::WishFulfilled {
        wish_id,
        title: wish.title.clone(),
    };
    notify(
        conn,
        Some(community_id),
        &notice,
        &[claim.claimant_id],
        None,
    )?;
    recorded(conn, caller, wish_id, "wish.confirmed", Some(&before))
}
