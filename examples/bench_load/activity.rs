//! The run's activities (scenarios c and g): one per community, starting within half an
//! hour, with its sign-ups and a check-in code per participant; after the run, ended,
//! completed and settled. Staff and residents do it through the API, except the end of the
//! activity, which stands in for the passage of time and goes straight to the database (see
//! [`settle`]).

use crate::fixture::Fixture;
use crate::http::Api;
use crate::prepare::{at, id_of};
use chrono::TimeDelta;
use diesel::prelude::*;
use futures_util::stream::{self, StreamExt};
use reqwest::Method;
use serde_json::json;
use std::collections::HashSet;
use std::time::{Duration, Instant};
use wushe::db::{Db, DbConnection, numbered, write_tx};

/// The largest activity the API allows.
pub const MAX_CAPACITY: usize = 10_000;

/// An activity of one community for the run: who signed up, with a check-in code each.
pub struct Activity {
    pub id: i64,
    /// (resident index in the fixture, code).
    pub checkins: Vec<(usize, String)>,
}

/// Per community, an activity starting in 25 minutes (check-in opens 30 minutes before the
/// start, so at once), which the first `participants[c]` residents free at the time sign up
/// to through the API (`connections` at a time), and a check-in code for each from its
/// organiser.
pub async fn open_activities(
    api: &Api,
    db: Option<&Db>,
    fx: &Fixture,
    participants: &[usize],
    connections: usize,
) -> Result<Vec<Activity>, String> {
    let db = db.ok_or("opening activities needs the database")?;
    let window = (wushe::db::now(), wushe::db::now() + TimeDelta::minutes(150));
    let busy: HashSet<i64> = db
        .run(move |conn| Ok(busy(conn, window)?))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let started = Instant::now();
    let mut activities: Vec<Activity> = Vec::new();
    for (c, &wanted) in fx.communities.iter().zip(participants) {
        let chosen: Vec<usize> = (0..c.residents.len())
            .filter(|&r| !busy.contains(&c.residents[r].id))
            .take(wanted.min(MAX_CAPACITY))
            .collect();
        let n = chosen.len();
        let body = json!({
            "title": "负载测试：社区清洁日", "place": "小区广场",
            "starts_at": at(TimeDelta::minutes(25)), "ends_at": at(TimeDelta::minutes(145)),
            "capacity": n.max(1), "points_rule": "fixed", "points_amount": 10,
        });
        let path = format!("/communities/{}/activities", c.id);
        let created = api
            .expect(Method::POST, &path, &c.staff.token, Some(&body), 201)
            .await?;
        let id = id_of(&created, "activity")?;
        let path = format!("/communities/{}/activities/{id}", c.id);
        api.expect(
            Method::POST,
            &format!("{path}/publish"),
            &c.staff.token,
            Some(&json!({})),
            200,
        )
        .await?;
        let signups = stream::iter(chosen.iter().map(|&r| &c.residents[r]))
            .map(|resident| {
                let path = format!("{path}/signups");
                async move {
                    api.expect(Method::POST, &path, &resident.token, None, 201)
                        .await
                }
            })
            .buffer_unordered(connections);
        let failed: Vec<String> = signups
            .filter_map(|r| async move { r.err() })
            .collect()
            .await;
        if let Some(first) = failed.first() {
            return Err(format!(
                "{} sign-ups failed, the first: {first}",
                failed.len()
            ));
        }
        let mut codes = Vec::with_capacity(n);
        while codes.len() < n {
            let count = (n - codes.len()).min(500);
            let body = json!({ "purpose": "check_in", "count": count, "valid_minutes": 1440 });
            let issued = api
                .expect(
                    Method::POST,
                    &format!("{path}/codes"),
                    &c.staff.token,
                    Some(&body),
                    201,
                )
                .await?;
            let batch = issued["codes"].as_array().cloned().unwrap_or_default();
            if batch.is_empty() {
                return Err(format!("no codes in {issued}"));
            }
            codes.extend(batch.iter().filter_map(|v| v.as_str().map(String::from)));
        }
        activities.push(Activity {
            id,
            checkins: chosen.into_iter().zip(codes).collect(),
        });
    }
    let signed: usize = activities.iter().map(|a| a.checkins.len()).sum();
    eprintln!(
        "{signed} residents signed up to the run's activities and got codes in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(activities)
}

/// People with attendance (not rejected) overlapping `window`, somewhere: a check-in of theirs
/// would be refused as a schedule conflict, so they are left out of the run's activities.
fn busy(
    conn: &mut DbConnection,
    (from, to): (chrono::NaiveDateTime, chrono::NaiveDateTime),
) -> Result<HashSet<i64>, diesel::result::Error> {
    use diesel::sql_types::{BigInt, Timestamp};
    #[derive(QueryableByName)]
    struct Busy {
        #[diesel(sql_type = BigInt)]
        user_id: i64,
    }
    let sql = numbered(
        conn,
        "SELECT DISTINCT a.user_id FROM attendance a JOIN activities ac ON ac.id = a.activity_id \
         WHERE a.status <> 'rejected' AND a.started_at < $2 \
         AND COALESCE(a.ended_at, ac.ends_at) > $1",
    );
    let rows: Vec<Busy> = diesel::sql_query(sql)
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to)
        .load(conn)?;
    Ok(rows.into_iter().map(|b| b.user_id).collect())
}

