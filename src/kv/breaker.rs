//! A circuit breaker in front of Redis: after a failure the node stops asking Redis for a
//! while, so a dead or unreachable Redis costs each request nothing instead of a timeout;
//! then one request probes it, and the first success closes the breaker again.

use prometheus::IntGauge;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long the node works on its own after Redis fails before it tries Redis again.
pub const COOL_DOWN: Duration = Duration::from_secs(2);

pub struct Breaker {
    state: Mutex<State>,
    up: IntGauge,
}

#[derive(Default)]
struct State {
    /// When the outage began, while Redis is considered down.
    down_since: Option<Instant>,
    /// No request goes to Redis before this.
    retry_at: Option<Instant>,
}

/// What a success meant.
#[derive(Debug, PartialEq, Eq)]
pub enum Success {
    AsBefore,
    /// Redis answered after an outage: state kept locally meanwhile may need handing over.
    Recovered,
}

impl Breaker {
    pub fn new(up: IntGauge) -> Self {
        Self {
            state: Mutex::default(),
            up,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is two timestamps; one left half-written by a panic is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether this request may use Redis. Once the cool-down is over, one request gets
    /// through as a probe and the others keep waiting for its answer.
    pub fn allow(&self) -> bool {
        let mut state = self.state();
        match state.retry_at {
            Some(at) if Instant::now() < at => false,
            Some(_) => {
                state.retry_at = Some(Instant::now() + COOL_DOWN);
                true
            }
            None => true,
        }
    }

    pub fn failure(&self, operation: &str, error: &dyn std::fmt::Display) {
        let mut state = self.state();
        state.retry_at = Some(Instant::now() + COOL_DOWN);
        if state.down_since.is_none() {
            state.down_since = Some(Instant::now());
            self.up.set(0);
            // Once per outage, not once per request: the counter tells how much fell back.
            tracing::warn!(
                operation,
                %error,
                "Redis is unreachable; rate limits, revocations and events are per node and caches are bypassed until it returns"
            );
        }
    }

    pub fn success(&self) -> Success {
        let mut state = self.state();
        state.retry_at = None;
        self.up.set(1);
        match state.down_since.take() {
            Some(since) => {
                tracing::warn!(
                    outage_seconds = since.elapsed().as_secs(),
                    "Redis is back; shared state is used again"
                );
                Success::Recovered
            }
            None => Success::AsBefore,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_on_failure_lets_one_probe_through_and_closes_on_success() {
        let breaker = Breaker::new(IntGauge::new("up", "up").unwrap());
        assert!(breaker.allow());
        breaker.failure("get", &"refused");
        assert!(breaker.state().down_since.is_some());
        assert!(!breaker.allow(), "no request during the cool-down");
        breaker.state().retry_at = Some(Instant::now());
        assert!(breaker.allow(), "the probe goes through");
        assert!(!breaker.allow(), "only one probe at a time");
        assert_eq!(breaker.success(), Success::Recovered);
        assert_eq!(breaker.success(), Success::AsBefore);
        assert!(breaker.allow());
        assert_eq!(breaker.up.get(), 1);
    }
}
