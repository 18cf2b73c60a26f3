//! The region tree: province → city → district/county → street/township.

pub mod routes;
pub mod store;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    City,
    District,
    Street,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::District => "district",
            Self::Street => "street",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Province, Self::City, Self::District, Self::Street]
            .into_iter()
            .find(|l| l.as_str() == value)
    }

    /// The level a child of this region has; streets have communities, not sub-regions.
    pub fn child(self) -> Option<Self> {
        match self {
            Self::Province => Some(Self::City),
            Self::City => Some(Self::District),
            Self::District => Some(Self::Street),
            Self::Street => None,
        }
    }
}
