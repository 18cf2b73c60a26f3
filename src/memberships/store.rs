//! Queries on memberships.

use super::{MembershipView, Status};
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::{memberships, users};
use chrono::NaiveDateTime;
use diesel::prelude::*;

type Row = (
    i64,
    i64,
    i64,
    String,
    Option<String>,
    Option<i64>,
    String,
    String,
    Option<String>,
    NaiveDateTime,
    Option<i64>,
    Option<NaiveDateTime>,
    Option<String>,
);

fn view(row: Row) -> MembershipView {
    let (
        id,
        community_id,
        user_id,
        display_name,
        phone,
        household_id,
        address,
        status,
        last4,
        applied_at,
        decided_by,
        decided_at,
        reason,
    ) = row;
    MembershipView {
        id,
        community_id,
        user_id,
        display_name,
        phone,
        household_id,
        address,
        status: Status::parse(&status).unwrap_or(Status::Pending),
        id_number_last4: last4,
        applied_at: applied_at.and_utc(),
        decided_by,
        decided_at: decided_at.map(|d| d.and_utc()),
        rejection_reason: reason,
    }
}

/// Which memberships of a community to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub id: Option<i64>,
    pub user_id: Option<i64>,
    pub status: Option<Status>,
}

pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    filter: Filter,
    before_id: i64,
    limit: i64,
) -> Result<Vec<MembershipView>, ApiError> {
    let mut query = memberships::table
        .inner_join(users::table.on(users::id.eq(memberships::user_id)))
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::id.lt(before_id))
        .select((
            memberships::id,
            memberships::community_id,
            memberships::user_id,
            users::display_name,
            users::phone,
            memberships::household_id,
            memberships::address,
            memberships::status,
            users::id_number_last4,
            memberships::applied_at,
            memberships::decided_by,
            memberships::decided_at,
            memberships::rejection_reason,
        ))
        .into_boxed();
    if let Some(id) = filter.id {
        query = query.filter(memberships::id.eq(id));
    }
    if let Some(user_id) = filter.user_id {
        query = query.filter(memberships::user_id.eq(user_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(memberships::status.eq(status.as_str()));
    }
    let rows: Vec<Row> = query
        .order(memberships::id.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(view).collect())
}

pub fn get(
    conn: &mut DbConnection,
    community_id: i64,
    id: i64,
) -> Result<MembershipView, ApiError> {
    let filter = Filter {
        id: Some(id),
        ..Filter::default()
    };
    list(conn, community_id, filter, i64::MAX, 1)?
        .into_iter()
        .next()
        .ok_or_else(ApiError::not_found)
}

pub fn find_for_user(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
) -> Result<Option<MembershipView>, ApiError> {
    let filter = Filter {
        user_id: Some(user_id),
        ..Filter::default()
    };
    Ok(list(conn, community_id, filter, i64::MAX, 1)?
        .into_iter()
        .next())
}

/// Opens (or re-opens after a rejection) an application; returns its id.
pub fn apply(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
    household_id: Option<i64>,
    address: &str,
) -> Result<i64, ApiError> {
    let now = now();
    if let Some(existing) = find_for_user(conn, community_id, user_id)? {
        diesel::update(memberships::table.find(existing.id))
            .set((
                memberships::household_id.eq(household_id),
                memberships::address.eq(address),
                memberships::status.eq(Status::Pending.as_str()),
                memberships::applied_at.eq(now),
                memberships::decided_by.eq(None::<i64>),
                memberships::decided_at.eq(None::<NaiveDateTime>),
                memberships::rejection_reason.eq(None::<String>),
            ))
            .execute(conn)?;
        return Ok(existing.id);
    }
    Ok(diesel::insert_into(memberships::table)
        .values((
            memberships::user_id.eq(user_id),
            memberships::community_id.eq(community_id),
            memberships::household_id.eq(household_id),
            memberships::address.eq(address),
            memberships::status.eq(Status::Pending.as_str()),
            memberships::applied_at.eq(now),
        ))
        .returning(memberships::id)
        .get_result(conn)?)
}

/// Records a decision on a pending application. Returns false if it was no longer pending.
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    decision: Status,
    by: i64,
    household_id: Option<i64>,
    reason: Option<&str>,
) -> Result<bool, ApiError> {
    let changed = diesel::update(
        memberships::table
            .find(id)
            .filter(memberships::status.eq(Status::Pending.as_str())),
    )
    .set((
        memberships::status.eq(decision.as_str()),
        memberships::decided_by.eq(by),
        memberships::decided_at.eq(now()),
        memberships::rejection_reason.eq(reason),
    ))
    .execute(conn)?;
    if changed == 1 && household_id.is_some() {
        diesel::update(memberships::table.find(id))
            .set(memberships::household_id.eq(household_id))
            .execute(conn)?;
    }
    Ok(changed == 1)
}

/// Whether the user is a verified resident of the community.
pub fn is_verified(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
) -> Result<bool, ApiError> {
    let found: i64 = memberships::table
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::status.eq(Status::Verified.as_str()))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}
