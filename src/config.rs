//! Typed configuration from environment variables and an optional TOML file.
//!
//! Every setting has one environment variable and one TOML key (the variable's name in lower
//! case without the `WUSHE_` prefix). The environment wins over the file. All problems are
//! collected and reported together, so an operator fixes them in one pass.

use crate::db::DatabaseTarget;
use crate::kv::RateLimit;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod delivery;
mod secrets;

pub use delivery::{Delivery, Webhook};

/// A setting an operator can change: its variable, its TOML key, default and meaning.
pub struct Setting {
    pub env: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

impl Setting {
    pub fn toml_key(&self) -> String {
        self.env.trim_start_matches("WUSHE_").to_ascii_lowercase()
    }
}

/// The settings table; the README's configuration table is written from it.
pub const SETTINGS: &[Setting] = &[
    Setting {
        env: "WUSHE_ENV",
        default: "development",
        help: "`development` or `production`; production refuses weak or missing secrets",
    },
    Setting {
        env: "WUSHE_BIND",
        default: "127.0.0.1:8080",
        help: "Address and port the HTTP server listens on",
    },
    Setting {
        env: "WUSHE_DATA_DIR",
        default: "./data",
        help: "Directory for the SQLite database and development secrets",
    },
    Setting {
        env: "DATABASE_URL",
        default: "sqlite://<data dir>/wushe.db",
        help: "`sqlite://PATH` or `postgres://USER@HOST/DB`",
    },
    Setting {
        env: "WUSHE_DB_POOL_SIZE",
        default: "10",
        help: "Maximum database connections per node",
    },
    Setting {
        env: "WUSHE_JWT_SECRET",
        default: "generated in development",
        help: "HMAC key for access tokens, at least 32 bytes",
    },
    Setting {
        env: "WUSHE_ID_HASH_KEY",
        default: "generated in development",
        help: "Key for hashing resident ID numbers, at least 32 bytes",
    },
    Setting {
        env: "REDIS_URL",
        default: "unset (in-process)",
        help: "Redis for rate limits, token revocation, caches and live events shared by several nodes",
    },
    Setting {
        env: "WUSHE_REDIS_PREFIX",
        default: "wushe:",
        help: "Prefix of every Redis key",
    },
    Setting {
        env: "WUSHE_SMTP_URL",
        default: "unset",
        help: "`smtp://`, `smtps://` or `file://DIR` for outgoing mail",
    },
    Setting {
        env: "WUSHE_MAIL_FROM",
        default: "wushe <noreply@wushe.invalid>",
        help: "The `From` of notification emails",
    },
    Setting {
        env: "WUSHE_WEBHOOK_URL",
        default: "unset",
        help: "The operator's SMS/WeChat gateway: notices are POSTed there as signed JSON",
    },
    Setting {
        env: "WUSHE_WEBHOOK_SECRET",
        default: "unset",
        help: "HMAC-SHA256 key signing webhook posts (required with the URL)",
    },
    Setting {
        env: "WUSHE_OUTBOX_MAX_ATTEMPTS",
        default: "20",
        help: "Delivery attempts before an email or webhook message is given up",
    },
    Setting {
        env: "WUSHE_OUTBOX_RETRY_SECONDS",
        default: "30",
        help: "Wait before the first retry; doubled for each next one, up to 30 minutes",
    },
    Setting {
        env: "WUSHE_JOBS",
        default: "on",
        help: "`on`: this node takes turns running the scheduled jobs; `off`: it never does",
    },
    Setting {
        env: "WUSHE_JOB_EVERY",
        default: "unset (each job's own)",
        help: "Job intervals in seconds, e.g. `outbox=1,reminders=300` (see `wushe jobs`)",
    },
    Setting {
        env: "WUSHE_NODE_NAME",
        default: "host name and process id",
        help: "This node's name in job leases and logs",
    },
    Setting {
        env: "WUSHE_BODY_LIMIT",
        default: "1048576",
        help: "Largest accepted request body in bytes",
    },
    Setting {
        env: "WUSHE_CORS_ORIGINS",
        default: "unset (no cross-origin access)",
        help: "Comma-separated origins allowed to call the API from a browser",
    },
    Setting {
        env: "WUSHE_ACCESS_TOKEN_TTL",
        default: "900",
        help: "Access token lifetime in seconds",
    },
    Setting {
        env: "WUSHE_INDICATORS_EVERY",
        default: "3600",
        help: "Seconds between the server's indicator computations (0: only by hand)",
    },
    Setting {
        env: "WUSHE_REFRESH_TOKEN_TTL",
        default: "2592000",
        help: "Session (refresh token) lifetime in seconds",
    },
    Setting {
        env: "WUSHE_ASSISTED_SESSION_TTL",
        default: "1800",
        help: "Lifetime of a staff member's assisted session for a resident, in seconds",
    },
    Setting {
        env: "WUSHE_TRUST_PROXY",
        default: "false",
        help: "Take the client address from X-Forwarded-For (only behind your own proxy)",
    },
    Setting {
        env: "WUSHE_LOG_FORMAT",
        default: "text",
        help: "`text` or `json` logs (level from RUST_LOG)",
    },
    Setting {
        env: "WUSHE_BALLOT_LIMIT",
        default: "20/60",
        help: "Ballots cast or changed per person: `COUNT/SECONDS`",
    },
    Setting {
        env: "WUSHE_REDEMPTION_LIMIT",
        default: "30/3600",
        help: "Reward redemptions per person: `COUNT/SECONDS`",
    },
    Setting {
        env: "WUSHE_WISH_LIMIT",
        default: "20/3600",
        help: "Wishes posted per person (staff posting for residents included): `COUNT/SECONDS`",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone)]
pub struct Config {
    pub mode: Mode,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database: DatabaseTarget,
    pub db_pool_size: u32,
    /// How long a request waits for a pooled connection before the API answers 503.
    pub db_pool_timeout: std::time::Duration,
    pub jwt_secret: Vec<u8>,
    pub id_hash_key: Vec<u8>,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub smtp_url: Option<url::Url>,
    /// Notification delivery and scheduled jobs.
    pub delivery: Delivery,
    pub body_limit: usize,
    pub cors_origins: Vec<String>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub assisted_session_ttl: Duration,
    /// How often `serve` computes the current periods' indicators; zero leaves it to the CLI.
    pub indicators_every: Duration,
    pub trust_proxy: bool,
    pub log_format: LogFormat,
    /// Login throttling: failed attempts allowed per account and per client address.
    pub login_limits: LoginLimits,
    /// Things the operator should know, logged once the logger is up.
    pub warnings: Vec<String>,
    /// Per-person limits on writes worth abusing, shared by every node.
    pub rate_limits: RateLimits,
}

#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub ballots: RateLimit,
    pub redemptions: RateLimit,
    pub wishes: RateLimit,
}

