//! A community's wish rules: the value cap, when an unclaimed wish is escalated, and the
//! categories with the points a fulfilled wish of each earns. Communities without a row use
//! the defaults (DOMAIN: 500 yuan cap; the five categories).

use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::roles::{Permission, standing};
use crate::schema::wish_settings as settings;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WishCategory)]
pub struct Category {
    /// Stable code the apps send, e.g. `life_help`.
    #[validate(length(min = 1, max = 40), custom(function = "code"))]
    pub code: String,
    #[validate(
        length(min = 1, max = 20),
        custom(function = "crate::http::text::single_line")
    )]
    pub name: String,
    /// Points the fulfiller earns when the requester confirms.
    #[validate(range(min = 0, max = 1000))]
    pub points: i64,
}

fn code(value: &str) -> Result<(), ValidationError> {
    if value.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        Ok(())
    } else {
        Err(ValidationError::new("invalid_value"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WishSettings {
    /// The most a wish may be worth, in fen.
    #[validate(range(min = 100, max = 10_000_000))]
    pub value_cap_fen: i64,
    /// Days a published wish may lie unclaimed before it is escalated to the community's
    /// social worker and grid worker.
    #[validate(range(min = 1, max = 90))]
    pub escalate_after_days: i32,
    #[validate(length(min = 1, max = 20), nested)]
    pub categories: Vec<Category>,
}

impl Default for WishSettings {
    fn default() -> Self {
        let category = |code: &str, name: &str, points| Category {
            code: code.to_owned(),
            name: name.to_owned(),
            points,
        };
        Self {
            value_cap_fen: 50_000,
            escalate_after_days: 3,
            categories: vec![
                category("life_help", "生活帮扶", 20),
                category("school_supplies", "学习用品", 10),
                category("companionship", "陪伴探访", 20),
                category("repair", "维修", 20),
                category("other", "其他", 10),
            ],
        }
    }
}

impl WishSettings {
    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }
}

pub fn load(conn: &mut DbConnection, community_id: i64) -> Result<WishSettings, ApiError> {
    let row: Option<(i64, i32, String)> = settings::table
        .find(community_id)
        .select((
            settings::value_cap_fen,
            settings::escalate_after_days,
            settings::categories,
        ))
        .first(conn)
        .optional()?;
    let Some((value_cap_fen, escalate_after_days, categories)) = row else {
        return Ok(WishSettings::default());
    };
    let categories = serde_json::from_str(&categories)
        .map_err(|e| ApiError::internal(format!("stored wish categories: {e}")))?;
    Ok(WishSettings {
        value_cap_fen,
        escalate_after_days,
        categories,
    })
}

/// Replaces the rules (community admins, like the points rules).
pub fn replace(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    new: &WishSettings,
    now: NaiveDateTime,
) -> Result<WishSettings, ApiError> {
    standing::require(
        conn,
        caller.user_id,
        community_id,
        Permission::ManagePointSettings,
    )?;
    let mut codes: Vec<&str> = new.categories.iter().map(|c| c.code.as_str()).collect();
    codes.sort_unstable();
    if codes.windows(2).any(|w| w[0] == w[1]) {
        return Err(ApiError::invalid_field("categories", "duplicate"));
    }
    let before = load(conn, community_id)?;
    let categories = serde_json::to_string(&new.categories)
        .map_err(|e| ApiError::internal(format!("wish categories: {e}")))?;
    let values = (
        settings::value_cap_fen.eq(new.value_cap_fen),
        settings::escalate_after_days.eq(new.escalate_after_days),
        settings::categories.eq(&categories),
        settings::updated_by.eq(caller.actor_id()),
        settings::updated_at.eq(now),
    );
    diesel::delete(settings::table.find(community_id)).execute(conn)?;
    diesel::insert_into(settings::table)
        .values((settings::community_id.eq(community_id), values))
        .execute(conn)?;
    let change = Change::in_community(
        community_id,
        "wishes.settings_changed",
        "community",
        community_id,
    );
    audit::record(conn, &caller.into(), change.before(&before).after(new))?;
    Ok(new.clone())
}
