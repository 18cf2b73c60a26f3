//! One server-sent event stream: the bus's events for the stream's topics, framed as SSE,
//! with a heartbeat that keeps proxies from closing an idle connection and ends the stream
//! once its session is revoked.

use super::{Batch, Event, EventBus, Topic};
use crate::kv::Kv;
use actix_web::web::Bytes;
use futures_util::Stream;
use prometheus::IntGauge;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Instant, Interval, interval_at};

const HEARTBEAT: Duration = Duration::from_secs(15);

/// How long a client should wait before reconnecting, in milliseconds.
const RETRY_MS: u32 = 3000;

/// Counts the stream in `wushe_sse_streams` for as long as it is open.
struct Open(IntGauge);

impl Open {
    fn new(gauge: IntGauge) -> Self {
        gauge.inc();
        Self(gauge)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.dec();
    }
}

struct Feed {
    events: tokio::sync::broadcast::Receiver<Batch>,
    topics: Vec<Topic>,
    heartbeat: Interval,
    kv: Kv,
    revoked_key: String,
    closing: tokio::sync::watch::Receiver<bool>,
    started: bool,
    _open: Open,
}

/// The stream of `topics` for the session whose revocation flag is `revoked_key`.
pub fn open(
    bus: &EventBus,
    topics: Vec<Topic>,
    revoked_key: String,
) -> impl Stream<Item = Result<Bytes, actix_web::Error>> + 'static {
    let feed = Feed {
        events: bus.subscribe(),
        topics,
        heartbeat: interval_at(Instant::now() + HEARTBEAT, HEARTBEAT),
        kv: bus.inner.kv.clone(),
        revoked_key,
        closing: bus.inner.closing.subscribe(),
        started: false,
        _open: Open::new(bus.inner.streams.clone()),
    };
    futures_util::stream::unfold(feed, |mut feed| async move {
        let frame = feed.next_frame().await?;
        Some((Ok(frame), feed))
    })
}

impl Feed {
    /// The next bytes to send, or `None` to end the stream.
    async fn next_frame(&mut self) -> Option<Bytes> {
        if !self.started {
            self.started = true;
            return Some(Bytes::from(format!("retry: {RETRY_MS}\n: connected\n\n")));
        }
        loop {
            if *self.closing.borrow() {
                return None;
            }
            tokio::select! {
                _ = self.closing.changed() => return None,
                received = self.events.recv() => match received {
                    Ok(batch) => {
                        let frames: Vec<Bytes> = batch
                            .iter()
                            .filter(|event| self.topics.contains(&event.topic))
                            .map(frame)
                            .collect();
                        if !frames.is_empty() {
                            return Some(frames.concat().into());
                        }
                    }
                    // Too slow to keep up: the client refetches what it shows.
                    Err(RecvError::Lagged(missed)) => {
                        return Some(Bytes::from(format!("event: lagged\ndata: {{\"missed\":{missed}}}\n\n")));
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = self.heartbeat.tick() => {
                    return match self.kv.has_flag(&self.revoked_key).await {
                        Ok(true) => None,
                        _ => Some(Bytes::from_static(b": heartbeat\n\n")),
                    };
                }
            }
        }
    }
}

fn frame(event: &Event) -> Bytes {
    match serde_json::to_string(event) {
        // JSON has no raw newlines, so the data fits one `data:` line.
        Ok(json) => Bytes::from(format!("event: {}\ndata: {json}\n\n", event.kind)),
        Err(error) => {
            tracing::error!(%error, "cannot encode an event");
            Bytes::from_static(b": an event could not be encoded\n\n")
        }
    }
}
