//! The scheduled sweep over wishes (`wushe sweep-wishes`; issue 9 runs it in the server):
//! wishes past their deadline before anyone claimed them expire; claims still open at the deadline are flagged
//! overdue; wishes lying unclaimed too long are escalated to the social worker and grid
//! worker, whose lists show such wishes as `escalated`.

use super::settings;
use super::types::Status;
use crate::audit::{self, Actor, Change};
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

fn audited(
    conn: &mut DbConnection,
    wish_id: i64,
    community_id: i64,
    action: &'static str,
) -> Result<(), ApiError> {
    let change = Change::in_community(community_id, action, "wish", wish_id);
    audit::record(conn, &Actor::default(), change)
}

pub fn run(conn: &mut DbConnection, now: NaiveDateTime) -> Result<SweepReport, ApiError> {
    let mut report = SweepReport::default();
    // A wish past its deadline before anyone reviewed or claimed it has lapsed.
    let lapsed: Vec<(i64, i64)> = wishes::table
        .filter(wishes::status.eq_any([Status::Submitted.as_str(), Status::Published.as_str()]))
        .filter(wishes::deadline.le(now))
        .select((wishes::id, wishes::community_id))
        .load(conn)?;
    for (id, community_id) in lapsed {
        // The status is checked again in the write: a claim may have come in meanwhile.
        let changed = diesel::update(wishes::table.find(id).filter(
            wishes::status.eq_any([Status::Submitted.as_str(), Status::Published.as_str()]),
        ))
        .set((
            wishes::status.eq(Status::Expired.as_str()),
            wishes::updated_at.eq(now),
        ))
        .execute(conn)?;
        if changed == 1 {
            audited(conn, id, community_id, "wish.expired")?;
            report.expired += 1;
        }
    }
    let overdue: Vec<(i64, i64, i64)> = claims::table
        .inner_join(wishes::table)
        .filter(claims::status.eq("active"))
        .filter(claims::overdue_flagged_at.is_null())
        .filter(wishes::deadline.le(now))
        .select((claims::id, wishes::id, wishes::community_id))
        .load(conn)?;
    for (claim_id, wish_id, community_id) in overdue {
        let changed = diesel::update(
            claims::table
                .find(claim_id)
                .filter(claims::status.eq("active")),
        )
        .set(claims::overdue_flagged_at.eq(now))
        .execute(conn)?;
        if changed == 1 {
            audited(conn, wish_id, community_id, "wish.claim_overdue")?;
            report.flagged_overdue += 1;
        }
    }
    let unclaimed: Vec<(i64, i64, Option<NaiveDateTime>)> = wishes::table
        .filter(wishes::status.eq(Status::Published.as_str()))
        .filter(wishes::escalated_at.is_null())
        .select((wishes::id, wishes::community_id, wishes::published_at))
        .load(conn)?;
    for (id, community_id, published_at) in unclaimed {
        let days = settings::load(conn, community_id)?.escalate_after_days;
        if !published_at.is_some_and(|t| t + TimeDelta::days(i64::from(days)) <= now) {
            continue;
        }
        let changed = diesel::update(
            wishes::table
                .find(id)
                .filter(wishes::status.eq(Status::Published.as_str()))
                .filter(wishes::escalated_at.is_null()),
        )
        .set(wishes::escalated_at.eq(now))
        .execute(conn)?;
        if changed == 1 {
            audited(conn, id, community_id, "wish.escalated")?;
            report.escalated += 1;
        }
    }
    Ok(report)
}
