//! The Redis side of the store: one multiplexed connection that reconnects by itself, behind
//! the circuit breaker and a hard deadline per operation.

use super::breaker::{Breaker, Success};
use prometheus::{IntCounterVec, IntGauge};
use redis::RedisResult;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::OnceCell;

/// The longest a request waits on Redis, connecting included, before it falls back: a node
/// that cannot reach Redis should be slower by a fraction of a second at worst, and only for
/// the one request that finds out.
const DEADLINE: Duration = Duration::from_millis(1000);

pub struct Remote {
    client: redis::Client,
    /// Empty until Redis first answers, so a node starts without it.
    conn: OnceCell<ConnectionManager>,
    pub prefix: String,
    pub breaker: Breaker,
    fallbacks: IntCounterVec,
    /// A cache invalidation did not reach Redis: every cached body is suspect once it returns.
    lost_invalidation: AtomicBool,
}

impl Remote {
    pub fn new(
        url: &str,
        prefix: &str,
        up: IntGauge,
        fallbacks: IntCounterVec,
    ) -> Result<Self, String> {
        Ok(Self {
            client: redis::Client::open(url).map_err(|e| format!("REDIS_URL: {e}"))?,
            conn: OnceCell::new(),
            prefix: prefix.to_owned(),
            breaker: Breaker::new(up),
            fallbacks,
            lost_invalidation: AtomicBool::new(false),
        })
    }

    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    async fn connection(&self) -> RedisResult<ConnectionManager> {
        self.conn
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Duration::from_millis(500))
                    .set_response_timeout(Duration::from_millis(500))
                    .set_number_of_retries(1)
                    .set_max_delay(200);
                ConnectionManager::new_with_config(self.client.clone(), config)
            })
            .await
            .cloned()
    }

    /// Runs `op` on Redis unless the breaker is open. `None` means the caller falls back to
    /// the node's own store; each fallback is counted by operation.
    pub async fn run<T, F, Fut>(&self, operation: &'static str, op: F) -> Option<(T, Success)>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        if !self.breaker.allow() {
            self.fallbacks.with_label_values(&[operation]).inc();
            return None;
        }
        let attempt = async { op(self.connection().await?).await };
        match tokio::time::timeout(DEADLINE, attempt).await {
            Ok(Ok(value)) => Some((value, self.breaker.success())),
            Ok(Err(error)) => {
                self.breaker.failure(operation, &error);
                self.fallbacks.with_label_values(&[operation]).inc();
                None
            }
            Err(_) => {
                self.breaker
                    .failure(operation, &"no answer within the deadline");
                self.fallbacks.with_label_values(&[operation]).inc();
                None
            }
        }
    }

    pub fn lose_invalidation(&self) {
        self.lost_invalidation.store(true, Ordering::SeqCst);
    }

    pub fn lost_invalidation_pending(&self) -> bool {
        self.lost_invalidation.load(Ordering::SeqCst)
    }

    pub fn take_lost_invalidation(&self) -> bool {
        self.lost_invalidation.swap(false, Ordering::SeqCst)
    }
}
