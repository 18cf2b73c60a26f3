//! Volunteers (志愿者): profiles with skills and weekly availability, service teams, honour
//! hours back-filled by staff, star levels and the service record certificate
//! (志愿服务记录证明), leaderboards, and anomaly flags for staff.
//!
//! Service hours are read from `service_hours`, the permanent record: credit rows come from
//! activity settlement (the activities module), honour rows from back-fills here. Hours are
//! kept and computed in whole minutes; people read them as text with one decimal, rounded
//! down, so no float ever reaches a certificate.

pub mod anomalies;
pub mod certificate;
pub mod hours;
pub mod leaderboards;
pub mod profiles;
mod report_routes;
pub mod routes;
pub mod team_members;
mod team_routes;
pub mod teams;

use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::roles::{Permission, standing};
use crate::schema::{service_hours, volunteer_profiles};
use diesel::dsl::sum;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Hours with one decimal, rounded down ("12.5" for 12 h 35 min): never more than served.
pub fn hours_text(minutes: i64) -> String {
    let minutes = minutes.max(0);
    format!("{}.{}", minutes / 60, minutes % 60 / 6)
}

/// Where a volunteer stands: total verified hours (credit and honour) and the star level
/// they earn under the community's thresholds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ServiceSummary {
    pub total_minutes: i64,
    /// Hours with one decimal, rounded down, as text.
    pub total_hours: String,
    /// How many of the community's star thresholds the total reaches (0 to their number).
    pub star_level: usize,
    /// The threshold (in hours) of the next star; null at the top level.
    pub next_star_hours: Option<i64>,
}

impl ServiceSummary {
    pub fn new(total_minutes: i64, star_thresholds_hours: &[i64]) -> Self {
        // Compared in minutes, so that 99 h 59 min is not rounded up to a 100-hour star.
        let reached = |hours: &&i64| total_minutes >= hours.saturating_mul(60);
        Self {
            total_minutes,
            total_hours: hours_text(total_minutes),
            star_level: star_thresholds_hours.iter().filter(reached).count(),
            next_star_hours: star_thresholds_hours.iter().find(|h| !reached(h)).copied(),
        }
    }
}

/// Total service minutes of each of `user_ids` in the community (absent: none).
pub fn total_minutes(
    conn: &mut DbConnection,
    community_id: i64,
    user_ids: &[i64],
) -> Result<HashMap<i64, i64>, ApiError> {
    let rows: Vec<(i64, Option<i64>)> = service_hours::table
        .filter(service_hours::community_id.eq(community_id))
        .filter(service_hours::user_id.eq_any(user_ids))
        .group_by(service_hours::user_id)
        .select((service_hours::user_id, sum(service_hours::minutes)))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user, minutes)| (user, minutes.unwrap_or(0)))
        .collect())
}

/// Whether the person has a volunteer profile in the community.
pub fn has_profile(conn: &mut DbConnection, community_id: i64, user_id: i64) -> ApiResult<bool> {
    let found: i64 = volunteer_profiles::table
        .filter(volunteer_profiles::community_id.eq(community_id))
        .filter(volunteer_profiles::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Allows the caller to read `user_id`'s volunteer record: their own with `Volunteer`,
/// anyone's with `ManageVolunteers`. The person must be known to the community (a profile,
/// service hours, or standing there); 404 otherwise, as for another community's people.
pub fn require_reader(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    user_id: i64,
) -> ApiResult<()> {
    let permission = if user_id == caller.user_id {
        Permission::Volunteer
    } else {
        Permission::ManageVolunteers
    };
    standing::require(conn, caller.user_id, community_id, permission)?;
    let served: i64 = service_hours::table
        .filter(service_hours::community_id.eq(community_id))
        .filter(service_hours::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if served > 0 || has_profile(conn, community_id, user_id)? {
        return Ok(());
    }
    if standing::in_community(conn, user_id, community_id)?
        .roles
        .is_empty()
    {
        return Err(ApiError::not_found());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_round_down_to_a_tenth() {
        assert_eq!(hours_text(0), "0.0");
        assert_eq!(hours_text(5), "0.0");
        assert_eq!(hours_text(6), "0.1");
        assert_eq!(hours_text(755), "12.5");
        assert_eq!(hours_text(779), "12.9");
        assert_eq!(hours_text(780), "13.0");
    }

    #[test]
    fn stars_count_thresholds_reached_in_minutes() {
        let thresholds = [1, 3, 10];
        let at = |minutes| ServiceSummary::new(minutes, &thresholds);
        assert_eq!((at(59).star_level, at(59).next_star_hours), (0, Some(1)));
        assert_eq!((at(60).star_level, at(60).next_star_hours), (1, Some(3)));
        assert_eq!((at(179).star_level, at(179).next_star_hours), (1, Some(3)));
        assert_eq!((at(600).star_level, at(600).next_star_hours), (3, None));
    }
}
