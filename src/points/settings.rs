//! A community's points rules: time bank, attendance coverage, star levels, gift limits,
//! expiry and staff adjustment limits. Communities without a row use the defaults.

use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::Json;
use crate::roles::{Permission, standing};
use crate::schema::point_settings as settings;
use crate::state::AppState;
use actix_web::{HttpResponse, get, put, web};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointSettings {
    /// Each verified credit hour also deposits 60 minutes of time-bank credit.
    pub time_bank_enabled: bool,
    /// A check-in session counts only if it covers this share of the activity (percent).
    #[validate(range(min = 0, max = 100))]
    pub min_coverage_percent: i32,
    /// Total verified hours for one to five stars, ascending.
    #[validate(length(min = 1, max = 10), custom(function = "ascending_positive"))]
    pub star_thresholds_hours: Vec<i64>,
    /// Points a resident may give to family members per calendar month.
    #[validate(range(min = 0, max = 1_000_000))]
    pub gift_monthly_limit_points: i64,
    /// Time-bank minutes a resident may give to family members per calendar month.
    #[validate(range(min = 0, max = 1_000_000))]
    pub gift_monthly_limit_minutes: i64,
    /// Points older than this many months lapse, oldest first; null keeps them forever.
    #[validate(range(min = 1, max = 120))]
    pub points_expiry_months: Option<i32>,
    /// Total points one staff member may adjust (credit plus debit) per day.
    #[validate(range(min = 0, max = 1_000_000))]
    pub adjustment_daily_limit: i64,
    /// Adjustments larger than this need a second staff member's approval.
    #[validate(range(min = 0, max = 1_000_000))]
    pub adjustment_approval_threshold: i64,
}

fn ascending_positive(values: &[i64]) -> Result<(), ValidationError> {
    let ok = values.first().is_some_and(|v| *v > 0) && values.windows(2).all(|w| w[0] < w[1]);
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("invalid_value"))
    }
}

impl Default for PointSettings {
    fn default() -> Self {
        Self {
            time_bank_enabled: false,
            min_coverage_percent: 60,
            star_thresholds_hours: vec![100, 300, 600, 1000, 1500],
            gift_monthly_limit_points: 500,
            gift_monthly_limit_minutes: 600,
            points_expiry_months: None,
            adjustment_daily_limit: 500,
            adjustment_approval_threshold: 100,
        }
    }
}

type Row = (bool, i32, String, i64, i64, Option<i32>, i64, i64);

pub fn load(conn: &mut DbConnection, community_id: i64) -> Result<PointSettings, ApiError> {
    let row: Option<Row> = settings::table
        .find(community_id)
        .select((
            settings::time_bank_enabled,
            settings::min_coverage_percent,
            settings::star_thresholds_hours,
            settings::gift_monthly_limit_points,
            settings::gift_monthly_limit_minutes,
            settings::points_expiry_months,
            settings::adjustment_daily_limit,
            settings::adjustment_approval_threshold,
        ))
        .first(conn)
        .optional()?;
    let Some((time_bank, coverage, stars, gift_points, gift_minutes, expiry, daily, threshold)) =
        row
    else {
        return Ok(PointSettings::default());
    };
    Ok(PointSettings {
        time_bank_enabled: time_bank,
        min_coverage_percent: coverage,
        star_thresholds_hours: stars
            .split(',')
            .filter_map(|v| v.trim().parse().ok())
            .collect(),
        gift_monthly_limit_points: gift_points,
        gift_monthly_limit_minutes: gift_minutes,
        points_expiry_months: expiry,
        adjustment_daily_limit: daily,
        adjustment_approval_threshold: threshold,
    })
}

fn save(
    conn: &mut DbConnection,
    community_id: i64,
    s: &PointSettings,
    by: i64,
) -> Result<(), ApiError> {
    let stars = s
        .star_thresholds_hours
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let values = (
        settings::time_bank_enabled.eq(s.time_bank_enabled),
        settings::min_coverage_percent.eq(s.min_coverage_percent),
        settings::star_thresholds_hours.eq(stars),
        settings::gift_monthly_limit_points.eq(s.gift_monthly_limit_points),
        settings::gift_monthly_limit_minutes.eq(s.gift_monthly_limit_minutes),
        settings::points_expiry_months.eq(s.points_expiry_months),
        settings::adjustment_daily_limit.eq(s.adjustment_daily_limit),
        settings::adjustment_approval_threshold.eq(s.adjustment_approval_threshold),
        settings::updated_by.eq(by),
        settings::updated_at.eq(now()),
    );
    let updated = diesel::update(settings::table.find(community_id))
        .set(values.clone())
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((settings::community_id.eq(community_id), values))
            .execute(conn)?;
    }
    Ok(())
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_settings).service(put_settings);
}

/// The community's points rules (defaults until an admin changes them).
#[utoipa::path(tag = "points", params(("id" = i64, Path, description = "Community id")), security(("bearer" = [])),
    responses((status = 200, body = PointSettings), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[get("/communities/{id}/points/settings")]
async fn get_settings(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let current = state
        .db
        .run(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ViewOwnAccount,
            )?;
            load(conn, community_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(current))
}

/// Change the community's points rules. Audited with the values before and after.
#[utoipa::path(tag = "points", params(("id" = i64, Path, description = "Community id")), request_body = PointSettings,
    security(("bearer" = [])), responses((status = 200, body = PointSettings), (status = 403, body = Problem),
    (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/communities/{id}/points/settings")]
async fn put_settings(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<PointSettings>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let wanted = body.into_inner();
    let saved = state
        .db
        .write(move |conn| {
            standing::require(
                conn,
                caller.user_id,
                community_id,
                Permission::ManagePointSettings,
            )?;
            let before = load(conn, community_id)?;
            save(conn, community_id, &wanted, caller.actor_id())?;
            let change = Change::in_community(
                community_id,
                "points.settings_changed",
                "community",
                community_id,
            )
            .before(&before)
            .after(&wanted);
            audit::record(conn, &(&caller).into(), change)?;
            Ok(wanted)
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}
