//! The metrics computed from platform data, with the formula of each: what the evaluation
//! standards score. All of a period's metrics for a batch of communities come from a fixed
//! number of grouped queries (one per family below), so computing a district costs the same
//! handful of queries as computing one community.
//!
//! A period is `[start, end)` between Beijing midnights. Counts "at the end" take what existed
//! before `end`; flows take what happened inside the period. Nothing depends on when the
//! figures are computed, so a closed period always recomputes to the same values.

mod participation;
mod people;
mod resources;
pub mod routes;
mod tally;

use super::manual::store::InForce;
use super::measure::Measure;
use super::period::Period;
use crate::db::DbConnection;
use crate::error::ApiError;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

crate::stored_enum! {
    /// What a metric's number counts.
    pub enum Unit {
        Count => "count",
        /// A share between 0 and 1.
        Ratio => "ratio",
        Hours => "hours",
        Days => "days",
        Fen => "fen",
        SquareMetres => "square_metres",
    }
}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct MetricInfo {
    pub key: &'static str,
    pub unit: Unit,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// How it is computed, in the words of the data it reads.
    pub formula: &'static str,
}

const fn metric(
    key: &'static str,
    unit: Unit,
    name_zh: &'static str,
    name_en: &'static str,
    formula: &'static str,
) -> MetricInfo {
    MetricInfo {
        key,
        unit,
        name_zh,
        name_en,
        formula,
    }
}

use Unit::*;

/// Every metric, in the order dashboards show them.
pub const CATALOGUE: &[MetricInfo] = &[
    metric(
        "residents",
        Count,
        "实名居民数",
        "Verified residents",
        "Members whose residency was verified before the period's end.",
    ),
    metric(
        "households",
        Count,
        "户数",
        "Households",
        "Households registered in the community before the period's end.",
    ),
    metric(
        "registered_volunteers",
        Count,
        "注册志愿者数",
        "Registered volunteers",
        "Volunteer profiles created in the community before the period's end.",
    ),
    metric(
        "volunteer_registration_rate",
        Ratio,
        "志愿者注册率",
        "Volunteer registration rate",
        "registered_volunteers / residents.",
    ),
    metric(
        "verified_hours_per_resident",
        Hours,
        "人均志愿服务时长（年化）",
        "Verified hours per resident (per year)",
        "Verified service minutes served in the period and recorded by its end / 60 / residents × 365 / days in the period.",
    ),
    metric(
        "active_volunteers_90d",
        Count,
        "近90天活跃志愿者",
        "Active volunteers (90 days)",
        "People with verified service hours served in the 90 days before the period's end.",
    ),
    metric(
        "wish_fulfilment_rate",
        Ratio,
        "微心愿实现率",
        "Wish fulfilment rate",
        "Wishes published in the period whose fulfilment the requester confirmed before its end / wishes published in the period.",
    ),
    metric(
        "wish_median_days_to_fulfil",
        Days,
        "微心愿实现天数中位数",
        "Median days to fulfil a wish",
        "Median, over wishes whose fulfilment was confirmed in the period, of days from publication to confirmation (the mean of the middle two for an even count).",
    ),
    metric(
        "vote_turnout",
        Ratio,
        "投票率",
        "Vote turnout",
        "Electors who voted / electors, over the votes closed in the period.",
    ),
    metric(
        "implementation_published_rate",
        Ratio,
        "议题实施结果公开率",
        "Decided topics with implementation published",
        "Topics decided in the period with an implementation update published before its end / topics decided in the period.",
    ),
    metric(
        "resident_satisfaction",
        Ratio,
        "居民满意度",
        "Resident satisfaction",
        "Satisfied answers (Likert 4–5, or good) / answers, over questions tagged resident_satisfaction in surveys closed in the period.",
    ),
    metric(
        "service_satisfaction",
        Ratio,
        "服务满意度",
        "Service satisfaction",
        "As resident_satisfaction, over questions tagged service_satisfaction.",
    ),
    metric(
        "security_satisfaction",
        Ratio,
        "治安满意度",
        "Security satisfaction",
        "As resident_satisfaction, over questions tagged security_satisfaction.",
    ),
    metric(
        "environment_satisfaction",
        Ratio,
        "环境满意度",
        "Environment satisfaction",
        "As resident_satisfaction, over questions tagged environment_satisfaction.",
    ),
    metric(
        "governance_satisfaction",
        Ratio,
        "自治满意度",
        "Governance satisfaction",
        "As resident_satisfaction, over questions tagged governance_satisfaction.",
    ),
    metric(
        "civility_satisfaction",
        Ratio,
        "文明和谐满意度",
        "Civility satisfaction",
        "As resident_satisfaction, over questions tagged civility_satisfaction.",
    ),
    metric(
        "service_good_rate",
        Ratio,
        "好评率",
        "Good rating rate (好差评)",
        "Good ratings / ratings, over service ratings given in the period.",
    ),
    metric(
        "rectification_rate",
        Ratio,
        "整改率",
        "Rectification rate",
        "Poor ratings of the period whose rectification the resident accepted before the period's end / poor ratings of the period.",
    ),
    metric(
        "rectification_on_time_rate",
        Ratio,
        "按时整改率",
        "On-time rectification rate",
        "As rectification_rate, counting only cases whose accepted reply came by its deadline.",
    ),
    metric(
        "social_organisations",
        Count,
        "社区社会组织数",
        "Social organisations",
        "Organisations approved to serve the community before the period's end.",
    ),
    metric(
        "social_organisations_life_service",
        Count,
        "生活服务类社会组织",
        "Life-service organisations",
        "social_organisations of category life_service.",
    ),
    metric(
        "social_organisations_charity",
        Count,
        "公益慈善类社会组织",
        "Charity organisations",
        "social_organisations of category charity.",
    ),
    metric(
        "social_organisations_mutual_aid",
        Count,
        "居民互助类社会组织",
        "Mutual-aid organisations",
        "social_organisations of category mutual_aid.",
    ),
    metric(
        "social_organisations_culture_sports",
        Count,
        "文体类社会组织",
        "Culture and sports organisations",
        "social_organisations of category culture_sports.",
    ),
    metric(
        "social_organisations_social_work_agency",
        Count,
        "专业社工机构",
        "Social work agencies",
        "social_organisations of category social_work_agency.",
    ),
    metric(
        "community_workers",
        Count,
        "社区工作者数",
        "Community workers",
        "People holding a community_admin, community_staff, grid_worker or social_worker role at the period's end.",
    ),
    metric(
        "social_workers",
        Count,
        "社工人数",
        "Social workers",
        "People holding the social_worker role at the period's end.",
    ),
    metric(
        "social_worker_ratio",
        Ratio,
        "社工占比",
        "Social worker ratio",
        "social_workers / community_workers.",
    ),
    metric(
        "fund_raised_fen",
        Fen,
        "慈善基金募集（分）",
        "Charity fund raised (fen)",
        "Money donations recorded in the period.",
    ),
    metric(
        "fund_disbursed_fen",
        Fen,
        "慈善基金支出（分）",
        "Charity fund disbursed (fen)",
        "Disbursements approved twice (paid) in the period.",
    ),
    metric(
        "linkage_index",
        Ratio,
        "五社联动指数",
        "Five-societies linkage index",
        "(projects and activities involving at least three of the five societies) / (projects and activities): projects approved before the period's end and not completed or cancelled before it began, by their recorded societies; activities held (begun) in the period and completed, counting the community itself, volunteers (any verified attendance), a social worker (the organiser holds the role) and a social organisation (the organiser belongs to one serving the community).",
    ),
    metric(
        "facility_m2_per_100_households",
        SquareMetres,
        "每百户服务设施面积",
        "Facility area per 100 households",
        "Approved manual value service_facility_area_m2 × 100 / households.",
    ),
    metric(
        "activity_room_share",
        Ratio,
        "居民活动用房占比",
        "Activity rooms' share of the facility",
        "Approved manual values activity_room_area_m2 / service_facility_area_m2.",
    ),
];

