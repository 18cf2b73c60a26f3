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

/// Room for events not yet read by the slowest stream of this node; one further behind is
/// told it lagged and should refetch.
const BACKLOG: usize = 1024;

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

/// An event as it travels between nodes, with the node that published it.
#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: u64,
    event: Event,
}

#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

struct Inner {
    local: broadcast::Sender<Event>,
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
        let event = Event {
            topic,
            kind: kind.to_owned(),
            data,
        };
        // No stream open on this node is not an error.
        let _ = self.inner.local.send(event.clone());
        let (Some(runtime), Some(_)) = (&self.inner.runtime, self.inner.kv.redis_client()) else {
            return;
        };
        let envelope = Envelope {
            origin: self.inner.node,
            event,
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

    fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.local.subscribe()
    }
}

impl Inner {
    /// Hands an event heard on the shared channel to this node's streams.
    fn deliver(&self, payload: &str) {
        match serde_json::from_str::<Envelope>(payload) {
            Ok(envelope) if envelope.origin == self.node => {}
            Ok(envelope) => {
                let _ = self.local.send(envelope.event);
            }
            Err(error) => tracing::warn!(%error, "ignoring a malformed event from Redis"),
        }
    }
}