#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Failed logins per account per window.
    pub per_account: u64,
    /// Failed logins per client address per window.
    pub per_ip: u64,
    /// Registrations per client address per window.
    pub registrations_per_ip: u64,
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 30,
            registrations_per_ip: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("mode", &self.mode)
            .field("bind", &self.bind)
            .field("database", &self.database.backend_name())
            .field("redis", &self.redis_url.is_some())
            .finish_non_exhaustive()
    }
}

/// Raw values by environment-variable name, from the environment or a TOML file.
pub struct Sources {
    values: HashMap<String, String>,
}

impl Sources {
    /// Reads the process environment over the TOML file at `file`, if any.
    pub fn from_env_and_file(file: Option<&Path>) -> Result<Self, String> {
        let mut sources = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
                Self::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => Self::from_pairs(std::iter::empty::<(String, String)>()),
        };
        for setting in SETTINGS {
            if let Ok(value) = std::env::var(setting.env) {
                sources.values.insert(setting.env.to_owned(), value);
            }
        }
        Ok(sources)
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            values: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// Overrides one setting, as a command-line flag does.
    pub fn set(&mut self, env: &str, value: impl Into<String>) {
        self.values.insert(env.to_owned(), value.into());
    }

    fn from_toml(text: &str) -> Result<Self, String> {
        let table: toml::Table = text.parse().map_err(|e| format!("invalid TOML: {e}"))?;
        let mut values = HashMap::new();
        for (key, value) in table {
            let setting = SETTINGS
                .iter()
                .find(|s| s.toml_key() == key)
                .ok_or_else(|| format!("unknown setting `{key}`"))?;
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| i.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            values.insert(setting.env.to_owned(), text);
        }
        Ok(Self { values })
    }

