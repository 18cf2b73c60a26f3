//! `/communities/{id}/manual-indicators`: staff enter values with evidence; region admins
//! approve or reject them. Every step is audited.

use super::EntryStatus;
use super::store::{self, EntryView, NewEntry};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::http::Json;
use crate::http::pagination::{PageQuery, Paged};
use crate::indicators::measure::Measure;
use crate::indicators::period::Period;
use crate::indicators::standards::definition::is_valid_key;
use crate::roles::{Permission, standing};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(enter_value)
        .service(list_values)
        .service(decide_value);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualValueRequest {
    /// The key standards cite, e.g. `service_facility_area_m2`, `criminal_cases`.
    pub key: String,
    /// The period it describes: `2026`, `2026-Q4` or `2026-10`.
    pub period: String,
    /// Zero or more; four decimals at most.
    pub value: Measure,
    /// Where the evidence is (document number, file reference, link).
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::text::single_line")
    )]
    pub evidence: String,
    #[validate(length(max = 1000), custom(function = "crate::http::text::multi_line"))]
    pub note: Option<String>,
}

impl ManualValueRequest {
    fn parse(self) -> Result<NewEntry, ApiError> {
        if !is_valid_key(&self.key) {
            return Err(ApiError::invalid_field("key", "invalid_key"));
        }
        let period = Period::parse(&self.period)
            .ok_or_else(|| ApiError::invalid_field("period", "invalid_period"))?;
        if self.value < Measure::ZERO {
            return Err(ApiError::invalid_field("value", "range"));
        }
        Ok(NewEntry {
            key: self.key,
            period,
            value: self.value,
            evidence: self.evidence,
            note: self.note,
        })
    }
}

/// Enters a value for approval (community staff).
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Community id")),
    security(("bearer" = [])),
    responses((status = 201, body = EntryView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/manual-indicators")]
async fn enter_value(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: Json<ManualValueRequest>,
) -> ApiResult<HttpResponse> {
    let community_id = path.into_inner();
    let request = body.into_inner();
    let view = state
        .db
        .write(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::EnterManualIndicators,
            )?;
            request.validate()?;
            let entry = request.parse()?;
            let row = store::insert(conn, community_id, &entry, caller.user_id)?;
            let view = row.view()?;
            let change = Change::in_community(
                community_id,
                "manual_indicator.entered",
                "manual_indicator_value",
                view.id,
            );
            audit::record(conn, &(&caller).into(), change.after(&view))?;
            Ok(view)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValueFilter {
    pub status: Option<EntryStatus>,
    pub key: Option<String>,
}

/// The community's manual values, newest first (its staff and the region's admins).
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Community id"), ValueFilter, PageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Paged<EntryView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/manual-indicators")]
async fn list_values(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    filter: web::Query<ValueFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (community_id, filter, page) = (path.into_inner(), filter.into_inner(), page.page()?);
    let rows = state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ViewIndicators,
            )?;
            let rows = store::list(conn, community_id, filter.status, filter.key, page)?;
            rows.into_iter()
                .map(store::EntryRow::view)
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::from_rows(rows, page, |e| e.id)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub approve: bool,
    /// Required when rejecting.
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::text::single_line")
    )]
    pub reason: Option<String>,
}

/// Approves or rejects a pending value (a region admin who did not enter it). 409 when it
/// was already decided.
#[utoipa::path(tag = "indicators", params(("id" = i64, Path, description = "Community id"), ("entry_id" = i64, Path, description = "Entry id")),
    security(("bearer" = [])),
    responses((status = 200, body = EntryView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/communities/{id}/manual-indicators/{entry_id}/decision")]
async fn decide_value(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<Decision>,
) -> ApiResult<HttpResponse> {
    let ((community_id, entry_id), decision) = (path.into_inner(), body.into_inner());
    let view = state
        .db
        .write(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ApproveManualIndicators,
            )?;
            decision.validate()?;
            let before = store::find(conn, community_id, entry_id)?;
            if before.entered_by == caller.user_id {
                return Err(ApiError::forbidden().with_field("entry", "own_entry"));
            }
            let status = match (decision.approve, &decision.reason) {
                (true, _) => EntryStatus::Approved,
                (false, Some(_)) => EntryStatus::Rejected,
                (false, None) => return Err(ApiError::invalid_field("reason", "required")),
            };
            let reason = decision.reason.as_deref().filter(|_| !decision.approve);
            if !store::decide(conn, entry_id, status, caller.user_id, reason)? {
                return Err(
                    ApiError::conflict(Code::InvalidState).with_field("entry", "already_decided")
                );
            }
            let after = store::find(conn, community_id, entry_id)?.view()?;
            let change = Change::in_community(
                community_id,
                "manual_indicator.decided",
                "manual_indicator_value",
                entry_id,
            );
            audit::record(
                conn,
                &(&caller).into(),
                change.before(&before.view()?).after(&after),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
