//! PUB and SUB, with libzmq's semantics: a PUB sends each message to the subscribers whose
//! subscription prefix starts it, never waiting: a subscriber whose queue is full (it reads
//! too slowly) loses that message, and the loss is counted. A SUB fair-queues what its
//! publishers send and keeps only what matches its own subscriptions.
//!
//! Subscriptions are accepted both as ZMTP 3.1 SUBSCRIBE/CANCEL commands and as 3.0-style
//! `\x01topic` / `\x00topic` messages; a SUB sends the message form, which every libzmq PUB
//! accepts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{mpsc, Notify};
use tracing::warn;

use crate::connection::{Delivery, Out};
use crate::error::Error;
use crate::options::{Options, SocketType};
use crate::pipes::{complete, pipe_id, subscription, Pipes, Shared};

/// A PUB socket: any number of binds and connects, one bounded queue per subscriber.
pub struct Pub {
    pipes: Pipes,
    /// Subscriptions waiting for the task that applies them (taken when it starts).
    incoming: Option<mpsc::Receiver<Delivery>>,
    counters: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    dropped: AtomicU64,
    /// Woken whenever a subscription is applied.
    subscribed: Notify,
}

impl Pub {
    pub fn new(options: Options) -> Pub {
        let (pipes, incoming) = Pipes::new(SocketType::Pub, options);
        Pub {
            pipes,
            incoming: Some(incoming),
            counters: Arc::default(),
        }
    }

    /// Binds and accepts on the current tokio runtime; returns the endpoint bound (with the
    /// real port when 0 was asked for).
    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        let bound = self.pipes.bind(endpoint).await?;
        self.start();
        Ok(bound)
    }

    /// Connects (and reconnects) in the background on the current tokio runtime.
    pub fn connect(&mut self, endpoint: &str) -> Result<(), Error> {
        self.pipes.connect(endpoint)?;
        self.start();
        Ok(())
    }

    fn start(&mut self) {
        if let Some(incoming) = self.incoming.take() {
            let task =
                apply_subscriptions(incoming, self.pipes.shared.clone(), self.counters.clone());
            self.pipes.spawn(task);
        }
    }

    /// Queues `frames` for every subscriber it matches (by its first frame); never waits.
    /// Returns how many subscribers it was queued for; a subscriber whose queue is full
    /// misses it and [`Pub::dropped`] counts it.
    pub fn send(&self, frames: Vec<Bytes>) -> usize {
        let first = frames.first().cloned().unwrap_or_default();
        let mut queued = 0;
        let mut dropped = 0;
        for pipe in &self.pipes.shared.lock().pipes {
            if !pipe.topics.matches(&first) {
                continue;
            }
            match pipe.tx.try_send(Out::message(frames.clone())) {
                Ok(()) => queued += 1,
                Err(mpsc::error::TrySendError::Full(_)) => dropped += 1,
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        if dropped > 0 {
            self.counters.dropped.fetch_add(dropped, Ordering::Relaxed);
        }
        queued
    }

    /// Messages dropped so far because a subscriber's queue was full.
    pub fn dropped(&self) -> u64 {
        self.counters.dropped.load(Ordering::Relaxed)
    }

    /// Connected peers.
    pub fn peer_count(&self) -> usize {
        self.pipes.peer_count()
    }

    /// Connected peers with at least one subscription.
    pub fn subscriber_count(&self) -> usize {
        let table = self.pipes.shared.lock();
        table.pipes.iter().filter(|p| p.topics.len() > 0).count()
    }

    /// Waits until at least `n` peers have subscribed to something (messages published before
    /// a subscription arrives are not sent to that peer, as with libzmq).
    pub async fn wait_for_subscribers(&self, n: usize) {
        loop {
            let applied = self.counters.subscribed.notified();
            if self.subscriber_count() >= n {
                return;
            }
            applied.await;
        }
    }

    /// Flushes queued messages for at most the linger time, then closes.
    pub async fn close(self) {
        self.pipes.close().await;
    }
}

async fn apply_subscriptions(
    mut incoming: mpsc::Receiver<Delivery>,
    shared: Arc<Shared>,
    counters: Arc<Counters>,
) {
    while let Some(delivery) = incoming.recv().await {
        let Some(id) = pipe_id(&delivery.peer) else {
            continue;
        };
        // Anything but a subscription is dropped, as libzmq's PUB does.
        let Some(frames) = complete(delivery) else {
            continue;
        };
        let Some(message) = frames.first() else {
            continue;
        };
        let Some(&kind @ (0 | 1)) = message.first() else {
            continue;
        };
        let topic = message.slice(1..);
        let mut table = shared.lock();
        let Some(pipe) = table.pipes.iter_mut().find(|p| p.id == id) else {
            continue;
        };
        if kind == 1 {
            if pipe.topics.is_full() {
                warn!(
                    "zmtp: a subscriber exceeded {} subscriptions; ignoring more",
                    crate::topics::MAX_TOPICS
                );
            }
            pipe.topics.add(topic);
        } else {
            pipe.topics.remove(&topic);
        }
        drop(table);
        counters.subscribed.notify_waiters();
    }
}

/// A SUB socket: any number of binds and connects; receives what matches its subscriptions.
pub struct Sub {
    pipes: Pipes,
    incoming: mpsc::Receiver<Delivery>,
}

impl Sub {
    /// A SUB with no subscription: it receives nothing until [`Sub::subscribe`].
    pub fn new(options: Options) -> Sub {
        let (pipes, incoming) = Pipes::new(SocketType::Sub, options);
        Sub { pipes, incoming }
    }

    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        self.pipes.bind(endpoint).await
    }

    pub fn connect(&mut self, endpoint: &str) -> Result<(), Error> {
        self.pipes.connect(endpoint)
    }

    /// Subscribes to messages starting with `topic` (empty: everything), on every current
    /// and future connection.
    pub fn subscribe(&self, topic: &[u8]) {
        let mut table = self.pipes.shared.lock();
        if table.welcome.add(Bytes::copy_from_slice(topic)) {
            for pipe in &table.pipes {
                let _ = pipe
                    .tx
                    .try_send(Out::message(vec![subscription(true, topic)]));
            }
        }
    }

    /// Cancels one [`Sub::subscribe`] of `topic`.
    pub fn unsubscribe(&self, topic: &[u8]) {
        let mut table = self.pipes.shared.lock();
        if table.welcome.remove(topic) {
            for pipe in &table.pipes {
                let _ = pipe
                    .tx
                    .try_send(Out::message(vec![subscription(false, topic)]));
            }
        }
    }

    /// The next message matching a subscription (`None` once the socket is closed).
    pub async fn recv(&mut self) -> Option<Vec<Bytes>> {
        loop {
            let Some(frames) = complete(self.incoming.recv().await?) else {
                continue;
            };
            let first = frames.first().cloned().unwrap_or_default();
            if self.pipes.shared.lock().welcome.matches(&first) {
                return Some(frames);
            }
        }
    }

    /// Connected publishers.
    pub fn peer_count(&self) -> usize {
        self.pipes.peer_count()
    }

    pub async fn close(self) {
        self.pipes.close().await;
    }
}
