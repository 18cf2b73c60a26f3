//! `/communities/{id}/votes/{vote_id}/...`: casting and replacing a ballot, checking a
//! receipt, the ballot list published after close, and witnessed proxy ballots.

use super::ballots;
use super::electorate;
use super::live;
use super::proxy::{self, ProxyBallotRequest};
use super::routes::readable;
use super::store::{self, VoteRow};
use super::tally;
use super::types::{
    BallotChange, BallotRequest, Channel, PublishedBallot, Receipt, ReceiptCheck, VoteStatus,
};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::http::Json;
use crate::kv::limit::{self, Action};
use crate::receipt::receipt_hash;
use crate::roles::{Permission, standing};
use crate::schema::vote_ballots;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(cast)
        .service(change)
        .service(check_receipt)
        .service(published)
        .service(cast_proxy);
}

/// The open vote and the caller's elector in it, inside the write transaction. Voting in an
/// assisted session is refused: staff vote for a resident only as a witnessed proxy.
fn voter(
    conn: &mut DbConnection,
    caller: &Caller,
    (community_id, vote_id): (i64, i64),
    at: NaiveDateTime,
) -> Result<(VoteRow, i64), ApiError> {
    let standing = standing::in_community(conn, caller.user_id, community_id)?;
    let vote = store::find(conn, community_id, vote_id)?;
    if standing.roles.is_empty() {
        return Err(ApiError::not_found());
    }
    if caller.on_behalf_of().is_some() {
        return Err(ApiError::forbidden().with_field("ballot", "use_proxy_ballot"));
    }
    let vote = ballots::hold_open(conn, vote, at)?;
    let elector = electorate::elector_of(conn, &vote, caller.user_id)?
        .ok_or_else(|| ApiError::new(Code::NotInElectorate))?;
    Ok((vote, elector))
}

/// 201 with the receipt for a new ballot; 200 with it again for a retry of the same one.
fn answered((receipt, fresh): (Receipt, bool)) -> HttpResponse {
    match fresh {
        true => HttpResponse::Created().json(receipt),
        false => HttpResponse::Ok().json(receipt),
    }
}

/// Cast my ballot (or my household's). The answer holds the receipt code, shown only now:
/// keep it to find the ballot in the published list. To retry safely, send a receipt of your
/// own making and send the same one again. 409 `already_voted` for a second ballot.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    request_body = BallotRequest, security(("bearer" = [])),
    responses((status = 201, body = Receipt), (status = 200, body = Receipt, description = "A retry of a ballot already cast"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, description = "Too many ballots (`WUSHE_BALLOT_LIMIT`)")))]
#[post("/communities/{id}/votes/{vote_id}/ballot")]
async fn cast(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<BallotRequest>,
) -> ApiResult<HttpResponse> {
    limit::per_person(&state, Action::Ballot, &caller).await?;
    let (ids, body, at) = (path.into_inner(), body.into_inner(), state.clock.now());
    let outcome = state
        .db
        .write(move |conn| {
            let (vote, elector) = voter(conn, &caller, ids, at)?;
            ballots::cast(conn, &vote, elector, Channel::App, &body)
        })
        .await?;
    live::announce_tally(&state, ids);
    Ok(answered(outcome))
}

/// Replace my ballot before close, with its receipt, when the vote allows it.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    request_body = BallotChange, security(("bearer" = [])),
    responses((status = 200, body = Receipt), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, description = "Too many ballots (`WUSHE_BALLOT_LIMIT`)")))]
