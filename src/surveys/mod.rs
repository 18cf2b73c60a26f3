//! Satisfaction surveys (满意度测评).

pub mod routes;
