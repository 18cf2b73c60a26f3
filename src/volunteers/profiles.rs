//! Volunteer profiles: skills, weekly availability and 双报到 (an employed party member
//! reporting for service where they live). One profile per person per community; saving it
//! replaces it whole. Staff see profiles with display names and hours, never phone numbers,
//! addresses or ID numbers.

use super::ServiceSummary;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::{DbConnection, now};
use crate::error::{ApiError, ApiResult};
use crate::http::pagination::Page;
use crate::points::settings;
use crate::roles::{Permission, standing};
use crate::schema::{users, volunteer_profiles as profiles, volunteer_skills as skills};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Morning,
    Afternoon,
    Evening,
}

/// A part of a weekday when the volunteer can usually serve.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Validate, ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// 1 (Monday) to 7 (Sunday).
    #[validate(range(min = 1, max = 7))]
    pub weekday: u8,
    pub period: Period,
}

/// One's whole profile (`PUT` replaces it; omitted fields take their defaults).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    /// Skill tags (医疗, 维修, 书法...): up to 10, each one line of 1 to 20 characters;
    /// trimmed, duplicates dropped.
    #[serde(default)]
    #[validate(length(max = 10), custom(function = "skill_tags"))]
    pub skills: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 21), nested)]
    pub availability: Vec<Slot>,
    /// 双报到: an employed party member serving where they live.
    #[serde(default)]
    pub dual_report: bool,
    /// Their employer or party organisation; required with `dual_report`, dropped without.
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::http::text::single_line")
    )]
    pub dual_report_unit: Option<String>,
    #[validate(length(max = 1000), custom(function = "crate::http::text::multi_line"))]
    pub introduction: Option<String>,
}

fn skill_tags(tags: &[String]) -> Result<(), ValidationError> {
    let fits = |tag: &String| {
        (1..=20).contains(&tag.trim().chars().count()) && !tag.chars().any(char::is_control)
    };
    if tags.iter().all(fits) {
        Ok(())
    } else {
        Err(ValidationError::new("invalid_skill"))
    }
}

impl ProfileRequest {
    fn skills(&self) -> BTreeSet<&str> {
        self.skills.iter().map(|s| s.trim()).collect()
    }

    /// The availability as stored: sorted, without repeats, as compact JSON, the form the
    /// `available_weekday` filter matches.
    fn availability_json(&self) -> ApiResult<String> {
        let slots: BTreeSet<Slot> = self.availability.iter().copied().collect();
        serde_json::to_string(&slots).map_err(ApiError::internal)
    }

