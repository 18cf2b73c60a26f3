//! The thread on a wish between the requester (or staff for them) and the live claimant, so
//! neither needs the other's phone number. Senders are shown by display name only.

use super::store::{self, WishRow};
use super::types::Status;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::http::pagination::Page;
use crate::roles::{Permission, standing};
use crate::schema::{users, wish_messages as messages};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    #[validate(
        length(min = 1, max = 1000),
        custom(function = "crate::http::text::multi_line")
    )]
    pub body: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub sender_id: i64,
    pub sender_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Who is reading or writing: only the requester, the live claimant and staff are in the
/// thread (others get 404, as if there were none). Staff read every claim's conversation;
/// the parties only the current claim's, so a new claimant never reads the last one's.
struct Party {
    wish: WishRow,
    claim_id: Option<i64>,
    staff: bool,
}

fn party(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
) -> Result<Party, ApiError> {
    let standing = standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ViewOwnAccount,
    )?;
    let wish = store::find(conn, community_id, wish_id)?;
    let claim = store::live_claim(conn, wish_id)?;
    if !store::sees_requester(&standing, &wish, claim.as_ref(), caller.user_id) {
        return Err(ApiError::not_found());
    }
    Ok(Party {
        wish,
        claim_id: claim.map(|c| c.id),
        staff: standing.require(Permission::ManageWishes).is_ok(),
    })
}

pub fn post(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
    body: &str,
    now: NaiveDateTime,
) -> Result<MessageView, ApiError> {
    let party = party(conn, caller, community_id, wish_id)?;
    // The conversation closes with the wish.
    if !matches!(
        party.wish.status()?,
        Status::Submitted | Status::Published | Status::Claimed | Status::Fulfilled
    ) {
        return Err(ApiError::new(Code::InvalidState));
    }
    let id: i64 = diesel::insert_into(messages::table)
        .values((
            messages::wish_id.eq(wish_id),
            messages::claim_id.eq(party.claim_id),
            messages::sender_id.eq(caller.actor_id()),
            messages::body.eq(body.trim()),
            messages::created_at.eq(now),
        ))
        .returning(messages::id)
        .get_result(conn)?;
    let mut views = load(conn, wish_id, None, id + 1, 1)?;
    views.pop().ok_or_else(ApiError::not_found)
}

/// The thread, newest first.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    wish_id: i64,
    page: Page,
) -> Result<Vec<MessageView>, ApiError> {
    let party = party(conn, caller, community_id, wish_id)?;
    let only_claim = if party.staff {
        None
    } else {
        Some(party.claim_id)
    };
    load(conn, wish_id, only_claim, page.before_id, page.limit + 1)
}

/// Messages of the wish, newest first; with `only_claim`, those of that claim (or, for
/// `Some(None)`, those written before any claim).
fn load(
    conn: &mut DbConnection,
    wish_id: i64,
    only_claim: Option<Option<i64>>,
    before_id: i64,
    limit: i64,
) -> Result<Vec<MessageView>, ApiError> {
    let mut query = messages::table
        .inner_join(users::table.on(users::id.eq(messages::sender_id)))
        .filter(messages::wish_id.eq(wish_id))
        .filter(messages::id.lt(before_id))
        .into_boxed();
    query = match only_claim {
        Some(Some(claim)) => query.filter(messages::claim_id.eq(claim)),
        Some(None) => query.filter(messages::claim_id.is_null()),
        None => query,
    };
    let rows: Vec<(i64, i64, String, String, NaiveDateTime)> = query
        .order(messages::id.desc())
        .limit(limit)
        .select((
            messages::id,
            messages::sender_id,
            users::display_name,
            messages::body,
            messages::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, sender_id, sender_name, body, created_at)| MessageView {
                id,
                sender_id,
                sender_name,
                body,
                created_at: created_at.and_utc(),
            },
        )
        .collect())
}
