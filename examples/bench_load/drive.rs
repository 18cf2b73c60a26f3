//! The two ways of loading the server.
//!
//! * Peak throughput: a closed loop of C connections, each sending its next operation as soon
//!   as the last one is answered, for T seconds.
//! * Latency at a fixed rate, without coordinated omission (as wrk2 does it): operation i is
//!   due at start + i/R, on a schedule a separate thread keeps; its latency runs from when it
//!   was due, not from when it was sent, so an operation held back because C were already in
//!   flight (or because the server stalled) counts the wait. Operations still unsent 10 s
//!   after the schedule ends are recorded with the wait so far, as a lower bound, and counted
//!   as `unsent`.
//!
//! An operation is one request, or several in turn (scenario b); it fails on the first
//! request not answered with its expected status, or on a transport error.

use crate::http::{Api, Failure, Req};
use crate::scenario::{Kind, Scenario};
use hdrhistogram::Histogram;
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc};

/// Failures printed to stderr per run, with their status and answer.
const SAMPLES: usize = 8;
/// How long the rate mode keeps sending overdue operations after its schedule ends.
const DRAIN: Duration = Duration::from_secs(10);

/// Microseconds, from 1 µs to an hour, 3 significant digits.
#[allow(clippy::expect_used)]
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("these histogram bounds are valid")
}

/// A percentile of a histogram of microseconds, in milliseconds to the microsecond.
pub fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    let v = if q >= 1.0 {
        h.max()
    } else {
        h.value_at_quantile(q)
    };
    v as f64 / 1000.0
}

#[derive(Default)]
struct PerKind {
    ops: u64,
    errors: u64,
    latency: Option<Histogram<u64>>,
}

pub struct Tally {
    latency: Histogram<u64>,
    ops: u64,
    requests: u64,
    errors: u64,
    unsent: u64,
    exhausted: bool,
    samples: usize,
    kinds: Vec<PerKind>,
}

impl Tally {
    fn new() -> Self {
        Self {
            latency: histogram(),
            ops: 0,
            requests: 0,
            errors: 0,
            unsent: 0,
            exhausted: false,
            samples: 0,
            kinds: Kind::ALL.iter().map(|_| PerKind::default()).collect(),
        }
    }

    fn record(&mut self, kind: Kind, took: Duration, sent: u64, failure: Option<Failure>) {
        let micros = took.as_micros().max(1) as u64;
        self.latency.saturating_record(micros);
        self.ops += 1;
        self.requests += sent;
        let per = &mut self.kinds[kind.index()];
        per.ops += 1;
        per.latency
            .get_or_insert_with(histogram)
            .saturating_record(micros);
        if let Some(f) = failure {
            self.errors += 1;
            per.errors += 1;
            if self.samples < SAMPLES {
                self.samples += 1;
                eprintln!("error: {} -> {}: {}", f.what, f.status, f.body);
            }
        }
    }

    /// The run's figures as JSON fields: counts, rate and latency percentiles in ms.
    pub fn report(&self, elapsed: Duration) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("requests".into(), json!(self.ops));
        out.insert("http_requests".into(), json!(self.requests));
        out.insert("errors".into(), json!(self.errors));
        out.insert("unsent".into(), json!(self.unsent));
        out.insert("exhausted".into(), json!(self.exhausted));
        let rps = (self.ops - self.errors.min(self.ops)) as f64 / elapsed.as_secs_f64();
        out.insert("rps".into(), json!((rps * 10.0).round() / 10.0));
        out.insert(
            "elapsed_s".into(),
            json!((elapsed.as_secs_f64() * 100.0).round() / 100.0),
        );
        for (name, q) in [
            ("p50_ms", 0.5),
            ("p99_ms", 0.99),
            ("p999_ms", 0.999),
            ("max_ms", 1.0),
        ] {
            out.insert(name.into(), json!(ms(&self.latency, q)));
        }
        let mut kinds = Map::new();
        for (kind, per) in Kind::ALL.iter().zip(&self.kinds) {
            if let Some(h) = &per.latency {
                kinds.insert(
                    kind.name().into(),
                    json!({"requests": per.ops, "errors": per.errors,
                           "p50_ms": ms(h, 0.5), "p99_ms": ms(h, 0.99), "max_ms": ms(h, 1.0)}),
                );
            }
        }
        if kinds.len() > 1 {
            let writes: u64 = Kind::ALL
                .iter()
                .zip(&self.kinds)
                .filter(|(k, _)| k.is_write())
                .map(|(_, per)| per.ops)
                .sum();
            out.insert("writes".into(), json!(writes));
            out.insert("kinds".into(), Value::Object(kinds));
        }
        out
    }
}

