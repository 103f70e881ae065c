//! A worker: serves a [`Service`] to a zrpc broker by connecting a DEALER to the broker's
//! backend, instead of binding a ROUTER for clients (protocol: docs/broker.md).
//!
//! The broker sends each call as `[tag, empty, event]`; the server's dispatcher treats the tag
//! like a client's routing id, so replies go back as `[tag, empty, event]` unchanged. Between
//! calls the worker announces itself with `[empty, _zrpc_worker {..}]`: at once on every
//! (re)connection and then every heartbeat interval, which is also its heartbeat.

use std::time::Duration;

use bytes::Bytes;
use tokio::sync::watch;
use tracing::{debug, info};

use crate::codec::{write_str, EventWriter};
use crate::error::Error;
use crate::server::{Server, ServerBuilder};
use crate::service::Service;
use crate::transport::curve::{decode_key, ClientCurve, KeyPair};
use crate::transport::{dealer_message, normalize_endpoint, DealerSender, Link};

/// Name of the worker's announcement event (READY and heartbeat in one).
pub const WORKER_ANNOUNCE: &str = "_zrpc_worker";

/// Configures and starts a [`Worker`].
pub struct WorkerBuilder {
    service: Service,
    concurrency: u32,
    heartbeat: Duration,
    no_retry: Vec<String>,
    curve: Option<ClientCurve>,
}

impl WorkerBuilder {
    /// Connects over CURVE: `server_key` is the broker backend's public key (Z85), `keys` this
    /// worker's pair (which the broker may check against its allow-list).
    pub fn curve(mut self, server_key: &str, keys: KeyPair) -> Result<Self, Error> {
        let server_key =
            decode_key(server_key).map_err(|e| Error::Curve(format!("server key: {e}")))?;
        self.curve = Some(ClientCurve { server_key, keys });
        Ok(self)
    }

    /// Calls the broker may give this worker at once (default 16).
    pub fn concurrency(mut self, calls: u32) -> Self {
        self.concurrency = calls;
        self
    }

    /// Announcement interval; the broker drops a worker silent for more than two (default 1 s).
    pub fn heartbeat(mut self, interval: Duration) -> Self {
        self.heartbeat = interval;
        self
    }

    /// Marks a method as not safe to run twice: when this worker dies during such a call, the
    /// broker fails the call with `WorkerLost` instead of sending it to another worker.
    pub fn no_retry(mut self, method: impl Into<String>) -> Self {
        self.no_retry.push(method.into());
        self
    }

    /// Starts serving; returns at once, the connection is made (and remade) in the background.
    /// Must be called inside a tokio runtime (handlers run on it).
    pub async fn connect(self, endpoint: &str) -> Result<Worker, Error> {
        if self.concurrency == 0 {
            return Err(Error::Transport(
                "worker concurrency must be at least 1".into(),
            ));
        }
        if self.heartbeat.is_zero() {
            return Err(Error::Transport(
                "heartbeat interval must be positive".into(),
            ));
        }
        let endpoint = normalize_endpoint(endpoint)?;
        let (capacity, capacity_rx) = watch::channel(self.concurrency);
        let link = WorkerLink {
            endpoint,
            curve: self.curve,
            service: self.service.name().to_owned(),
            no_retry: self.no_retry,
            heartbeat: self.heartbeat,
            capacity: capacity_rx,
        };
        let server = ServerBuilder::for_worker(self.service, link, self.heartbeat)
            .start()
            .await?;
        Ok(Worker { server, capacity })
    }
}

/// A running worker. Dropping it stops it at once; [`Worker::shutdown`] drains first.
pub struct Worker {
    server: Server,
    capacity: watch::Sender<u32>,
}

impl Worker {
    pub fn builder(service: Service) -> WorkerBuilder {
        WorkerBuilder {
            service,
            concurrency: 16,
            heartbeat: Duration::from_secs(1),
            no_retry: Vec::new(),
            curve: None,
        }
    }

    /// Tells the broker to send no more calls, lets the calls in flight finish, then closes.
    pub async fn shutdown(self) {
        let _ = self.capacity.send(0);
        // Let the announcement reach the broker before new calls are refused.
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.server.shutdown().await;
    }

    /// Closes the connection now and cancels every running handler.
    pub async fn abort(self) {
        self.server.abort().await;
    }
}

/// What the server's I/O thread needs to run a worker's connection.
pub(crate) struct WorkerLink {
    endpoint: String,
    curve: Option<ClientCurve>,
    service: String,
    no_retry: Vec<String>,
    heartbeat: Duration,
    capacity: watch::Receiver<u32>,
}

impl WorkerLink {
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub(crate) fn security(&self) -> zrpc_zmtp::Security {
        match &self.curve {
            Some(curve) => curve.security(),
            None => zrpc_zmtp::Security::Null,
        }
    }

    /// `[empty, [{message_id, v}, "_zrpc_worker", [{concurrency, heartbeat_ms, service, no_retry}]]]`
    fn announcement(&self) -> Vec<Bytes> {
        let mut args = Vec::with_capacity(96);
        let _ = rmp::encode::write_array_len(&mut args, 1);
        let _ = rmp::encode::write_map_len(&mut args, 4);
        write_str(&mut args, "concurrency");
        let _ = rmp::encode::write_uint(&mut args, u64::from(*self.capacity.borrow()));
        write_str(&mut args, "heartbeat_ms");
        let millis = u64::try_from(self.heartbeat.as_millis()).unwrap_or(u64::MAX);
        let _ = rmp::encode::write_uint(&mut args, millis);
        write_str(&mut args, "service");
        write_str(&mut args, &self.service);
        write_str(&mut args, "no_retry");
        let _ = rmp::encode::write_array_len(&mut args, self.no_retry.len() as u32);
        for method in &self.no_retry {
            write_str(&mut args, method);
        }
        dealer_message(EventWriter::event(None, WORKER_ANNOUNCE, &args)).frames
    }

    /// Announces the worker on the server's I/O thread: at once on every (re)connection, on
    /// every change of capacity, and every heartbeat interval. Ends when the connection closes.
    pub(crate) async fn announce(mut self, sender: DealerSender, mut link: watch::Receiver<Link>) {
        let mut ticker = tokio::time::interval(self.heartbeat);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut generation = 0;
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                changed = self.capacity.changed() => if changed.is_err() { return },
                changed = link.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    let state = link.borrow_and_update().clone();
                    if !state.up {
                        if let Some(failure) = &state.failure {
                            debug!("zrpc worker: broker at {}: {failure}", self.endpoint);
                        }
                        continue;
                    }
                    if state.generation == generation {
                        continue;
                    }
                    generation = state.generation;
                    info!("zrpc worker: connected to the broker at {}", self.endpoint);
                }
            }
            // Disconnected, the announcement waits in the queue for the next connection; a
            // full queue means the next tick sends one anyway.
            if sender.try_send(self.announcement()).is_err() {
                debug!("zrpc worker: announcement not queued (queue full)");
            }
        }
    }
}
