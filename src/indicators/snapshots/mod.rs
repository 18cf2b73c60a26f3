//! Snapshots: a community's figures for one period under one version of a standard, computed
//! by the scheduled job and on demand, read by the dashboards, ranked within the region tree.

pub mod compute;
pub mod plan;
pub mod rollup;
pub mod store;
