//! `/communities/{id}/volunteers/...`: profiles, service hours and certificates. Teams,
//! leaderboards and anomaly flags have routes files of their own.

use super::certificate::{self, Certificate};
use super::hours::{self, BackfillRequest, ServiceHoursView};
use super::profiles::{self, Filter, ProfileRequest, ProfileView, VolunteerSummary};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::Json;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

/// Fixed paths (`me`, `teams`, `anomalies`) are registered before `{user_id}`, which would
/// otherwise take them.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_profile).service(save_profile);
    super::report_routes::routes(cfg);
    super::team_routes::routes(cfg);
    cfg.service(list_volunteers)
        .service(volunteer_profile)
        .service(backfill_hours)
        .service(list_hours)
        .service(volunteer_certificate);
}

/// My volunteer profile in the community; 404 until I save one.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id")), security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/volunteers/me")]
async fn my_profile(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let profile = state
        .db
        .run(move |conn| {
            standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
            profiles::get(conn, community_id, caller.user_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(profile))
}

/// Create or replace my volunteer profile: skills, weekly availability, 双报到 and an
/// introduction. Open to anyone verified in the community. Audited before and after.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id")), request_body = ProfileRequest,
    security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/volunteers/me")]
async fn save_profile(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<ProfileRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let body = body.into_inner();
    let saved = state
        .db
        .write(move |conn| profiles::save(conn, &caller, community_id, &body))
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VolunteerFilter {
    /// Only volunteers with this skill tag.
    pub skill: Option<String>,
    /// Only those who are (or are not) 双报到 party members.
    pub dual_report: Option<bool>,
    /// Only those usually available on this weekday, 1 (Monday) to 7 (Sunday).
    pub available_weekday: Option<i64>,
}

impl VolunteerFilter {
    fn filter(self) -> ApiResult<Filter> {
        let available_weekday = match self.available_weekday {
            None => None,
            Some(day) => Some(
                u8::try_from(day)
                    .ok()
                    .filter(|d| (1..=7).contains(d))
                    .ok_or_else(|| ApiError::invalid_field("available_weekday", "range"))?,
            ),
        };
        Ok(Filter {
            skill: self.skill,
            dual_report: self.dual_report,
            available_weekday,
        })
    }
}

/// The community's volunteers for staff: display name, skills, hours and star level (never
/// contact details). Newest accounts first.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), VolunteerFilter, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Paged<VolunteerSummary>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/volunteers")]
async fn list_volunteers(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    filter: web::Query<VolunteerFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let page = page.page()?;
    let filter = filter.into_inner().filter()?;
    let rows = state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ManageVolunteers,
            )?;
            profiles::list(conn, community_id, &filter, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |v| v.user_id)))
}

/// A volunteer's profile: staff, or the volunteer themselves.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "Volunteer's user id")),
    security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/volunteers/{user_id}")]
async fn volunteer_profile(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, user_id) = path.into_inner();
    let profile = state
        .db
        .run(move |conn| {
            super::require_reader(conn, &caller, community_id, user_id)?;
            profiles::get(conn, community_id, user_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(profile))
}

/// Back-fill honour hours (荣誉时长) for a volunteer, with evidence: no points, no ledger
/// entry. Staff cannot back-fill their own (403). Audited and flagged.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "Volunteer's user id"),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe")),
    request_body = BackfillRequest, security(("bearer" = [])),
    responses((status = 201, body = ServiceHoursView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/volunteers/{user_id}/service-hours")]
async fn backfill_hours(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(i64, i64)>,
    body: Json<BackfillRequest>,
) -> ApiResult<HttpResponse> {
    let (community_id, user_id) = path.into_inner();
    idempotency::once_with_body(
        &state,
        caller,
        &req,
        key,
        body.into_inner(),
        StatusCode::CREATED,
        move |conn, caller, body| hours::backfill(conn, caller, community_id, user_id, body),
    )
    .await
}

/// A volunteer's service hours, credit and honour, most recently recorded first: staff, or
/// the volunteer themselves.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "Volunteer's user id"), PageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Paged<ServiceHoursView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/volunteers/{user_id}/service-hours")]
async fn list_hours(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (community_id, user_id) = path.into_inner();
    let page = page.page()?;
    let rows = state
        .db
        .run(move |conn| {
            super::require_reader(conn, &caller, community_id, user_id)?;
            hours::list(conn, community_id, user_id, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |h| h.id)))
}

/// The service record certificate (志愿服务记录证明): hours by kind and by year, star level,
/// and a number that stays the same while the record does. Staff, or the volunteer.
#[utoipa::path(tag = "volunteers", params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "Volunteer's user id")),
    security(("bearer" = [])),
    responses((status = 200, body = Certificate), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/volunteers/{user_id}/certificate")]
async fn volunteer_certificate(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, user_id) = path.into_inner();
    let issued = state
        .db
        .run(move |conn| {
            super::require_reader(conn, &caller, community_id, user_id)?;
            certificate::issue(conn, community_id, user_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(issued))
}
