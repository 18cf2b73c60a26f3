//! Staff adjustments: a manual credit or debit with a reason, limited per staff member per
//! day, and held for a second staff member's approval above a threshold. Every one is in the
//! audit log, flagged, because "staff inflating points for friends" is the abuse to watch.

use super::settings;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::calendar;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Code};
use crate::ledger::{self, Asset, Holder, NewTransaction, Posting, SystemAccount, TxKind};
use crate::roles::{Permission, standing};
use crate::schema::point_adjustments as adjustments;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentRequest {
    #[validate(range(min = 1))]
    pub user_id: i64,
    /// `points` or `time_credits` (minutes).
    pub asset: Asset,
    /// Positive to credit, negative to debit; never zero.
    #[validate(range(min = -1_000_000, max = 1_000_000), custom(function = "non_zero"))]
    pub amount: i64,
    /// Why; kept in the audit log and shown on the person's statement.
    #[validate(
        length(min = 4, max = 500),
        custom(function = "crate::http::text::multi_line")
    )]
    pub reason: String,
}

fn non_zero(amount: i64) -> Result<(), validator::ValidationError> {
    if amount == 0 {
        Err(validator::ValidationError::new("range"))
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AdjustmentStatus)]
pub enum Status {
    /// Waiting for a second staff member.
    Pending,
    /// Posted to the ledger.
    Approved,
    Rejected,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdjustmentView {
    pub id: i64,
    pub community_id: i64,
    pub user_id: i64,
    pub asset: Asset,
    pub amount: i64,
    pub reason: String,
    pub status: Status,
    pub requested_by: i64,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub transaction_id: Option<i64>,
}

type Row = (
    i64,
    i64,
    i64,
    String,
    i64,
    String,
    String,
    i64,
    NaiveDateTime,
    Option<i64>,
    Option<NaiveDateTime>,
    Option<String>,
    Option<i64>,
);

fn view(row: Row) -> Option<AdjustmentView> {
    let (
        id,
        community_id,
        user_id,
        asset,
        amount,
        reason,
        status,
        requested_by,
        requested_at,
        decided_by,
        decided_at,
        rejection_reason,
        transaction_id,
    ) = row;
    Some(AdjustmentView {
        id,
        community_id,
        user_id,
        asset: Asset::parse(&asset)?,
        amount,
        reason,
        status: Status::parse(&status)?,
        requested_by,
        requested_at: requested_at.and_utc(),
        decided_by,
        decided_at: decided_at.map(|t| t.and_utc()),
        rejection_reason,
        transaction_id,
    })
}

macro_rules! columns {
    () => {
        (
            adjustments::id,
            adjustments::community_id,
            adjustments::user_id,
            adjustments::asset,
            adjustments::amount,
            adjustments::reason,
            adjustments::status,
            adjustments::requested_by,
            adjustments::requested_at,
            adjustments::decided_by,
            adjustments::decided_at,
            adjustments::rejection_reason,
            adjustments::transaction_id,
        )
    };
}

pub fn get(
    conn: &mut DbConnection,
    community_id: i64,
    id: i64,
) -> Result<AdjustmentView, ApiError> {
    let row: Row = adjustments::table
        .filter(adjustments::community_id.eq(community_id))
        .filter(adjustments::id.eq(id))
        .select(columns!())
        .first(conn)?;
    view(row).ok_or_else(|| ApiError::internal("unreadable adjustment row"))
}

pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    status: Option<Status>,
    page: crate::http::pagination::Page,
) -> Result<Vec<AdjustmentView>, ApiError> {
    let mut query = adjustments::table
        .filter(adjustments::community_id.eq(community_id))
        .filter(adjustments::id.lt(page.before_id))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(adjustments::status.eq(status.as_str()));
    }
    let rows: Vec<Row> = query
        .order(adjustments::id.desc())
        .limit(page.limit + 1)
        .select(columns!())
        .load(conn)?;
    Ok(rows.into_iter().filter_map(view).collect())
}

/// What `requester` has adjusted today (credits and debits alike, pending included).
fn adjusted_today(
    conn: &mut DbConnection,
    community_id: i64,
    requester: i64,
) -> Result<i64, ApiError> {
    let amounts: Vec<i64> = adjustments::table
        .filter(adjustments::community_id.eq(community_id))
        .filter(adjustments::requested_by.eq(requester))
        .filter(adjustments::requested_at.ge(calendar::start_of_day(now())))
        .filter(adjustments::status.ne(Status::Rejected.as_str()))
        .select(adjustments::amount)
        .load(conn)?;
    Ok(amounts.iter().map(|a| a.abs()).sum())
}

