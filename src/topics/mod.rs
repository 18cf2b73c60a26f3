//! Consultation topics (议题, 协商议事): raised by staff, an organisation, or residents with
//! enough co-signers, then
//! `proposed → accepted → discussion → voting → decided → implementing → evaluated`,
//! or `rejected` with a reason. Every step is an event on the topic's public timeline.
//!
//! Votes on a topic are in `crate::votes`; they move the topic into `voting` and `decided`.

pub mod stage;
pub mod store;
pub mod timeline;
pub mod types;

pub use types::{Origin, Procedure, TopicStage};
