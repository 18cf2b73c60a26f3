//! Brute-force protection: failed logins are counted per account and per client address, and
//! registrations per client address, in the shared key-value store.

use crate::config::LoginLimits;
use crate::error::ApiError;
use crate::kv::Kv;

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

    /// Counts the attempt before the password is checked, so a burst of parallel guesses is
    /// cut off at the limit instead of all passing a check made before any of them failed.
    /// Refuses the attempt once either counter is past its limit.
    pub async fn begin_login(&self, login: &str, ip: &str) -> Result<(), ApiError> {
        for (key, limit) in [
            (Self::account_key(login), self.limits.per_account),
            (Self::ip_key(ip), self.limits.per_ip),
        ] {
            let counter = self.kv.increment(&key, self.limits.window).await?;
            if counter.count > limit {
                return Err(ApiError::rate_limited(counter.resets_in.as_secs() + 1));
            }
        }
        Ok(())
    }

    /// A successful login forgives the account's earlier mistakes, and takes back its own
    /// count at the address: only failures count against an address.
    pub async fn record_success(&self, login: &str, ip: &str) -> Result<(), ApiError> {
        self.kv.delete(&Self::account_key(login)).await?;
        self.kv.decrement(&Self::ip_key(ip)).await
    }

    pub async fn check_registration(&self, ip: &str) -> Result<(), ApiError> {
        let counter = self
            .kv
            .increment(&format!("registrations:ip:{ip}"), self.limits.window)
            .await?;
        if counter.count > self.limits.registrations_per_ip {
            return Err(ApiError::rate_limited(counter.resets_in.as_secs() + 1));
        }
        Ok(())
    }
}
