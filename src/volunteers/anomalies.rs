//! Anomaly flags for staff: patterns that often mean hours or points are being inflated. A
//! flag is a reason to look, not a finding; each carries the figures that raised it.
//!
//! - Back-fill spikes: someone who back-filled more honour hours in the last
//!   [`SPIKE_WINDOW_DAYS`] days than both [`SPIKE_FLOOR_MINUTES`] and [`SPIKE_FACTOR`] times
//!   their weekly average over the [`SPIKE_BASELINE_WEEKS`] weeks before.
//! - Mutual crediting: two people who, within [`MUTUAL_WINDOW_DAYS`] days, each credited the
//!   other at least [`MUTUAL_MIN_EACH_WAY`] times. Crediting is deciding someone's attendance
//!   verified, back-filling their honour hours, or requesting a points credit for them that was
//!   approved (debits do not count).

use crate::db::{DbConnection, now};
use crate::error::ApiResult;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

pub const SPIKE_WINDOW_DAYS: i64 = 7;
/// 20 hours: below this a busy week of honest back-filling is not worth a look.
pub const SPIKE_FLOOR_MINUTES: i64 = 20 * 60;
pub const SPIKE_BASELINE_WEEKS: i64 = 12;
pub const SPIKE_FACTOR: i64 = 3;
pub const MUTUAL_WINDOW_DAYS: i64 = 90;
pub const MUTUAL_MIN_EACH_WAY: i64 = 3;

/// The thresholds in force, so that a reader knows what each flag means.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Thresholds {
    pub spike_window_days: i64,
    pub spike_floor_minutes: i64,
    pub spike_baseline_weeks: i64,
    pub spike_factor: i64,
    pub mutual_window_days: i64,
    pub mutual_min_each_way: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema, QueryableByName)]
pub struct BackfillSpike {
    /// Who recorded the back-fills.
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub display_name: String,
    /// Honour minutes they back-filled in the last window.
    #[diesel(sql_type = BigInt)]
    pub recent_minutes: i64,
    #[diesel(sql_type = BigInt)]
    pub recent_records: i64,
    /// Honour minutes they back-filled in the baseline weeks before the window.
    #[diesel(sql_type = BigInt)]
    pub baseline_minutes: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpikeFlag {
    #[serde(flatten)]
    pub figures: BackfillSpike,
    /// The baseline per week, rounded down.
    pub weekly_average_minutes: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema, QueryableByName)]
