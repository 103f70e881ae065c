//! The peer set shared by PUB, SUB, PUSH and PULL: any number of bound endpoints and connected
//! endpoints (reconnected with backoff), one bounded outgoing queue ("pipe") per live
//! connection, and one receive queue bounded in messages and bytes for all of them.
//!
//! A pipe exists only while its connection is up; the socket types decide how messages are
//! spread over the pipes ([`crate::Pub`] fans out, [`crate::Push`] round-robins).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinHandle;
use tracing::debug;

use crate::connection::{self, Delivery, Inbox, Out, Peer};
use crate::endpoint::{self, BoxRead, BoxWrite, Endpoint, Listener};
use crate::error::Error;
use crate::handshake::Local;
use crate::options::{Options, SocketType};
use crate::topics::Topics;

/// One live connection's outgoing queue.
pub(crate) struct Pipe {
    pub id: u64,
    pub tx: mpsc::Sender<Out>,
    /// What the peer subscribed to (used by PUB only).
    pub topics: Topics,
}

#[derive(Default)]
pub(crate) struct Table {
    /// In the order the connections came up.
    pub pipes: Vec<Pipe>,
    next_id: u64,
    /// Sent first to every new pipe: a SUB's subscriptions, as `\x01topic` messages.
    pub welcome: Topics,
}

#[derive(Default)]
pub(crate) struct Shared {
    table: Mutex<Table>,
    /// Woken when a pipe is attached.
    pub joined: Notify,
    closing: AtomicBool,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a new connection's queue, primed with the welcome messages.
    fn attach(&self, capacity: usize) -> Option<(u64, mpsc::Receiver<Out>)> {
        let mut table = self.lock();
        if self.closing.load(Ordering::Acquire) {
            return None;
        }
        let (tx, rx) = mpsc::channel(capacity + table.welcome.len());
        for topic in table.welcome.iter() {
            let _ = tx.try_send(Out::message(vec![subscription(true, topic)]));
        }
        table.next_id += 1;
        let id = table.next_id;
        table.pipes.push(Pipe {
            id,
            tx,
            topics: Topics::default(),
        });
        drop(table);
        self.joined.notify_waiters();
        Some((id, rx))
    }

    fn detach(&self, id: u64) {
        self.lock().pipes.retain(|p| p.id != id);
    }
}

/// A subscription in the ZMTP 3.0 message form, which every libzmq PUB accepts.
pub(crate) fn subscription(subscribe: bool, topic: &[u8]) -> Bytes {
    let mut message = Vec::with_capacity(1 + topic.len());
    message.push(u8::from(subscribe));
    message.extend_from_slice(topic);
    Bytes::from(message)
}

/// The frames of a delivery, or `None` (logged) for a message over the size limit, which
/// arrives cut to its first bytes.
pub(crate) fn complete(delivery: Delivery) -> Option<Vec<Bytes>> {
    if let Some(size) = delivery.oversized {
        debug!("zmtp: dropped a message of {size} bytes (over max_message_size)");
        return None;
    }
    Some(delivery.frames)
}

/// The peer id a delivery carries: the pipe id, big-endian.
pub(crate) fn pipe_id(peer: &Peer) -> Option<u64> {
    Some(u64::from_be_bytes(peer.id.as_ref().try_into().ok()?))
}

pub(crate) struct Pipes {
    options: Arc<Options>,
    local: Local,
    pub shared: Arc<Shared>,
    inbox: Inbox,
    /// Accept loops and the socket type's helper tasks.
    tasks: Vec<JoinHandle<()>>,
    /// Connecting loops; each runs its connection itself, so closing lets them finish writing.
    connects: Vec<JoinHandle<()>>,
    stop: watch::Sender<bool>,
}

impl Pipes {
    /// The peer set, and the queue of what its connections receive.
    pub fn new(socket_type: SocketType, options: Options) -> (Pipes, mpsc::Receiver<Delivery>) {
        let (inbox, incoming) = Inbox::new(&options, None);
        let local = Local {
            socket_type,
            identity: options.identity.clone(),
            security: options.security.clone(),
        };
        let pipes = Pipes {
            options: Arc::new(options),
            local,
            shared: Arc::default(),
            inbox,
            tasks: Vec::new(),
            connects: Vec::new(),
            stop: watch::channel(false).0,
        };
        (pipes, incoming)
    }

    /// Runs `task` with the socket's lifetime (aborted when the socket goes).
    pub fn spawn(&mut self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        self.tasks.push(tokio::spawn(task));
    }

