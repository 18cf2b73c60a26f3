//! The in-process store: the whole state of a node without Redis, and the fallback of a node
//! whose Redis is down. Counters and flags expire on their own; cached bodies are bounded.

use super::Counter;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Most cached bodies a node keeps in memory; past it the soonest to expire are dropped first.
const CACHE_CAPACITY: usize = 4096;

#[derive(Default)]
pub struct MemoryStore {
    entries: HashMap<String, (u64, Instant)>,
    writes_since_sweep: u32,
    cache: HashMap<String, (Vec<u8>, Instant)>,
    generations: HashMap<i64, u64>,
    epoch: u64,
}

impl MemoryStore {
    fn live(&self, key: &str, now: Instant) -> Option<(u64, Instant)> {
        self.entries
            .get(key)
            .copied()
            .filter(|(_, expires)| *expires > now)
    }

    pub fn increment(&mut self, key: &str, window: Duration) -> Counter {
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

    pub fn decrement(&mut self, key: &str) {
        match self.live(key, Instant::now()) {
            Some((count, expires)) if count > 1 => self.set_until(key, count - 1, expires),
            Some(_) => {
                self.entries.remove(key);
            }
            None => {}
        }
    }

    pub fn get(&self, key: &str) -> Counter {
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

    pub fn set(&mut self, key: &str, value: u64, ttl: Duration) {
        self.set_until(key, value, Instant::now() + ttl);
    }

    pub fn delete(&mut self, key: &str) {
        self.entries.remove(key);
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

    /// The cache key of `name` in `scope` at the scope's current generation.
    pub fn cache_key(&self, scope: i64, name: &str) -> String {
        let generation = self.generations.get(&scope).copied().unwrap_or(0);
        format!("{}:{scope}:{generation}:{name}", self.epoch)
    }

    pub fn cache_get(&self, key: &str) -> Option<Vec<u8>> {
        let now = Instant::now();
        self.cache
            .get(key)
            .filter(|(_, expires)| *expires > now)
            .map(|(body, _)| body.clone())
    }

    pub fn cache_set(&mut self, key: String, body: Vec<u8>, ttl: Duration) {
        let now = Instant::now();
        if self.cache.len() >= CACHE_CAPACITY {
            self.cache.retain(|_, (_, expires)| *expires > now);
        }
        if self.cache.len() >= CACHE_CAPACITY {
            let soonest = self
                .cache
                .iter()
                .min_by_key(|(_, (_, expires))| *expires)
                .map(|(k, _)| k.clone());
            if let Some(soonest) = soonest {
                self.cache.remove(&soonest);
            }
        }
        self.cache.insert(key, (body, now + ttl));
    }

    /// Makes every cached body of `scope` (or of every scope) unreachable; they age out.
    pub fn invalidate(&mut self, scope: Option<i64>) {
        match scope {
            Some(scope) => *self.generations.entry(scope).or_default() += 1,
            None => self.epoch += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalidation_retires_its_scope_or_everything() {
        let mut store = MemoryStore::default();
        let ttl = Duration::from_secs(60);
        let (one, two) = (store.cache_key(1, "page"), store.cache_key(2, "page"));
        store.cache_set(one.clone(), b"a".to_vec(), ttl);
        store.cache_set(two.clone(), b"b".to_vec(), ttl);
        store.invalidate(Some(1));
        assert_ne!(store.cache_key(1, "page"), one);
        assert_eq!(store.cache_key(2, "page"), two);
        assert_eq!(store.cache_get(&two), Some(b"b".to_vec()));
        store.invalidate(None);
        assert_ne!(store.cache_key(2, "page"), two);
    }

    #[test]
    fn the_cache_stays_within_its_capacity_dropping_the_soonest_to_expire() {
        let mut store = MemoryStore::default();
        store.cache_set("short".into(), vec![0], Duration::from_secs(1));
        for i in 0..CACHE_CAPACITY {
            store.cache_set(format!("k{i}"), vec![1], Duration::from_secs(60));
        }
        assert_eq!(store.cache.len(), CACHE_CAPACITY);
        assert_eq!(store.cache_get("short"), None);
        assert_eq!(store.cache_get("k0"), Some(vec![1]));
    }
}
