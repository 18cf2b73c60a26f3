//! An activity's terms as an organiser sets them: checked against the community and the clock,
//! then written (on creation, and replaced on edits before the start).

use super::types::ActivityRequest;
use crate::db::DbConnection;
use crate::error::{ApiError, FieldError};
use crate::memberships::store::is_verified;
use crate::points::settings;
use crate::schema::volunteer_teams as teams;
use crate::schema::{activities, activity_credit_rules as rules, activity_skills, grids};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use std::collections::BTreeSet;

/// The longest window an activity may have; longer service is several activities.
const MAX_WINDOW: TimeDelta = TimeDelta::hours(24);
/// The shortest: below it the coverage rule and hourly points stop meaning anything.
const MIN_WINDOW: TimeDelta = TimeDelta::minutes(15);
/// How far ahead activities are planned; also keeps timestamps inside what both databases
/// store and compare correctly.
const PLANNING_HORIZON: TimeDelta = TimeDelta::days(2 * 366);

/// A request that passed every check, with its times resolved.
pub struct Terms<'a> {
    pub request: &'a ActivityRequest,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub signup_deadline: NaiveDateTime,
    pub skills: BTreeSet<String>,
}

impl Terms<'_> {
    pub fn window_minutes(&self) -> i64 {
        super::attendance::minutes_between(self.starts_at, self.ends_at)
    }

    /// Time credits held from the resident served: every place for the whole window.
    pub fn escrow_minutes(&self) -> i64 {
        match self.request.service_recipient_id {
            Some(_) => i64::from(self.request.capacity) * self.window_minutes(),
            None => 0,
        }
    }
}

pub fn check<'a>(
    conn: &mut DbConnection,
    community_id: i64,
    request: &'a ActivityRequest,
    now: NaiveDateTime,
) -> Result<Terms<'a>, ApiError> {
    let starts_at = request.starts_at.naive_utc();
    let ends_at = request.ends_at.naive_utc();
    let signup_deadline = request.signup_deadline.map_or(starts_at, |d| d.naive_utc());
    let mut problems = Vec::new();
    if starts_at < now {
        problems.push(FieldError::new("starts_at", "in_the_past"));
    } else if starts_at > now + PLANNING_HORIZON {
        problems.push(FieldError::new("starts_at", "too_far"));
    }
    if ends_at <= starts_at {
        problems.push(FieldError::new("ends_at", "before_start"));
    } else if ends_at - starts_at > MAX_WINDOW {
        problems.push(FieldError::new("ends_at", "too_long"));
    } else if ends_at - starts_at < MIN_WINDOW {
        problems.push(FieldError::new("ends_at", "too_short"));
    }
    // Sign-ups close at the start at the latest: the place must be known before it begins.
    if signup_deadline > starts_at {
        problems.push(FieldError::new("signup_deadline", "after_start"));
    } else if signup_deadline < now {
        problems.push(FieldError::new("signup_deadline", "in_the_past"));
    }
    if let Some(grid_id) = request.grid_id {
        let known: i64 = grids::table
            .filter(grids::id.eq(grid_id))
            .filter(grids::community_id.eq(community_id))
            .count()
            .get_result(conn)?;
        if known == 0 {
            problems.push(FieldError::new("grid_id", "not_found"));
        }
    }
    if let Some(team_id) = request.team_id {
        let known: i64 = teams::table
            .filter(teams::id.eq(team_id))
            .filter(teams::community_id.eq(community_id))
            .count()
            .get_result(conn)?;
        if known == 0 {
            problems.push(FieldError::new("team_id", "not_found"));
        }
    }
    if let Some(recipient) = request.service_recipient_id {
        if !settings::load(conn, community_id)?.time_bank_enabled {
            problems.push(FieldError::new(
                "service_recipient_id",
                "time_bank_disabled",
            ));
        } else if !is_verified(conn, community_id, recipient)? {
            problems.push(FieldError::new("service_recipient_id", "not_a_member"));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    Ok(Terms {
        request,
        starts_at,
        ends_at,
        signup_deadline,
        skills: request
            .required_skills
            .iter()
            .map(|s| s.trim().to_owned())
            .collect(),
    })
}

/// Inserts a new draft activity with its rule and skills; returns its id.
pub fn insert(
    conn: &mut DbConnection,
    community_id: i64,
    organiser_id: i64,
    terms: &Terms,
    now: NaiveDateTime,
) -> Result<i64, ApiError> {
    let request = terms.request;
    let id: i64 = diesel::insert_into(activities::table)
        .values((
            activities::community_id.eq(community_id),
            activities::title.eq(request.title.trim()),
            activities::description.eq(request.description.as_deref().map(str::trim)),
            activities::place.eq(request.place.trim()),
            activities::grid_id.eq(request.grid_id),
            activities::team_id.eq(request.team_id),
            activities::starts_at.eq(terms.starts_at),
            activities::ends_at.eq(terms.ends_at),
            activities::signup_deadline.eq(terms.signup_deadline),
            activities::capacity.eq(request.capacity),
            activities::status.eq(super::types::Status::Draft.as_str()),
            activities::organiser_id.eq(organiser_id),
            activities::created_at.eq(now),
            activities::updated_at.eq(now),
        ))
        .returning(activities::id)
        .get_result(conn)?;
    write_rule_and_skills(conn, id, terms)?;
    Ok(id)
}

/// Replaces the terms of an activity that has not started.
pub fn replace(
    conn: &mut DbConnection,
    activity_id: i64,
    terms: &Terms,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let request = terms.request;
    diesel::update(activities::table.find(activity_id))
        .set((
            activities::title.eq(request.title.trim()),
            activities::description.eq(request.description.as_deref().map(str::trim)),
            activities::place.eq(request.place.trim()),
            activities::grid_id.eq(request.grid_id),
            activities::team_id.eq(request.team_id),
            activities::starts_at.eq(terms.starts_at),
            activities::ends_at.eq(terms.ends_at),
            activities::signup_deadline.eq(terms.signup_deadline),
            activities::capacity.eq(request.capacity),
            activities::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::delete(rules::table.find(activity_id)).execute(conn)?;
    diesel::delete(activity_skills::table.filter(activity_skills::activity_id.eq(activity_id)))
        .execute(conn)?;
    write_rule_and_skills(conn, activity_id, terms)
}

fn write_rule_and_skills(
    conn: &mut DbConnection,
    activity_id: i64,
    terms: &Terms,
) -> Result<(), ApiError> {
    let request = terms.request;
    diesel::insert_into(rules::table)
        .values((
            rules::activity_id.eq(activity_id),
            rules::points_rule.eq(request.points_rule.as_str()),
            rules::points_amount.eq(request.points_amount),
            rules::service_recipient_id.eq(request.service_recipient_id),
            rules::escrow_minutes.eq(terms.escrow_minutes()),
        ))
        .execute(conn)?;
    for skill in &terms.skills {
        diesel::insert_into(activity_skills::table)
            .values((
                activity_skills::activity_id.eq(activity_id),
                activity_skills::skill.eq(skill),
            ))
            .execute(conn)?;
    }
    Ok(())
}
