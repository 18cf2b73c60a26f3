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

    /// Refuses the attempt while either counter is at its limit.
    pub async fn check_login(&self, login: &str, ip: &str) -> Result<(), ApiError> {
        for (key, limit) in [
            (Self::account_key(login), self.limits.per_account),
            (Self::ip_key(ip), self.limits.per_ip),
        ] {
            let counter = self.kv.get(&key).await?;
            if counter.count >= limit {
                return Err(ApiError::rate_limited(counter.resets_in.as_secs() + 1));
            }
        }
        Ok(())
    }

    pub async fn record_failure(&self, login: &str, ip: &str) -> Result<(), ApiError> {
        self.kv
            .increment(&Self::account_key(login), self.limits.window)
            .await?;
        self.kv
            .increment(&Self::ip_key(ip), self.limits.window)
            .await?;
        Ok(())
    }

    /// A successful login forgives the account's earlier mistakes (not the address's).
    pub async fn record_success(&self, login: &str) -> Result<(), ApiError> {
        self.kv.delete(&Self::account_key(login)).await
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
