//! `/communities/{id}/votes/...` and `/communities/{id}/topics/{topic_id}/votes`: setting up,
//! reading, opening, closing early and cancelling votes. Ballots are in `ballot_routes`,
//! paper batches in `paper_routes`.

use super::lifecycle;
use super::setup;
use super::store::{self, VoteRow};
use super::types::{VoteFilter, VoteRequest, VoteStatus, VoteView};
use crate::auth::Caller;
use crate::db::{DbConnection, write_tx};
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::http::text::ReasonRequest;
use crate::roles::standing::reader;
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create)
        .service(list)
        .service(get_vote)
        .service(open)
        .service(close_early)
        .service(cancel);
}

/// The vote as it stands at `at`, applying a due opening or closing first (in a write
/// transaction of its own: not for use inside one).
pub fn current(
    conn: &mut DbConnection,
    community_id: i64,
    vote_id: i64,
    at: NaiveDateTime,
) -> Result<VoteRow, ApiError> {
    let vote = store::find(conn, community_id, vote_id)?;
    if !lifecycle::is_due(&vote, at) {
        return Ok(vote);
    }
    write_tx(conn, |conn| {
        lifecycle::bring_up_to_date(conn, community_id, vote_id, at)
    })
}

/// The vote if `caller` may read it: a closed vote is public (决议公开); any other only to
/// people with standing in the community (404 for everyone else).
pub fn readable(
    conn: &mut DbConnection,
    caller: Option<&Caller>,
    community_id: i64,
    vote_id: i64,
    at: NaiveDateTime,
) -> Result<(VoteRow, Option<i64>), ApiError> {
    let reader = reader(conn, caller, community_id)?;
    let vote = current(conn, community_id, vote_id, at)?;
    let member = reader.as_ref().is_some_and(|(_, s)| !s.roles.is_empty());
    if !member && vote.status()? != VoteStatus::Closed {
        return Err(ApiError::not_found());
    }
    Ok((vote, reader.map(|(user_id, _)| user_id)))
}

/// Set up a vote on a topic under discussion (staff). The electorate is frozen when it opens.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("topic_id" = i64, Path, description = "Topic id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = VoteRequest, security(("bearer" = [])),
    responses((status = 201, body = VoteView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/topics/{topic_id}/votes")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<VoteRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, topic_id) = path.into_inner();
    let clock = state.clock.clone();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| {
            setup::create(conn, caller, community_id, topic_id, body, clock.now())
        },
    )
    .await
}

/// Votes of the community, newest first. Without standing in the community, closed votes
/// only (with their results).
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), VoteFilter),
    responses((status = 200, body = Paged<VoteView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/votes")]
async fn list(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    id: web::Path<i64>,
    filter: web::Query<VoteFilter>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let filter = filter.into_inner();
    let page = PageQuery {
        cursor: filter.cursor.clone(),
        limit: filter.limit,
    }
    .page()?;
    let at = state.clock.now();
    let views = state
        .db
        .run(move |conn| {
            let reader = reader(conn, caller.as_ref(), community_id)?;
            let member = reader.as_ref().is_some_and(|(_, s)| !s.roles.is_empty());
            let rows = store::list(conn, community_id, &filter, !member, page)?;
            rows.into_iter()
                .map(|row| {
                    let row = current(conn, community_id, row.id, at)?;
                    store::view(conn, &row, reader.as_ref().map(|r| r.0))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(views, page, |v| v.id)))
}

/// One vote: the turnout while it runs (the tally too if the vote is live), the official
/// result once closed; for a voter, whether they are in the electorate and have voted.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    responses((status = 200, body = VoteView), (status = 404, body = Problem)))]
#[get("/communities/{id}/votes/{vote_id}")]
async fn get_vote(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, vote_id) = path.into_inner();
    let at = state.clock.now();
    let view = state
        .db
        .run(move |conn| {
            let (vote, reader) = readable(conn, caller.as_ref(), community_id, vote_id, at)?;
            store::view(conn, &vote, reader)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Runs a step on the vote for staff holding `permission`, then answers with the vote.
async fn step<F>(
    state: &AppState,
    caller: Caller,
    (community_id, vote_id): (i64, i64),
    permission: Permission,
    work: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut DbConnection, &Caller, &VoteRow, NaiveDateTime) -> Result<(), ApiError>
        + Send
        + 'static,
{
    let at = state.clock.now();
    let view = state
        .db
        .write(move |conn| {
            standing::require(conn, caller.user_id, community_id, permission)?;
            let vote = lifecycle::bring_up_to_date(conn, community_id, vote_id, at)?;
            work(conn, &caller, &vote, at)?;
            let vote = store::find(conn, community_id, vote_id)?;
            store::view(conn, &vote, Some(caller.user_id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Open a scheduled vote now, before its opening time (staff); the electorate is frozen.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    security(("bearer" = [])), responses((status = 200, body = VoteView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/votes/{vote_id}/open")]
async fn open(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    step(
        &state,
        caller,
        path.into_inner(),
        Permission::ManageVotes,
        |conn, caller, vote, at| lifecycle::open(conn, &caller.into(), vote, at),
    )
    .await
}

/// Close an open vote before its time (community admin), with the reason on the record.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = VoteView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/votes/{vote_id}/close")]
async fn close_early(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = body.into_inner().reason.trim().to_owned();
    step(
        &state,
        caller,
        path.into_inner(),
        Permission::CloseVotesEarly,
        move |conn, caller, vote, at| {
            lifecycle::close(conn, &caller.into(), vote, at, Some(&reason)).map(|_| ())
        },
    )
    .await
}

/// Cancel a vote that has not opened (staff), with a reason on the topic's timeline.
#[utoipa::path(tag = "votes", params(("id" = i64, Path, description = "Community id"), ("vote_id" = i64, Path, description = "Vote id")),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = VoteView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/votes/{vote_id}/cancel")]
async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = body.into_inner().reason.trim().to_owned();
    step(
        &state,
        caller,
        path.into_inner(),
        Permission::ManageVotes,
        move |conn, caller, vote, at| lifecycle::cancel(conn, &caller.into(), vote, &reason, at),
    )
    .await
}
