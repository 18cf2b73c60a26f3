//! Scheduled reminders: an activity starting within a day (to those confirmed on it), a vote
//! closing within a day (to electors who have not voted), a survey closing within two days
//! (to its audience who have not answered), and a rectification falling due within a day (to
//! the community's staff who answer ratings). Each carries a key, so a person is reminded
//! once however often the job runs (and again when the time moves).

use super::notice::Notice;
use super::notify::notify;
use crate::db::{DbConnection, joined_text, numbered};
use crate::error::ApiError;
use crate::roles::Permission;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde::Serialize;

const ACTIVITY_LEAD: TimeDelta = TimeDelta::hours(24);
const VOTE_LEAD: TimeDelta = TimeDelta::hours(24);
const SURVEY_LEAD: TimeDelta = TimeDelta::hours(48);
const RECTIFICATION_LEAD: TimeDelta = TimeDelta::hours(24);
/// Rectifications overdue longer than this are the region's business, not a reminder's.
const OVERDUE_LOOKBACK: TimeDelta = TimeDelta::days(30);

/// People told in one run, by kind of reminder.
#[derive(Debug, Default, Serialize)]
pub struct Reminded {
    pub activities: usize,
    pub votes: usize,
    pub surveys: usize,
    pub rectifications: usize,
}

/// Something falling due, with whom to remind of it.
#[derive(diesel::QueryableByName)]
struct Due {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    community_id: i64,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    place: String,
    #[diesel(sql_type = Timestamp)]
    at: NaiveDateTime,
    /// Comma-separated user ids.
    #[diesel(sql_type = Text)]
    people: String,
}

/// Runs `sql` (what falls due in the window `$1`, exclusive, to `$2`, with whom to remind)
/// and tells each its people of `notice_of` it, once: the key is the notice's subject and the
/// time it falls due, so a rescheduled activity or a new deadline is reminded of again.
fn remind(
    conn: &mut DbConnection,
    sql: &str,
    (from, to): (NaiveDateTime, NaiveDateTime),
    notice_of: impl Fn(&Due) -> Notice,
) -> Result<usize, ApiError> {
    let due: Vec<Due> = diesel::sql_query(numbered(conn, sql))
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to)
        .load(conn)?;
    let mut told = 0;
    for item in &due {
        let notice = notice_of(item);
        let (subject, id) = notice
            .subject()
            .ok_or_else(|| ApiError::internal("a reminder without a subject"))?;
        let key = format!("{subject}:{id}:{}", item.at.and_utc().timestamp());
        let people: Vec<i64> = item
            .people
            .split(',')
            .filter_map(|id| id.trim().parse().ok())
            .collect();
        told += notify(conn, Some(item.community_id), &notice, &people, Some(&key))?;
    }
    Ok(told)
}

pub fn run(conn: &mut DbConnection, at: NaiveDateTime) -> Result<Reminded, ApiError> {
    Ok(Reminded {
        activities: activities(conn, at)?,
        votes: votes(conn, at)?,
        surveys: surveys(conn, at)?,
        rectifications: rectifications(conn, at)?,
    })
}

fn activities(conn: &mut DbConnection, at: NaiveDateTime) -> Result<usize, ApiError> {
    let sql = format!(
        "SELECT a.id, a.community_id, a.title, a.place, a.starts_at AS at, {} AS people \
         FROM activities a JOIN activity_signups s ON s.activity_id = a.id \
         WHERE a.status = 'published' AND a.starts_at > $1 AND a.starts_at <= $2 \
           AND s.status = 'confirmed' \
         GROUP BY a.id, a.community_id, a.title, a.place, a.starts_at",
        joined_text(conn, "s.user_id")
    );
    remind(conn, &sql, (at, at + ACTIVITY_LEAD), |activity| {
        Notice::ActivityReminder {
            activity_id: activity.id,
            title: activity.title.clone(),
            starts_at: activity.at,
            place: activity.place.clone(),
        }
    })
}

fn votes(conn: &mut DbConnection, at: NaiveDateTime) -> Result<usize, ApiError> {
    let sql = format!(
        "SELECT v.id, v.community_id, v.question AS title, '' AS place, v.closes_at AS at, \
                {} AS people \
         FROM votes v JOIN vote_electors e ON e.vote_id = v.id \
         WHERE v.status = 'open' AND v.closes_at > $1 AND v.closes_at <= $2 AND NOT e.voted \
         GROUP BY v.id, v.community_id, v.question, v.closes_at",
        joined_text(conn, "e.elector_id")
    );
    remind(conn, &sql, (at, at + VOTE_LEAD), |vote| {
        Notice::VoteClosingSoon {
            vote_id: vote.id,
            question: vote.title.clone(),
            closes_at: vote.at,
        }
    })
}

fn surveys(conn: &mut DbConnection, at: NaiveDateTime) -> Result<usize, ApiError> {
    let sql = format!(
        "SELECT s.id, s.community_id, s.title, '' AS place, s.closes_at AS at, {} AS people \
         FROM surveys s JOIN survey_audience a ON a.survey_id = s.id \
         WHERE s.status = 'open' AND s.closes_at > $1 AND s.closes_at <= $2 AND NOT a.responded \
         GROUP BY s.id, s.community_id, s.title, s.closes_at",
        joined_text(conn, "a.user_id")
    );
    remind(conn, &sql, (at, at + SURVEY_LEAD), |survey| {
        Notice::SurveyReminder {
            survey_id: survey.id,
            title: survey.title.clone(),
            closes_at: survey.at,
        }
    })
}

/// Open rectifications due within the lead (or overdue by up to a month), to the community's
/// staff who answer ratings; a rejected reply's new deadline is reminded of again.
fn rectifications(conn: &mut DbConnection, at: NaiveDateTime) -> Result<usize, ApiError> {
    let roles = Permission::HandleRatings
        .allowed_roles()
        .iter()
        .map(|role| format!("'{}'", role.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT r.id, r.community_id, '' AS title, '' AS place, r.due_at AS at, {} AS people \
         FROM rectifications r JOIN role_grants g ON g.community_id = r.community_id \
         WHERE r.status = 'open' AND r.due_at > $1 AND r.due_at <= $2 \
           AND g.revoked_at IS NULL AND g.role IN ({roles}) \
         GROUP BY r.id, r.community_id, r.due_at",
        joined_text(conn, "g.user_id")
    );
    let window = (at - OVERDUE_LOOKBACK, at + RECTIFICATION_LEAD);
    remind(conn, &sql, window, |case| Notice::RectificationDue {
        rectification_id: case.id,
        due_at: case.at,
    })
}
