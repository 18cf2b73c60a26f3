//! `/communities/{id}/surveys/{survey_id}/responses...`: answering, editing one's answers,
//! and reading one's own answers to a named survey.

use super::responses;
use super::routes::readable;
use super::types::{Answers, ResponseReceipt, ResponseRequest};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::Json;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(submit).service(edit).service(mine);
}

/// Answer a survey (once per person, or per household). The answer holds the receipt, shown
/// only now: on an anonymous survey it is the only way back to the response. To retry
/// safely, send a receipt of your own making and send the same one again (a retry is
/// answered 200). Responses never pass through the idempotency store, whose stored answers
/// would tie them to a person.
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    request_body = ResponseRequest, security(("bearer" = [])),
    responses((status = 201, body = ResponseReceipt), (status = 200, body = ResponseReceipt, description = "A retry of a response already made"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/surveys/{survey_id}/responses")]
async fn submit(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ResponseRequest>,
) -> ApiResult<HttpResponse> {
    let (ids, body, at) = (path.into_inner(), body.into_inner(), state.clock.now());
    let (receipt, fresh) = state
        .db
        .write(move |conn| responses::submit(conn, &caller, ids, &body, at))
        .await?;
    Ok(match fresh {
        true => HttpResponse::Created().json(receipt),
        false => HttpResponse::Ok().json(receipt),
    })
}

/// Replace my answers before close, when the survey allows it: with the receipt on an
/// anonymous survey.
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    request_body = ResponseRequest, security(("bearer" = [])),
    responses((status = 200, body = ResponseReceipt), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/surveys/{survey_id}/responses/mine")]
async fn edit(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<ResponseRequest>,
) -> ApiResult<HttpResponse> {
    let (ids, body, at) = (path.into_inner(), body.into_inner(), state.clock.now());
    crate::http::write_ok(&state, move |conn| {
        responses::edit(conn, &caller, ids, &body, at)
    })
    .await
}

/// My answers to a named survey (an anonymous survey keeps no link to them: 409).
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    security(("bearer" = [])),
    responses((status = 200, body = Object, description = "Answers by question key"), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[get("/communities/{id}/surveys/{survey_id}/responses/mine")]
async fn mine(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (ids, at) = (path.into_inner(), state.clock.now());
    let answers: Answers = state
        .db
        .run(move |conn| {
            let reading = readable(conn, Some(&caller), ids, at)?;
            responses::mine(conn, &caller, &reading.survey)
        })
        .await?;
    Ok(HttpResponse::Ok().json(answers))
}