/// Moves each activity's window to end now and verifies its attendance, as the check-outs at
/// its end would have (the database is told directly: a run cannot wait two hours).
fn end_now(
    conn: &mut DbConnection,
    activity: i64,
    began: chrono::NaiveDateTime,
) -> Result<(), String> {
    let now = wushe::db::now();
    let starts = began.min(now - TimeDelta::minutes(15));
    let minutes = (now - starts).num_minutes().max(1) as i32;
    let result: Result<(), diesel::result::Error> = write_tx(conn, |conn| {
        use diesel::sql_types::{BigInt, Integer, Timestamp};
        let sql = numbered(
            conn,
            "UPDATE activities SET starts_at = $2, signup_deadline = $2, ends_at = $3 WHERE id = $1",
        );
        diesel::sql_query(sql)
            .bind::<BigInt, _>(activity)
            .bind::<Timestamp, _>(starts)
            .bind::<Timestamp, _>(now)
            .execute(conn)?;
        let sql = numbered(
            conn,
            "UPDATE attendance SET status = 'verified', ended_at = $2, minutes = $3 \
             WHERE activity_id = $1 AND status = 'open'",
        );
        diesel::sql_query(sql)
            .bind::<BigInt, _>(activity)
            .bind::<Timestamp, _>(now)
            .bind::<Integer, _>(minutes)
            .execute(conn)?;
        Ok(())
    });
    result.map_err(|e| format!("ending activity {activity}: {e}"))
}

/// Ends the run's activities, has their organisers complete them, and times settling them
/// (every verified participant credited through the ledger). Returns the settling time and
/// how many were credited.
pub async fn settle(
    api: &Api,
    db: Option<&Db>,
    fx: &Fixture,
    activities: &[Option<Activity>],
    began: chrono::NaiveDateTime,
) -> Result<(Duration, usize), String> {
    let ours: Vec<_> = fx
        .communities
        .iter()
        .zip(activities)
        .filter_map(|(c, a)| a.as_ref().map(|a| (c, a)))
        .collect();
    let db = db.ok_or("settling needs the database")?;
    for (_, activity) in &ours {
        let id = activity.id;
        db.run(move |conn| end_now(conn, id, began).map_err(wushe::error::ApiError::internal))
            .await
            .map_err(|e| format!("{e:?}"))?;
    }
    for (c, activity) in &ours {
        let path = format!("/communities/{}/activities/{}/complete", c.id, activity.id);
        api.expect(Method::POST, &path, &c.staff.token, Some(&json!({})), 200)
            .await?;
    }
    let (started, mut credited) = (Instant::now(), 0);
    for (c, activity) in &ours {
        let path = format!("/communities/{}/activities/{}/settle", c.id, activity.id);
        let settled = api
            .expect(Method::POST, &path, &c.staff.token, Some(&json!({})), 200)
            .await?;
        credited += settled["credits"].as_array().map_or(0, Vec::len);
    }
    Ok((started.elapsed(), credited))
}
