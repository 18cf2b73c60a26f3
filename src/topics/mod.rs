//! Consultation topics (议题, 协商议事): raised by staff, an organisation, or residents with
//! enough co-signers, then
//! `proposed → accepted → discussion → voting → decided → implementing → evaluated`,
//! or `rejected` with a reason. Every step is an event on the topic's public timeline.
//!
//! Votes on a topic are in `crate::votes`; they move the topic into `voting` and `decided`.
//!
//! Who reads what: people of the community (anyone with a role there but a member still
//! awaiting verification) read topics in every stage, their discussion and meetings in full.
//! Everyone else, logged in or not, reads only decided topics and what followed (决议公开,
//! 实施结果公开), without who did what and without meeting attendees; other topics are 404.
//!
//! 四议两公开 (`procedure = four_two`, raised by staff since the party branch proposes): the six
//! steps are recorded in order, each in one stage ([`types::ProcedureStep::stage`]):
//! branch_proposal while proposed, committees_discussion while accepted, members_review in
//! discussion, meeting_resolution and resolution_public once decided (the vote is the
//! meeting's resolution), result_public while implementing. A four_two topic cannot be
//! accepted before branch_proposal, enter discussion before committees_discussion, go to a
//! vote before members_review, start implementation before resolution_public, or close its
//! evaluation before result_public; [`stage::advance`] enforces this for every caller.

pub mod comments;
pub mod cosign;
pub mod discussion_routes;
pub mod lifecycle;
pub mod meetings;
pub mod outcome;
pub mod outcome_routes;
pub mod procedure;
pub mod raise;
pub mod readers;
pub mod routes;
pub mod settings;
pub mod stage;
pub mod stage_routes;
pub mod store;
pub mod timeline;
pub mod types;
pub mod view;

pub use types::{Origin, Procedure, TopicStage};
