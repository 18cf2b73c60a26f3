//! `/communities/{id}/audit-log`: the community's admins page through its history.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::pagination::{PageQuery, Paged};
use crate::roles::{Permission, standing};
use crate::schema::audit_log;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(community_audit_log);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only this action, e.g. `membership.verified`.
    pub action: Option<String>,
    /// Only changes made by this user.
    pub actor_user_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    /// The resident a staff member acted for in an assisted session.
    pub on_behalf_of_user_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

type Row = (
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    chrono::NaiveDateTime,
);

fn parse_json(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

/// The community's audit log, newest first.
#[utoipa::path(tag = "audit", params(("id" = i64, Path, description = "Community id"), PageQuery, AuditFilter),
    security(("bearer" = [])), responses((status = 200, body = Paged<AuditEntryView>),
    (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[get("/communities/{id}/audit-log")]
async fn community_audit_log(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
    filter: web::Query<AuditFilter>,
) -> ApiResult<HttpResponse> {
    let community_id = id.into_inner();
    let page = page.page()?;
    let filter = filter.into_inner();
    let entries = state
        .db
        .run(move |conn| {
            standing::in_community(conn, caller.user_id, community_id)?
                .require(Permission::ViewAuditLog)?;
            let mut query = audit_log::table
                .filter(audit_log::community_id.eq(community_id))
                .filter(audit_log::id.lt(page.before_id))
                .into_boxed();
            if let Some(action) = filter.action {
                query = query.filter(audit_log::action.eq(action));
            }
            if let Some(actor) = filter.actor_user_id {
                query = query.filter(audit_log::actor_user_id.eq(actor));
            }
            let rows: Vec<Row> = query
                .order(audit_log::id.desc())
                .limit(page.limit + 1)
                .select((
                    audit_log::id,
                    audit_log::actor_user_id,
                    audit_log::on_behalf_of_user_id,
                    audit_log::action,
                    audit_log::target_type,
                    audit_log::target_id,
                    audit_log::before_data,
                    audit_log::after_data,
                    audit_log::request_id,
                    audit_log::created_at,
                ))
                .load(conn)?;
            let views = rows
                .into_iter()
                .map(
                    |(
                        id,
                        actor,
                        behalf,
                        action,
                        target_type,
                        target_id,
                        before,
                        after,
                        request_id,
                        at,
                    )| AuditEntryView {
                        id,
                        actor_user_id: actor,
                        on_behalf_of_user_id: behalf,
                        action,
                        target_type,
                        target_id,
                        before: parse_json(before),
                        after: parse_json(after),
                        request_id,
                        created_at: at.and_utc(),
                    },
                )
                .collect();
            Ok::<_, ApiError>(Paged::from_rows(views, page, |e| e.id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(entries))
}
