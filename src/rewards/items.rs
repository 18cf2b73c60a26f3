//! Reward items: what the shop offers, at what price, how many are left and how many one
//! person may have. Items are never deleted; staff take them off the shelf (`active = false`)
//! so that past redemptions keep pointing at them.

use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::ApiResult;
use crate::http::pagination::Page;
use crate::ledger;
use crate::roles::{Permission, standing};
use crate::schema::reward_items as items;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// An item as staff create it (`POST`) or replace it (`PUT`: every field, omitted ones take
/// their defaults).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemRequest {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::http::text::single_line")
    )]
    pub name: String,
    #[validate(length(max = 2000), custom(function = "crate::http::text::multi_line"))]
    pub description: Option<String>,
    /// Price of one, in points.
    #[validate(range(min = 1, max = 1_000_000))]
    pub price_points: i64,
    /// How many are left to redeem.
    #[validate(range(min = 0, max = 1_000_000))]
    pub stock: i32,
    /// How many one person may hold (reserved or collected); null for no limit.
    #[validate(range(min = 1, max = 1_000))]
    pub per_person_limit: Option<i32>,
    /// Offered to residents; false takes the item off the shelf. Defaults to true.
    #[serde(default = "on_the_shelf")]
    pub active: bool,
}

fn on_the_shelf() -> bool {
    true
}

/// The columns a request sets, on creation and on every edit alike (a null clears).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = items, treat_none_as_null = true)]
struct Terms<'a> {
    name: &'a str,
    description: Option<&'a str>,
    price_points: i64,
    stock: i32,
    per_person_limit: Option<i32>,
    active: bool,
}

impl ItemRequest {
    fn terms(&self) -> Terms<'_> {
        Terms {
            name: self.name.trim(),
            description: self.description.as_deref().map(str::trim),
            price_points: self.price_points,
            stock: self.stock,
            per_person_limit: self.per_person_limit,
            active: self.active,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemView {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub description: Option<String>,
    pub price_points: i64,
    pub stock: i32,
    pub per_person_limit: Option<i32>,
    pub active: bool,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = items)]
struct ItemRow {
    id: i64,
    community_id: i64,
    name: String,
    description: Option<String>,
    price_points: i64,
    stock: i32,
    per_person_limit: Option<i32>,
    active: bool,
    created_by: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<ItemRow> for ItemView {
    fn from(row: ItemRow) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            name: row.name,
            description: row.description,
            price_points: row.price_points,
            stock: row.stock,
            per_person_limit: row.per_person_limit,
            active: row.active,
            created_by: row.created_by,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// An item of `community_id`; 404 for another community's, exactly as for none.
pub fn get(conn: &mut DbConnection, community_id: i64, item_id: i64) -> ApiResult<ItemView> {
    let row: ItemRow = items::table
        .filter(items::community_id.eq(community_id))
        .filter(items::id.eq(item_id))
        .select(ItemRow::as_select())
        .first(conn)?;
    Ok(row.into())
}

/// The community's items, newest first; only those on the shelf unless `include_inactive`.
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    include_inactive: bool,
    page: Page,
) -> ApiResult<Vec<ItemView>> {
    let mut query = items::table
        .filter(items::community_id.eq(community_id))
        .filter(items::id.lt(page.before_id))
        .into_boxed();
    if !include_inactive {
        query = query.filter(items::active.eq(true));
    }
    let rows: Vec<ItemRow> = query
        .order(items::id.desc())
        .limit(page.limit + 1)
        .select(ItemRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(ItemView::from).collect())
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &ItemRequest,
) -> ApiResult<ItemView> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageRewards,
    )?;
    let at = now();
    let id: i64 = diesel::insert_into(items::table)
        .values((
            body.terms(),
            items::community_id.eq(community_id),
            items::created_by.eq(caller.actor_id()),
            items::created_at.eq(at),
            items::updated_at.eq(at),
        ))
        .returning(items::id)
        .get_result(conn)?;
    let created = get(conn, community_id, id)?;
    let change = Change::in_community(community_id, "rewards.item_created", "reward_item", id)
        .after(&created);
    audit::record(conn, &caller.into(), change)?;
    Ok(created)
}

/// Replaces an item's terms. Takes the community's ledger lock first, so that a change of
/// stock or limit never lands between a redemption's checks and its write.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    item_id: i64,
    body: &ItemRequest,
) -> ApiResult<ItemView> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageRewards,
    )?;
    ledger::lock_community(conn, community_id)?;
    let before = get(conn, community_id, item_id)?;
    diesel::update(items::table.find(item_id))
        .set((body.terms(), items::updated_at.eq(now())))
        .execute(conn)?;
    let after = get(conn, community_id, item_id)?;
    let change = Change::in_community(community_id, "rewards.item_updated", "reward_item", item_id)
        .before(&before)
        .after(&after);
    audit::record(conn, &caller.into(), change)?;
    Ok(after)
}

/// Takes `quantity` out of stock, if that many are left; in one statement, so two
/// redemptions can never both take the last one.
pub fn take_stock(conn: &mut DbConnection, item_id: i64, quantity: i32) -> ApiResult<bool> {
    let taken = diesel::update(items::table.find(item_id).filter(items::stock.ge(quantity)))
        .set(items::stock.eq(items::stock - quantity))
        .execute(conn)?;
    Ok(taken == 1)
}

/// Puts `quantity` back on the shelf when a redemption is cancelled.
pub fn return_stock(conn: &mut DbConnection, item_id: i64, quantity: i32) -> ApiResult<()> {
    diesel::update(items::table.find(item_id))
        .set(items::stock.eq(items::stock + quantity))
        .execute(conn)?;
    Ok(())
}
