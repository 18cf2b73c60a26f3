//! Live events for the apps: what happened to a user (a new inbox item) or to a vote (a new
//! live tally), delivered to the event streams open on every node.
//!
//! Each node has an in-process broadcast that its streams listen to. With Redis, a published
//! event also goes out on one pub/sub channel, and every node's subscriber task feeds what it
//! hears into its own broadcast, skipping what the node sent itself (delivered already).
//! Events are hints to refresh, not a durable log: one published while a node cannot reach
//! Redis reaches only that node's streams, and a stream that reconnects starts from now.

pub mod routes;
mod stream;
mod subscriber;

use crate::kv::Kv;
use prometheus::IntGauge;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::broadcast;

/// Room for batches of events not yet read by the slowest stream of this node; one further
/// behind is told it lagged and should refetch. Events published together travel as one
/// batch, so a vote opening to thousands of electors takes one place, not thousands.
const BACKLOG: usize = 1024;

/// Events published together, as every stream of the node receives them.
type Batch = Arc<[Event]>;

/// The Redis channel, under the configured key prefix.
const CHANNEL: &str = "events";

/// Who an event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Topic {
    /// One user's own events (inbox items).
    User(i64),
    /// A vote's live tally, for those allowed to see it.
    Vote(i64),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub topic: Topic,
    pub kind: String,
    pub data: Value,
}

/// Events as they travel between nodes, with the node that published them.
#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: u64,
    events: Vec<Event>,
}

#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

struct Inner {
    local: broadcast::Sender<Batch>,
    /// Tells this node's own events apart on the shared channel.
    node: u64,
    kv: Kv,
    /// Where to send events to Redis from, so `publish` works from any thread.
    runtime: Option<tokio::runtime::Handle>,
    streams: IntGauge,
    /// Set when the node shuts down, ending every stream so graceful shutdown need not wait
    /// for them; the apps reconnect to another node.
    closing: tokio::sync::watch::Sender<bool>,
}

impl EventBus {
    /// The bus of this node; with Redis configured, also starts the subscriber task.
    pub fn start(kv: &Kv, streams: IntGauge) -> Self {
        let bus = Self {
            inner: Arc::new(Inner {
                local: broadcast::channel(BACKLOG).0,
                node: rand::random(),
                kv: kv.clone(),
                runtime: tokio::runtime::Handle::try_current().ok(),
                streams,
                closing: tokio::sync::watch::channel(false).0,
            }),
        };
        if let (Some((client, prefix)), Some(runtime)) = (kv.redis_client(), &bus.inner.runtime) {
            runtime.spawn(subscriber::run(
                Arc::downgrade(&bus.inner),
                client.clone(),
                format!("{prefix}{CHANNEL}"),
            ));
        }
        bus
    }

    /// Sends an event to the streams of `topic` on every node. Never waits on Redis: the
    /// cross-node leg runs in the background.
    pub fn publish(&self, topic: Topic, kind: &str, data: Value) {
        self.publish_all(vec![Event {
            topic,
            kind: kind.to_owned(),
            data,
        }]);
    }

    /// Sends events to their topics' streams on every node, as one batch.
    pub fn publish_all(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let batch: Batch = events.into();
        // No stream open on this node is not an error.
        let _ = self.inner.local.send(batch.clone());
        let (Some(runtime), Some(_)) = (&self.inner.runtime, self.inner.kv.redis_client()) else {
            return;
        };
        let envelope = Envelope {
            origin: self.inner.node,
            events: batch.to_vec(),
        };
        match serde_json::to_string(&envelope) {
            Ok(payload) => {
                let kv = self.inner.kv.clone();
                runtime.spawn(async move { kv.publish(CHANNEL, payload).await });
            }
            Err(error) => tracing::error!(%error, "cannot encode an event"),
        }
    }

    /// Ends every open stream of this node, now and from now on.
    pub fn close_streams(&self) {
        self.inner.closing.send_replace(true);
    }

    fn subscribe(&self) -> broadcast::Receiver<Batch> {
        self.inner.local.subscribe()
    }
}

impl Inner {
    /// Hands events heard on the shared channel to this node's streams.
    fn deliver(&self, payload: &str) {
        match serde_json::from_str::<Envelope>(payload) {
            Ok(envelope) if envelope.origin == self.node => {}
            Ok(envelope) => {
                let _ = self.local.send(envelope.events.into());
            }
            Err(error) => tracing::warn!(%error, "ignoring a malformed event from Redis"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::metrics::Metrics;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn a_stream_keeps_up_with_a_batch_larger_than_its_backlog() {
        let metrics = Metrics::new().unwrap();
        let bus = EventBus::start(&Kv::memory(&metrics), metrics.sse_streams.clone());
        let reader = stream::open(&bus, vec![Topic::User(7)], "not-revoked".into());
        let mut reader = std::pin::pin!(reader);
        let hello = reader.next().await.unwrap().unwrap();
        assert!(hello.starts_with(b"retry:"));

        let everyone = (0..3 * BACKLOG as i64).map(|user| Event {
            topic: Topic::User(user),
            kind: "notification".into(),
            data: serde_json::json!({ "id": user }),
        });
        bus.publish_all(everyone.collect());
        let frame = reader.next().await.unwrap().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&frame),
            "event: notification\ndata: {\"topic\":{\"type\":\"user\",\"id\":7},\
             \"kind\":\"notification\",\"data\":{\"id\":7}}\n\n"
        );
    }
}
