//! The task that listens to the shared event channel on a pub/sub connection of its own,
//! reconnecting with backoff for as long as the node's bus exists.

use super::Inner;
use futures_util::StreamExt;
use std::sync::Weak;
use std::time::Duration;

const FIRST_RETRY: Duration = Duration::from_millis(250);
const LONGEST_RETRY: Duration = Duration::from_secs(5);

pub async fn run(bus: Weak<Inner>, client: redis::Client, channel: String) {
    let mut retry = FIRST_RETRY;
    // Once per outage, not at every retry.
    let mut warned = false;
    while bus.strong_count() > 0 {
        match listen(&bus, &client, &channel, (&mut retry, &mut warned)).await {
            Ok(()) if bus.strong_count() == 0 => return,
            Ok(()) => tracing::warn!("the Redis event channel closed; reconnecting"),
            Err(error) if !warned => {
                tracing::warn!(%error, "cannot listen for events from other nodes; retrying");
                warned = true;
            }
            Err(error) => tracing::debug!(%error, "event channel still unavailable"),
        }
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(LONGEST_RETRY);
    }
}

/// Subscribes and forwards messages until the connection ends.
async fn listen(
    bus: &Weak<Inner>,
    client: &redis::Client,
    channel: &str,
    (retry, warned): (&mut Duration, &mut bool),
) -> redis::RedisResult<()> {
    let mut pubsub = tokio::time::timeout(Duration::from_secs(1), client.get_async_pubsub())
        .await
        .map_err(|_| redis::RedisError::from((redis::ErrorKind::IoError, "connect timed out")))??;
    pubsub.subscribe(channel).await?;
    *retry = FIRST_RETRY;
    *warned = false;
    tracing::info!(channel, "listening for events from other nodes");
    let mut messages = pubsub.into_on_message();
    while let Some(message) = messages.next().await {
        let Some(bus) = bus.upgrade() else {
            return Ok(());
        };
        match message.get_payload::<String>() {
            Ok(payload) => bus.deliver(&payload),
            Err(error) => tracing::warn!(%error, "ignoring an unreadable event"),
        }
    }
    Ok(())
}
