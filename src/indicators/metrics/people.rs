//! Who is there: residents, households, volunteers and their hours, community workers and
//! social organisations.

use super::Batch;
use super::tally::{Bounds, tally};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::indicators::measure::Measure;

pub fn compute(conn: &mut DbConnection, batch: &mut Batch) -> Result<(), ApiError> {
    let end = batch.period.end();
    let counts_at_end = format!(
        "SELECT community_id, 'residents' AS key, COUNT(*) AS a, CAST(0 AS BIGINT) AS b, CAST(0 AS BIGINT) AS c FROM memberships \
           WHERE {} AND status = 'verified' AND decided_at < $1 GROUP BY community_id \
         UNION ALL SELECT community_id, 'households', COUNT(*), CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM households \
           WHERE {} AND created_at < $1 GROUP BY community_id \
         UNION ALL SELECT community_id, 'registered_volunteers', COUNT(*), CAST(0 AS BIGINT), CAST(0 AS BIGINT) \
           FROM volunteer_profiles WHERE {} AND created_at < $1 GROUP BY community_id",
        batch.scope("community_id"),
        batch.scope("community_id"),
        batch.scope("community_id"),
    );
    for row in tally(conn, &counts_at_end, Bounds::AsOf(end))? {
        if let Some(metric) = super::info(&row.key) {
            batch.set(row.community_id, metric.key, Some(Measure::from_int(row.a)));
        }
    }
    for id in batch.ids.clone() {
        let counts = ["residents", "households", "registered_volunteers"]
            .map(|key| (key, batch.count(id, key)));
        for (key, n) in counts {
            batch.set(id, key, Some(Measure::from_int(n)));
        }
        let rate = Measure::ratio(counts[2].1, counts[0].1);
        batch.set(id, "volunteer_registration_rate", rate);
    }
    hours(conn, batch)?;
    workers(conn, batch)?;
    organisations(conn, batch)
}

/// Verified hours served in the period and on record by its end (annualised per resident), and
/// the people who served in the 90 days before its end. Hours settled after the end belong to
/// no closed period's figures, which would otherwise move when the settlement comes.
fn hours(conn: &mut DbConnection, batch: &mut Batch) -> Result<(), ApiError> {
    let sql = format!(
        "SELECT community_id, '' AS key, CAST(COALESCE(SUM(minutes), 0) AS BIGINT) AS a, \
                COUNT(DISTINCT user_id) AS b, CAST(0 AS BIGINT) AS c \
         FROM service_hours WHERE {} AND served_at >= $1 AND served_at < $2 AND recorded_at < $2 \
         GROUP BY community_id",
        batch.scope("community_id")
    );
    let period = batch.period;
    let in_period = tally(conn, &sql, Bounds::Window(period.start(), period.end()))?;
    let days = period.days();
    for id in batch.ids.clone() {
        let minutes = in_period
            .iter()
            .find(|row| row.community_id == id)
            .map_or(0, |row| row.a);
        let residents = batch.count(id, "residents");
        let per_resident = Measure::ratio(minutes * 365, 60 * residents * days);
        batch.set(id, "verified_hours_per_resident", per_resident);
        batch.set(id, "active_volunteers_90d", Some(Measure::ZERO));
    }
    let recent = Bounds::Window(period.ninety_days_before_end(), period.end());
    for row in tally(conn, &sql, recent)? {
        batch.set(
            row.community_id,
            "active_volunteers_90d",
            Some(Measure::from_int(row.b)),
        );
    }
    Ok(())
}

/// Community workers and social workers holding their role at the period's end.
fn workers(conn: &mut DbConnection, batch: &mut Batch) -> Result<(), ApiError> {
    let sql = format!(
        "SELECT community_id, '' AS key, COUNT(DISTINCT user_id) AS a, \
                COUNT(DISTINCT CASE WHEN role = 'social_worker' THEN user_id END) AS b, CAST(0 AS BIGINT) AS c \
         FROM role_grants WHERE {} \
           AND role IN ('community_admin', 'community_staff', 'grid_worker', 'social_worker') \
           AND granted_at < $1 AND (revoked_at IS NULL OR revoked_at >= $1) \
         GROUP BY community_id",
        batch.scope("community_id")
    );
    let rows = tally(conn, &sql, Bounds::AsOf(batch.period.end()))?;
    for id in batch.ids.clone() {
        let row = rows.iter().find(|row| row.community_id == id);
        let (workers, social) = row.map_or((0, 0), |row| (row.a, row.b));
        batch.set(id, "community_workers", Some(Measure::from_int(workers)));
        batch.set(id, "social_workers", Some(Measure::from_int(social)));
        batch.set(id, "social_worker_ratio", Measure::ratio(social, workers));
    }
    Ok(())
}

/// Social organisations approved to serve the community before the period's end, by category.
fn organisations(conn: &mut DbConnection, batch: &mut Batch) -> Result<(), ApiError> {
    let sql = format!(
        "SELECT oc.community_id, o.category AS key, COUNT(*) AS a, CAST(0 AS BIGINT) AS b, CAST(0 AS BIGINT) AS c \
         FROM organisation_communities oc JOIN organisations o ON o.id = oc.organisation_id \
         WHERE {} AND oc.status = 'approved' AND oc.decided_at < $1 \
         GROUP BY oc.community_id, o.category",
        batch.scope("oc.community_id")
    );
    let rows = tally(conn, &sql, Bounds::AsOf(batch.period.end()))?;
    const CATEGORIES: [(&str, &str); 5] = [
        ("life_service", "social_organisations_life_service"),
        ("charity", "social_organisations_charity"),
        ("mutual_aid", "social_organisations_mutual_aid"),
        ("culture_sports", "social_organisations_culture_sports"),
        (
            "social_work_agency",
            "social_organisations_social_work_agency",
        ),
    ];
    for id in batch.ids.clone() {
        let of = |category: &str| -> i64 {
            rows.iter()
                .filter(|r| r.community_id == id && r.key == category)
                .map(|r| r.a)
                .sum()
        };
        let mut total = 0;
        for (category, key) in CATEGORIES {
            total += of(category);
            batch.set(id, key, Some(Measure::from_int(of(category))));
        }
        batch.set(id, "social_organisations", Some(Measure::from_int(total)));
    }
    Ok(())
}
