//! What residents did: wishes fulfilled, votes cast, topics carried through, satisfaction in
//! surveys and service ratings with their rectification.

use super::Batch;
use super::tally::{Bounds, Tally, tally};
use crate::db::DbConnection;
use crate::db::numbered;
use crate::error::ApiError;
use crate::indicators::measure::Measure;
use chrono::NaiveDateTime;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Timestamp};

pub fn compute(conn: &mut DbConnection, batch: &mut Batch) -> Result<(), ApiError> {
    let period = batch.period;
    let window = || Bounds::Window(period.start(), period.end());
    let rates = format!(
        "SELECT w.community_id, 'wish_fulfilment_rate' AS key, \
                CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM wish_claims c WHERE c.wish_id = w.id \
                     AND c.status = 'confirmed' AND c.confirmed_at < $2) THEN 1 ELSE 0 END) \
                     AS BIGINT) AS a, \
                COUNT(*) AS b, CAST(0 AS BIGINT) AS c \
           FROM wishes w WHERE {wishes} AND w.published_at >= $1 AND w.published_at < $2 \
           GROUP BY w.community_id \
         UNION ALL SELECT v.community_id, 'vote_turnout', \
                CAST(SUM(CASE WHEN e.voted THEN 1 ELSE 0 END) AS BIGINT), COUNT(*), \
                CAST(0 AS BIGINT) \
           FROM votes v JOIN vote_electors e ON e.vote_id = v.id \
           WHERE {votes} AND v.status = 'closed' AND v.closed_at >= $1 AND v.closed_at < $2 \
           GROUP BY v.community_id \
         UNION ALL SELECT t.community_id, 'implementation_published_rate', \
                COUNT(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM topic_events i \
                     WHERE i.topic_id = t.id AND i.kind = 'implementation_update' \
                     AND i.created_at < $2) THEN t.id END), \
                COUNT(DISTINCT t.id), CAST(0 AS BIGINT) \
           FROM topics t JOIN topic_events d ON d.topic_id = t.id \
           WHERE {topics} AND d.kind = 'stage_changed' AND d.data LIKE '%\"to\":\"decided\"%' \
             AND d.created_at >= $1 AND d.created_at < $2 \
           GROUP BY t.community_id \
         UNION ALL SELECT s.community_id, q.tag, \
                CAST(SUM(CASE WHEN (q.kind = 'likert' AND a.value >= 4) \
                     OR (q.kind = 'good_average_poor' AND a.value = {good}) THEN 1 ELSE 0 END) \
                     AS BIGINT), \
                COUNT(*), CAST(0 AS BIGINT) \
           FROM surveys s JOIN survey_questions q ON q.survey_id = s.id \
             JOIN survey_answers a ON a.survey_id = s.id AND a.question_id = q.id \
           WHERE {surveys} AND q.tag IS NOT NULL AND s.status IN ('closed', 'archived') \
             AND s.closed_at >= $1 AND s.closed_at < $2 \
           GROUP BY s.community_id, q.tag \
         UNION ALL SELECT community_id, 'service_good_rate', \
                CAST(SUM(CASE WHEN grade = 'good' THEN 1 ELSE 0 END) AS BIGINT), COUNT(*), \
                CAST(0 AS BIGINT) \
           FROM service_ratings WHERE {ratings} AND created_at >= $1 AND created_at < $2 \
           GROUP BY community_id",
        wishes = batch.scope("w.community_id"),
        votes = batch.scope("v.community_id"),
        topics = batch.scope("t.community_id"),
        surveys = batch.scope("s.community_id"),
        ratings = batch.scope("community_id"),
        good = crate::surveys::questions::GOOD,
    );
    for row in tally(conn, &rates, window())? {
        set_rate(batch, &row, &row.key);
    }
    rectification(conn, batch, window())?;
    median_days_to_fulfil(conn, batch)
}

/// Records `a / b` under `key` when `key` names a metric (survey tags outside the catalogue
/// are ignored).
fn set_rate(batch: &mut Batch, row: &Tally, key: &str) {
    if let Some(metric) = super::info(key) {
        batch.set(row.community_id, metric.key, Measure::ratio(row.a, row.b));
    }
}

/// Poor ratings of the period, those whose case was accepted before its end, and those whose
/// accepted reply came by the deadline.
fn rectification(
    conn: &mut DbConnection,
    batch: &mut Batch,
    window: Bounds,
) -> Result<(), ApiError> {
    let sql = format!(
        "SELECT r.community_id, '' AS key, COUNT(*) AS a, \
                CAST(SUM(CASE WHEN x.accepted_at < $2 THEN 1 ELSE 0 END) AS BIGINT) AS b, \
                CAST(SUM(CASE WHEN x.accepted_at < $2 AND x.replied_at <= x.due_at \
                     THEN 1 ELSE 0 END) AS BIGINT) AS c \
         FROM service_ratings r JOIN rectifications x ON x.rating_id = r.id \
         WHERE {} AND r.grade = 'poor' AND r.created_at >= $1 AND r.created_at < $2 \
         GROUP BY r.community_id",
        batch.scope("r.community_id")
    );
    for row in tally(conn, &sql, window)? {
        batch.set(
            row.community_id,
            "rectification_rate",
            Measure::ratio(row.b, row.a),
        );
        batch.set(
            row.community_id,
            "rectification_on_time_rate",
            Measure::ratio(row.c, row.a),
        );
    }
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct Fulfilled {
    #[diesel(sql_type = BigInt)]
    community_id: i64,
    #[diesel(sql_type = Timestamp)]
    published_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    confirmed_at: NaiveDateTime,
}

/// The median days from publication to confirmed fulfilment, over wishes confirmed in the period.
fn median_days_to_fulfil(conn: &mut DbConnection, batch: &mut Batch) -> Result<(), ApiError> {
    let sql = format!(
        "SELECT w.community_id, w.published_at, c.confirmed_at \
         FROM wishes w JOIN wish_claims c ON c.wish_id = w.id \
         WHERE {} AND c.status = 'confirmed' AND w.published_at IS NOT NULL \
           AND c.confirmed_at >= $1 AND c.confirmed_at < $2",
        batch.scope("w.community_id")
    );
    let rows: Vec<Fulfilled> = diesel::sql_query(numbered(conn, &sql))
        .bind::<Timestamp, _>(batch.period.start())
        .bind::<Timestamp, _>(batch.period.end())
        .load(conn)?;
    for id in batch.ids.clone() {
        let mut seconds: Vec<i64> = rows
            .iter()
            .filter(|r| r.community_id == id)
            .map(|r| (r.confirmed_at - r.published_at).num_seconds())
            .collect();
        batch.set(id, "wish_median_days_to_fulfil", median_days(&mut seconds));
    }
    Ok(())
}

const SECONDS_PER_DAY: i64 = 86_400;

fn median_days(seconds: &mut [i64]) -> Option<Measure> {
    seconds.sort_unstable();
    let n = seconds.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Measure::ratio(seconds[n / 2], SECONDS_PER_DAY),
        _ => Measure::ratio(seconds[n / 2 - 1] + seconds[n / 2], 2 * SECONDS_PER_DAY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts_in_days() {
        assert_eq!(median_days(&mut []), None);
        let day = SECONDS_PER_DAY;
        assert_eq!(
            median_days(&mut [5 * day, day, 3 * day]),
            Some(Measure::from_int(3))
        );
        // (2 + 3) / 2 = 2.5 days.
        assert_eq!(
            median_days(&mut [4 * day, 2 * day, 3 * day, day]),
            Some(Measure::from_raw(25_000))
        );
    }
}
