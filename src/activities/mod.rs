//! Volunteer activities (志愿服务活动): their lifecycle, sign-ups with a waitlist, attendance by
//! one-time codes or self-report, and settlement into service hours, points and time credits.
//!
//! Lifecycle: `draft → published → (in_progress) → completed → settled`, or `cancelled`.
//! `in_progress` is not stored: it is a published activity whose window has begun.

pub mod attendance;
pub mod attendance_routes;
pub mod codes;
pub mod lifecycle;
pub mod review;
pub mod routes;
pub mod settlement;
pub mod signup_routes;
pub mod signups;
pub mod store;
pub mod terms;
pub mod time_bank;
pub mod types;

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::activities;
use diesel::prelude::*;

/// Takes the activity's row lock for the rest of the write transaction, so that two sign-ups
/// cannot both take the last place and two settlements cannot both see it unsettled. On
/// SQLite the write transaction already holds the database lock; this is then a no-op write.
pub fn lock(conn: &mut DbConnection, community_id: i64, activity_id: i64) -> Result<(), ApiError> {
    let touched = diesel::update(
        activities::table
            .filter(activities::id.eq(activity_id))
            .filter(activities::community_id.eq(community_id)),
    )
    .set(activities::updated_at.eq(activities::updated_at))
    .execute(conn)?;
    if touched == 0 {
        return Err(ApiError::not_found());
    }
    Ok(())
}