/// The catalogue entry of `key`, if it names a computed metric.
pub fn info(key: &str) -> Option<&'static MetricInfo> {
    CATALOGUE.iter().find(|m| m.key == key)
}

/// One community's metrics for a period: `None` where there is nothing to divide by.
pub type Values = BTreeMap<&'static str, Option<Measure>>;

/// The communities of one batch and the values found for each so far.
pub struct Batch {
    pub period: Period,
    ids: Vec<i64>,
    values: HashMap<i64, Values>,
}

impl Batch {
    fn set(&mut self, community_id: i64, key: &'static str, value: Option<Measure>) {
        if let Some(values) = self.values.get_mut(&community_id) {
            values.insert(key, value);
        }
    }

    fn get(&self, community_id: i64, key: &str) -> Option<Measure> {
        self.values.get(&community_id)?.get(key).copied().flatten()
    }

    /// A count metric as a whole number; 0 when not found.
    fn count(&self, community_id: i64, key: &str) -> i64 {
        self.get(community_id, key)
            .map_or(0, |m| m.raw() / Measure::SCALE)
    }

    /// The SQL condition limiting `column` to the batch (ids are integers, never user text).
    fn scope(&self, column: &str) -> String {
        let ids: Vec<String> = self.ids.iter().map(i64::to_string).collect();
        format!("{column} IN ({})", ids.join(","))
    }
}

/// Every platform metric of `period` for each of `community_ids`, given the approved manual
/// values in force (for the metrics derived from them).
pub fn compute(
    conn: &mut DbConnection,
    period: Period,
    community_ids: &[i64],
    manual: &HashMap<i64, BTreeMap<String, InForce>>,
) -> Result<HashMap<i64, Values>, ApiError> {
    let zeroes = || -> Values { CATALOGUE.iter().map(|m| (m.key, None)).collect() };
    let mut batch = Batch {
        period,
        ids: community_ids.to_vec(),
        values: community_ids.iter().map(|id| (*id, zeroes())).collect(),
    };
    if community_ids.is_empty() {
        return Ok(batch.values);
    }
    people::compute(conn, &mut batch)?;
    participation::compute(conn, &mut batch)?;
    resources::compute(conn, &mut batch)?;
    for id in community_ids {
        let area = |key: &str| manual.get(id).and_then(|m| m.get(key)).map(|v| v.value);
        let facility = area("service_facility_area_m2");
        let households = batch.count(*id, "households");
        let per_hundred = facility.and_then(|f| f.scaled(100, households));
        batch.set(*id, "facility_m2_per_100_households", per_hundred);
        let rooms = area("activity_room_area_m2");
        let share = rooms.zip(facility).and_then(|(r, f)| r.over(f));
        batch.set(*id, "activity_room_share", share);
    }
    Ok(batch.values)
}
