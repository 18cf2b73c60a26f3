//! Reading wishes, with each reader's view: the requester's details only for those allowed.

use super::types::{ClaimSummary, Requester, Status, WishFilter, WishView};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::roles::{Permission, Standing};
use crate::schema::{grids, memberships, users, wish_claims as claims, wishes};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wishes)]
pub struct WishRow {
    pub id: i64,
    pub community_id: i64,
    pub requester_id: i64,
    pub posted_by: i64,
    pub title: String,
    pub story: String,
    pub category: String,
    pub estimated_value_fen: i64,
    pub deadline: NaiveDateTime,
    pub grid_id: Option<i64>,
    pub status: String,
    pub rejection_reason: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub escalated_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl WishRow {
    pub fn status(&self) -> Result<Status, ApiError> {
        Status::parse(&self.status)
            .ok_or_else(|| ApiError::internal(format!("unknown wish status {}", self.status)))
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = claims)]
pub struct ClaimRow {
    pub id: i64,
    pub wish_id: i64,
    pub claimant_id: i64,
    pub claimant_kind: String,
    pub team_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub status: String,
    pub claimed_at: NaiveDateTime,
    pub fulfilment_note: Option<String>,
    pub photo_ref: Option<String>,
    pub fulfilled_at: Option<NaiveDateTime>,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub overdue_flagged_at: Option<NaiveDateTime>,
}

/// The wish, or 404 if it is not in this community.
pub fn find(conn: &mut DbConnection, community_id: i64, wish_id: i64) -> Result<WishRow, ApiError> {
    Ok(wishes::table
        .filter(wishes::id.eq(wish_id))
        .filter(wishes::community_id.eq(community_id))
        .select(WishRow::as_select())
        .first(conn)?)
}

/// The live (not released) claim of the wish, if any.
pub fn live_claim(conn: &mut DbConnection, wish_id: i64) -> Result<Option<ClaimRow>, ApiError> {
    Ok(claims::table
        .filter(claims::wish_id.eq(wish_id))
        .filter(claims::status.ne("released"))
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether `user_id` may see who asked: the requester, the live claimant, or staff.
pub fn sees_requester(
    standing: &Standing,
    wish: &WishRow,
    claim: Option<&ClaimRow>,
    user_id: i64,
) -> bool {
    wish.requester_id == user_id
        || claim.is_some_and(|c| c.claimant_id == user_id)
        || standing.require(Permission::ManageWishes).is_ok()
}

fn requester(conn: &mut DbConnection, wish: &WishRow) -> Result<Requester, ApiError> {
    let (display_name, phone): (String, Option<String>) = users::table
        .find(wish.requester_id)
        .select((users::display_name, users::phone))
        .first(conn)?;
    let address: Option<String> = memberships::table
        .filter(memberships::community_id.eq(wish.community_id))
        .filter(memberships::user_id.eq(wish.requester_id))
        .select(memberships::address)
        .first(conn)
        .optional()?;
    Ok(Requester {
        user_id: wish.requester_id,
        display_name,
        phone,
        address,
    })
}

fn claimant_name(conn: &mut DbConnection, claim: &ClaimRow) -> Result<String, ApiError> {
    use crate::schema::{organisations, volunteer_teams};
    Ok(match (claim.team_id, claim.organisation_id) {
        (Some(team), _) => volunteer_teams::table
            .find(team)
            .select(volunteer_teams::name)
            .first(conn)?,
        (_, Some(organisation)) => organisations::table
            .find(organisation)
            .select(organisations::name)
            .first(conn)?,
        _ => users::table
            .find(claim.claimant_id)
            .select(users::display_name)
            .first(conn)?,
    })
}

/// The wish as `user_id` (with `standing`) may see it.
pub fn view(
    conn: &mut DbConnection,
    wish: WishRow,
    standing: Option<&Standing>,
    user_id: Option<i64>,
) -> Result<WishView, ApiError> {
    let claim = live_claim(conn, wish.id)?;
    let grid_name = match wish.grid_id {
        Some(grid) => Some(grids::table.find(grid).select(grids::name).first(conn)?),
        None => None,
    };
    view_with(conn, wish, (claim, grid_name), standing, user_id)
}

/// The views of a page of wishes, with their live claims and grid names read in one query
/// each rather than two per wish.
pub fn views(
    conn: &mut DbConnection,
    rows: Vec<WishRow>,
    standing: Option<&Standing>,
    user_id: Option<i64>,
) -> Result<Vec<WishView>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|w| w.id).collect();
    let mut live: HashMap<i64, ClaimRow> = claims::table
        .filter(claims::wish_id.eq_any(&ids))
        .filter(claims::status.ne("released"))
        .select(ClaimRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|claim| (claim.wish_id, claim))
        .collect();
    let grid_ids: Vec<i64> = rows.iter().filter_map(|w| w.grid_id).collect();
    let grid_names: HashMap<i64, String> = grids::table
        .filter(grids::id.eq_any(&grid_ids))
        .select((grids::id, grids::name))
        .load(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|wish| {
            let claim = live.remove(&wish.id);
            let grid_name = wish.grid_id.and_then(|g| grid_names.get(&g).cloned());
            view_with(conn, wish, (claim, grid_name), standing, user_id)
        })
        .collect()
}

/// A wish as `standing` may see it, given its live claim and its grid's name.
fn view_with(
    conn: &mut DbConnection,
    wish: WishRow,
    (claim, grid_name): (Option<ClaimRow>, Option<String>),
    standing: Option<&Standing>,
    user_id: Option<i64>,
) -> Result<WishView, ApiError> {
    let private = match (standing, user_id) {
        (Some(standing), Some(user_id)) => sees_requester(standing, &wish, claim.as_ref(), user_id),
        _ => false,
    };
    let staff = standing.is_some_and(|s| s.require(Permission::ManageWishes).is_ok());
    let claim = match claim {
        Some(claim) => Some(ClaimSummary {
            claimant_name: claimant_name(conn, &claim)?,
            id: claim.id,
            claimant_kind: claim.claimant_kind,
            team_id: claim.team_id,
            organisation_id: claim.organisation_id,
            status: claim.status,
            claimed_at: claim.claimed_at.and_utc(),
            // Free text written at the door may name the home; it stays among the parties.
            fulfilment_note: claim.fulfilment_note.filter(|_| private),
            photo_ref: claim.photo_ref.filter(|_| private),
            fulfilled_at: claim.fulfilled_at.map(|t| t.and_utc()),
            rating: claim.rating,
            rating_comment: claim.rating_comment.filter(|_| private),
            confirmed_at: claim.confirmed_at.map(|t| t.and_utc()),
            overdue: claim.overdue_flagged_at.is_some(),
        }),
        None => None,
    };
    Ok(WishView {
        status: wish.status()?,
        requester: if private {
            Some(requester(conn, &wish)?)
        } else {
            None
        },
        rejection_reason: if private {
            wish.rejection_reason.clone()
        } else {
            None
        },
        escalated: staff.then_some(wish.escalated_at.is_some()),
        id: wish.id,
        community_id: wish.community_id,
        title: wish.title,
        story: wish.story,
        category: wish.category,
        estimated_value_fen: wish.estimated_value_fen,
        deadline: wish.deadline.and_utc(),
        grid_id: wish.grid_id,
        grid_name,
        published_at: wish.published_at.map(|t| t.and_utc()),
        created_at: wish.created_at.and_utc(),
        claim,
    })
}

/// A page of wishes the caller may see, newest first. Anonymous callers and those without
/// `ManageWishes` see only public statuses, except their own wishes (`mine`).
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    reader: Option<(i64, &Standing)>,
    filter: &WishFilter,
    page: Page,
) -> Result<Vec<WishRow>, ApiError> {
    let staff = reader.is_some_and(|(_, s)| s.require(Permission::ManageWishes).is_ok());
    let mut query = wishes::table
        .filter(wishes::community_id.eq(community_id))
        .filter(wishes::id.lt(page.before_id))
        .into_boxed();
    match (reader, filter.mine) {
        (Some((user_id, _)), true) => query = query.filter(wishes::requester_id.eq(user_id)),
        _ if staff => {}
        _ => {
            let public: Vec<&str> = Status::ALL
                .into_iter()
                .filter(|s| s.is_public())
                .map(Status::as_str)
                .collect();
            query = query.filter(wishes::status.eq_any(public));
        }
    }
    if let (Some((user_id, _)), true) = (reader, filter.claimed_by_me) {
        let mine = claims::table
            .filter(claims::claimant_id.eq(user_id))
            .filter(claims::status.ne("released"))
            .select(claims::wish_id);
        query = query.filter(wishes::id.eq_any(mine));
    }
    if filter.escalated {
        query = query.filter(wishes::escalated_at.is_not_null());
    }
    if let Some(status) = filter.status {
        query = query.filter(wishes::status.eq(status.as_str()));
    }
    if let Some(category) = &filter.category {
        query = query.filter(wishes::category.eq(category.clone()));
    }
    if let Some(grid) = filter.grid_id {
        query = query.filter(wishes::grid_id.eq(grid));
    }
    if let Some(from) = filter.from {
        query = query.filter(wishes::created_at.ge(from.naive_utc()));
    }
    if let Some(to) = filter.to {
        query = query.filter(wishes::created_at.lt(to.naive_utc()));
    }
    Ok(query
        .order(wishes::id.desc())
        .limit(page.limit + 1)
        .select(WishRow::as_select())
        .load(conn)?)
}

/// How many wishes of each status the reader may list, for the apps' badges.
pub fn counts(
    conn: &mut DbConnection,
    community_id: i64,
    staff: bool,
) -> Result<Vec<(Status, i64)>, ApiError> {
    let rows: Vec<(String, i64)> = wishes::table
        .filter(wishes::community_id.eq(community_id))
        .group_by(wishes::status)
        .select((wishes::status, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(status, n)| Some((Status::parse(&status)?, n)))
        .filter(|(status, _)| staff || status.is_public())
        .collect())
}