pub struct MutualPair {
    /// The one of the pair with the smaller user id.
    #[diesel(sql_type = BigInt)]
    pub first_user_id: i64,
    #[diesel(sql_type = Text)]
    pub first_display_name: String,
    #[diesel(sql_type = BigInt)]
    pub second_user_id: i64,
    #[diesel(sql_type = Text)]
    pub second_display_name: String,
    /// Times the first credited the second within the window.
    #[diesel(sql_type = BigInt)]
    pub first_to_second: i64,
    #[diesel(sql_type = BigInt)]
    pub second_to_first: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Anomalies {
    pub generated_at: DateTime<Utc>,
    pub thresholds: Thresholds,
    pub backfill_spikes: Vec<SpikeFlag>,
    pub mutual_credits: Vec<MutualPair>,
}

// `$n` parameters appear in numeric order, as SQLite numbers them by first appearance.
const SPIKES_SQL: &str = "SELECT h.recorded_by AS user_id, u.display_name AS display_name, \
     CAST(SUM(CASE WHEN h.recorded_at >= $1 THEN h.minutes ELSE 0 END) AS BIGINT) AS recent_minutes, \
     CAST(SUM(CASE WHEN h.recorded_at >= $1 THEN 1 ELSE 0 END) AS BIGINT) AS recent_records, \
     CAST(SUM(CASE WHEN h.recorded_at < $1 THEN h.minutes ELSE 0 END) AS BIGINT) AS baseline_minutes \
     FROM service_hours h JOIN users u ON u.id = h.recorded_by \
     WHERE h.community_id = $2 AND h.kind = 'honour' AND h.recorded_at >= $3 \
     GROUP BY h.recorded_by, u.display_name \
     ORDER BY recent_minutes DESC, h.recorded_by";

const MUTUAL_SQL: &str = "WITH credits AS ( \
       SELECT a.decided_by AS giver, a.user_id AS receiver \
       FROM attendance a JOIN activities act ON act.id = a.activity_id \
       WHERE act.community_id = $1 AND a.status = 'verified' AND a.decided_by IS NOT NULL \
         AND a.decided_at >= $2 \
       UNION ALL \
       SELECT h.recorded_by, h.user_id FROM service_hours h \
       WHERE h.community_id = $1 AND h.kind = 'honour' AND h.recorded_by IS NOT NULL \
         AND h.recorded_at >= $2 \
       UNION ALL \
       SELECT p.requested_by, p.user_id FROM point_adjustments p \
       WHERE p.community_id = $1 AND p.status = 'approved' AND p.amount > 0 \
         AND p.decided_at >= $2 \
     ), counted AS ( \
       SELECT giver, receiver, COUNT(*) AS n FROM credits WHERE giver <> receiver \
       GROUP BY giver, receiver \
     ) \
     SELECT x.giver AS first_user_id, ua.display_name AS first_display_name, \
       y.giver AS second_user_id, ub.display_name AS second_display_name, \
       CAST(x.n AS BIGINT) AS first_to_second, CAST(y.n AS BIGINT) AS second_to_first \
     FROM counted x JOIN counted y ON y.giver = x.receiver AND y.receiver = x.giver \
     JOIN users ua ON ua.id = x.giver JOIN users ub ON ub.id = y.giver \
     WHERE x.giver < x.receiver AND x.n >= $3 AND y.n >= $3 \
     ORDER BY x.n + y.n DESC, x.giver, y.giver";

fn spikes(
    conn: &mut DbConnection,
    community_id: i64,
    at: NaiveDateTime,
) -> ApiResult<Vec<SpikeFlag>> {
    let window_start = at - Duration::days(SPIKE_WINDOW_DAYS);
    let baseline_start = window_start - Duration::weeks(SPIKE_BASELINE_WEEKS);
    let rows: Vec<BackfillSpike> = diesel::sql_query(SPIKES_SQL)
        .bind::<Timestamp, _>(window_start)
        .bind::<BigInt, _>(community_id)
        .bind::<Timestamp, _>(baseline_start)
        .load(conn)?;
    Ok(rows
        .into_iter()
        // recent > factor × baseline / weeks, multiplied out so no rounding lets one through.
        .filter(|r| {
            r.recent_minutes > SPIKE_FLOOR_MINUTES
                && r.recent_minutes * SPIKE_BASELINE_WEEKS > SPIKE_FACTOR * r.baseline_minutes
        })
        .map(|figures| SpikeFlag {
            weekly_average_minutes: figures.baseline_minutes / SPIKE_BASELINE_WEEKS,
            figures,
        })
        .collect())
}

pub fn find(conn: &mut DbConnection, community_id: i64) -> ApiResult<Anomalies> {
    let at = now();
    let backfill_spikes = spikes(conn, community_id, at)?;
    let mutual_credits: Vec<MutualPair> = diesel::sql_query(MUTUAL_SQL)
        .bind::<BigInt, _>(community_id)
        .bind::<Timestamp, _>(at - Duration::days(MUTUAL_WINDOW_DAYS))
        .bind::<BigInt, _>(MUTUAL_MIN_EACH_WAY)
        .load(conn)?;
    Ok(Anomalies {
        generated_at: at.and_utc(),
        thresholds: Thresholds {
            spike_window_days: SPIKE_WINDOW_DAYS,
            spike_floor_minutes: SPIKE_FLOOR_MINUTES,
            spike_baseline_weeks: SPIKE_BASELINE_WEEKS,
            spike_factor: SPIKE_FACTOR,
            mutual_window_days: MUTUAL_WINDOW_DAYS,
            mutual_min_each_way: MUTUAL_MIN_EACH_WAY,
        },
        backfill_spikes,
        mutual_credits,
    })
}
