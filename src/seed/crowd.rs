//! Many verified residents at once, written straight to the database: for load benchmarks
//! and tests that need a crowd (registering thousands through the API would measure only
//! password hashing). They have phones but no passwords, so nobody can log in as them; the
//! caller signs them in with `sign_in`.

use crate::auth::TokenKeys;
use crate::auth::sessions::{self, ClientInfo};
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::{households, memberships, topics, users};
use crate::topics::{Origin, Procedure, TopicStage};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::time::Duration;

/// `count` verified residents of `community_id`, each in a household of their own, or all in
/// `shared_household`. Phones are `phone_from`, `phone_from + 1`, ... (11 digits, unused).
pub fn verified_residents(
    conn: &mut DbConnection,
    community_id: i64,
    count: usize,
    shared_household: Option<i64>,
    phone_from: u64,
) -> Result<Vec<i64>, ApiError> {
    let at = now();
    let mut people = Vec::with_capacity(count);
    for (i, phone) in (phone_from..).take(count).enumerate() {
        let household = match shared_household {
            Some(id) => id,
            None => diesel::insert_into(households::table)
                .values((
                    households::community_id.eq(community_id),
                    households::building.eq("众"),
                    households::unit.eq(phone.to_string()),
                    households::room.eq(i.to_string()),
                    households::created_at.eq(at),
                ))
                .returning(households::id)
                .get_result(conn)?,
        };
        let user_id: i64 = diesel::insert_into(users::table)
            .values((
                users::display_name.eq(format!("居民{i}")),
                users::phone.eq(phone.to_string()),
                users::status.eq("active"),
                users::is_platform_admin.eq(false),
                users::assisted.eq(false),
                users::created_at.eq(at),
                users::updated_at.eq(at),
            ))
            .returning(users::id)
            .get_result(conn)?;
        diesel::insert_into(memberships::table)
            .values((
                memberships::user_id.eq(user_id),
                memberships::community_id.eq(community_id),
                memberships::household_id.eq(household),
                memberships::address.eq(format!("众 {i}")),
                memberships::status.eq("verified"),
                memberships::applied_at.eq(at),
            ))
            .execute(conn)?;
        people.push(user_id);
    }
    Ok(people)
}

/// Signs each of `user_ids` in, as logging in would: a session of its own and an access
/// token, both valid for `ttl`. Returns (access token, refresh token) per person.
pub fn sign_in(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    user_ids: &[i64],
    ttl: Duration,
) -> Result<Vec<(String, String)>, ApiError> {
    let client = ClientInfo {
        user_agent: None,
        ip: None,
    };
    user_ids
        .iter()
        .map(|&id| {
            let (session, refresh) = sessions::create(conn, id, ttl, &client)?;
            Ok((keys.issue(id, &session, None, ttl)?, refresh))
        })
        .collect()
}

/// A staff topic already under discussion (raising and accepting it skipped), for a vote to
/// be set up on.
pub fn topic_in_discussion(
    conn: &mut DbConnection,
    community_id: i64,
    raised_by: i64,
    (title, body): (&str, &str),
    special: bool,
    at: NaiveDateTime,
) -> Result<i64, ApiError> {
    Ok(diesel::insert_into(topics::table)
        .values((
            topics::community_id.eq(community_id),
            topics::title.eq(title),
            topics::body.eq(body),
            topics::special.eq(special),
            topics::procedure.eq(Procedure::Standard.as_str()),
            topics::origin.eq(Origin::Staff.as_str()),
            topics::raised_by.eq(raised_by),
            topics::cosigners_required.eq(0),
            topics::stage.eq(TopicStage::Discussion.as_str()),
            topics::created_at.eq(at),
            topics::updated_at.eq(at),
        ))
        .returning(topics::id)
        .get_result(conn)?)
}
