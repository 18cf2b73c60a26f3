//! Manual indicator values: what no platform data can give (service facility area, criminal
//! cases), entered by community staff with a reference to their evidence and counted only once
//! a region admin, who is not the one who entered it, approves it.

pub mod routes;
pub mod store;

crate::stored_enum! {
    pub enum EntryStatus {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
}
