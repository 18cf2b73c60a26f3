//! `/survey-templates` and `/communities/{id}/surveys/...`: templates, building, reading,
//! publishing, closing and archiving surveys. Responses are in `response_routes`, results
//! and the CSV export in `result_routes`.

use super::lifecycle;
use super::setup;
use super::store::{self, Shown, SurveyRow};
use super::templates;
use super::types::{SurveyFilter, SurveyRequest, SurveyStatus, SurveyView, Template};
use crate::auth::Caller;
use crate::db::{DbConnection, write_tx};
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::standing::reader;
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::NaiveDateTime;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_templates)
        .service(create)
        .service(list)
        .service(get_survey)
        .service(replace)
        .service(publish)
        .service(close)
        .service(archive);
}

/// The survey as it stands at `at`, applying a due opening or closing first (in a write
/// transaction of its own: not for use inside one).
fn current(
    conn: &mut DbConnection,
    survey: SurveyRow,
    at: NaiveDateTime,
) -> Result<SurveyRow, ApiError> {
    if !lifecycle::is_due(&survey, at) {
        return Ok(survey);
    }
    write_tx(conn, |conn| {
        lifecycle::bring_up_to_date(conn, survey.community_id, survey.id, at)
    })
}

/// Who reads a survey and how.
pub struct Reading {
    pub survey: SurveyRow,
    pub user_id: Option<i64>,
    /// Staff who run surveys: drafts, live results, free text and the export.
    pub manager: bool,
}

/// The survey as it stands at `at` if `caller` may read it: drafts to staff only; others to
/// anyone with standing in the community; a closed one whose results are public to anyone.
/// 404 for everyone else.
pub fn readable(
    conn: &mut DbConnection,
    caller: Option<&Caller>,
    (community_id, survey_id): (i64, i64),
    at: NaiveDateTime,
) -> Result<Reading, ApiError> {
    let reader = reader(conn, caller, community_id)?;
    let found = store::find(conn, community_id, survey_id)?;
    let survey = current(conn, found, at)?;
    let standing = reader.as_ref().map(|(_, s)| s);
    let manager = standing.is_some_and(|s| s.require(Permission::ManageSurveys).is_ok());
    let member = standing.is_some_and(|s| !s.roles.is_empty());
    let visible = match survey.status()? {
        SurveyStatus::Draft => manager,
        SurveyStatus::Closed | SurveyStatus::Archived => member || survey.results_public,
        SurveyStatus::Scheduled | SurveyStatus::Open => member,
    };
    if !visible {
        return Err(ApiError::not_found());
    }
    Ok(Reading {
        survey,
        user_id: reader.map(|(user_id, _)| user_id),
        manager,
    })
}

/// The built-in survey templates, from the evaluation standards' satisfaction surveys.
#[utoipa::path(tag = "surveys", responses((status = 200, body = Vec<Template>)))]
#[get("/survey-templates")]
async fn list_templates() -> HttpResponse {
    HttpResponse::Ok().json(templates::all())
}

/// Build a survey as a draft (staff), from questions or a built-in template.
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = SurveyRequest, security(("bearer" = [])),
    responses((status = 201, body = SurveyView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/surveys")]
async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<i64>,
    body: Json<SurveyRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let clock = state.clock.clone();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| setup::create(conn, caller, community_id, body, clock.now()),
    )
    .await
}

/// Surveys of the community, newest first (archived ones only when asked for). Drafts for
/// staff; closed surveys with public results for anyone.
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), SurveyFilter),
    responses((status = 200, body = Paged<SurveyView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/surveys")]
async fn list(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    id: web::Path<i64>,
    filter: web::Query<SurveyFilter>,
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
            let standing = reader.as_ref().map(|(_, s)| s);
            let shown = match standing {
                Some(s) if s.require(Permission::ManageSurveys).is_ok() => Shown::Everything,
                Some(s) if !s.roles.is_empty() => Shown::Published,
                _ => Shown::PublicResults,
            };
            let rows = store::list(conn, community_id, &filter, shown, page)?;
            rows.into_iter()
                .map(|row| {
                    let row = current(conn, row, at)?;
                    store::view(conn, &row, reader.as_ref().map(|r| r.0))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(views, page, |v| v.id)))
}

/// One survey with its questions; for a signed-in reader, whether they are asked and have
/// answered.
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    responses((status = 200, body = SurveyView), (status = 404, body = Problem)))]
#[get("/communities/{id}/surveys/{survey_id}")]
async fn get_survey(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (ids, at) = (path.into_inner(), state.clock.now());
    let view = state
        .db
        .run(move |conn| {
            let reading = readable(conn, caller.as_ref(), ids, at)?;
            store::view(conn, &reading.survey, reading.user_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Replace a draft: its settings and all its questions (staff).
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    request_body = SurveyRequest, security(("bearer" = [])),
    responses((status = 200, body = SurveyView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/surveys/{survey_id}")]
async fn replace(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<SurveyRequest>,
) -> ApiResult<HttpResponse> {
    let ((community_id, survey_id), body) = (path.into_inner(), body.into_inner());
    let now = state.clock.now();
    crate::http::write_ok(&state, move |conn| {
        let survey = store::find(conn, community_id, survey_id)?;
        setup::replace(conn, &caller, &survey, &body, now)
    })
    .await
}

/// A staff step on a survey: checks the permission, applies what is due, does `work` and
/// answers with the survey as it now stands.
async fn step<F>(
    state: &AppState,
    caller: Caller,
    (community_id, survey_id): (i64, i64),
    work: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut DbConnection, &Caller, &SurveyRow, NaiveDateTime) -> Result<SurveyRow, ApiError>
        + Send
        + 'static,
{
    let at = state.clock.now();
    crate::http::write_ok(state, move |conn| {
        standing::require(
            conn,
            caller.user_id,
            community_id,
            Permission::ManageSurveys,
        )?;
        let survey = store::find(conn, community_id, survey_id)?;
        let survey = work(conn, &caller, &survey, at)?;
        store::view(conn, &survey, Some(caller.user_id))
    })
    .await
}

/// Publish a draft (staff): it opens at its opening time, at once if that has passed, and
/// its audience is frozen as it opens. Its questions can no longer change.
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    security(("bearer" = [])), responses((status = 200, body = SurveyView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/surveys/{survey_id}/publish")]
async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    step(
        &state,
        caller,
        path.into_inner(),
        |conn, caller, survey, at| lifecycle::publish(conn, &caller.into(), survey, at),
    )
    .await
}

/// Close an open survey before its closing time (staff).
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    security(("bearer" = [])), responses((status = 200, body = SurveyView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/surveys/{survey_id}/close")]
async fn close(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    step(
        &state,
        caller,
        path.into_inner(),
        |conn, caller, survey, at| lifecycle::close_early(conn, &caller.into(), survey, at),
    )
    .await
}

/// Archive a closed survey (staff): out of the everyday lists, results still readable.
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    security(("bearer" = [])), responses((status = 200, body = SurveyView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/surveys/{survey_id}/archive")]
async fn archive(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    step(
        &state,
        caller,
        path.into_inner(),
        |conn, caller, survey, at| lifecycle::archive(conn, &caller.into(), survey, at),
    )
    .await
}
