//! Social organisations (社区社会组织) and social workers (社会工作者): the registry behind two
//! of the five societies.
//!
//! An organisation is registered once and serves one or more communities, each of which
//! approves it separately: `pending → approved | rejected` (staff, a reason for rejecting),
//! `pending | approved → withdrawn` (its leaders or staff), and `rejected | withdrawn →
//! pending` when its leaders ask again. In a community it is not approved in, it does not
//! exist for anyone but that community's staff and its own members.
//!
//! Privacy: an organisation shows its own public contact, never a member's phone; members are
//! shown by display name and role, to people of the community only.

pub mod lifecycle;
pub mod member_routes;
pub mod members;
pub mod routes;
pub mod social_workers;
pub mod store;
pub mod types;
