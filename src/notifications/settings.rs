//! A person's notification settings: the language of their email and gateway messages,
//! email one by one or as a daily digest, and per kind whether email and the gateway carry it.

use super::notice::{Channel, Kind};
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::{notification_preferences, notification_settings};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

crate::stored_enum! {
    /// The language of messages sent out of the app.
    pub enum Locale {
        ZhCn => "zh-CN",
        En => "en",
    }
}

impl Locale {
    pub fn lang(self) -> crate::error::Lang {
        match self {
            Self::ZhCn => crate::error::Lang::Zh,
            Self::En => crate::error::Lang::En,
        }
    }
}

/// Whether one kind of notice goes by email and through the operator's gateway.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindChoice {
    pub kind: Kind,
    pub email: bool,
    /// The operator's SMS or WeChat gateway, to the account's phone number.
    pub webhook: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NotificationSettingsView)]
pub struct SettingsView {
    pub locale: Locale,
    /// Email once a day, all together, instead of one message per notice.
    pub email_digest: bool,
    /// Every kind, with the person's choice or the default. The inbox always has everything.
    pub kinds: Vec<KindChoice>,
}

/// Changes to make; what is left out stays as it is.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    pub locale: Option<Locale>,
    pub email_digest: Option<bool>,
    #[validate(length(max = 11))]
    #[serde(default)]
    pub kinds: Vec<KindChoice>,
}

/// The language and digest choice of `user_id` (Chinese and one by one when never set).
pub fn basics(conn: &mut DbConnection, user_id: i64) -> Result<(Locale, bool), ApiError> {
    let row: Option<(String, bool)> = notification_settings::table
        .find(user_id)
        .select((
            notification_settings::locale,
            notification_settings::email_digest,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((locale, digest)) => (Locale::parse(&locale).unwrap_or(Locale::ZhCn), digest),
        None => (Locale::ZhCn, false),
    })
}

pub fn load(conn: &mut DbConnection, user_id: i64) -> Result<SettingsView, ApiError> {
    let (locale, email_digest) = basics(conn, user_id)?;
    let chosen: Vec<(String, String, bool)> = notification_preferences::table
        .filter(notification_preferences::user_id.eq(user_id))
        .select((
            notification_preferences::kind,
            notification_preferences::channel,
            notification_preferences::enabled,
        ))
        .load(conn)?;
    let choice = |kind: Kind, channel: Channel| {
        chosen
            .iter()
            .find(|(k, c, _)| k == kind.as_str() && c == channel.as_str())
            .map_or(kind.on_by_default(channel), |(_, _, on)| *on)
    };
    let kinds = Kind::ALL
        .iter()
        .map(|&kind| KindChoice {
            kind,
            email: choice(kind, Channel::Email),
            webhook: choice(kind, Channel::Webhook),
        })
        .collect();
    Ok(SettingsView {
        locale,
        email_digest,
        kinds,
    })
}

/// Applies `change` in one write transaction and returns the settings after it.
pub fn update(
    conn: &mut DbConnection,
    user_id: i64,
    change: SettingsChange,
) -> Result<SettingsView, ApiError> {
    let (locale, digest) = basics(conn, user_id)?;
    let locale = change.locale.unwrap_or(locale);
    let digest = change.email_digest.unwrap_or(digest);
    diesel::delete(notification_settings::table.find(user_id)).execute(conn)?;
    diesel::insert_into(notification_settings::table)
        .values((
            notification_settings::user_id.eq(user_id),
            notification_settings::locale.eq(locale.as_str()),
            notification_settings::email_digest.eq(digest),
            notification_settings::updated_at.eq(now()),
        ))
        .execute(conn)?;
    for choice in &change.kinds {
        for (channel, enabled) in [
            (Channel::Email, choice.email),
            (Channel::Webhook, choice.webhook),
        ] {
            let key = (
                notification_preferences::user_id.eq(user_id),
                notification_preferences::kind.eq(choice.kind.as_str()),
                notification_preferences::channel.eq(channel.as_str()),
            );
            diesel::delete(
                notification_preferences::table
                    .filter(key.0)
                    .filter(key.1)
                    .filter(key.2),
            )
            .execute(conn)?;
            diesel::insert_into(notification_preferences::table)
                .values((
                    key.0,
                    key.1,
                    key.2,
                    notification_preferences::enabled.eq(enabled),
                ))
                .execute(conn)?;
        }
    }
    load(conn, user_id)
}