/// Records an adjustment and, below the approval threshold, posts it at once.
pub fn request(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &AdjustmentRequest,
) -> ApiResult<AdjustmentView> {
    standing::require(conn, caller.user_id, community_id, Permission::AdjustPoints)?;
    if body.user_id == caller.actor_id() {
        return Err(ApiError::forbidden().with_field("user_id", "self_adjustment"));
    }
    if standing::in_community(conn, body.user_id, community_id)?
        .roles
        .is_empty()
    {
        return Err(ApiError::invalid_field("user_id", "not_found"));
    }
    ledger::lock_community(conn, community_id)?;
    let rules = settings::load(conn, community_id)?;
    if adjusted_today(conn, community_id, caller.actor_id())? + body.amount.abs()
        > rules.adjustment_daily_limit
    {
        return Err(ApiError::new(Code::LimitExceeded).with_field("amount", "daily_limit"));
    }
    let id: i64 = diesel::insert_into(adjustments::table)
        .values((
            adjustments::community_id.eq(community_id),
            adjustments::user_id.eq(body.user_id),
            adjustments::asset.eq(body.asset.as_str()),
            adjustments::amount.eq(body.amount),
            adjustments::reason.eq(body.reason.trim()),
            adjustments::status.eq(Status::Pending.as_str()),
            adjustments::requested_by.eq(caller.actor_id()),
            adjustments::requested_at.eq(now()),
        ))
        .returning(adjustments::id)
        .get_result(conn)?;
    let created = get(conn, community_id, id)?;
    record(conn, caller, "points.adjustment_requested", None, &created)?;
    if body.amount.abs() > rules.adjustment_approval_threshold {
        return Ok(created);
    }
    post(conn, caller, created)
}

/// A second staff member approves a pending adjustment, which posts it.
pub fn approve(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    id: i64,
) -> ApiResult<AdjustmentView> {
    standing::require(conn, caller.user_id, community_id, Permission::AdjustPoints)?;
    let pending = get(conn, community_id, id)?;
    if pending.status != Status::Pending {
        return Err(ApiError::new(Code::InvalidState));
    }
    if pending.requested_by == caller.actor_id() || pending.user_id == caller.actor_id() {
        return Err(ApiError::forbidden());
    }
    post(conn, caller, pending)
}

pub fn reject(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    id: i64,
    reason: &str,
) -> ApiResult<AdjustmentView> {
    standing::require(conn, caller.user_id, community_id, Permission::AdjustPoints)?;
    let pending = get(conn, community_id, id)?;
    if pending.status != Status::Pending {
        return Err(ApiError::new(Code::InvalidState));
    }
    decide(conn, caller, id, Status::Rejected, None, Some(reason))?;
    let decided = get(conn, community_id, id)?;
    record(
        conn,
        caller,
        "points.adjustment_rejected",
        Some(&pending),
        &decided,
    )?;
    Ok(decided)
}

fn post(
    conn: &mut DbConnection,
    caller: &Caller,
    adjustment: AdjustmentView,
) -> ApiResult<AdjustmentView> {
    let memo = format!("人工调整：{}", adjustment.reason);
    let posted = ledger::post(
        conn,
        NewTransaction {
            community_id: adjustment.community_id,
            kind: TxKind::Adjustment,
            memo: &memo,
            reference: Some(("adjustment", adjustment.id)),
            reverses: None,
            created_by: Some(caller.actor_id()),
            postings: Posting::transfer(
                Holder::System(SystemAccount::Issuance),
                Holder::Person(adjustment.user_id),
                adjustment.asset,
                adjustment.amount,
            )
            .to_vec(),
        },
    )?;
    decide(
        conn,
        caller,
        adjustment.id,
        Status::Approved,
        Some(posted.transaction_id),
        None,
    )?;
    let approved = get(conn, adjustment.community_id, adjustment.id)?;
    record(
        conn,
        caller,
        "points.adjusted",
        Some(&adjustment),
        &approved,
    )?;
    Ok(approved)
}

fn decide(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    status: Status,
    transaction_id: Option<i64>,
    rejection_reason: Option<&str>,
) -> Result<(), ApiError> {
    diesel::update(
        adjustments::table
            .find(id)
            .filter(adjustments::status.eq(Status::Pending.as_str())),
    )
    .set((
        adjustments::status.eq(status.as_str()),
        adjustments::decided_by.eq(caller.actor_id()),
        adjustments::decided_at.eq(now()),
        adjustments::transaction_id.eq(transaction_id),
        adjustments::rejection_reason.eq(rejection_reason),
    ))
    .execute(conn)?;
    Ok(())
}

/// Audit entries for adjustments carry `"flagged": true` so reviewers can find them all.
fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    action: &'static str,
    before: Option<&AdjustmentView>,
    after: &AdjustmentView,
) -> Result<(), ApiError> {
    let mut change = Change::in_community(after.community_id, action, "adjustment", after.id)
        .after(&serde_json::json!({ "flagged": true, "adjustment": after }));
    if let Some(before) = before {
        change = change.before(before);
    }
    audit::record(conn, &caller.into(), change)
}
