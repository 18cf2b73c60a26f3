//! The Redis side of the store: one multiplexed connection that reconnects by itself, behind
//! the circuit breaker and a hard deadline per operation.

use super::breaker::{Breaker, Success};
use prometheus::{IntCounterVec, IntGauge};
use redis::RedisResult;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The longest a request waits on Redis, connecting included, before it falls back: a node
/// that cannot reach Redis should be slower by a fraction of a second at worst, and only for
/// the one request that finds out.
const DEADLINE: Duration = Duration::from_millis(1000);

pub struct Remote {
    client: redis::Client,
    /// Empty until Redis first answers, so a node starts without it, and again after a
    /// failure: the manager reconnects by itself when the connection drops, but not after a
    /// timeout, and a connection that went silent may never drop.
    conn: Mutex<Option<ConnectionManager>>,
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
            conn: Mutex::new(None),
            prefix: prefix.to_owned(),
            breaker: Breaker::new(up),
            fallbacks,
            lost_invalidation: AtomicBool::new(false),
        })
    }

    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    fn slot(&self) -> MutexGuard<'_, Option<ConnectionManager>> {
        // Holds a handle at most; one left by a panic is as good as any.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn connection(&self) -> RedisResult<ConnectionManager> {
        if let Some(conn) = self.slot().clone() {
            return Ok(conn);
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_millis(500))
            .set_response_timeout(Duration::from_millis(500))
            .set_number_of_retries(1)
            .set_max_delay(200);
        let conn = ConnectionManager::new_with_config(self.client.clone(), config).await?;
        *self.slot() = Some(conn.clone());
        Ok(conn)
    }

    /// Records a failure: the breaker opens, the fallback is counted, and the next probe
    /// starts from a fresh connection.
    fn failed(&self, operation: &'static str, error: &dyn std::fmt::Display) {
        *self.slot() = None;
        self.breaker.failure(operation, error);
        self.fallbacks.with_label_values(&[operation]).inc();
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
                self.failed(operation, &error);
                None
            }
            Err(_) => {
                self.failed(operation, &"no answer within the deadline");
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
