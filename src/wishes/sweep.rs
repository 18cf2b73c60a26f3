//! The scheduled sweep over wishes (`wushe sweep-wishes`; issue 9 runs it in the server):
//! published wishes past their deadline expire; claims still open at the deadline are flagged
//! overdue; wishes lying unclaimed too long are escalated to the social worker and grid
//! worker, whose lists show such wishes as `escalated`.

use super::settings;
use super::types::Status;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::{wish_claims as claims, wishes};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Default, Serialize)]
pub struct SweepReport {
    pub expired: usize,
    pub flagged_overdue: usize,
    pub escalated: usize,
}

pub fn run(conn: &mut DbConnection, now: NaiveDateTime) -> Result<SweepReport, ApiError> {
    let expired = diesel::update(
        wishes::table
            .filter(wishes::status.eq(Status::Published.as_str()))
            .filter(wishes::deadline.le(now)),
    )
    .set((
        wishes::status.eq(Status::Expired.as_str()),
        wishes::updated_at.eq(now),
    ))
    .execute(conn)?;
    let overdue_wishes = wishes::table
        .filter(wishes::status.eq(Status::Claimed.as_str()))
        .filter(wishes::deadline.le(now))
        .select(wishes::id);
    let flagged_overdue = diesel::update(
        claims::table
            .filter(claims::status.eq("active"))
            .filter(claims::overdue_flagged_at.is_null())
            .filter(claims::wish_id.eq_any(overdue_wishes)),
    )
    .set(claims::overdue_flagged_at.eq(now))
    .execute(conn)?;
    let unclaimed: Vec<(i64, i64, Option<NaiveDateTime>)> = wishes::table
        .filter(wishes::status.eq(Status::Published.as_str()))
        .filter(wishes::escalated_at.is_null())
        .select((wishes::id, wishes::community_id, wishes::published_at))
        .load(conn)?;
    let mut escalated = 0;
    for (id, community_id, published_at) in unclaimed {
        let days = settings::load(conn, community_id)?.escalate_after_days;
        let due = published_at.is_some_and(|t| t + TimeDelta::days(i64::from(days)) <= now);
        if due {
            diesel::update(wishes::table.find(id))
                .set(wishes::escalated_at.eq(now))
                .execute(conn)?;
            escalated += 1;
        }
    }
    Ok(SweepReport {
        expired,
        flagged_overdue,
        escalated,
    })
}
