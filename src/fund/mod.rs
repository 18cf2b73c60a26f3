//! The community charity fund (社区公益慈善基金): donations of money or goods, disbursements
//! to micro-wishes and projects that two staff members approve, and a public statement that
//! anyone may read without logging in.
//!
//! Money moves through the ledger in fen: a donation from the `donations` system account into
//! `fund`, a disbursement from `fund` to `disbursements`. Goods are recorded with an estimated
//! value and never enter the ledger. The ledger lets system accounts run negative, so this
//! module refuses a disbursement larger than what `fund` holds, checking with the community's
//! ledger lock held until the money is written.

pub mod approval;
pub mod disbursements;
pub mod donations;
pub mod entries;
pub mod routes;
pub mod statement;

use crate::db::DbConnection;
use crate::db::enums::{parse_text, text_of};
use crate::error::ApiResult;
use crate::ledger::{self, Asset, SystemAccount};
use crate::schema::users;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// The most one donation or disbursement may be: a million yuan, in fen.
pub const MAX_AMOUNT_FEN: i64 = 100_000_000;

/// What the fund holds now, in fen.
pub fn balance(conn: &mut DbConnection, community_id: i64) -> ApiResult<i64> {
    ledger::system_balance(conn, community_id, SystemAccount::Fund, Asset::Money)
}

/// A person named in a staff view: who requested, approved or rejected.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = FundPerson)]
pub struct Person {
    pub id: i64,
    pub display_name: String,
}

/// The display names of `ids`, for views that name people.
pub fn people(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = i64>,
) -> ApiResult<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    let rows: Vec<(i64, String)> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The person `id` of `names`, from [`people`].
pub fn person(names: &HashMap<i64, String>, id: i64) -> Person {
    Person {
        id,
        display_name: names.get(&id).cloned().unwrap_or_default(),
    }
}
