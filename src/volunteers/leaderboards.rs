//! Leaderboards (排行榜) of a community, by service hours or by points earned for service,
//! for a calendar month (Beijing time) or all time.
//!
//! Points here are what service earned: activity settlements and fulfilled wishes credited to
//! personal points accounts, net of their reversals, dated by the transaction reversed. What
//! people spend in the shop, give away, lose to expiry or have debited by staff never lowers
//! them; staff adjustments never raise them either.

use crate::calendar;
use crate::db::{DbBackend, DbConnection, now};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::ledger::TxKind;
use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Service minutes, credit and honour.
    #[default]
    Hours,
    /// Points earned for service.
    Points,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    Month,
    #[default]
    All,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaderboardQuery {
    /// `hours` (default) or `points`.
    pub metric: Option<Metric>,
    /// `all` (default) or `month`.
    pub period: Option<Span>,
    /// `YYYY-MM` with `period=month` (the current month, Beijing time, if omitted); ignored
    /// with `period=all`.
    pub month: Option<String>,
    /// How many places, 1 to 100 (default 50).
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Place {
    /// Equal values share a rank; the next rank skips (1, 1, 3).
    pub rank: i64,
    pub user_id: i64,
    pub display_name: String,
    /// Minutes for `hours`, points for `points`.
    pub value: i64,
    /// For `hours`: the value in hours with one decimal, rounded down.
    pub hours: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Leaderboard {
    pub metric: Metric,
    pub period: Span,
    /// The month ranked, with `period=month`.
    pub month: Option<String>,
    pub places: Vec<Place>,
}

/// A validated request: what to rank, over which UTC window, how many places.
pub struct Request {
    metric: Metric,
    period: Span,
    month: Option<NaiveDate>,
    limit: i64,
}

impl LeaderboardQuery {
    pub fn request(&self) -> ApiResult<Request> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid(vec![
                FieldError::new("limit", "range").with_bounds(Some(1), Some(MAX_LIMIT)),
            ]));
        }
        let period = self.period.unwrap_or_default();
        let month = match (period, &self.month) {
            (Span::All, _) => None,
            (Span::Month, None) => {
                let today = calendar::local(now()).date();
                Some(today.with_day(1).unwrap_or(today))
            }
            (Span::Month, Some(text)) => Some(parse_month(text)?),
        };
        Ok(Request {
            metric: self.metric.unwrap_or_default(),
            period,
            month,
            limit,
        })
    }
}

impl Request {
    /// Tells apart the cached boards of one community.
    pub fn cache_name(&self) -> String {
        let month = self.month.map(|m| m.to_string()).unwrap_or_default();
        format!(
            "leaderboard:{:?}:{:?}:{month}:{}",
            self.metric, self.period, self.limit
        )
    }
}

fn parse_month(text: &str) -> ApiResult<NaiveDate> {
    let bad = || ApiError::invalid_field("month", "invalid_month");
    if text.len() != 7 {
        return Err(bad());
    }
    NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map_err(|_| bad())
}

#[derive(QueryableByName)]
struct Score {
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = Text)]
    display_name: String,
    #[diesel(sql_type = BigInt)]
    value: i64,
}

/// Minutes served per person; `{window}` narrows to a time span of `served_at`.
const HOURS_SQL: &str = "SELECT h.user_id AS user_id, u.display_name AS display_name, \
     CAST(SUM(h.minutes) AS BIGINT) AS value \
     FROM service_hours h JOIN users u ON u.id = h.user_id \
     WHERE h.community_id = $1 {window} \
     GROUP BY h.user_id, u.display_name \
     ORDER BY value DESC, h.user_id {limit}";

/// Points earned per person: service credits plus their reversals (negative), each dated by
/// the original transaction, so that undoing March's settlement in April corrects March.
fn points_sql() -> String {
    let earning = format!(
        "('{}', '{}')",
        TxKind::ActivitySettlement.as_str(),
        TxKind::WishFulfilment.as_str()
    );
    format!(
        "SELECT a.owner_user_id AS user_id, u.display_name AS display_name, \
         CAST(SUM(e.amount) AS BIGINT) AS value \
         FROM ledger_entries e \
         JOIN ledger_accounts a ON a.id = e.account_id \
         JOIN ledger_transactions t ON t.id = e.transaction_id \
         LEFT JOIN ledger_transactions o ON o.id = t.reverses_id \
         JOIN users u ON u.id = a.owner_user_id \
         WHERE e.community_id = $1 AND a.kind = 'personal' AND a.asset = 'points' \
         AND (t.kind IN {earning} OR (t.kind = '{reversal}' AND o.kind IN {earning})) {{window}} \
         GROUP BY a.owner_user_id, u.display_name \
         HAVING SUM(e.amount) > 0 \
         ORDER BY value DESC, a.owner_user_id {{limit}}",
        reversal = TxKind::Reversal.as_str(),
    )
}

/// Runs a ranking query with the community, the optional window and the limit as parameters,
/// numbered in the order they appear (as SQLite requires).
fn scores(
    conn: &mut DbConnection,
    sql: &str,
    at: &str,
    community_id: i64,
    window: Option<(NaiveDateTime, NaiveDateTime)>,
    limit: i64,
) -> ApiResult<Vec<Score>> {
    let (window_sql, limit_sql) = match window {
        Some(_) => (format!("AND {at} >= $2 AND {at} < $3"), "LIMIT $4"),
        None => (String::new(), "LIMIT $2"),
    };
    let sql = sql
        .replace("{window}", &window_sql)
        .replace("{limit}", limit_sql);
    let mut query = diesel::sql_query(sql)
        .into_boxed::<DbBackend>()
        .bind::<BigInt, _>(community_id);
    if let Some((from, until)) = window {
        query = query.bind::<Timestamp, _>(from).bind::<Timestamp, _>(until);
    }
    Ok(query.bind::<BigInt, _>(limit).load(conn)?)
}

pub fn rank(
    conn: &mut DbConnection,
    community_id: i64,
    request: &Request,
) -> ApiResult<Leaderboard> {
    let window = request.month.map(|first| {
        let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
        (
            calendar::day_start_utc(first),
            calendar::day_start_utc(next),
        )
    });
    let rows = match request.metric {
        Metric::Hours => scores(
            conn,
            HOURS_SQL,
            "h.served_at",
            community_id,
            window,
            request.limit,
        )?,
        Metric::Points => {
            let at = "COALESCE(o.created_at, t.created_at)";
            scores(conn, &points_sql(), at, community_id, window, request.limit)?
        }
    };
    let mut places: Vec<Place> = Vec::with_capacity(rows.len());
    for (index, row) in rows.into_iter().enumerate() {
        let rank = match places.last() {
            Some(previous) if previous.value == row.value => previous.rank,
            _ => index as i64 + 1,
        };
        places.push(Place {
            rank,
            user_id: row.user_id,
            display_name: row.display_name,
            value: row.value,
            hours: (request.metric == Metric::Hours).then(|| super::hours_text(row.value)),
        });
    }
    Ok(Leaderboard {
        metric: request.metric,
        period: request.period,
        month: request.month.map(|m| m.format("%Y-%m").to_string()),
        places,
    })
}