    fn dual_report_unit(&self) -> ApiResult<Option<&str>> {
        let unit = self.dual_report_unit.as_deref().map(str::trim);
        match (self.dual_report, unit) {
            (true, None) => Err(ApiError::invalid_field("dual_report_unit", "required")),
            (true, unit) => Ok(unit),
            (false, _) => Ok(None),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileView {
    pub community_id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub skills: Vec<String>,
    pub availability: Vec<Slot>,
    pub dual_report: bool,
    pub dual_report_unit: Option<String>,
    pub introduction: Option<String>,
    pub service: ServiceSummary,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = profiles)]
struct Row {
    availability: String,
    dual_report: bool,
    dual_report_unit: Option<String>,
    introduction: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn skills_of(conn: &mut DbConnection, community_id: i64, user_id: i64) -> ApiResult<Vec<String>> {
    Ok(skills::table
        .filter(skills::community_id.eq(community_id))
        .filter(skills::user_id.eq(user_id))
        .order(skills::skill)
        .select(skills::skill)
        .load(conn)?)
}

/// A person's profile in the community; 404 if they have none.
pub fn get(conn: &mut DbConnection, community_id: i64, user_id: i64) -> ApiResult<ProfileView> {
    let (row, display_name): (Row, String) = profiles::table
        .inner_join(users::table.on(users::id.eq(profiles::user_id)))
        .filter(profiles::community_id.eq(community_id))
        .filter(profiles::user_id.eq(user_id))
        .select((Row::as_select(), users::display_name))
        .first(conn)?;
    let minutes = super::total_minutes(conn, community_id, &[user_id])?;
    let thresholds = settings::load(conn, community_id)?.star_thresholds_hours;
    Ok(ProfileView {
        community_id,
        user_id,
        display_name,
        skills: skills_of(conn, community_id, user_id)?,
        // Written by `availability_json` only, so it always reads back.
        availability: serde_json::from_str(&row.availability).unwrap_or_default(),
        dual_report: row.dual_report,
        dual_report_unit: row.dual_report_unit,
        introduction: row.introduction,
        service: ServiceSummary::new(minutes.get(&user_id).copied().unwrap_or(0), &thresholds),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

/// Creates or replaces the caller's profile, skills included. Audited before and after.
pub fn save(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    body: &ProfileRequest,
) -> ApiResult<ProfileView> {
    standing::require(conn, caller.user_id, community_id, Permission::Volunteer)?;
    let user_id = caller.user_id;
    let unit = body.dual_report_unit()?;
    let before = match super::has_profile(conn, community_id, user_id)? {
        true => Some(get(conn, community_id, user_id)?),
        false => None,
    };
    let at = now();
    let values = (
        profiles::availability.eq(body.availability_json()?),
        profiles::dual_report.eq(body.dual_report),
        profiles::dual_report_unit.eq(unit),
        profiles::introduction.eq(body.introduction.as_deref().map(str::trim)),
        profiles::updated_at.eq(at),
    );
    if before.is_some() {
        diesel::update(profiles::table.find((community_id, user_id)))
            .set(values)
            .execute(conn)?;
    } else {
        diesel::insert_into(profiles::table)
            .values((
                profiles::community_id.eq(community_id),
                profiles::user_id.eq(user_id),
                profiles::created_at.eq(at),
                values,
            ))
            .execute(conn)?;
    }
    diesel::delete(
        skills::table
            .filter(skills::community_id.eq(community_id))
            .filter(skills::user_id.eq(user_id)),
    )
    .execute(conn)?;
    // One by one: at most ten, and batch inserts are not portable across both backends here.
    for skill in body.skills() {
        diesel::insert_into(skills::table)
            .values((
                skills::community_id.eq(community_id),
                skills::user_id.eq(user_id),
                skills::skill.eq(skill),
            ))
            .execute(conn)?;
    }
    let after = get(conn, community_id, user_id)?;
    let mut change =
        Change::in_community(community_id, "volunteers.profile_saved", "user", user_id)
            .after(&after);
    if let Some(before) = &before {
        change = change.before(before);
    }
    audit::record(conn, &caller.into(), change)?;
    Ok(after)
}

/// How staff narrow the list of volunteers.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub skill: Option<String>,
    pub dual_report: Option<bool>,
    pub available_weekday: Option<u8>,
}

/// A volunteer as staff see them in the list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VolunteerSummary {
    pub user_id: i64,
    pub display_name: String,
    pub skills: Vec<String>,
    pub dual_report: bool,
    pub service: ServiceSummary,
}

/// The community's volunteers, most recently registered account first (by user id, the cursor).
pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    filter: &Filter,
    page: Page,
) -> ApiResult<Vec<VolunteerSummary>> {
    let mut query = profiles::table
        .inner_join(users::table.on(users::id.eq(profiles::user_id)))
        .filter(profiles::community_id.eq(community_id))
        .filter(profiles::user_id.lt(page.before_id))
        .into_boxed();
    if let Some(skill) = &filter.skill {
        let with_skill = skills::table
            .filter(skills::community_id.eq(community_id))
            .filter(skills::skill.eq(skill.trim().to_owned()))
            .select(skills::user_id);
        query = query.filter(profiles::user_id.eq_any(with_skill));
    }
    if let Some(dual_report) = filter.dual_report {
        query = query.filter(profiles::dual_report.eq(dual_report));
    }
    if let Some(weekday) = filter.available_weekday {
        // Matches the compact JSON that `availability_json` writes, e.g. {"weekday":3,...}.
        query = query.filter(profiles::availability.like(format!("%\"weekday\":{weekday},%")));
    }
    let rows: Vec<(i64, String, bool)> = query
        .order(profiles::user_id.desc())
        .limit(page.limit + 1)
        .select((
            profiles::user_id,
            users::display_name,
            profiles::dual_report,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let minutes = super::total_minutes(conn, community_id, &ids)?;
    let thresholds = settings::load(conn, community_id)?.star_thresholds_hours;
    let tags: Vec<(i64, String)> = skills::table
        .filter(skills::community_id.eq(community_id))
        .filter(skills::user_id.eq_any(&ids))
        .order((skills::user_id, skills::skill))
        .select((skills::user_id, skills::skill))
        .load(conn)?;
    let mut tags_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (owner, skill) in tags {
        tags_of.entry(owner).or_default().push(skill);
    }
    Ok(rows
        .into_iter()
        .map(|(user_id, display_name, dual_report)| VolunteerSummary {
            user_id,
            display_name,
            skills: tags_of.remove(&user_id).unwrap_or_default(),
            dual_report,
            service: ServiceSummary::new(minutes.get(&user_id).copied().unwrap_or(0), &thresholds),
        })
        .collect())
}
