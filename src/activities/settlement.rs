//! Settling a completed activity: every verified participant is credited exactly once with
//! service hours (the permanent record), points by the activity's rule, and, where the
//! community runs a time bank, time credits: deposited for ordinary service, or paid from the
//! escrow of the resident served for a mutual-aid service.
//!
//! "Exactly once" holds three ways: the activity's lock orders concurrent settle calls, the
//! status moves to `settled` in the same transaction, and `service_hours.attendance_id` is
//! unique.

use super::attendance::AttendanceStatus;
use super::store::{self, ActivityRow, CreditRule};
use super::types::Status;
use super::{lock, time_bank};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::ledger::{self, Asset, Holder, NewTransaction, Posting, SystemAccount, TxKind};
use crate::points::settings;
use crate::roles::{Permission, standing};
use crate::schema::{activities, attendance, service_hours};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Credit {
    pub user_id: i64,
    pub minutes: i64,
    pub points: i64,
    /// Time-bank minutes credited (deposited, or paid by the resident served).
    pub time_credits: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SettlementView {
    pub activity_id: i64,
    pub credits: Vec<Credit>,
    /// The ledger transaction of the points and deposits, when anything was due.
    pub transaction_id: Option<i64>,
}

/// `(attendance id, user id, minutes, started_at)` of verified attendance, in attendance order.
type Verified = (i64, i64, Option<i32>, NaiveDateTime);

pub fn settle(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<SettlementView, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManageActivities,
    )?;
    lock(conn, community_id, activity_id)?;
    let (activity, rule) = store::find(conn, community_id, activity_id)?;
    if activity.status_at(now)? != Status::Completed {
        return Err(ApiError::new(Code::InvalidState));
    }
    let undecided: i64 = attendance::table
        .filter(attendance::activity_id.eq(activity_id))
        .filter(attendance::status.eq(AttendanceStatus::Pending.as_str()))
        .count()
        .get_result(conn)?;
    if undecided > 0 {
        return Err(ApiError::new(Code::InvalidState).with_field("attendance", "pending_review"));
    }
    let verified: Vec<Verified> = attendance::table
        .filter(attendance::activity_id.eq(activity_id))
        .filter(attendance::status.eq(AttendanceStatus::Verified.as_str()))
        .order(attendance::id)
        .select((
            attendance::id,
            attendance::user_id,
            attendance::minutes,
            attendance::started_at,
        ))
        .load(conn)?;
    let credits = credit(conn, caller, &activity, &rule, &verified, now)?;
    diesel::update(activities::table.find(activity_id))
        .set((
            activities::status.eq(Status::Settled.as_str()),
            activities::updated_at.eq(now),
        ))
        .execute(conn)?;
    let change = Change::in_community(community_id, "activity.settled", "activity", activity_id)
        .before(&serde_json::json!({ "status": Status::Completed }))
        .after(&credits);
    audit::record(conn, &caller.into(), change)?;
    Ok(credits)
}

fn credit(
    conn: &mut DbConnection,
    caller: &Caller,
    activity: &ActivityRow,
    rule: &CreditRule,
    verified: &[Verified],
    now: NaiveDateTime,
) -> Result<SettlementView, ApiError> {
    let points_rule = rule.rule()?;
    let deposits = settings::load(conn, activity.community_id)?.time_bank_enabled
        && rule.service_recipient_id.is_none();
    let mut credits = Vec::new();
    let mut postings = Vec::new();
    for &(_, user_id, minutes, _) in verified {
        let minutes = i64::from(minutes.unwrap_or(0));
        let points = points_rule.points_for(rule.points_amount, minutes);
        let time_credits = if deposits { minutes } else { 0 };
        for (asset, amount) in [(Asset::Points, points), (Asset::TimeCredits, time_credits)] {
            if amount > 0 {
                let issuance = Holder::System(SystemAccount::Issuance);
                postings.extend(Posting::transfer(
                    issuance,
                    Holder::Person(user_id),
                    asset,
                    amount,
                ));
            }
        }
        credits.push(Credit {
            user_id,
            minutes,
            points,
            time_credits,
        });
    }
    let providers: Vec<(i64, i64)> = credits.iter().map(|c| (c.user_id, c.minutes)).collect();
    for (provider, paid) in time_bank::settle(conn, activity, rule, &providers, caller.actor_id())?
    {
        if let Some(c) = credits.iter_mut().find(|c| c.user_id == provider) {
            c.time_credits = paid;
        }
    }
    let transaction_id = if postings.is_empty() {
        None
    } else {
        let memo = format!("志愿服务积分：{}", activity.title);
        let posted = ledger::post(
            conn,
            NewTransaction {
                community_id: activity.community_id,
                kind: TxKind::ActivitySettlement,
                memo: &memo,
                reference: Some(("activity", activity.id)),
                reverses: None,
                created_by: Some(caller.actor_id()),
                postings,
            },
        )?;
        Some(posted.transaction_id)
    };
    record_hours(
        conn,
        caller,
        activity,
        verified,
        &credits,
        transaction_id,
        now,
    )?;
    Ok(SettlementView {
        activity_id: activity.id,
        credits,
        transaction_id,
    })
}

/// Writes each participant's credit hours into the permanent record.
fn record_hours(
    conn: &mut DbConnection,
    caller: &Caller,
    activity: &ActivityRow,
    verified: &[Verified],
    credits: &[Credit],
    transaction_id: Option<i64>,
    recorded_at: NaiveDateTime,
) -> Result<(), ApiError> {
    for (&(attendance_id, user_id, _, started_at), credit) in verified.iter().zip(credits) {
        if credit.minutes == 0 {
            continue;
        }
        diesel::insert_into(service_hours::table)
            .values((
                service_hours::community_id.eq(activity.community_id),
                service_hours::user_id.eq(user_id),
                service_hours::kind.eq("credit"),
                service_hours::minutes.eq(credit.minutes as i32),
                service_hours::served_at.eq(started_at),
                service_hours::description.eq(&activity.title),
                service_hours::activity_id.eq(activity.id),
                service_hours::attendance_id.eq(attendance_id),
                service_hours::points.eq(credit.points),
                service_hours::transaction_id.eq(transaction_id),
                service_hours::recorded_by.eq(caller.actor_id()),
                service_hours::recorded_at.eq(recorded_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
