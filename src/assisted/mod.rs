//! Assisted residents: grid workers and staff create accounts for residents who have no phone
//! or email, and act for them face to face in short, logged sessions. Every action in such a
//! session is audited with both the staff member and the resident.

pub mod routes;
