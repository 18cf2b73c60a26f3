//! A community's consultation rules: how many co-signers a residents' topic needs, the
//! larger of a minimum and a share of the community's households (DOMAIN: 5 verified
//! residents or 1% of households). Communities without a row use the defaults.

use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::roles::{Permission, standing};
use crate::schema::{consultation_settings as settings, households};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationSettings {
    /// Co-signers a residents' topic needs at least (default 5).
    #[validate(range(min = 1, max = 10_000))]
    pub cosigners_minimum: i32,
    /// Co-signers needed per thousand households, rounded up, when that is more than the
    /// minimum (default 10, i.e. 1%).
    #[validate(range(min = 0, max = 1000))]
    pub cosigners_household_permille: i32,
}

impl Default for ConsultationSettings {
    fn default() -> Self {
        Self {
            cosigners_minimum: 5,
            cosigners_household_permille: 10,
        }
    }
}

impl ConsultationSettings {
    /// The co-signers a residents' topic raised now would need.
    pub fn cosigners_required(&self, households: i64) -> i64 {
        // Rounded up: 1% of 1,250 households is 13 co-signers, not 12.
        let share = (households * i64::from(self.cosigners_household_permille) + 999) / 1000;
        share.max(i64::from(self.cosigners_minimum))
    }
}

/// The rules with what they mean for the community today.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = TopicSettingsView)]
pub struct SettingsView {
    // The rules' fields are repeated rather than a flattened `ConsultationSettings`, whose
    // schema is closed to other fields (it is also the request body) and so could not
    // describe this view.
    pub cosigners_minimum: i32,
    pub cosigners_household_permille: i32,
    /// Households registered in the community.
    pub households: i64,
    /// Co-signers a residents' topic raised now needs; a topic keeps the number it was
    /// raised with.
    pub cosigners_required: i64,
}

pub fn load(conn: &mut DbConnection, community_id: i64) -> Result<ConsultationSettings, ApiError> {
    let row: Option<(i32, i32)> = settings::table
        .find(community_id)
        .select((
            settings::cosigners_minimum,
            settings::cosigners_household_permille,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map_or_else(
        ConsultationSettings::default,
        |(cosigners_minimum, cosigners_household_permille)| ConsultationSettings {
            cosigners_minimum,
            cosigners_household_permille,
        },
    ))
}

pub fn view(conn: &mut DbConnection, community_id: i64) -> Result<SettingsView, ApiError> {
    let settings = load(conn, community_id)?;
    let households: i64 = households::table
        .filter(households::community_id.eq(community_id))
        .count()
        .get_result(conn)?;
    Ok(SettingsView {
        cosigners_minimum: settings.cosigners_minimum,
        cosigners_household_permille: settings.cosigners_household_permille,
        households,
        cosigners_required: settings.cosigners_required(households),
    })
}

/// Replaces the rules (staff and community admins). Topics already raised keep their number.
pub fn replace(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
    new: &ConsultationSettings,
    now: NaiveDateTime,
) -> Result<SettingsView, ApiError> {
    standing::require(conn, caller.user_id, community_id, Permission::ManageTopics)?;
    let before = load(conn, community_id)?;
    diesel::delete(settings::table.find(community_id)).execute(conn)?;
    diesel::insert_into(settings::table)
        .values((
            settings::community_id.eq(community_id),
            settings::cosigners_minimum.eq(new.cosigners_minimum),
            settings::cosigners_household_permille.eq(new.cosigners_household_permille),
            settings::updated_by.eq(caller.actor_id()),
            settings::updated_at.eq(now),
        ))
        .execute(conn)?;
    let change = Change::in_community(
        community_id,
        "consultation.settings_changed",
        "community",
        community_id,
    );
    audit::record(conn, &caller.into(), change.before(&before).after(new))?;
    view(conn, community_id)
}
