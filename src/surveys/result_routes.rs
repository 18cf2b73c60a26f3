//! `/communities/{id}/surveys/{survey_id}/results` and `.../export.csv`.

use super::export;
use super::results::{self, Results};
use super::routes::{Reading, readable};
use super::types::SurveyStatus;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_results).service(export_csv);
}

/// Staff read results at any time; everyone who may read the survey reads them once it is
/// closed, when its results are public.
fn results_readable(reading: &Reading) -> Result<(), ApiError> {
    if reading.manager {
        return Ok(());
    }
    match reading.survey.status()? {
        SurveyStatus::Closed | SurveyStatus::Archived if reading.survey.results_public => Ok(()),
        SurveyStatus::Closed | SurveyStatus::Archived => Err(ApiError::forbidden()),
        _ => Err(ApiError::new(Code::InvalidState).with_field("survey", "results_embargoed")),
    }
}

/// Results: per question the distribution, mean and satisfaction rate (Likert 4–5, or good)
/// with its 95% Wilson interval, a breakdown by grid hiding groups under five, the response
/// rate against the frozen audience, satisfaction per indicator tag; free text for staff.
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    responses((status = 200, body = Results), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[get("/communities/{id}/surveys/{survey_id}/results")]
async fn get_results(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (ids, at) = (path.into_inner(), state.clock.now());
    let results = state
        .db
        .run(move |conn: &mut DbConnection| {
            let reading = readable(conn, caller.as_ref(), ids, at)?;
            results_readable(&reading)?;
            results::compute(conn, &reading.survey, reading.manager)
        })
        .await?;
    Ok(HttpResponse::Ok().json(results))
}

/// Every response as CSV, for staff: columns `response`, `respondent` (named surveys only),
/// `grid` (empty for grids under five responses), then one per question headed by its key;
/// cells hold the option label (several joined by "; "), the score, good/average/poor or the
/// text, empty when left blank and `NA` when skip logic did not show the question. UTF-8
/// with a byte-order mark.
#[utoipa::path(tag = "surveys", params(("id" = i64, Path, description = "Community id"), ("survey_id" = i64, Path, description = "Survey id")),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/surveys/{survey_id}/export.csv")]
async fn export_csv(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (ids, at) = (path.into_inner(), state.clock.now());
    let file = state
        .db
        .run(move |conn| {
            let reading = readable(conn, Some(&caller), ids, at)?;
            if !reading.manager {
                return Err(ApiError::forbidden());
            }
            export::csv(conn, &reading.survey)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"survey-{}.csv\"", ids.1),
        ))
        .body(file))
}
