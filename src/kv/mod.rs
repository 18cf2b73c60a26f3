//! Short-lived shared state: counters for rate limits, flags for revoked sessions, cached
//! bodies of hot reads, and the channel that carries events between nodes.
//!
//! With `REDIS_URL` set, the state lives in Redis so every node sees it; without it, in this
//! process, so a single node runs with no other service. Keys expire on their own in both.
//! When Redis fails, every operation falls back to the node's own store (limits per node,
//! caches bypassed) and the node keeps serving; it goes back to Redis by itself.

mod breaker;
mod cache;
pub mod limit;
mod memory;
mod remote;

pub use breaker::COOL_DOWN;
pub use limit::RateLimit;

use crate::error::ApiError;
use crate::http::metrics::Metrics;
use breaker::Success;
use memory::MemoryStore;
use prometheus::IntCounterVec;
use redis::RedisResult;
use redis::aio::ConnectionManager;
use remote::Remote;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

#[derive(Clone)]
pub struct Kv {
    inner: Arc<Inner>,
}

struct Inner {
    local: Mutex<MemoryStore>,
    remote: Option<Remote>,
    /// Flags set while Redis was down, written to Redis when it returns.
    pending_flags: Mutex<Vec<String>>,
    cache_lookups: IntCounterVec,
}

/// A counter's value and the time left before it resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub count: u64,
    pub resets_in: Duration,
}

const INCREMENT_SCRIPT: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}";

const DECREMENT_SCRIPT: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = redis.call('DECR', KEYS[1])
if n <= 0 then redis.call('DEL', KEYS[1]) end
return n";

