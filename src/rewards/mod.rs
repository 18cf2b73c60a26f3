//! The rewards shop (爱心超市): items priced in points, with stock and per-person limits.
//! A redemption pays for an item through the ledger and reserves it; staff hand it over
//! (`collected`) or it is called off (`cancelled`) and the points and the stock go back.

pub mod checkout;
pub mod items;
pub mod redemptions;
pub mod routes;
