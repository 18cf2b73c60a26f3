//! Prometheus metrics: request counts and latencies by route and status, and pool usage.

use crate::db::Db;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use std::time::Instant;

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    job_runs: IntCounterVec,
    job_seconds: HistogramVec,
    job_last_success: IntGaugeVec,
    deliveries: IntCounterVec,
    /// Operations that used the node's own store because Redis failed or was skipped.
    pub redis_fallbacks: IntCounterVec,
    /// 1 while Redis answers, 0 while it is down (and without Redis).
    pub redis_up: IntGauge,
    /// Lookups of cached reads by result: hit, miss, or bypass (Redis down).
    pub cache_lookups: IntCounterVec,
    /// Open event streams on this node.
    pub sse_streams: IntGauge,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("wushe".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route pattern and status",
            ),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by method and route pattern",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database pool connections by state (idle, in_use, max)",
            ),
            &["state"],
        )?;
        let job_runs = IntCounterVec::new(
            Opts::new(
                "job_runs_total",
                "Scheduled job runs on this node by outcome",
            ),
            &["job", "outcome"],
        )?;
        let job_seconds = HistogramVec::new(
            HistogramOpts::new("job_duration_seconds", "Scheduled job run time")
                .buckets(vec![0.01, 0.05, 0.25, 1.0, 5.0, 30.0, 120.0, 600.0]),
            &["job"],
        )?;
        let job_last_success = IntGaugeVec::new(
            Opts::new(
                "job_last_success_timestamp_seconds",
                "When each job last succeeded on this node (Unix time)",
            ),
            &["job"],
        )?;
        let deliveries = IntCounterVec::new(
            Opts::new(
                "outbox_deliveries_total",
                "Email and webhook delivery attempts by channel and outcome (sent, failed, refused)",
            ),
            &["channel", "outcome"],
        )?;
        registry.register(Box::new(job_runs.clone()))?;
        registry.register(Box::new(job_seconds.clone()))?;
        registry.register(Box::new(job_last_success.clone()))?;
        registry.register(Box::new(deliveries.clone()))?;
        let redis_fallbacks = IntCounterVec::new(
            Opts::new(
                "redis_fallbacks_total",
                "Shared-state operations served by this node alone because Redis was down",
            ),
            &["operation"],
        )?;
        let redis_up = IntGauge::new("redis_up", "1 while Redis answers, else 0")?;
        let cache_lookups = IntCounterVec::new(
            Opts::new(
                "cache_lookups_total",
                "Cached reads by result (hit, miss, bypass)",
            ),
            &["result"],
        )?;
        let sse_streams = IntGauge::new("sse_streams", "Open event streams on this node")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        registry.register(Box::new(redis_fallbacks.clone()))?;
        registry.register(Box::new(redis_up.clone()))?;
        registry.register(Box::new(cache_lookups.clone()))?;
        registry.register(Box::new(sse_streams.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool,
            job_runs,
            job_seconds,
            job_last_success,
            deliveries,
            redis_fallbacks,
            redis_up,
            cache_lookups,
            sse_streams,
        })
    }

    /// Counts a scheduled job's run.
    pub fn job_run(&self, job: &str, succeeded: bool, seconds: f64) {
        let outcome = if succeeded { "ok" } else { "error" };
        self.job_runs.with_label_values(&[job, outcome]).inc();
        self.job_seconds.with_label_values(&[job]).observe(seconds);
        if succeeded {
            self.job_last_success
                .with_label_values(&[job])
                .set(chrono::Utc::now().timestamp());
        }
    }

    /// Counts one delivery attempt from the outbox.
    pub fn outbox_delivery(&self, channel: &str, outcome: &str) {
        self.deliveries.with_label_values(&[channel, outcome]).inc();
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// The exposition text, with pool gauges read at scrape time.
    pub fn render(&self, db: &Db) -> String {
        let state = db.pool_state();
        self.pool
            .with_label_values(&["idle"])
            .set(i64::from(state.idle_connections));
        self.pool
            .with_label_values(&["in_use"])
            .set(i64::from(state.connections - state.idle_connections));
        self.pool
            .with_label_values(&["max"])
            .set(i64::from(db.max_size()));
        let mut out = Vec::new();
        // Encoding into a Vec cannot fail for the text format.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

pub async fn record_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().to_string();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        // The pattern, not the path, so ids don't explode the label set.
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        metrics.observe(
            &method,
            &route,
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}
