//! `/communities/{id}/activities/.../signups` and `/activities/mine`: signing up, the
//! waitlist, withdrawing, and the lists of sign-ups.

use super::signups::{self, SignupView};
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::http::pagination::{PageQuery, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_signups)
        .service(list_signups)
        .service(sign_up)
        .service(withdraw);
}

/// The activity's sign-ups (organisers), newest first.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id"), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<SignupView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/activities/{activity_id}/signups")]
async fn list_signups(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let page = page.page()?;
    let rows = state
        .db
        .run(move |conn| signups::of_activity(conn, &caller, community_id, activity_id, page))
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |s| s.id)))
}

/// My sign-ups in the community, newest first, including those of cancelled activities.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<SignupView>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/communities/{id}/activities/mine")]
async fn my_signups(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let page = page.page()?;
    let rows = state
        .db
        .run(move |conn| signups::mine(conn, &caller, community_id, page))
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |s| s.id)))
}

/// Sign up: `confirmed` while places last, then `waitlisted`. 409 if already signed up, or if
/// sign-ups are closed.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id")),
    security(("bearer" = [])),
    responses((status = 201, body = SignupView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/communities/{id}/activities/{activity_id}/signups")]
async fn sign_up(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let clock = state.clock.clone();
    let signup = state
        .db
        .write(move |conn| signups::sign_up(conn, &caller, community_id, activity_id, clock.now()))
        .await?;
    Ok(HttpResponse::Created().json(signup))
}

/// Withdraw my sign-up before the start; the first on the waitlist takes the place.
#[utoipa::path(tag = "activities", params(("id" = i64, Path, description = "Community id"), ("activity_id" = i64, Path, description = "Activity id")),
    security(("bearer" = [])),
    responses((status = 200, body = SignupView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[delete("/communities/{id}/activities/{activity_id}/signups/me")]
async fn withdraw(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (community_id, activity_id) = path.into_inner();
    let clock = state.clock.clone();
    let signup = state
        .db
        .write(move |conn| signups::withdraw(conn, &caller, community_id, activity_id, clock.now()))
        .await?;
    Ok(HttpResponse::Ok().json(signup))
}
