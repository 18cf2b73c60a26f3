//! wushe: a backend for community co-governance (五社联动 / 共同缔造).
//!
//! Plumbing (`config`, `db`, `error`, `http`, `auth`, `kv`) sits beside one module per domain
//! feature; each feature module holds its routes, its store and its types.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod accounts;
pub mod activities;
pub mod assisted;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod communities;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod fund;
pub mod http;
pub mod indicators;
pub mod jobs;
pub mod kv;
pub mod ledger;
pub mod memberships;
pub mod notifications;
pub mod openapi;
pub mod organisations;
pub mod outbox;
pub mod points;
pub mod projects;
pub mod ratings;
pub mod receipt;
pub mod regions;
pub mod rewards;
pub mod roles;
pub mod schema;
pub mod seed;
pub mod state;
pub mod surveys;
pub mod topics;
pub mod volunteers;
pub mod votes;
pub mod wishes;
