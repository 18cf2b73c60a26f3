//! Communities (社区 / 村) with the facts indicators need, their grids and households.

pub mod grids;
pub mod households;
pub mod routes;
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CommunityType)]
pub enum Kind {
    /// 社区
    Urban,
    /// 村
    Rural,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Urban => "urban",
            Self::Rural => "rural",
        }
    }
}

/// A community's public facts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommunityView {
    pub id: i64,
    /// The street or township it belongs to.
    pub region_id: i64,
    pub name: String,
    pub code: Option<String>,
    pub kind: Kind,
    pub address: Option<String>,
    pub households_count: i32,
    pub residents_count: i32,
    /// Floor area of the community service facility (m²).
    pub service_facility_area_m2: i32,
    /// Of which activity rooms (m²).
    pub activity_room_area_m2: i32,
    pub full_time_staff_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
