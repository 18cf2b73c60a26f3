//! `GET /me/events`: the caller's live event stream (server-sent events).

use super::{Topic, stream};
use crate::auth::{Caller, revoked_session_key};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::votes::live;
use actix_web::http::header::{CACHE_CONTROL, ContentEncoding};
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

/// Most votes one stream may watch.
pub const MAX_VOTES: usize = 10;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(events);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Comma-separated ids of open votes with a live tally to watch (at most 10).
    pub votes: Option<String>,
}

impl EventsQuery {
    fn vote_ids(&self) -> ApiResult<Vec<i64>> {
        let Some(list) = self.votes.as_deref().filter(|l| !l.trim().is_empty()) else {
            return Ok(Vec::new());
        };
        let mut ids = list
            .split(',')
            .map(|id| id.trim().parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ApiError::invalid_field("votes", "invalid_value"))?;
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > MAX_VOTES {
            return Err(ApiError::invalid_field("votes", "too_many"));
        }
        Ok(ids)
    }
}

/// My live events, as a `text/event-stream` that stays open. Each event is one `event:` line
/// naming its kind and one `data:` line holding `{"topic": {"type", "id"}, "kind", "data"}`:
///
/// - `notification` (topic `user`, mine): a new inbox item; `data` is
///   `{"id", "event", "unread"}`. Fetch the inbox for the item itself.
/// - `tally` (topic `vote`): the live tally of a watched vote after a ballot; `data` is
///   `{"vote_id", "result"}` with `result` as in the vote's view.
/// - `lagged`: this stream fell behind and `missed` events were dropped; refetch.
///
/// Comments (`: heartbeat`) arrive every 15 s. Events are hints to refresh, not a log: after
/// a reconnect (to any node) the stream starts from now. It ends when the session is revoked.
/// `votes` lists open votes with a live tally that I may read: 404 for one I cannot see,
/// 422 `no_live_tally` for one that shows no live tally.
#[utoipa::path(tag = "events", params(EventsQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/event-stream", body = String, description = "The event stream"),
        (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/me/events")]
async fn events(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<EventsQuery>,
) -> ApiResult<HttpResponse> {
    let votes = query.vote_ids()?;
    let at = state.clock.now();
    let (watcher, checked) = (caller.clone(), votes.clone());
    state
        .db
        .run(move |conn| {
            checked
                .iter()
                .try_for_each(|&vote_id| live::check_watchable(conn, &watcher, vote_id, at))
        })
        .await?;
    let mut topics = vec![Topic::User(caller.user_id)];
    topics.extend(votes.into_iter().map(Topic::Vote));
    let feed = stream::open(
        &state.events,
        topics,
        revoked_session_key(&caller.session_id),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((CACHE_CONTROL, "no-cache"))
        // Compressing would hold events back in the encoder's buffer.
        .insert_header(ContentEncoding::Identity)
        .insert_header(("x-accel-buffering", "no"))
        .streaming(feed))
}
