//! A worker: serves a [`Service`] to a zrpc broker by connecting a DEALER to the broker's
//! backend, instead of binding a ROUTER for clients (protocol: docs/broker.md).
//!
//! The broker sends each call as `[tag, empty, event]`; the server's dispatcher treats the tag
//! like a client's routing id, so replies go back as `[tag, empty, event]` unchanged. Between
//! calls the worker announces itself with `[empty, _zrpc_worker {..}]`: at once on every
//! (re)connection and then every heartbeat interval, which is also its heartbeat.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tracing::{debug, info};
use zeromq::{
    DealerSocket, Socket, SocketEvent, SocketOptions, SocketRecv, SocketSend, ZmqMessage,
};

use crate::codec::{write_str, EventWriter};
use crate::error::Error;
use crate::server::{Incoming, Server, ServerBuilder};
use crate::service::Service;
use crate::transport::{dealer_message, normalize_endpoint};

/// Name of the worker's announcement event (READY and heartbeat in one).
pub const WORKER_ANNOUNCE: &str = "_zrpc_worker";

/// Configures and starts a [`Worker`].
pub struct WorkerBuilder {
    service: Service,
    concurrency: u32,
    heartbeat: Duration,
    no_retry: Vec<String>,
}

impl WorkerBuilder {
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
        let link = Link {
            endpoint,
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
pub(crate) struct Link {
    endpoint: String,
    service: String,
    no_retry: Vec<String>,
    heartbeat: Duration,
    capacity: watch::Receiver<u32>,
}

impl Link {
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// `[empty, [{message_id, v}, "_zrpc_worker", [{concurrency, heartbeat_ms, service, no_retry}]]]`
    fn announcement(&self) -> ZmqMessage {
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
        dealer_message(EventWriter::event(None, WORKER_ANNOUNCE, &args))
    }

    /// Runs the connection on the server's I/O thread: sends the server's events, hands the
    /// broker's messages to the dispatcher, announces, and reconnects when the broker goes.
    /// Ends when the server stops (its outgoing queue closes).
    pub(crate) async fn run(
        mut self,
        mut outgoing: mpsc::UnboundedReceiver<ZmqMessage>,
        incoming: mpsc::Sender<Incoming>,
    ) {
        loop {
            let (socket, mut monitor) = tokio::select! {
                connected = connect(&self.endpoint) => connected,
                // Nothing to deliver while disconnected: the broker re-routes those calls.
                None = drop_until_closed(&mut outgoing) => return,
            };
            let (mut send, mut recv) = socket.split();
            let (lost_tx, mut lost) = mpsc::channel::<()>(1);
            let forward = incoming.clone();
            let reader = tokio::spawn(async move {
                while let Ok(message) = recv.recv().await {
                    if forward.send(Ok(message)).await.is_err() {
                        return;
                    }
                }
                let _ = lost_tx.send(()).await;
            });
            info!("zrpc worker: connected to the broker at {}", self.endpoint);
            let mut ticker = tokio::time::interval(self.heartbeat);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let closed = loop {
                tokio::select! {
                    message = outgoing.recv() => match message {
                        Some(message) => {
                            if let Err(e) = send.send(message).await {
                                debug!("zrpc worker: send failed: {e}");
                                break false;
                            }
                        }
                        None => break true,
                    },
                    _ = ticker.tick() => {
                        if send.send(self.announcement()).await.is_err() {
                            break false;
                        }
                    }
                    changed = self.capacity.changed() => {
                        if changed.is_ok() && send.send(self.announcement()).await.is_err() {
                            break false;
                        }
                    }
                    event = monitor.next() => {
                        if matches!(event, Some(SocketEvent::Disconnected(_)) | None) {
                            break false;
                        }
                    }
                    _ = lost.recv() => break false,
                }
            };
            reader.abort();
            if closed {
                return;
            }
            info!(
                "zrpc worker: lost the broker at {}, reconnecting",
                self.endpoint
            );
        }
    }
}

async fn drop_until_closed(outgoing: &mut mpsc::UnboundedReceiver<ZmqMessage>) -> Option<()> {
    while outgoing.recv().await.is_some() {}
    None
}

/// Connects a fresh DEALER, retrying with backoff until the broker is reachable.
async fn connect(endpoint: &str) -> (DealerSocket, futures::channel::mpsc::Receiver<SocketEvent>) {
    let mut delay = Duration::from_millis(20);
    loop {
        let mut options = SocketOptions::default();
        options.connect_timeout(Duration::from_secs(1));
        let mut socket = DealerSocket::with_options(options);
        let events = socket.monitor();
        match socket.connect(endpoint).await {
            Ok(()) => return (socket, events),
            Err(e) => debug!("zrpc worker: connect to {endpoint} failed: {e}"),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}