    fn get(&self, env: &str) -> Option<&str> {
        self.values
            .get(env)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

impl Config {
    /// Validates every setting; on failure returns one message listing all problems.
    pub fn load(sources: &Sources) -> Result<Self, String> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let mut parse = |env: &str, default: &str, check: &dyn Fn(&str) -> Result<(), String>| {
            let value = sources.get(env).unwrap_or(default).trim().to_owned();
            if let Err(why) = check(&value) {
                problems.push(format!("{env}={value:?}: {why}"));
            }
            value
        };
        let number = |v: &str| {
            v.parse::<u64>()
                .map(|_| ())
                .map_err(|_| "not a whole number".into())
        };
        let mode = parse("WUSHE_ENV", "development", &|v| match v {
            "development" | "production" => Ok(()),
            _ => Err("expected development or production".into()),
        });
        let bind = parse("WUSHE_BIND", "127.0.0.1:8080", &|v| {
            v.parse::<SocketAddr>()
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
        let data_dir = PathBuf::from(parse("WUSHE_DATA_DIR", "./data", &|_| Ok(())));
        let default_db = format!("sqlite://{}/wushe.db", data_dir.display());
        let database = parse("DATABASE_URL", &default_db, &|v| {
            DatabaseTarget::parse(v).map(|_| ())
        });
        let pool = parse("WUSHE_DB_POOL_SIZE", "10", &|v| match v.parse::<u32>() {
            Ok(1..=500) => Ok(()),
            _ => Err("expected 1 to 500".into()),
        });
        let smtp = parse("WUSHE_SMTP_URL", "", &|v| {
            if v.is_empty() {
                return Ok(());
            }
            let url = url::Url::parse(v).map_err(|e| e.to_string())?;
            match url.scheme() {
                "smtp" | "smtps" | "file" => Ok(()),
                other => Err(format!("scheme {other} is not smtp, smtps or file")),
            }
        });
        let redis = parse("REDIS_URL", "", &|v| match v {
            "" => Ok(()),
            _ if v.starts_with("redis://") || v.starts_with("rediss://") => Ok(()),
            _ => Err("expected redis:// or rediss://".into()),
        });
        let redis_prefix = parse("WUSHE_REDIS_PREFIX", "wushe:", &|_| Ok(()));
        let body_limit = parse(
            "WUSHE_BODY_LIMIT",
            "1048576",
            &|v| match v.parse::<usize>() {
                Ok(1024..) => Ok(()),
                _ => Err("expected a number of bytes, at least 1024".into()),
            },
        );
        let cors = parse("WUSHE_CORS_ORIGINS", "", &|v| {
            v.split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .try_for_each(|origin| match url::Url::parse(origin) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
                    _ => Err(format!("{origin} is not an http(s) origin")),
                })
        });
        let access_ttl = parse("WUSHE_ACCESS_TOKEN_TTL", "900", &number);
        let refresh_ttl = parse("WUSHE_REFRESH_TOKEN_TTL", "2592000", &number);
        let assisted_ttl = parse("WUSHE_ASSISTED_SESSION_TTL", "1800", &number);
        let indicators_every = parse("WUSHE_INDICATORS_EVERY", "3600", &number);
        let trust_proxy = parse("WUSHE_TRUST_PROXY", "false", &|v| {
            v.parse::<bool>()
                .map(|_| ())
                .map_err(|_| "expected true or false".into())
        });
        let log_format = parse("WUSHE_LOG_FORMAT", "text", &|v| match v {
            "text" | "json" => Ok(()),
            _ => Err("expected text or json".into()),
        });
        let rate = |v: &str| RateLimit::parse(v).map(|_| ());
        let ballot_limit = parse("WUSHE_BALLOT_LIMIT", "20/60", &rate);
        let redemption_limit = parse("WUSHE_REDEMPTION_LIMIT", "30/3600", &rate);
        let wish_limit = parse("WUSHE_WISH_LIMIT", "20/3600", &rate);
        let mode = if mode == "production" {
            Mode::Production
        } else {
            Mode::Development
        };
        let jwt_secret = secrets::resolve(
            "WUSHE_JWT_SECRET",
            sources.get("WUSHE_JWT_SECRET"),
            mode,
            &data_dir.join("jwt-secret"),
            &mut problems,
            &mut warnings,
        );
        let id_hash_key = secrets::resolve(
            "WUSHE_ID_HASH_KEY",
            sources.get("WUSHE_ID_HASH_KEY"),
            mode,
            &data_dir.join("id-hash-key"),
            &mut problems,
            &mut warnings,
        );
        let delivery = Delivery::load(sources, mode, &mut problems, &mut warnings);
        if !problems.is_empty() {
            return Err(format!(
                "invalid configuration:\n  - {}",
                problems.join("\n  - ")
            ));
        }
        let seconds = |v: &str| Duration::from_secs(v.parse().unwrap_or_default());
        Ok(Self {
            mode,
            bind: bind.parse().map_err(|e| format!("WUSHE_BIND: {e}"))?,
            database: DatabaseTarget::parse(&database)?,
            data_dir,
            db_pool_size: pool.parse().unwrap_or(10),
            db_pool_timeout: crate::db::POOL_CHECKOUT_TIMEOUT,
            jwt_secret,
            id_hash_key,
            redis_url: Some(redis).filter(|r| !r.is_empty()),
            redis_prefix,
            smtp_url: url::Url::parse(&smtp).ok(),
            delivery,
            body_limit: body_limit.parse().unwrap_or(1 << 20),
            cors_origins: cors
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect(),
            access_token_ttl: seconds(&access_ttl),
            refresh_token_ttl: seconds(&refresh_ttl),
            assisted_session_ttl: seconds(&assisted_ttl),
            indicators_every: seconds(&indicators_every),
            trust_proxy: trust_proxy == "true",
            log_format: if log_format == "json" {
                LogFormat::Json
            } else {
                LogFormat::Text
            },
            login_limits: LoginLimits::default(),
            warnings,
            rate_limits: RateLimits {
                ballots: RateLimit::parse(&ballot_limit)?,
                redemptions: RateLimit::parse(&redemption_limit)?,
                wishes: RateLimit::parse(&wish_limit)?,
            },
        })
    }
}

#[cfg(test)]
mod tests;
