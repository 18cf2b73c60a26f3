//! Evaluation standards (评价标准): versioned, editable by region admins, with the built-in
//! ones of Hunan 2022, Ziyang 2018 and Wuhan's happy communities.

pub mod builtin;
pub mod definition;
pub mod routes;
pub mod scoring;
pub mod store;
