//! HTTP tests of the whole app, on SQLite and (when configured) PostgreSQL with Redis.

mod helpers;

mod activities;
mod activity_attendance;
mod assisted;
mod auth;
mod bad_input;
mod concurrency;
mod fund;
mod fund_disbursements;
mod fund_races;
mod memberships;
mod openapi;
mod points;
mod rewards;
mod rewards_races;
mod role_matrix;
mod tokens;
mod topic_outcomes;
mod topics;
mod volunteer_reports;
mod volunteers;
mod wishes;
mod world;
