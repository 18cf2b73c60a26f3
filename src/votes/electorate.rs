//! The electorate: frozen when voting opens, so later verifications change nothing, and the
//! record of who has voted, which says nothing about what or when.
//!
//! An elector is a user, or a household when the vote is one per household (户代表); any
//! verified adult of the household may cast its one ballot.

use super::store::VoteRow;
use super::types::{Channel, ElectorateKind};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::schema::{memberships, users, vote_electors};
use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};

/// People born on or before this date are adults on `at` (Beijing date). Residents without a
/// recorded birth date (no ID number given) count as adults: staff verified them in person.
fn adult_born_by(at: NaiveDateTime) -> NaiveDate {
    let today = crate::calendar::local(at).date();
    today
        .checked_sub_months(Months::new(18 * 12))
        .unwrap_or(NaiveDate::MIN)
}

const VERIFIED_ADULTS: &str = "FROM memberships m JOIN users u ON u.id = m.user_id \
     WHERE m.community_id = $2 AND m.status = 'verified' AND u.status = 'active' \
     AND (u.birth_date IS NULL OR u.birth_date <= $3)";

/// Writes the electorate of `vote` as of `at` and returns its size.
pub fn freeze(conn: &mut DbConnection, vote: &VoteRow, at: NaiveDateTime) -> Result<i64, ApiError> {
    // Which column names the elector, and any further condition.
    let (elector, condition) = match vote.electorate()? {
        ElectorateKind::Residents => ("m.user_id", ""),
        ElectorateKind::Households => ("m.household_id", "AND m.household_id IS NOT NULL"),
        // Representatives named when the vote was set up, if still verified adults.
        ElectorateKind::Representatives => (
            "m.user_id",
            "AND m.user_id IN (SELECT user_id FROM vote_representatives WHERE vote_id = $1)",
        ),
    };
    diesel::sql_query(format!(
        "INSERT INTO vote_electors (vote_id, elector_id, voted, channel) \
         SELECT DISTINCT $1, {elector}, FALSE, NULL {VERIFIED_ADULTS} {condition}"
    ))
    .bind::<BigInt, _>(vote.id)
    .bind::<BigInt, _>(vote.community_id)
    .bind::<Date, _>(adult_born_by(at))
    .execute(conn)?;
    Ok(vote_electors::table
        .filter(vote_electors::vote_id.eq(vote.id))
        .count()
        .get_result(conn)?)
}

/// The elector `user_id` votes as in `vote`, if they are in its frozen electorate. In a
/// household vote they must still be a verified adult of a household in it.
pub fn elector_of(
    conn: &mut DbConnection,
    vote: &VoteRow,
    user_id: i64,
) -> Result<Option<i64>, ApiError> {
    let elector = match vote.electorate()? {
        ElectorateKind::Residents | ElectorateKind::Representatives => user_id,
        ElectorateKind::Households => {
            let born: Option<Option<NaiveDate>> = users::table
                .find(user_id)
                .select(users::birth_date)
                .first(conn)
                .optional()?;
            let adult = born
                .flatten()
                .is_none_or(|b| b <= adult_born_by(vote.opens_at));
            let household: Option<Option<i64>> = memberships::table
                .filter(memberships::user_id.eq(user_id))
                .filter(memberships::community_id.eq(vote.community_id))
                .filter(memberships::status.eq("verified"))
                .select(memberships::household_id)
                .first(conn)
                .optional()?;
            match (adult, household.flatten()) {
                (true, Some(household)) => household,
                _ => return Ok(None),
            }
        }
    };
    let listed: i64 = vote_electors::table
        .filter(vote_electors::vote_id.eq(vote.id))
        .filter(vote_electors::elector_id.eq(elector))
        .count()
        .get_result(conn)?;
    Ok((listed > 0).then_some(elector))
}

pub fn has_voted(conn: &mut DbConnection, vote_id: i64, elector: i64) -> Result<bool, ApiError> {
    Ok(vote_electors::table
        .filter(vote_electors::vote_id.eq(vote_id))
        .filter(vote_electors::elector_id.eq(elector))
        .select(vote_electors::voted)
        .first(conn)
        .optional()?
        .unwrap_or(false))
}

/// Marks the elector as having voted; false if they already had. The condition is checked
/// by the update itself, so of many ballots sent at once exactly one gets through.
pub fn mark_voted(
    conn: &mut DbConnection,
    vote_id: i64,
    elector: i64,
    channel: Channel,
) -> Result<bool, ApiError> {
    let marked = diesel::update(
        vote_electors::table
            .filter(vote_electors::vote_id.eq(vote_id))
            .filter(vote_electors::elector_id.eq(elector))
            .filter(vote_electors::voted.eq(false)),
    )
    .set((
        vote_electors::voted.eq(true),
        vote_electors::channel.eq(channel.as_str()),
    ))
    .execute(conn)?;
    Ok(marked == 1)
}