    fn link(&self) -> Link {
        Link {
            options: self.options.clone(),
            local: self.local.clone(),
            shared: self.shared.clone(),
            inbox: self.inbox.clone(),
            stop: self.stop.subscribe(),
        }
    }

    /// Binds and accepts on the current tokio runtime; returns the endpoint bound.
    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        let endpoint = Endpoint::parse(endpoint)?;
        let (listener, bound) = Listener::bind(&endpoint).await?;
        self.tasks.push(tokio::spawn(accept(listener, self.link())));
        Ok(bound.to_string())
    }

    /// Connects (and reconnects) in the background on the current tokio runtime. Only a
    /// malformed endpoint fails here.
    pub fn connect(&mut self, endpoint: &str) -> Result<(), Error> {
        let endpoint = Endpoint::parse(endpoint)?;
        self.connects
            .push(tokio::spawn(maintain(endpoint, self.link())));
        Ok(())
    }

    /// Live connections.
    pub fn peer_count(&self) -> usize {
        self.shared.lock().pipes.len()
    }

    /// Stops accepting and connecting, flushes queued messages for at most the linger time,
    /// then closes every connection.
    pub async fn close(mut self) {
        self.shared.closing.store(true, Ordering::Release);
        for task in self.tasks.drain(..) {
            task.abort();
        }
        // Dropping the queues ends each writer once its queue is written.
        self.shared.lock().pipes.clear();
        let stop = self.stop.clone();
        let all_gone = async { stop.closed().await };
        let _ = tokio::time::timeout(self.options.linger, all_gone).await;
        let _ = self.stop.send(true);
        for task in self.connects.drain(..) {
            task.abort();
        }
    }
}

impl Drop for Pipes {
    fn drop(&mut self) {
        for task in self.tasks.iter().chain(&self.connects) {
            task.abort();
        }
        let _ = self.stop.send(true);
    }
}

/// What every connection task needs.
struct Link {
    options: Arc<Options>,
    local: Local,
    shared: Arc<Shared>,
    inbox: Inbox,
    stop: watch::Receiver<bool>,
}

impl Clone for Link {
    fn clone(&self) -> Self {
        Link {
            options: self.options.clone(),
            local: self.local.clone(),
            shared: self.shared.clone(),
            inbox: self.inbox.clone(),
            stop: self.stop.clone(),
        }
    }
}

async fn accept(listener: Listener, link: Link) {
    loop {
        match listener.accept().await {
            Ok(stream) => {
                tokio::spawn(serve(stream, link.clone()));
            }
            Err(e) => {
                // Out of file descriptors and the like: wait instead of spinning.
                debug!("zmtp: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn serve(stream: (BoxRead, BoxWrite), mut link: Link) {
    let established = tokio::select! {
        c = connection::establish(stream, &link.local, &link.options) => c,
        _ = link.stop.changed() => return,
    };
    match established {
        Ok(connection) => {
            let reason = run(connection, &mut link).await;
            debug!("zmtp: peer disconnected: {reason}");
        }
        Err(e) => debug!("zmtp: handshake with a peer failed: {e}"),
    }
}

/// Attaches a pipe for an established connection and runs it until it ends.
async fn run(connection: connection::Connection, link: &mut Link) -> Error {
    let Some((id, mut outgoing)) = link.shared.attach(link.options.send_hwm.max(1)) else {
        return Error::Closed;
    };
    let peer = Arc::new(Peer {
        id: Bytes::copy_from_slice(&id.to_be_bytes()),
        public_key: connection.public_key(),
    });
    let reason = tokio::select! {
        reason = connection::run(connection, peer, &mut outgoing, &link.inbox, &link.options) => reason,
        _ = link.stop.changed() => Error::Closed,
    };
    link.shared.detach(id);
    reason
}

async fn maintain(endpoint: Endpoint, mut link: Link) {
    let mut delay = link.options.reconnect_interval;
    loop {
        let failure = match endpoint::connect(&endpoint).await {
            Err(e) => e.to_string(),
            Ok(stream) => match connection::establish(stream, &link.local, &link.options).await {
                Err(e) => e.to_string(),
                Ok(connection) => {
                    delay = link.options.reconnect_interval;
                    run(connection, &mut link).await.to_string()
                }
            },
        };
        if link.shared.closing.load(Ordering::Acquire) {
            return;
        }
        debug!("zmtp: connection to {endpoint}: {failure}");
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = link.stop.changed() => return,
        }
        delay = (delay * 2).min(link.options.reconnect_interval_max);
    }
}
