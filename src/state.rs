//! Everything a request handler needs, built once at start-up and shared via `web::Data`.

use crate::auth::{Passwords, TokenKeys};
use crate::clock::Clock;
use crate::config::Config;
use crate::db::{Db, run_migrations};
use crate::events::EventBus;
use crate::http::metrics::Metrics;
use crate::kv::Kv;
use crate::outbox::Outbound;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub kv: Kv,
    pub tokens: TokenKeys,
    pub passwords: Passwords,
    pub metrics: Metrics,
    pub clock: Clock,
    /// This node's ways of sending notifications out (SMTP, webhook).
    pub outbound: Outbound,
    pub events: EventBus,
}

impl AppState {
    /// Connects to the database (migrating it) and to Redis when configured.
    pub async fn build(config: Config) -> Result<Self, String> {
        let db = Db::connect(
            &config.database,
            config.db_pool_size,
            config.db_pool_timeout,
        )?;
        let migrate_db = db.clone();
        let applied = actix_web::web::block(move || {
            let mut conn = migrate_db
                .get()
                .map_err(|e| format!("cannot open the database: {e:?}"))?;
            run_migrations(&mut conn)
        })
        .await
        .map_err(|e| e.to_string())??;
        if applied > 0 {
            tracing::info!(
                applied,
                backend = db.target().backend_name(),
                "applied migrations"
            );
        }
        let metrics = Metrics::new().map_err(|e| e.to_string())?;
        let kv = match &config.redis_url {
            Some(url) => Kv::redis(url, &config.redis_prefix, &metrics).await?,
            None => Kv::memory(&metrics),
        };
        let events = EventBus::start(&kv, metrics.sse_streams.clone());
        let hashing_slots = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
        Ok(Self {
            tokens: TokenKeys::new(&config.jwt_secret),
            passwords: Passwords::new(hashing_slots)?,
            metrics,
            clock: Clock::default(),
            outbound: Outbound::from_config(&config)?,
            config: Arc::new(config),
            db,
            kv,
            events,
        })
    }
}
