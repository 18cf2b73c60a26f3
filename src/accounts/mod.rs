//! Accounts: identity types, the user store, and `/me`.

pub mod identity;
pub mod routes;
pub mod store;
pub mod types;
