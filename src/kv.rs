//! Short-lived shared state: counters for rate limits and flags for revoked sessions.
//!
//! With `REDIS_URL` set, the state lives in Redis so every node sees it; without it, in this
//! process, so a single node runs with no other service. Keys expire on their own in both.

use crate::error::ApiError;
use redis::aio::ConnectionManager;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone)]
pub enum Kv {
    Memory(Arc<Mutex<MemoryStore>>),
    Redis {
        conn: ConnectionManager,
        prefix: String,
    },
}

#[derive(Default)]
pub struct MemoryStore {
    entries: HashMap<String, (u64, Instant)>,
    writes_since_sweep: u32,
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

impl Kv {
    pub fn memory() -> Self {
        Self::Memory(Arc::default())
    }

    pub async fn redis(url: &str, prefix: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("REDIS_URL: {e}"))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(3))
            .set_response_timeout(Duration::from_secs(3))
            .set_number_of_retries(2);
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| format!("cannot reach Redis at REDIS_URL: {e}"))?;
        Ok(Self::Redis {
            conn,
            prefix: prefix.to_owned(),
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Memory(_) => "memory",
            Self::Redis { .. } => "redis",
        }
    }

    /// Adds one to `key`, starting a window of `window` on the first hit.
    pub async fn increment(&self, key: &str, window: Duration) -> Result<Counter, ApiError> {
        match self {
            Self::Memory(store) => Ok(store
                .lock()
                .map_err(ApiError::internal)?
                .increment(key, window)),
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let (count, ttl_ms): (u64, i64) = redis::Script::new(INCREMENT_SCRIPT)
                    .key(format!("{prefix}{key}"))
                    .arg(window.as_millis() as u64)
                    .invoke_async(&mut conn)
                    .await
                    .map_err(ApiError::unavailable)?;
                Ok(Counter {
                    count,
                    resets_in: Duration::from_millis(ttl_ms.max(0) as u64),
                })
            }
        }
    }

    /// Takes one back from a live counter, keeping its window; absent counters stay absent.
    pub async fn decrement(&self, key: &str) -> Result<(), ApiError> {
        match self {
            Self::Memory(store) => {
                store.lock().map_err(ApiError::internal)?.decrement(key);
                Ok(())
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                redis::Script::new(DECREMENT_SCRIPT)
                    .key(format!("{prefix}{key}"))
                    .invoke_async::<i64>(&mut conn)
                    .await
                    .map(|_| ())
                    .map_err(ApiError::unavailable)
            }
        }
    }

    /// The counter's current value (zero when absent or expired).
    pub async fn get(&self, key: &str) -> Result<Counter, ApiError> {
        match self {
            Self::Memory(store) => Ok(store.lock().map_err(ApiError::internal)?.get(key)),
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let key = format!("{prefix}{key}");
                let (count, ttl_ms): (Option<u64>, i64) = redis::pipe()
                    .get(&key)
                    .pttl(&key)
                    .query_async(&mut conn)
                    .await
                    .map_err(ApiError::unavailable)?;
                Ok(Counter {
                    count: count.unwrap_or(0),
                    resets_in: Duration::from_millis(ttl_ms.max(0) as u64),
                })
            }
        }
    }

    /// Sets `key` to 1 for `ttl`: a flag that disappears by itself.
    pub async fn set_flag(&self, key: &str, ttl: Duration) -> Result<(), ApiError> {
        match self {
            Self::Memory(store) => {
                store.lock().map_err(ApiError::internal)?.set(key, 1, ttl);
                Ok(())
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let ms = (ttl.as_millis() as u64).max(1);
                redis::cmd("SET")
                    .arg(format!("{prefix}{key}"))
                    .arg(1)
                    .arg("PX")
                    .arg(ms)
                    .query_async::<()>(&mut conn)
                    .await
                    .map_err(ApiError::unavailable)
            }
        }
    }

    pub async fn has_flag(&self, key: &str) -> Result<bool, ApiError> {
        Ok(self.get(key).await?.count > 0)
    }

    pub async fn delete(&self, key: &str) -> Result<(), ApiError> {
        match self {
            Self::Memory(store) => {
                store
                    .lock()
                    .map_err(ApiError::internal)?
                    .entries
                    .remove(key);
                Ok(())
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                redis::cmd("DEL")
                    .arg(format!("{prefix}{key}"))
                    .query_async::<()>(&mut conn)
                    .await
                    .map_err(ApiError::unavailable)
            }
        }
    }

    /// For `/readyz`: is the store answering?
    pub async fn ping(&self) -> Result<(), ApiError> {
        match self {
            Self::Memory(_) => Ok(()),
            Self::Redis { conn, .. } => {
                let mut conn = conn.clone();
                redis::cmd("PING")
                    .query_async::<String>(&mut conn)
                    .await
                    .map(|_| ())
                    .map_err(ApiError::unavailable)
            }
        }
    }
}

impl MemoryStore {
    fn live(&self, key: &str, now: Instant) -> Option<(u64, Instant)> {
        self.entries
            .get(key)
            .copied()
            .filter(|(_, expires)| *expires > now)
    }

    fn increment(&mut self, key: &str, window: Duration) -> Counter {
        let now = Instant::now();
        let (count, expires) = match self.live(key, now) {
            Some((count, expires)) => (count + 1, expires),
            None => (1, now + window),
        };
        self.set_until(key, count, expires);
        Counter {
            count,
            resets_in: expires - now,
        }
    }

    fn decrement(&mut self, key: &str) {
        match self.live(key, Instant::now()) {
            Some((count, expires)) if count > 1 => self.set_until(key, count - 1, expires),
            Some(_) => {
                self.entries.remove(key);
            }
            None => {}
        }
    }

    fn get(&self, key: &str) -> Counter {
        let now = Instant::now();
        match self.live(key, now) {
            Some((count, expires)) => Counter {
                count,
                resets_in: expires - now,
            },
            None => Counter {
                count: 0,
                resets_in: Duration::ZERO,
            },
        }
    }

    fn set(&mut self, key: &str, value: u64, ttl: Duration) {
        self.set_until(key, value, Instant::now() + ttl);
    }

    /// Writes an entry, sweeping expired ones now and then so memory stays bounded.
    fn set_until(&mut self, key: &str, value: u64, expires: Instant) {
        self.writes_since_sweep += 1;
        if self.writes_since_sweep >= 1024 {
            let now = Instant::now();
            self.entries.retain(|_, (_, e)| *e > now);
            self.writes_since_sweep = 0;
        }
        self.entries.insert(key.to_owned(), (value, expires));
    }
}
