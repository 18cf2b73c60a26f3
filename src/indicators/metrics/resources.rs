//! Charity resources and how the five societies work together.

use super::Batch;
use super::tally::{Bounds, tally};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::indicators::measure::Measure;

pub fn compute(conn: &mut DbConnection, batch: &mut Batch) -> Result<(), ApiError> {
    let period = batch.period;
    let window = || Bounds::Window(period.start(), period.end());
    let fund = format!(
        "SELECT community_id, 'fund_raised_fen' AS key, \
                CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS a, CAST(0 AS BIGINT) AS b, \
                CAST(0 AS BIGINT) AS c \
           FROM fund_donations WHERE {} AND kind = 'money' \
             AND recorded_at >= $1 AND recorded_at < $2 GROUP BY community_id \
         UNION ALL SELECT community_id, 'fund_disbursed_fen', \
                CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT) \
           FROM fund_disbursements WHERE {} AND status = 'approved' \
             AND second_approved_at >= $1 AND second_approved_at < $2 GROUP BY community_id",
        batch.scope("community_id"),
        batch.scope("community_id"),
    );
    for id in batch.ids.clone() {
        batch.set(id, "fund_raised_fen", Some(Measure::ZERO));
        batch.set(id, "fund_disbursed_fen", Some(Measure::ZERO));
    }
    for row in tally(conn, &fund, window())? {
        if let Some(metric) = super::info(&row.key) {
            batch.set(row.community_id, metric.key, Some(Measure::from_int(row.a)));
        }
    }
    linkage(conn, batch, window())
}

/// The five-societies linkage index: projects and activities involving at least three of
/// the five societies, of all projects and activities of the period.
fn linkage(conn: &mut DbConnection, batch: &mut Batch, window: Bounds) -> Result<(), ApiError> {
    let sql = format!(
        "SELECT p.community_id, 'projects' AS key, COUNT(*) AS a, \
                CAST(SUM(CASE WHEN (SELECT COUNT(*) FROM project_societies s \
                     WHERE s.project_id = p.id) >= 3 THEN 1 ELSE 0 END) AS BIGINT) AS b, \
                CAST(0 AS BIGINT) AS c \
           FROM projects p WHERE {projects} \
             AND p.status <> 'rejected' AND p.decided_at < $2 \
             AND (p.completed_at IS NULL OR p.completed_at >= $1) \
             AND (p.cancelled_at IS NULL OR p.cancelled_at >= $1) \
           GROUP BY p.community_id \
         UNION ALL SELECT a.community_id, 'activities', COUNT(*), \
                CAST(SUM(CASE WHEN 1 \
                  + CASE WHEN EXISTS (SELECT 1 FROM attendance t WHERE t.activity_id = a.id \
                      AND t.status = 'verified') THEN 1 ELSE 0 END \
                  + CASE WHEN EXISTS (SELECT 1 FROM role_grants g \
                      WHERE g.community_id = a.community_id AND g.user_id = a.organiser_id \
                      AND g.role = 'social_worker' AND g.granted_at < $2 \
                      AND (g.revoked_at IS NULL OR g.revoked_at >= $2)) THEN 1 ELSE 0 END \
                  + CASE WHEN EXISTS (SELECT 1 FROM organisation_members m \
                      JOIN organisation_communities oc ON oc.organisation_id = m.organisation_id \
                      WHERE m.user_id = a.organiser_id AND oc.community_id = a.community_id \
                      AND oc.status = 'approved') THEN 1 ELSE 0 END \
                  >= 3 THEN 1 ELSE 0 END) AS BIGINT), \
                CAST(0 AS BIGINT) \
           FROM activities a WHERE {activities} AND a.status IN ('completed', 'settled') \
             AND a.starts_at >= $1 AND a.starts_at < $2 \
           GROUP BY a.community_id",
        projects = batch.scope("p.community_id"),
        activities = batch.scope("a.community_id"),
    );
    let rows = tally(conn, &sql, window)?;
    for id in batch.ids.clone() {
        let (linked, all) = rows
            .iter()
            .filter(|r| r.community_id == id)
            .fold((0, 0), |(linked, all), r| (linked + r.b, all + r.a));
        batch.set(id, "linkage_index", Measure::ratio(linked, all));
    }
    Ok(())
}