#[put("/communities/{id}/votes/{vote_id}/ballot")]
async fn change(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<BallotChange>,
) -> ApiResult<HttpResponse> {
    limit::per_person(&state, Action::Ballot, &caller).await?;
    let (ids, body, at) = (path.into_inner(), body.into_inner(), state.clock.now());
    let receipt = state
        .db
        .write(move |conn| {
            let (vote, elector) = voter(conn, &caller, ids, at)?;
            ballots::change(conn, &vote, elector, &body)
        })
        .await?;
    live::announce_tally(&state, ids);
    Ok(HttpResponse::Ok().json(receipt))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReceiptStatus {
    /// Whether a ballot with this receipt is in the box.
    pub counted: bool,
    pub receipt_hash: String,
    pub choices: Option<Vec<i32>>,
}

/// Check a receipt: is the ballot in the box, with which choices. Only the holder of the
/// receipt can ask; it names nobody.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    request_body = ReceiptCheck,
    responses((status = 200, body = ReceiptStatus), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/votes/{vote_id}/receipt-check")]
async fn check_receipt(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
    body: Json<ReceiptCheck>,
) -> ApiResult<HttpResponse> {
    let ((community_id, vote_id), at) = (path.into_inner(), state.clock.now());
    let hash = receipt_hash(&body.into_inner().receipt);
    let status = state
        .db
        .run(move |conn| {
            let (vote, _) = readable(conn, caller.as_ref(), community_id, vote_id, at)?;
            let choice = ballots::stored_choice(conn, vote.id, &hash)?;
            Ok(ReceiptStatus {
                counted: choice.is_some(),
                receipt_hash: hash,
                choices: choice.as_deref().map(tally::decode),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(status))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BallotPage {
    /// The last `receipt_hash` of the previous page.
    pub after: Option<String>,
    /// Ballots per page, 1 to 1000 (default 1000).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BallotList {
    pub ballots: Vec<PublishedBallot>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_after: Option<String>,
}

/// Every ballot of a closed vote (receipt hash and choices) in receipt order, so anyone can
/// recount it (`scripts/recount`) and each voter can find their own. Public once closed.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id"), BallotPage),
    responses((status = 200, body = BallotList), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/votes/{vote_id}/ballots")]
async fn published(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
    page: web::Query<BallotPage>,
) -> ApiResult<HttpResponse> {
    let ((community_id, vote_id), at) = (path.into_inner(), state.clock.now());
    let page = page.into_inner();
    let limit = page.limit.unwrap_or(1000);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "range"));
    }
    if page
        .after
        .as_ref()
        .is_some_and(|a| a.len() != 64 || !a.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(ApiError::invalid_field("after", "invalid_value"));
    }
    let list = state
        .db
        .run(move |conn| {
            let (vote, _) = readable(conn, caller.as_ref(), community_id, vote_id, at)?;
            if vote.status()? != VoteStatus::Closed {
                return Err(
                    ApiError::new(Code::InvalidState).with_field("status", "results_embargoed")
                );
            }
            let rows: Vec<(String, String)> = vote_ballots::table
                .filter(vote_ballots::vote_id.eq(vote.id))
                .filter(vote_ballots::receipt_hash.gt(page.after.unwrap_or_default()))
                .order(vote_ballots::receipt_hash)
                .select((vote_ballots::receipt_hash, vote_ballots::choice))
                .limit(limit + 1)
                .load(conn)?;
            let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
            let ballots: Vec<PublishedBallot> = rows
                .into_iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .map(|(receipt_hash, choice)| PublishedBallot {
                    receipt_hash,
                    choices: tally::decode(&choice),
                })
                .collect();
            let next_after = more
                .then(|| ballots.last().map(|b| b.receipt_hash.clone()))
                .flatten();
            Ok(BallotList {
                ballots,
                next_after,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Cast a ballot for a resident who cannot use the app, before a named witness (staff). The
/// receipt is for the resident; the record says it was a proxy, never what was chosen.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    request_body = ProxyBallotRequest, security(("bearer" = [])),
    responses((status = 201, body = Receipt), (status = 200, body = Receipt, description = "A retry of a ballot already cast"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/votes/{vote_id}/proxy-ballots")]
async fn cast_proxy(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ProxyBallotRequest>,
) -> ApiResult<HttpResponse> {
    let ((community_id, vote_id), body, at) =
        (path.into_inner(), body.into_inner(), state.clock.now());
    let outcome = state
        .db
        .write(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::ManageVotes)?;
            let vote = store::find(conn, community_id, vote_id)?;
            let vote = ballots::hold_open(conn, vote, at)?;
            proxy::cast(conn, &caller, &vote, &body)
        })
        .await?;
    live::announce_tally(&state, (community_id, vote_id));
    Ok(answered(outcome))
}
