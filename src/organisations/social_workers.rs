//! Social workers (社会工作者) of a community: the people who hold the social worker role there,
//! with the qualification that staff (`ManageOrganisations`) record for them. The record is the
//! person's own, kept once whichever community they serve recorded it. Anyone may read the
//! list with names, levels and employers; only staff also see certificate numbers.

use super::store::is_approved;
use super::types::Category;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::enums::{parse_text, text_of};
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::pagination::Page;
use crate::roles::store::{Scope, holds};
use crate::roles::{Permission, Role, standing};
use crate::schema::{organisations, role_grants, social_workers as workers};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use validator::Validate;

/// The national social work qualification (社会工作者职业水平证书).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateLevel {
    /// 助理社会工作师
    Assistant,
    /// 社会工作师
    Intermediate,
    /// 高级社会工作师
    Senior,
}

impl CertificateLevel {
    pub fn title(self) -> &'static str {
        match self {
            Self::Assistant => "助理社会工作师",
            Self::Intermediate => "社会工作师",
            Self::Senior => "高级社会工作师",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SocialWorkerRequest {
    pub certificate_level: CertificateLevel,
    #[validate(
        length(min = 1, max = 40),
        custom(function = "crate::http::text::single_line")
    )]
    pub certificate_number: Option<String>,
    /// A social work agency (专业社工机构) serving the community; give this or `employer_name`.
    #[validate(range(min = 1))]
    pub employer_organisation_id: Option<i64>,
    /// The employer in words (the community itself, an agency not on the platform).
    #[validate(
        length(min = 2, max = 60),
        custom(function = "crate::http::text::single_line")
    )]
    pub employer_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Employer {
    /// The agency on the platform, when it is one.
    pub organisation_id: Option<i64>,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SocialWorkerView {
    pub user_id: i64,
    pub display_name: String,
    /// Not yet recorded by staff when absent.
    pub certificate_level: Option<CertificateLevel>,
    /// The level's title in Chinese, e.g. 社会工作师.
    pub certificate_title: Option<&'static str>,
    /// Staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_number: Option<String>,
    pub employer: Option<Employer>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = workers)]
struct WorkerRow {
    user_id: i64,
    certificate_level: String,
    certificate_number: Option<String>,
    employer_organisation_id: Option<i64>,
    employer_name: Option<String>,
    updated_at: NaiveDateTime,
}

/// The views of `ids` (people holding the role), certificate numbers for `staff` only.
fn views(conn: &mut DbConnection, ids: &[i64], staff: bool) -> ApiResult<Vec<SocialWorkerView>> {
    let names = crate::fund::people(conn, ids.iter().copied())?;
    let rows: Vec<WorkerRow> = workers::table
        .filter(workers::user_id.eq_any(ids))
        .select(WorkerRow::as_select())
        .load(conn)?;
    let employers: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.employer_organisation_id)
        .collect();
    let agencies: HashMap<i64, String> = organisations::table
        .filter(organisations::id.eq_any(employers))
        .select((organisations::id, organisations::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut rows: HashMap<i64, WorkerRow> = rows.into_iter().map(|r| (r.user_id, r)).collect();
    ids.iter()
        .map(|&user_id| {
            let row = rows.remove(&user_id);
            let level = row
                .as_ref()
                .map(|r| parse_text::<CertificateLevel>(&r.certificate_level))
                .transpose()?;
            let employer = row.as_ref().and_then(|r| {
                let organisation_id = r.employer_organisation_id;
                let name = match organisation_id {
                    Some(id) => agencies.get(&id).cloned(),
                    None => r.employer_name.clone(),
                };
                name.map(|name| Employer {
                    organisation_id,
                    name,
                })
            });
            Ok(SocialWorkerView {
                display_name: names.get(&user_id).cloned().unwrap_or_default(),
                certificate_level: level,
                certificate_title: level.map(CertificateLevel::title),
                certificate_number: row
                    .as_ref()
                    .and_then(|r| r.certificate_number.clone())
                    .filter(|_| staff),
                updated_at: row.map(|r| r.updated_at.and_utc()),
                employer,
                user_id,
            })
        })
        .collect()
}

/// The community's social workers, by user id descending.
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    staff: bool,
    page: Page,
) -> ApiResult<Vec<SocialWorkerView>> {
    let ids: Vec<i64> = role_grants::table
        .filter(role_grants::community_id.eq(community_id))
        .filter(role_grants::role.eq(Role::SocialWorker.as_str()))
        .filter(role_grants::revoked_at.is_null())
        .filter(role_grants::user_id.lt(page.before_id))
        .order(role_grants::user_id.desc())
        .limit(page.limit + 1)
        .select(role_grants::user_id)
        .load(conn)?;
    views(conn, &ids, staff)
}

/// Only a social work agency serving the community may be named as an employer.
fn check_employer(
    conn: &mut DbConnection,
    community_id: i64,
    body: &SocialWorkerRequest,
) -> ApiResult<()> {
    match (body.employer_organisation_id, &body.employer_name) {
        (Some(id), None) => {
            let field = "employer_organisation_id";
            if !is_approved(conn, community_id, id)? {
                return Err(ApiError::invalid_field(field, "not_found"));
            }
            let category: String = organisations::table
                .find(id)
                .select(organisations::category)
                .first(conn)?;
            if category != text_of(Category::SocialWorkAgency) {
                return Err(ApiError::invalid_field(field, "invalid_value"));
            }
            Ok(())
        }
        (None, Some(_)) => Ok(()),
        _ => Err(ApiError::invalid(vec![
            FieldError::new("employer_organisation_id", "exactly_one"),
            FieldError::new("employer_name", "exactly_one"),
        ])),
    }
}

/// Staff record (or correct) the qualification and employer of a social worker of the
/// community: someone holding the role there (404 for anyone else).
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    user_id: i64,
    body: &SocialWorkerRequest,
) -> ApiResult<SocialWorkerView> {
    let permission = Permission::ManageOrganisations;
    standing::require(conn, caller.user_id, community_id, permission)?;
    let scope = Scope::Community(community_id);
    if !holds(conn, scope, user_id, Role::SocialWorker)? {
        return Err(ApiError::not_found());
    }
    check_employer(conn, community_id, body)?;
    let before = views(conn, &[user_id], true)?.pop();
    let values = (
        workers::certificate_level.eq(text_of(body.certificate_level)),
        workers::certificate_number.eq(body.certificate_number.as_deref().map(str::trim)),
        workers::employer_organisation_id.eq(body.employer_organisation_id),
        workers::employer_name.eq(body.employer_name.as_deref().map(str::trim)),
        workers::updated_by.eq(caller.actor_id()),
        workers::updated_at.eq(now()),
    );
    if before.as_ref().is_some_and(|b| b.updated_at.is_some()) {
        diesel::update(workers::table.find(user_id))
            .set(values)
            .execute(conn)?;
    } else {
        diesel::insert_into(workers::table)
            .values((workers::user_id.eq(user_id), values))
            .execute(conn)?;
    }
    let after = views(conn, &[user_id], true)?
        .pop()
        .ok_or_else(|| ApiError::internal("a social worker without a view"))?;
    let change = Change::in_community(community_id, "social_worker.recorded", "user", user_id);
    let before = before.filter(|b| b.updated_at.is_some());
    audit::record(
        conn,
        &caller.into(),
        change.before_if(before.as_ref()).after(&after),
    )?;
    Ok(after)
}
