//! Cached bodies of hot reads, invalidated by generation: every key carries its scope's
//! generation (a community's) and a global epoch, and a write bumps one of them, so the
//! next read on any node misses and loads afresh. Old entries are never read again and
//! expire on their own.
//!
//! A write bumps the generation after it commits; a reader that loaded before the commit
//! stores under the old generation, which nobody reads any more, so no stale body survives
//! a write. With Redis configured but down, reads bypass the cache rather than trust a copy
//! no other node can invalidate.

use super::Kv;
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use std::future::Future;
use std::time::Duration;

/// Finds the current key from the epoch and the scope's generation, and the body under it,
/// in one round trip.
/// The global epoch, part of every cached key.
pub(super) const EPOCH_KEY: &str = "cache-epoch";

const LOOKUP_SCRIPT: &str = r"
local epoch = redis.call('GET', KEYS[1]) or '0'
local generation = redis.call('GET', KEYS[2]) or '0'
local key = ARGV[1] .. epoch .. ':' .. ARGV[2] .. ':' .. generation .. ':' .. ARGV[3]
return {key, redis.call('GET', key)}";

impl Kv {
    fn count_lookup(&self, result: &str) {
        self.inner.cache_lookups.with_label_values(&[result]).inc();
    }

    /// The JSON body of `name` in community `scope`: cached, or `load`'s answer, cached for
    /// `ttl`. `name` must tell apart everything the answer depends on besides the scope.
    pub async fn cached_json<T, F>(
        &self,
        scope: i64,
        name: &str,
        ttl: Duration,
        load: F,
    ) -> ApiResult<Vec<u8>>
    where
        T: Serialize,
        F: Future<Output = ApiResult<T>>,
    {
        let Some(remote) = self.inner.remote.as_ref() else {
            let key = self.local()?.cache_key(scope, name);
            if let Some(body) = self.local()?.cache_get(&key) {
                self.count_lookup("hit");
                return Ok(body);
            }
            self.count_lookup("miss");
            let body = serde_json::to_vec(&load.await?).map_err(ApiError::internal)?;
            self.local()?.cache_set(key, body.clone(), ttl);
            return Ok(body);
        };
        let keys = [
            format!("{}{EPOCH_KEY}", remote.prefix),
            format!("{}cache-generation:{scope}", remote.prefix),
        ];
        let args = [format!("{}cache:", remote.prefix), scope.to_string()];
        let name = name.to_owned();
        let found = self
            .on_redis("cache_get", |mut conn| async move {
                redis::Script::new(LOOKUP_SCRIPT)
                    .key(&keys[0])
                    .key(&keys[1])
                    .arg(&args[0])
                    .arg(&args[1])
                    .arg(name)
                    .invoke_async::<(String, Option<Vec<u8>>)>(&mut conn)
                    .await
            })
            .await;
        let key = match found {
            // Right after an outage in which an invalidation was lost, until the hand-over
            // has retired every entry, a hit could be stale: bypass as while Redis is down.
            Some(_) if remote.lost_invalidation_pending() => None,
            Some((_, Some(body))) => {
                self.count_lookup("hit");
                return Ok(body);
            }
            Some((key, None)) => Some(key),
            None => None,
        };
        let Some(key) = key else {
            self.count_lookup("bypass");
            return serde_json::to_vec(&load.await?).map_err(ApiError::internal);
        };
        self.count_lookup("miss");
        let body = serde_json::to_vec(&load.await?).map_err(ApiError::internal)?;
        let stored = body.clone();
        self.on_redis("cache_set", |mut conn| async move {
            redis::cmd("SET")
                .arg(key)
                .arg(stored)
                .arg("PX")
                .arg(super::millis(ttl))
                .query_async::<()>(&mut conn)
                .await
        })
        .await;
        Ok(body)
    }

    /// Retires the cached bodies of community `scope`, or of every scope with `None`. Call it
    /// after the write has committed.
    pub async fn invalidate(&self, scope: Option<i64>) -> Result<(), ApiError> {
        match self.inner.remote.as_ref() {
            None => self.local()?.invalidate(scope),
            Some(remote) => {
                if self.invalidate_remote(scope).await.is_none() {
                    // Readers bypass the cache meanwhile; the entries must not come back
                    // with Redis.
                    remote.lose_invalidation();
                }
            }
        }
        Ok(())
    }

    pub(super) async fn invalidate_remote(&self, scope: Option<i64>) -> Option<()> {
        let key = match scope {
            Some(scope) => self.remote_key(&format!("cache-generation:{scope}"))?,
            None => self.remote_key(EPOCH_KEY)?,
        };
        self.on_redis("invalidate", |mut conn| async move {
            redis::cmd("INCR")
                .arg(key)
                .query_async::<i64>(&mut conn)
                .await
        })
        .await
        .map(|_| ())
    }
}
