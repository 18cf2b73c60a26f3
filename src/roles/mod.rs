//! Roles, the permission table, and the standing check every community-scoped handler uses.

pub mod permission;
mod role;
pub mod routes;
pub mod standing;
pub mod store;

pub use permission::Permission;
pub use role::Role;
pub use standing::Standing;
