//! A ballot cast by staff for a resident who cannot use the app (an elderly resident at
//! home), before a named witness. Recorded as a proxy, with who cast it and the witness;
//! what was chosen stays as secret as any other ballot.

use super::ballots;
use super::electorate;
use super::store::VoteRow;
use super::types::{BallotRequest, Channel, Receipt};
use crate::audit::{self, Actor, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, Code};
use crate::schema::vote_proxies;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProxyBallotRequest {
    /// The resident voting (in a household vote, any verified adult of the household).
    pub user_id: i64,
    /// The witness present, by name (and capacity, e.g. "李梅（楼栋长）").
    #[validate(
        length(min = 2, max = 60),
        custom(function = "crate::http::text::single_line")
    )]
    pub witness_name: String,
    #[validate(nested)]
    pub ballot: BallotRequest,
}

pub fn cast(
    conn: &mut DbConnection,
    caller: &Caller,
    vote: &VoteRow,
    body: &ProxyBallotRequest,
) -> Result<(Receipt, bool), ApiError> {
    if body.user_id == caller.actor_id() {
        return Err(ApiError::invalid_field("user_id", "self_proxy"));
    }
    let elector = electorate::elector_of(conn, vote, body.user_id)?.ok_or_else(|| {
        ApiError::new(Code::NotInElectorate).with_field("user_id", "not_in_electorate")
    })?;
    let (receipt, fresh) = ballots::cast(conn, vote, elector, Channel::Proxy, &body.ballot)?;
    if fresh {
        diesel::insert_into(vote_proxies::table)
            .values((
                vote_proxies::vote_id.eq(vote.id),
                vote_proxies::elector_id.eq(elector),
                vote_proxies::cast_by.eq(caller.actor_id()),
                vote_proxies::witness_name.eq(body.witness_name.trim()),
            ))
            .execute(conn)?;
        let record = json!({"user_id": body.user_id, "elector_id": elector, "witness_name": body.witness_name.trim()});
        audit::record(
            conn,
            &Actor::from(caller),
            Change::in_community(vote.community_id, "vote.proxy_ballot", "vote", vote.id)
                .after(&record),
        )?;
    }
    Ok((receipt, fresh))
}