async fn perform(api: &Api, reqs: &[Req]) -> (u64, Option<Failure>) {
    let mut sent = 0;
    for req in reqs {
        sent += 1;
        if let Err(failure) = api.send(req).await {
            return (sent, Some(failure));
        }
    }
    (sent, None)
}

fn lock(tally: &Mutex<Tally>) -> std::sync::MutexGuard<'_, Tally> {
    tally
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Closed loop: `connections` workers for `seconds`; returns the tally and the time taken.
pub async fn peak(
    api: Api,
    scenario: Arc<Scenario>,
    connections: usize,
    seconds: f64,
) -> (Tally, Duration) {
    let tally = Arc::new(Mutex::new(Tally::new()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (api, scenario, tally) = (api.clone(), scenario.clone(), tally.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let Some((kind, reqs)) = scenario.next() else {
                        lock(&tally).exhausted = true;
                        break;
                    };
                    let sent_at = Instant::now();
                    let (sent, failure) = perform(&api, &reqs).await;
                    lock(&tally).record(kind, sent_at.elapsed(), sent, failure);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.await;
    }
    let elapsed = started.elapsed();
    (take(tally), elapsed)
}

fn take(tally: Arc<Mutex<Tally>>) -> Tally {
    match Arc::try_unwrap(tally) {
        Ok(m) => m.into_inner().unwrap_or_else(|p| p.into_inner()),
        Err(shared) => std::mem::replace(&mut *lock(&shared), Tally::new()),
    }
}

/// Open loop: `rate` operations per second for `seconds`, at most `connections` in flight,
/// each timed from when it was due.
pub async fn rate(
    api: Api,
    scenario: Arc<Scenario>,
    rate: f64,
    connections: usize,
    seconds: f64,
) -> (Tally, Duration) {
    let tally = Arc::new(Mutex::new(Tally::new()));
    let total = (rate * seconds).round() as u64;
    let started = Instant::now() + Duration::from_millis(50);
    let due = move |i: u64| started + Duration::from_secs_f64(i as f64 / rate);
    let give_up = due(total) + DRAIN;
    // The schedule runs on a thread of its own, so a busy runtime cannot make it late.
    let (tx, mut rx) = mpsc::unbounded_channel::<u64>();
    let pacer = std::thread::spawn(move || {
        for i in 0..total {
            let now = Instant::now();
            let at = due(i);
            if at > now {
                std::thread::sleep(at - now);
            }
            if tx.send(i).is_err() {
                break;
            }
        }
    });
    let slots = Arc::new(Semaphore::new(connections));
    let mut dispatched = 0;
    while let Some(i) = rx.recv().await {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            break;
        };
        if Instant::now() > give_up {
            break;
        }
        let Some((kind, reqs)) = scenario.next() else {
            lock(&tally).exhausted = true;
            break;
        };
        dispatched += 1;
        let (api, tally) = (api.clone(), tally.clone());
        tokio::spawn(async move {
            let (sent, failure) = perform(&api, &reqs).await;
            lock(&tally).record(kind, due(i).elapsed(), sent, failure);
            drop(permit);
        });
    }
    rx.close();
    let _ = tokio::task::spawn_blocking(move || pacer.join()).await;
    // Wait for the operations in flight: all permits back.
    let _ = slots.acquire_many(connections as u32).await;
    let elapsed = started.elapsed();
    let mut tally = take(tally);
    if !tally.exhausted {
        // Due but never sent: each waited at least until now.
        let now = Instant::now();
        for i in dispatched..total {
            let waited = now.saturating_duration_since(due(i)).as_micros().max(1) as u64;
            tally.latency.saturating_record(waited);
            tally.unsent += 1;
        }
    }
    (tally, elapsed)
}
