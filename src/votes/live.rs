//! Live tallies on the event stream: who may watch one, and announcing the new tally after a
//! ballot. Only votes set up with `live_results` have one, and only while open: the same
//! figures `GET /communities/{id}/votes/{vote_id}` shows then, pushed instead of polled.

use super::routes::readable;
use super::store;
use super::tally;
use super::types::VoteStatus;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::events::Topic;
use crate::schema::votes;
use crate::state::AppState;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

/// Refuses watching vote `vote_id` unless the caller may read it and it shows a live tally
/// now: 404 for a vote they cannot see, 422 `no_live_tally` otherwise.
pub fn check_watchable(
    conn: &mut DbConnection,
    caller: &Caller,
    vote_id: i64,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let community_id: i64 = votes::table
        .find(vote_id)
        .select(votes::community_id)
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    let (vote, _) = readable(conn, Some(caller), community_id, vote_id, at)?;
    if !vote.live_results || vote.status()? != VoteStatus::Open {
        return Err(ApiError::invalid_field("votes", "no_live_tally"));
    }
    Ok(())
}

/// After a ballot has committed, sends the vote's new tally to its watchers on every node if
/// the vote is live. In the background: the voter's answer does not wait for the count.
pub fn announce_tally(state: &AppState, (community_id, vote_id): (i64, i64)) {
    let state = state.clone();
    tokio::spawn(async move {
        let counted = state
            .db
            .run(move |conn| {
                let vote = store::find(conn, community_id, vote_id)?;
                if !vote.live_results || vote.status()? != VoteStatus::Open {
                    return Ok(None);
                }
                Ok(Some(tally::count(conn, &vote, false)?))
            })
            .await;
        match counted {
            Ok(Some(result)) => state.events.publish(
                Topic::Vote(vote_id),
                "tally",
                json!({ "vote_id": vote_id, "result": result }),
            ),
            Ok(None) => {}
            Err(error) => tracing::warn!(?error, vote_id, "cannot count a live tally"),
        }
    });
}
