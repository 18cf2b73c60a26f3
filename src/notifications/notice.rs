//! What a person can be told: one variant per event, with the facts its message needs.
//!
//! A notice is stored as its kind and its parameters (JSON) and rendered when it is read or
//! sent, so the inbox follows the app's language and an email the reader's own.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

crate::stored_enum! {
    /// The events a person can be told of; preferences are set per kind.
    pub enum Kind as NotificationKind {
        /// Someone took on your micro-wish.
        WishClaimed => "wish_claimed",
        /// A wish you claimed was confirmed fulfilled.
        WishFulfilled => "wish_fulfilled",
        /// An activity you signed up for starts within a day.
        ActivityReminder => "activity_reminder",
        /// A vote you may take part in has opened.
        VoteOpened => "vote_opened",
        /// A vote you have not yet voted in closes soon.
        VoteClosingSoon => "vote_closing_soon",
        /// A vote you could take part in has closed with its result.
        VoteResult => "vote_result",
        /// You are invited to answer a survey.
        SurveyInvitation => "survey_invitation",
        /// A survey you have not answered closes soon.
        SurveyReminder => "survey_reminder",
        /// Points arrived in your account.
        PointsCredited => "points_credited",
        /// A reward you redeemed is set aside for you to collect.
        RedemptionReady => "redemption_ready",
        /// A poor rating's rectification is due soon (to staff who answer it).
        RectificationDue => "rectification_due",
    }
}

crate::stored_enum! {
    /// Ways a notice leaves the inbox.
    pub enum Channel as NotificationChannel {
        /// To the person's email address.
        Email => "email",
        /// To the operator's gateway (SMS or WeChat), with the person's phone number.
        Webhook => "webhook",
    }
}

impl Kind {
    /// Whether a person who has said nothing gets this kind on `channel`. Every kind goes by
    /// email; the gateway, which usually costs the operator per message, carries only what is
    /// time-critical.
    pub fn on_by_default(self, channel: Channel) -> bool {
        match channel {
            Channel::Email => true,
            Channel::Webhook => matches!(
                self,
                Self::ActivityReminder
                    | Self::VoteOpened
                    | Self::VoteClosingSoon
                    | Self::RedemptionReady
                    | Self::RectificationDue
            ),
        }
    }
}

/// One event to tell people of, with its facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "params", rename_all = "snake_case")]
pub enum Notice {
    WishClaimed {
        wish_id: i64,
        title: String,
    },
    WishFulfilled {
        wish_id: i64,
        title: String,
    },
    ActivityReminder {
        activity_id: i64,
        title: String,
        starts_at: NaiveDateTime,
        place: String,
    },
    VoteOpened {
        vote_id: i64,
        question: String,
        closes_at: NaiveDateTime,
    },
    VoteClosingSoon {
        vote_id: i64,
        question: String,
        closes_at: NaiveDateTime,
    },
    VoteResult {
        vote_id: i64,
        question: String,
        /// `passed`, `not_passed` or `no_quorum`.
        outcome: String,
    },
    SurveyInvitation {
        survey_id: i64,
        title: String,
        closes_at: NaiveDateTime,
    },
    SurveyReminder {
        survey_id: i64,
        title: String,
        closes_at: NaiveDateTime,
    },
    PointsCredited {
        points: i64,
        memo: String,
    },
    RedemptionReady {
        redemption_id: i64,
        item: String,
        quantity: i32,
    },
    RectificationDue {
        rectification_id: i64,
        due_at: NaiveDateTime,
    },
}

impl Notice {
    pub fn kind(&self) -> Kind {
        match self {
            Self::WishClaimed { .. } => Kind::WishClaimed,
            Self::WishFulfilled { .. } => Kind::WishFulfilled,
            Self::ActivityReminder { .. } => Kind::ActivityReminder,
            Self::VoteOpened { .. } => Kind::VoteOpened,
            Self::VoteClosingSoon { .. } => Kind::VoteClosingSoon,
            Self::VoteResult { .. } => Kind::VoteResult,
            Self::SurveyInvitation { .. } => Kind::SurveyInvitation,
            Self::SurveyReminder { .. } => Kind::SurveyReminder,
            Self::PointsCredited { .. } => Kind::PointsCredited,
            Self::RedemptionReady { .. } => Kind::RedemptionReady,
            Self::RectificationDue { .. } => Kind::RectificationDue,
        }
    }

    /// The record the notice is about, for the app to open.
    pub fn subject(&self) -> Option<(&'static str, i64)> {
        match self {
            Self::WishClaimed { wish_id, .. } | Self::WishFulfilled { wish_id, .. } => {
                Some(("wish", *wish_id))
            }
            Self::ActivityReminder { activity_id, .. } => Some(("activity", *activity_id)),
            Self::VoteOpened { vote_id, .. }
            | Self::VoteClosingSoon { vote_id, .. }
            | Self::VoteResult { vote_id, .. } => Some(("vote", *vote_id)),
            Self::SurveyInvitation { survey_id, .. } | Self::SurveyReminder { survey_id, .. } => {
                Some(("survey", *survey_id))
            }
            Self::PointsCredited { .. } => None,
            Self::RedemptionReady { redemption_id, .. } => Some(("redemption", *redemption_id)),
            Self::RectificationDue {
                rectification_id, ..
            } => Some(("rectification", *rectification_id)),
        }
    }

    /// The stored form: the kind's name and the parameters as JSON text.
    pub fn to_stored(&self) -> Result<(Kind, String), serde_json::Error> {
        let mut value = serde_json::to_value(self)?;
        let params = value
            .get_mut("params")
            .map(serde_json::Value::take)
            .unwrap_or_default();
        Ok((self.kind(), serde_json::to_string(&params)?))
    }

    /// Reads a stored notice back.
    pub fn from_stored(kind: &str, params: &str) -> Result<Self, serde_json::Error> {
        let params: serde_json::Value = serde_json::from_str(params)?;
        serde_json::from_value(serde_json::json!({"kind": kind, "params": params}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_survives_storage() {
        let notice = Notice::RedemptionReady {
            redemption_id: 7,
            item: "大米 5kg".into(),
            quantity: 2,
        };
        let (kind, params) = notice.to_stored().unwrap();
        assert_eq!(kind.as_str(), "redemption_ready");
        let params_value: serde_json::Value = serde_json::from_str(&params).unwrap();
        assert_eq!(
            params_value,
            serde_json::json!({"redemption_id": 7, "item": "大米 5kg", "quantity": 2})
        );
        assert_eq!(Notice::from_stored(kind.as_str(), &params).unwrap(), notice);
    }

    #[test]
    fn every_kind_has_its_name() {
        assert_eq!(Kind::ALL.len(), 11);
        assert!(
            Kind::ALL
                .iter()
                .all(|k| Kind::parse(k.as_str()) == Some(*k))
        );
    }
}
