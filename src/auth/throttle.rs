//! Brute-force protection: failed logins are counted per account and per client address, and
//! registrations per client address, in the shared key-value store.

use crate::config::LoginLimits;
use crate::error::ApiError;
use crate::kv::{Kv, RateLimit};

pub struct Throttle<'a> {
    pub kv: &'a Kv,
    pub limits: LoginLimits,
}

impl Throttle<'_> {
    fn account_key(login: &str) -> String {
        format!("login-failures:account:{login}")
    }

    fn ip_key(ip: &str) -> String {
        format!("login-failures:ip:{ip}")
    }

    fn limit(&self, count: u64) -> RateLimit {
        RateLimit {
            count,
            window: self.limits.window,
        }
    }

    /// Counts the attempt before the password is checked, so a burst of parallel guesses is
    /// cut off at the limit instead of all passing a check made before any of them failed.
    /// Refuses the attempt once either counter is past its limit.
    pub async fn begin_login(&self, login: &str, ip: &str) -> Result<(), ApiError> {
        self.kv
            .within_limit(
                &Self::account_key(login),
                self.limit(self.limits.per_account),
            )
            .await?;
        self.kv
            .within_limit(&Self::ip_key(ip), self.limit(self.limits.per_ip))
            .await
    }

    /// A successful login forgives the account's earlier mistakes, and takes back its own
    /// count at the address: only failures count against an address.
    pub async fn record_success(&self, login: &str, ip: &str) -> Result<(), ApiError> {
        self.kv.delete(&Self::account_key(login)).await?;
        self.kv.decrement(&Self::ip_key(ip)).await
    }

    pub async fn check_registration(&self, ip: &str) -> Result<(), ApiError> {
        let limit = self.limit(self.limits.registrations_per_ip);
        self.kv
            .within_limit(&format!("registrations:ip:{ip}"), limit)
            .await
    }
}