/// `SET key 1 PX ttl`: a flag that expires by itself.
fn flag_command(full_key: &str, ttl: Duration) -> redis::Cmd {
    let mut command = redis::cmd("SET");
    command.arg(full_key).arg(1).arg("PX").arg(millis(ttl));
    command
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl Kv {
    pub fn memory(metrics: &Metrics) -> Self {
        Self::with_remote(None, metrics)
    }

    /// A store backed by Redis at `url`. The node does not wait for Redis: if it is not there
    /// yet, the node starts on its own store and switches over when Redis answers.
    pub async fn redis(url: &str, prefix: &str, metrics: &Metrics) -> Result<Self, String> {
        let remote = Remote::new(
            url,
            prefix,
            metrics.redis_up.clone(),
            metrics.redis_fallbacks.clone(),
        )?;
        let kv = Self::with_remote(Some(remote), metrics);
        if kv.redis_up().await == Some(false) {
            tracing::warn!("Redis does not answer at start-up; starting on this node's own store");
        }
        Ok(kv)
    }

    fn with_remote(remote: Option<Remote>, metrics: &Metrics) -> Self {
        Self {
            inner: Arc::new(Inner {
                local: Mutex::default(),
                remote,
                pending_flags: Mutex::default(),
                cache_lookups: metrics.cache_lookups.clone(),
            }),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.inner.remote {
            None => "memory",
            Some(_) => "redis",
        }
    }

    /// The Redis client and key prefix, when configured: for the event subscriber.
    pub fn redis_client(&self) -> Option<(&redis::Client, &str)> {
        let remote = self.inner.remote.as_ref()?;
        Some((remote.client(), &remote.prefix))
    }

    fn local(&self) -> Result<MutexGuard<'_, MemoryStore>, ApiError> {
        self.inner.local.lock().map_err(ApiError::internal)
    }

    fn remote_key(&self, key: &str) -> Option<String> {
        let remote = self.inner.remote.as_ref()?;
        Some(format!("{}{key}", remote.prefix))
    }

    /// Runs `op` on Redis when configured and reachable; `None` means: use the local store.
    async fn on_redis<T, F, Fut>(&self, operation: &'static str, op: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let (value, success) = self.inner.remote.as_ref()?.run(operation, op).await?;
        if success == Success::Recovered {
            let kv = self.clone();
            tokio::spawn(async move { kv.hand_over().await });
        }
        Some(value)
    }

    /// After an outage: writes the flags set meanwhile to Redis, and if an invalidation was
    /// lost, retires every cached body (they may predate a write this node made). It talks to
    /// Redis directly, not through `on_redis`, which would start another hand-over.
    async fn hand_over(&self) {
        let Some(remote) = self.inner.remote.as_ref() else {
            return;
        };
        let keys = match self.inner.pending_flags.lock() {
            Ok(mut pending) => std::mem::take(&mut *pending),
            Err(_) => return,
        };
        for key in keys {
            let left = match self.local() {
                Ok(local) => local.get(&key).resets_in,
                Err(_) => return,
            };
            if left.is_zero() {
                continue;
            }
            let command = flag_command(&format!("{}{key}", remote.prefix), left);
            let written = remote
                .run("set_flag", |mut conn| async move {
                    command.query_async::<()>(&mut conn).await
                })
                .await;
            if written.is_none() {
                self.remember_flag(key);
            }
        }
        if remote.take_lost_invalidation() {
            let command = redis::Cmd::incr(format!("{}{}", remote.prefix, cache::EPOCH_KEY), 1);
            let bumped = remote
                .run("invalidate", |mut conn| async move {
                    command.query_async::<i64>(&mut conn).await
                })
                .await;
            if bumped.is_none() {
                remote.lose_invalidation();
            }
        }
    }

    fn remember_flag(&self, key: String) {
        if let Ok(mut pending) = self.inner.pending_flags.lock() {
            pending.push(key);
        }
    }

    /// Adds one to `key`, starting a window of `window` on the first hit.
    pub async fn increment(&self, key: &str, window: Duration) -> Result<Counter, ApiError> {
        if let Some(full) = self.remote_key(key) {
            let counted = self
                .on_redis("increment", |mut conn| async move {
                    redis::Script::new(INCREMENT_SCRIPT)
                        .key(full)
                        .arg(millis(window))
                        .invoke_async::<(u64, i64)>(&mut conn)
                        .await
                })
                .await;
            if let Some((count, ttl_ms)) = counted {
                return Ok(Counter {
                    count,
                    resets_in: Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(0)),
                });
            }
        }
        Ok(self.local()?.increment(key, window))
    }

    /// Takes one back from a live counter, keeping its window; absent counters stay absent.
    pub async fn decrement(&self, key: &str) -> Result<(), ApiError> {
        if let Some(full) = self.remote_key(key) {
            let done = self
                .on_redis("decrement", |mut conn| async move {
                    redis::Script::new(DECREMENT_SCRIPT)
                        .key(full)
                        .invoke_async::<i64>(&mut conn)
                        .await
                })
                .await;
            if done.is_some() {
                return Ok(());
            }
        }
        self.local()?.decrement(key);
        Ok(())
    }

    /// The counter's current value (zero when absent or expired).
    pub async fn get(&self, key: &str) -> Result<Counter, ApiError> {
        if let Some(full) = self.remote_key(key) {
            let read = self
                .on_redis("get", |mut conn| async move {
                    redis::pipe()
                        .get(&full)
                        .pttl(&full)
                        .query_async::<(Option<u64>, i64)>(&mut conn)
                        .await
                })
                .await;
            if let Some((count, ttl_ms)) = read {
                return Ok(Counter {
                    count: count.unwrap_or(0),
                    resets_in: Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(0)),
                });
            }
        }
        Ok(self.local()?.get(key))
    }

    async fn set_remote_flag(&self, key: &str, ttl: Duration) -> Option<()> {
        let command = flag_command(&self.remote_key(key)?, ttl);
        self.on_redis("set_flag", |mut conn| async move {
            command.query_async::<()>(&mut conn).await
        })
        .await
    }

    /// Sets `key` to 1 for `ttl`: a flag that disappears by itself. It is kept in this node
    /// too, so the node still honours it while Redis is down.
    pub async fn set_flag(&self, key: &str, ttl: Duration) -> Result<(), ApiError> {
        self.local()?.set(key, 1, ttl);
        if self.inner.remote.is_some() && self.set_remote_flag(key, ttl).await.is_none() {
            self.remember_flag(key.to_owned());
        }
        Ok(())
    }

    pub async fn has_flag(&self, key: &str) -> Result<bool, ApiError> {
        if self.local()?.get(key).count > 0 {
            return Ok(true);
        }
        Ok(self.inner.remote.is_some() && self.get(key).await?.count > 0)
    }

    pub async fn delete(&self, key: &str) -> Result<(), ApiError> {
        self.local()?.delete(key);
        if let Some(full) = self.remote_key(key) {
            self.on_redis("delete", |mut conn| async move {
                redis::cmd("DEL")
                    .arg(full)
                    .query_async::<()>(&mut conn)
                    .await
            })
            .await;
        }
        Ok(())
    }

    /// Sends `payload` to every node listening on `channel`; with Redis away it reaches only
    /// this node's listeners, which the caller delivers to itself.
    pub async fn publish(&self, channel: &str, payload: String) {
        if let Some(full) = self.remote_key(channel) {
            self.on_redis("publish", |mut conn| async move {
                redis::cmd("PUBLISH")
                    .arg(full)
                    .arg(payload)
                    .query_async::<i64>(&mut conn)
                    .await
            })
            .await;
        }
    }

    /// For `/readyz`: `None` without Redis, otherwise whether Redis answers now.
    pub async fn redis_up(&self) -> Option<bool> {
        self.inner.remote.as_ref()?;
        let pong = self
            .on_redis("ping", |mut conn| async move {
                redis::cmd("PING").query_async::<String>(&mut conn).await
            })
            .await;
        Some(pong.is_some())
    }
}
