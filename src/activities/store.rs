//! Reading activities: one with its terms, or a filtered page of them.

use super::signups::SignupStatus;
use super::types::{ActivityFilter, ActivityView, PointsRule, Status};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::memberships::Status as Residency;
use crate::schema::{
    activities, activity_credit_rules as rules, activity_signups as signups, activity_skills,
    households, memberships,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// An activity's stored columns with its credit rule: what the lifecycle code works on.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = activities)]
pub struct ActivityRow {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub place: String,
    pub grid_id: Option<i64>,
    pub team_id: Option<i64>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub signup_deadline: NaiveDateTime,
    pub capacity: i32,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub organiser_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rules)]
pub struct CreditRule {
    pub points_rule: String,
    pub points_amount: i64,
    pub service_recipient_id: Option<i64>,
    pub escrow_minutes: i64,
}

impl CreditRule {
    pub fn rule(&self) -> Result<PointsRule, ApiError> {
        PointsRule::parse(&self.points_rule)
            .ok_or_else(|| ApiError::internal(format!("unknown points rule {}", self.points_rule)))
    }
}

impl ActivityRow {
    /// The stored status, with `published` shown as `in_progress` once the window has begun.
    pub fn status_at(&self, now: NaiveDateTime) -> Result<Status, ApiError> {
        let stored = Status::parse(&self.status).ok_or_else(|| {
            ApiError::internal(format!("unknown activity status {}", self.status))
        })?;
        Ok(match stored {
            Status::Published if now >= self.starts_at => Status::InProgress,
            other => other,
        })
    }

    pub fn window_minutes(&self) -> i64 {
        super::attendance::minutes_between(self.starts_at, self.ends_at)
    }
}

/// The activity and its rule, or 404 if it is not in this community.
pub fn find(
    conn: &mut DbConnection,
    community_id: i64,
    activity_id: i64,
) -> Result<(ActivityRow, CreditRule), ApiError> {
    Ok(activities::table
        .inner_join(rules::table)
        .filter(activities::id.eq(activity_id))
        .filter(activities::community_id.eq(community_id))
        .select((ActivityRow::as_select(), CreditRule::as_select()))
        .first(conn)?)
}

pub fn view(
    conn: &mut DbConnection,
    community_id: i64,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<ActivityView, ApiError> {
    let found = find(conn, community_id, activity_id)?;
    view_of(conn, found, now)
}

/// The view of an activity already loaded.
pub fn view_of(
    conn: &mut DbConnection,
    found: (ActivityRow, CreditRule),
    now: NaiveDateTime,
) -> Result<ActivityView, ApiError> {
    let mut views = to_views(conn, vec![found], now)?;
    views.pop().ok_or_else(ApiError::not_found)
}

/// The grid of the caller's household in the community, for "near me".
fn home_grid(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
) -> Result<Option<i64>, ApiError> {
    Ok(memberships::table
        .inner_join(households::table)
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::status.eq(Residency::Verified.as_str()))
        .select(households::grid_id)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}

/// A page of the community's activities, newest first. Drafts only for organisers.
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    caller_id: i64,
    show_drafts: bool,
    filter: &ActivityFilter,
    page: Page,
    now: NaiveDateTime,
) -> Result<Vec<ActivityView>, ApiError> {
    let mut query = activities::table
        .inner_join(rules::table)
        .filter(activities::community_id.eq(community_id))
        .filter(activities::id.lt(page.before_id))
        .into_boxed();
    if !show_drafts {
        query = query.filter(activities::status.ne(Status::Draft.as_str()));
    }
    query = match filter.status {
        // Under way, or over and waiting for the organiser to complete it.
        Some(Status::InProgress) => query
            .filter(activities::status.eq(Status::Published.as_str()))
            .filter(activities::starts_at.le(now)),
        Some(Status::Published) => query
            .filter(activities::status.eq(Status::Published.as_str()))
            .filter(activities::starts_at.gt(now)),
        Some(status) => query.filter(activities::status.eq(status.as_str())),
        None => query,
    };
    if let Some(from) = filter.from {
        query = query.filter(activities::starts_at.ge(from.naive_utc()));
    }
    if let Some(to) = filter.to {
        query = query.filter(activities::starts_at.lt(to.naive_utc()));
    }
    if let Some(skill) = &filter.skill {
        let needing = activity_skills::table
            .filter(activity_skills::skill.eq(skill.trim().to_owned()))
            .select(activity_skills::activity_id);
        query = query.filter(activities::id.eq_any(needing));
    }
    let grid = match (filter.near_me, filter.grid_id) {
        (true, _) => Some(home_grid(conn, community_id, caller_id)?.unwrap_or(-1)),
        (false, grid) => grid,
    };
    if let Some(grid) = grid {
        query = query.filter(activities::grid_id.eq(grid));
    }
    let rows = query
        .order(activities::id.desc())
        .limit(page.limit + 1)
        .select((ActivityRow::as_select(), CreditRule::as_select()))
        .load(conn)?;
    to_views(conn, rows, now)
}

/// Adds skills and sign-up counts to rows, with one query each for the whole set.
fn to_views(
    conn: &mut DbConnection,
    rows: Vec<(ActivityRow, CreditRule)>,
    now: NaiveDateTime,
) -> Result<Vec<ActivityView>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|(a, _)| a.id).collect();
    let mut skills: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, skill) in activity_skills::table
        .filter(activity_skills::activity_id.eq_any(&ids))
        .order((activity_skills::activity_id, activity_skills::skill))
        .load::<(i64, String)>(conn)?
    {
        skills.entry(id).or_default().push(skill);
    }
    let counts: HashMap<(i64, String), i64> = signups::table
        .filter(signups::activity_id.eq_any(&ids))
        .group_by((signups::activity_id, signups::status))
        .select((
            signups::activity_id,
            signups::status,
            diesel::dsl::count_star(),
        ))
        .load::<(i64, String, i64)>(conn)?
        .into_iter()
        .map(|(id, status, n)| ((id, status), n))
        .collect();
    let count = |id: i64, status: &str| counts.get(&(id, status.to_owned())).copied().unwrap_or(0);
    rows.into_iter()
        .map(|(a, rule)| {
            Ok(ActivityView {
                status: a.status_at(now)?,
                points_rule: rule.rule()?,
                points_amount: rule.points_amount,
                time_bank_service: rule.service_recipient_id.is_some(),
                required_skills: skills.remove(&a.id).unwrap_or_default(),
                confirmed: count(a.id, SignupStatus::Confirmed.as_str()),
                waitlisted: count(a.id, SignupStatus::Waitlisted.as_str()),
                id: a.id,
                community_id: a.community_id,
                title: a.title,
                description: a.description,
                place: a.place,
                grid_id: a.grid_id,
                team_id: a.team_id,
                starts_at: a.starts_at.and_utc(),
                ends_at: a.ends_at.and_utc(),
                signup_deadline: a.signup_deadline.and_utc(),
                capacity: a.capacity,
                cancel_reason: a.cancel_reason,
                organiser_id: a.organiser_id,
                created_at: a.created_at.and_utc(),
                updated_at: a.updated_at.and_utc(),
            })
        })
        .collect()
}
