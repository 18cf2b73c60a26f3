//! Points rules and the movements people ask for by hand: staff adjustments, family gifts and
//! expiry. The ledger itself is in `crate::ledger`; points earned for service come from
//! activities and wishes.

pub mod adjustments;
pub mod expiry;
pub mod gifts;
pub mod routes;
pub mod settings;
