//! Redemptions: points exchanged for an item, `reserved` until staff hand it over
//! (`collected`) or someone calls it off (`cancelled`, with the points and the stock returned).
//! The writes that move points are in `checkout`; this is the record and how it is read.

use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::http::pagination::Page;
use crate::schema::{redemptions, reward_items};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = RedemptionStatus)]
pub enum Status {
    /// Paid for and set aside, waiting to be picked up.
    Reserved,
    /// Handed over by staff.
    Collected,
    /// Called off; the points and the stock went back.
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reserved => "reserved",
            Self::Collected => "collected",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Reserved, Self::Collected, Self::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedemptionRequest {
    /// How many of the item, 1 to 20 at a time.
    #[validate(range(min = 1, max = 20))]
    pub quantity: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// Why; required when staff cancel someone else's redemption, optional for one's own.
    #[validate(
        length(min = 2, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RedemptionView {
    pub id: i64,
    pub community_id: i64,
    pub item_id: i64,
    pub item_name: String,
    /// Whose points paid for it, and who picks it up.
    pub user_id: i64,
    pub quantity: i32,
    /// Points paid in all.
    pub points: i64,
    pub status: Status,
    /// The ledger transaction that took the points.
    pub transaction_id: i64,
    /// The ledger transaction that gave them back, once cancelled.
    pub refund_transaction_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// The staff member who handed it over, or whoever cancelled it.
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = redemptions)]
struct RedemptionRow {
    id: i64,
    community_id: i64,
    item_id: i64,
    user_id: i64,
    quantity: i32,
    points: i64,
    status: String,
    transaction_id: i64,
    refund_transaction_id: Option<i64>,
    created_at: NaiveDateTime,
    decided_by: Option<i64>,
    decided_at: Option<NaiveDateTime>,
    cancel_reason: Option<String>,
}

fn view((row, item_name): (RedemptionRow, String)) -> ApiResult<RedemptionView> {
    Ok(RedemptionView {
        id: row.id,
        community_id: row.community_id,
        item_id: row.item_id,
        item_name,
        user_id: row.user_id,
        quantity: row.quantity,
        points: row.points,
        status: Status::parse(&row.status)
            .ok_or_else(|| ApiError::internal("unknown redemption status"))?,
        transaction_id: row.transaction_id,
        refund_transaction_id: row.refund_transaction_id,
        created_at: row.created_at.and_utc(),
        decided_by: row.decided_by,
        decided_at: row.decided_at.map(|t| t.and_utc()),
        cancel_reason: row.cancel_reason,
    })
}

/// A redemption of `community_id`; 404 for another community's, exactly as for none.
pub fn get(conn: &mut DbConnection, community_id: i64, id: i64) -> ApiResult<RedemptionView> {
    let row = redemptions::table
        .inner_join(reward_items::table)
        .filter(redemptions::community_id.eq(community_id))
        .filter(redemptions::id.eq(id))
        .select((RedemptionRow::as_select(), reward_items::name))
        .first(conn)?;
    view(row)
}

/// Which redemptions to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub status: Option<Status>,
    pub user_id: Option<i64>,
}

/// The community's redemptions, newest first.
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    filter: Filter,
    page: Page,
) -> ApiResult<Vec<RedemptionView>> {
    let mut query = redemptions::table
        .inner_join(reward_items::table)
        .filter(redemptions::community_id.eq(community_id))
        .filter(redemptions::id.lt(page.before_id))
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(redemptions::status.eq(status.as_str()));
    }
    if let Some(user_id) = filter.user_id {
        query = query.filter(redemptions::user_id.eq(user_id));
    }
    query
        .order(redemptions::id.desc())
        .limit(page.limit + 1)
        .select((RedemptionRow::as_select(), reward_items::name))
        .load(conn)?
        .into_iter()
        .map(view)
        .collect()
}

/// How many of the item the person holds: everything redeemed and not cancelled.
pub fn held(conn: &mut DbConnection, item_id: i64, user_id: i64) -> ApiResult<i64> {
    let quantities: Vec<i32> = redemptions::table
        .filter(redemptions::item_id.eq(item_id))
        .filter(redemptions::user_id.eq(user_id))
        .filter(redemptions::status.ne(Status::Cancelled.as_str()))
        .select(redemptions::quantity)
        .load(conn)?;
    Ok(quantities.iter().map(|q| i64::from(*q)).sum())
}

/// The id the next redemption will get: its ledger transaction must name it, and the row
/// needs that transaction's id in turn.
pub fn reserve_id(conn: &mut DbConnection) -> ApiResult<i64> {
    crate::db::next_id(conn, "redemptions")
}

/// The row of a new redemption, reserved.
pub struct NewRedemption {
    pub id: i64,
    pub community_id: i64,
    pub item_id: i64,
    pub user_id: i64,
    pub quantity: i32,
    pub points: i64,
    pub transaction_id: i64,
}

pub fn insert(conn: &mut DbConnection, new: &NewRedemption) -> ApiResult<()> {
    diesel::insert_into(redemptions::table)
        .values((
            redemptions::id.eq(new.id),
            redemptions::community_id.eq(new.community_id),
            redemptions::item_id.eq(new.item_id),
            redemptions::user_id.eq(new.user_id),
            redemptions::quantity.eq(new.quantity),
            redemptions::points.eq(new.points),
            redemptions::status.eq(Status::Reserved.as_str()),
            redemptions::transaction_id.eq(new.transaction_id),
            redemptions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// How a reserved redemption ends.
pub struct Decision<'a> {
    pub status: Status,
    pub by: i64,
    pub refund_transaction_id: Option<i64>,
    pub cancel_reason: Option<&'a str>,
}

/// Moves a reserved redemption to its end state. Only one decision wins: the update applies
/// to a redemption still reserved, and any other finds it decided (409).
pub fn decide(conn: &mut DbConnection, id: i64, decision: Decision) -> ApiResult<()> {
    let updated = diesel::update(
        redemptions::table
            .find(id)
            .filter(redemptions::status.eq(Status::Reserved.as_str())),
    )
    .set((
        redemptions::status.eq(decision.status.as_str()),
        redemptions::decided_by.eq(decision.by),
        redemptions::decided_at.eq(now()),
        redemptions::refund_transaction_id.eq(decision.refund_transaction_id),
        redemptions::cancel_reason.eq(decision.cancel_reason),
    ))
    .execute(conn)?;
    if updated == 1 {
        Ok(())
    } else {
        Err(ApiError::new(Code::InvalidState))
    }
}
