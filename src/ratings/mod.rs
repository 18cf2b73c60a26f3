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

use crate::error::{ApiError, Code};

/// 409 unless an update guarded by the expected status changed its row: of two racing
/// steps on a case, the second finds the status moved on.
fn moved(changed: usize) -> Result<(), ApiError> {
    if changed == 0 {
        return Err(ApiError::new(Code::InvalidState).with_field("status", "invalid_transition"));
    }
    Ok(())
}
