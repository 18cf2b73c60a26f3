//! Notifications: an in-app inbox, email and the operator's gateway (SMS or WeChat, by a
//! signed webhook), for the events residents, volunteers and staff need to hear of.
//!
//! - `notice`: the kinds of event and their facts; `templates`: their words in zh-CN and en.
//! - `notify`: written in the event's own transaction, an inbox row per person and an outbox
//!   row per channel their settings allow (delivered by `crate::outbox`).
//! - `reminders`: the scheduled ones (activities tomorrow, votes and surveys closing, overdue
//!   rectifications), each given once per person.
//! - `inbox`, `settings`, `routes`: what a person reads and chooses.

pub mod inbox;
pub mod notice;
pub mod notify;
pub mod reminders;
pub mod routes;
pub mod settings;
pub mod templates;

pub use notice::{Kind, Notice};
pub use notify::notify;
