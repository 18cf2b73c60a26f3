//! Micro-governance projects (社区微治理项目 / 公益创投): proposed by residents or by the
//! organisations serving a community, decided by its staff, carried out by an organisation
//! with social workers and volunteers, paid for from the charity fund.
//!
//! `proposed → approved | rejected` (a reason) `→ in_progress → completed` (a report);
//! `proposed | approved | in_progress → cancelled` (a reason). Every step is staff's.
//!
//! Each project records which of the five societies took part ([`societies`]): that is how
//! "linkage" (联动) becomes measurable.
//!
//! Privacy: the public reads approved, running and completed projects without any person in
//! them; proposer and participants (user id and display name, nothing more) are shown to
//! people of the community and to those taking part.

pub mod lifecycle;
pub mod milestones;
pub mod participants;
pub mod routes;
pub mod societies;
pub mod store;
pub mod types;
pub mod work_routes;
