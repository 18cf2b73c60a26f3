//! HTTP tests of the whole app, on SQLite and (when configured) PostgreSQL with Redis.

mod helpers;

mod activities;
mod activity_attendance;
mod assisted;
mod auth;
mod bad_input;
mod concurrency;
mod five_societies_privacy;
mod fund;
mod fund_disbursements;
mod fund_races;
mod memberships;
mod openapi;
mod organisation_people;
mod organisations;
mod points;
mod project_societies;
mod projects;
mod ratings;
mod rewards;
mod rewards_races;
mod role_matrix;
mod tokens;
mod topic_outcomes;
mod topics;
mod volunteer_reports;
mod volunteers;
mod vote_channels;
mod vote_secrecy;
mod votes;
mod voting;
mod wishes;
mod world;
