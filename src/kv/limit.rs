//! One fixed-window rate limiter for every limit: a counter per action and subject in the
//! shared store, so a limit holds across nodes (and per node while Redis is down).

use super::Kv;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use std::time::Duration;

/// At most `count` actions per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u64,
    pub window: Duration,
}

impl RateLimit {
    /// Reads `COUNT/SECONDS`, e.g. `30/60` for thirty a minute.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || "expected COUNT/SECONDS, both whole numbers above zero".to_owned();
        let (count, seconds) = text.split_once('/').ok_or_else(bad)?;
        let count: u64 = count.trim().parse().map_err(|_| bad())?;
        let seconds: u64 = seconds.trim().parse().map_err(|_| bad())?;
        if count == 0 || seconds == 0 {
            return Err(bad());
        }
        Ok(Self {
            count,
            window: Duration::from_secs(seconds),
        })
    }
}

impl Kv {
    /// Counts one more action under `key`; 429 `rate_limited` with `Retry-After` once past
    /// the limit. Refused attempts count too, so hammering does not reopen the window.
    pub async fn within_limit(&self, key: &str, limit: RateLimit) -> Result<(), ApiError> {
        let counter = self.increment(key, limit.window).await?;
        if counter.count > limit.count {
            return Err(ApiError::rate_limited(counter.resets_in.as_secs() + 1));
        }
        Ok(())
    }
}

/// Writes limited per person, each by its own setting.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    Ballot,
    Redemption,
    Wish,
}

/// Counts one `action` by the person at the keyboard (the staff member in an assisted
/// session); 429 once past the configured limit.
pub async fn per_person(state: &AppState, action: Action, caller: &Caller) -> Result<(), ApiError> {
    let limits = &state.config.rate_limits;
    let (name, limit) = match action {
        Action::Ballot => ("ballots", limits.ballots),
        Action::Redemption => ("redemptions", limits.redemptions),
        Action::Wish => ("wishes", limits.wishes),
    };
    let key = format!("{name}:user:{}", caller.actor_id());
    state.kv.within_limit(&key, limit).await
}

#[cfg(test)]
mod tests {
    use super::RateLimit;
    use std::time::Duration;

    #[test]
    fn parses_count_per_seconds() {
        assert_eq!(
            RateLimit::parse("30/60"),
            Ok(RateLimit {
                count: 30,
                window: Duration::from_secs(60)
            })
        );
        for bad in ["30", "0/60", "30/0", "a/60", "30/b", ""] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
    }
}
