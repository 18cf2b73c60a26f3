//! Settings of notification delivery and of the scheduled jobs: who mail comes from, the
//! operator's webhook gateway, how the outbox retries, and which jobs this node runs how often.

use super::{Mode, Sources, secrets};
use std::collections::HashMap;
use std::time::Duration;

/// The operator's gateway for SMS or WeChat messages, signed with a shared secret.
#[derive(Clone)]
pub struct Webhook {
    pub url: url::Url,
    pub secret: Vec<u8>,
}

#[derive(Clone)]
pub struct Delivery {
    /// The `From` of every email, e.g. `东湖社区 <noreply@example.cn>`.
    pub mail_from: String,
    pub webhook: Option<Webhook>,
    /// Attempts before a message is given up as failed.
    pub max_attempts: u32,
    /// Wait before the first retry; each further retry waits twice as long, up to `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// Whether this node runs the scheduled jobs (taking turns with the other nodes).
    pub jobs_enabled: bool,
    /// Intervals set for particular jobs, in place of their defaults.
    pub job_every: HashMap<String, Duration>,
    /// This node's name in job leases and logs.
    pub node_name: String,
}

fn parse_intervals(text: &str) -> Result<HashMap<String, Duration>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, seconds) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?} is not name=seconds"))?;
            let name = name.trim();
            if crate::jobs::Job::parse(name).is_none() {
                return Err(format!("{name:?} is not a job (see `wushe jobs`)"));
            }
            // From a tenth of a second (not a busy loop) to a year.
            let seconds: f64 = seconds
                .trim()
                .parse()
                .ok()
                .filter(|s: &f64| (0.1..=31_536_000.0).contains(s))
                .ok_or_else(|| format!("{pair:?}: seconds must be from 0.1 to 31536000"))?;
            Ok((name.to_owned(), Duration::from_secs_f64(seconds)))
        })
        .collect()
}

fn whole<T: std::str::FromStr>(
    sources: &Sources,
    env: &str,
    default: T,
    problems: &mut Vec<String>,
) -> T {
    match sources.get(env).map(|v| v.trim().parse::<T>()) {
        None => default,
        Some(Ok(value)) => value,
        Some(Err(_)) => {
            problems.push(format!("{env}: not a whole number"));
            default
        }
    }
}

impl Delivery {
    pub fn load(
        sources: &Sources,
        mode: Mode,
        problems: &mut Vec<String>,
        warnings: &mut Vec<String>,
    ) -> Self {
        let webhook = sources.get("WUSHE_WEBHOOK_URL").and_then(|url| {
            // Messages carry phone numbers: only over TLS in production.
            let allowed: &[&str] = match mode {
                Mode::Production => &["https"],
                Mode::Development => &["http", "https"],
            };
            let url = match url::Url::parse(url.trim()) {
                Ok(u) if allowed.contains(&u.scheme()) => u,
                _ => {
                    problems.push(format!(
                        "WUSHE_WEBHOOK_URL={url:?}: not an {} URL",
                        allowed.join(" or ")
                    ));
                    return None;
                }
            };
            let Some(secret) = sources.get("WUSHE_WEBHOOK_SECRET") else {
                problems.push("WUSHE_WEBHOOK_SECRET is required with WUSHE_WEBHOOK_URL".into());
                return None;
            };
            if secrets::is_weak(secret.trim().as_bytes()) {
                let why = "WUSHE_WEBHOOK_SECRET is weak: use at least 32 random bytes".to_owned();
                match mode {
                    Mode::Production => problems.push(why),
                    Mode::Development => warnings.push(why),
                }
            }
            Some(Webhook {
                url,
                secret: secret.trim().as_bytes().to_vec(),
            })
        });
        let jobs_enabled = match sources.get("WUSHE_JOBS").map(str::trim) {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => {
                problems.push(format!("WUSHE_JOBS={other:?}: expected on or off"));
                true
            }
        };
        let job_every = parse_intervals(sources.get("WUSHE_JOB_EVERY").unwrap_or(""))
            .unwrap_or_else(|why| {
                problems.push(format!("WUSHE_JOB_EVERY: {why}"));
                HashMap::new()
            });
        let max_attempts = whole(sources, "WUSHE_OUTBOX_MAX_ATTEMPTS", 20u32, problems).max(1);
        let retry_seconds = whole(sources, "WUSHE_OUTBOX_RETRY_SECONDS", 30u64, problems).max(1);
        Self {
            mail_from: sources
                .get("WUSHE_MAIL_FROM")
                .unwrap_or("wushe <noreply@wushe.invalid>")
                .trim()
                .to_owned(),
            webhook,
            max_attempts,
            retry_base: Duration::from_secs(retry_seconds),
            retry_cap: Duration::from_secs(1800).max(Duration::from_secs(retry_seconds)),
            jobs_enabled,
            job_every,
            node_name: sources.get("WUSHE_NODE_NAME").map_or_else(
                || format!("{}-{}", hostname(), std::process::id()),
                |n| n.trim().to_owned(),
            ),
        }
    }

    /// How long to wait after `attempts` failed attempts.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(20);
        self.retry_base
            .saturating_mul(1 << doublings)
            .min(self.retry_cap)
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "wushe".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_read_by_name() {
        let every = parse_intervals("outbox=0.5, reminders=300").unwrap();
        assert_eq!(every["outbox"], Duration::from_millis(500));
        assert_eq!(every["reminders"], Duration::from_secs(300));
        assert!(parse_intervals("outbox").is_err());
        assert!(parse_intervals("outbox=-1").is_err());
        assert!(parse_intervals("outbox=0.000001").is_err());
        assert!(parse_intervals("outbox=1e30").is_err());
        assert!(parse_intervals("lottery=5").is_err());
    }
}
