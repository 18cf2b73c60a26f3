//! The audience: frozen when the survey opens, so the response rate has a fixed denominator
//! that later sign-ups cannot move, and the record of who has answered, which says nothing
//! about what or when.

use super::store::SurveyRow;
use super::types::Audience;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::{households, memberships, survey_audience};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// Verified memberships of active users in the community (`$2`), with their household.
const VERIFIED: &str = "FROM memberships m JOIN users u ON u.id = m.user_id \
     WHERE m.community_id = $2 AND m.status = 'verified' AND u.status = 'active'";

/// Writes the audience of `survey` and returns its size: people, or households when the
/// survey is one per household.
pub fn freeze(conn: &mut DbConnection, survey: &SurveyRow) -> Result<i64, ApiError> {
    let insert = "INSERT INTO survey_audience (survey_id, user_id, household_id, responded)";
    let (query, group) = match survey.audience()? {
        Audience::Residents => (
            format!("{insert} SELECT $1, m.user_id, m.household_id, FALSE {VERIFIED}"),
            None,
        ),
        Audience::Households => (
            format!(
                "{insert} SELECT $1, m.user_id, m.household_id, FALSE {VERIFIED} \
                 AND m.household_id IS NOT NULL"
            ),
            None,
        ),
        // Participants who checked in (attendance not rejected), residents or not.
        Audience::Activity => (
            format!(
                "{insert} SELECT DISTINCT $1, a.user_id, m.household_id, FALSE \
                 FROM attendance a LEFT JOIN memberships m ON m.user_id = a.user_id \
                 AND m.community_id = $2 AND m.status = 'verified' \
                 WHERE a.activity_id = $3 AND a.status <> 'rejected'"
            ),
            survey.activity_id,
        ),
        Audience::Organisation => (
            format!(
                "{insert} SELECT $1, o.user_id, m.household_id, FALSE \
                 FROM organisation_members o LEFT JOIN memberships m ON m.user_id = o.user_id \
                 AND m.community_id = $2 AND m.status = 'verified' \
                 WHERE o.organisation_id = $3"
            ),
            survey.organisation_id,
        ),
    };
    let query = diesel::sql_query(query)
        .bind::<BigInt, _>(survey.id)
        .bind::<BigInt, _>(survey.community_id);
    // SQLite numbers `$n` parameters as they first appear: bind `$3` only where it is used.
    match group {
        Some(group) => query.bind::<BigInt, _>(group).execute(conn)?,
        None => query.execute(conn)?,
    };
    let listed = survey_audience::table.filter(survey_audience::survey_id.eq(survey.id));
    let size = match survey.audience()? {
        Audience::Households => listed
            .select(diesel::dsl::count(survey_audience::household_id).aggregate_distinct())
            .get_result(conn)?,
        _ => listed.count().get_result(conn)?,
    };
    Ok(size)
}

#[derive(Debug, Clone, Copy, Queryable)]
pub struct Entry {
    pub household_id: Option<i64>,
    pub responded: bool,
}

/// The user's place in the survey's frozen audience, if they have one.
pub fn entry(
    conn: &mut DbConnection,
    survey_id: i64,
    user_id: i64,
) -> Result<Option<Entry>, ApiError> {
    Ok(survey_audience::table
        .filter(survey_audience::survey_id.eq(survey_id))
        .filter(survey_audience::user_id.eq(user_id))
        .select((survey_audience::household_id, survey_audience::responded))
        .first(conn)
        .optional()?)
}

/// Marks the respondent (and in a household survey, their whole household) as having
/// answered; false if they (or it) already had. The condition is checked by the update
/// itself, so of many responses sent at once exactly one gets through.
pub fn mark_responded(
    conn: &mut DbConnection,
    survey: &SurveyRow,
    user_id: i64,
    entry: Entry,
) -> Result<bool, ApiError> {
    let unanswered = survey_audience::table
        .filter(survey_audience::survey_id.eq(survey.id))
        .filter(survey_audience::responded.eq(false));
    let marked = match (survey.audience()?, entry.household_id) {
        (Audience::Households, Some(household)) => {
            diesel::update(unanswered.filter(survey_audience::household_id.eq(household)))
                .set(survey_audience::responded.eq(true))
                .execute(conn)?
        }
        _ => diesel::update(unanswered.filter(survey_audience::user_id.eq(user_id)))
            .set(survey_audience::responded.eq(true))
            .execute(conn)?,
    };
    Ok(marked > 0)
}

/// The grid the respondent lives in, for the breakdown by grid.
pub fn grid_of(
    conn: &mut DbConnection,
    community_id: i64,
    user_id: i64,
) -> Result<Option<i64>, ApiError> {
    Ok(memberships::table
        .inner_join(households::table.on(households::id.nullable().eq(memberships::household_id)))
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::status.eq("verified"))
        .select(households::grid_id)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}
