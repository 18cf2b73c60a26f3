//! Service ratings (好差评) and rectification (整改).
//!
//! After a service (a fulfilled wish, an activity attended, a case at the service counter)
//! the person served rates it good, average or poor, once. A poor rating opens a
//! rectification case: staff reply by its deadline, and the resident accepts the reply or
//! rejects it, which reopens the case with a new deadline. The figures of a period (good,
//! rectification and on-time rectification rates) feed the community's indicators.
//!
//! Privacy: staff see a rater's display name, never their phone or address; a resident sees
//! their own ratings and cases only.

pub mod case_routes;
pub mod cases;
pub mod eligibility;
pub mod figures;
pub mod period;
pub mod rate;
pub mod rectification;
pub mod rectification_routes;
pub mod routes;
pub mod store;
pub mod types;
