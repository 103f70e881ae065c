//! ROUTER: many peers, each with its own bounded send queue and writer, so a peer that stops
//! reading only loses its own messages (dropped at the high-water mark, as libzmq does).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use foldhash::HashMap;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tracing::debug;

use crate::connection::{self, Delivery, Inbox, Out, Peer, Tap};
use crate::endpoint::{Endpoint, Listener};
use crate::error::{Error, SendError};
use crate::handshake::Local;
use crate::options::{Options, SocketType};

type Peers = Arc<Mutex<HashMap<Bytes, mpsc::Sender<Out>>>>;

fn lock(peers: &Peers) -> MutexGuard<'_, HashMap<Bytes, mpsc::Sender<Out>>> {
    peers.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A received message and the peer it came from.
#[derive(Debug)]
pub struct Received {
    pub peer: Arc<Peer>,
    pub frames: Vec<Bytes>,
    /// Set (to the declared size) when a frame exceeded [`Options::max_message_size`]: that
    /// frame holds only its first 4 KiB, the rest was skipped without being stored.
    pub oversized: Option<u64>,
}

/// A ROUTER socket. Its accept loops and connections run on the runtime that called
/// [`Router::bind`].
pub struct Router {
    options: Arc<Options>,
    local: Local,
    peers: Peers,
    inbox: Inbox,
    incoming: mpsc::Receiver<Delivery>,
    listeners: Vec<JoinHandle<()>>,
    /// Flipped to stop every connection at once (after the linger).
    stop: watch::Sender<bool>,
}

/// The sending side of a [`Router`]: cheap to clone, never waits, usable from any thread.
#[derive(Clone)]
pub struct RouterSender {
    peers: Peers,
}

impl RouterSender {
    /// Queues `frames` (routing id first) for that peer. Never waits: a full queue drops the
    /// message ([`SendError::Full`]).
    pub fn send(&self, frames: Vec<Bytes>) -> Result<(), SendError> {
        self.send_pieces(frames, 1)
    }

    /// [`RouterSender::send`], except that the last `pieces` buffers are one frame, written
    /// one after the other without being copied together.
    pub fn send_pieces(&self, frames: Vec<Bytes>, pieces: usize) -> Result<(), SendError> {
        let id = frames.first().ok_or(SendError::NoRoutingId)?;
        let peers = lock(&self.peers);
        let queue = peers.get(id).ok_or(SendError::NoPeer)?;
        let out = Out {
            frames,
            routed: true,
            pieces,
        };
        queue.try_send(out).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => SendError::Full,
            mpsc::error::TrySendError::Closed(_) => SendError::NoPeer,
        })
    }

    /// Connected peers.
    pub fn peer_count(&self) -> usize {
        lock(&self.peers).len()
    }
}

impl Router {
    pub fn new(options: Options) -> Router {
        let (inbox, incoming) = Inbox::new(&options, None);
        let local = Local {
            socket_type: SocketType::Router,
            identity: options.identity.clone(),
            security: options.security.clone(),
        };
        Router {
            options: Arc::new(options),
            local,
            peers: Arc::default(),
            inbox,
            incoming,
            listeners: Vec::new(),
            stop: watch::channel(false).0,
        }
    }

    /// Binds and starts accepting on the current tokio runtime; returns the endpoint bound
    /// (with the real port when 0 was asked for).
    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        let endpoint = Endpoint::parse(endpoint)?;
        let (listener, bound) = Listener::bind(&endpoint).await?;
        let accept = Accept {
            listener,
            options: self.options.clone(),
            local: self.local.clone(),
            peers: self.peers.clone(),
            inbox: self.inbox.clone(),
            stop: self.stop.subscribe(),
        };
        self.listeners.push(tokio::spawn(accept.run()));
        Ok(bound.to_string())
    }

    /// From now on `tap` takes every received message in its connection's task as soon as it
    /// is read, and [`Router::recv`] gets nothing: no queue and no task hop between a socket
    /// and its reader (a server dispatches requests this way). Applies to the connections
    /// accepted after it: call it before [`Router::bind`]. `tap` must not block; what it keeps
    /// is outside the receive limits.
    pub fn set_tap(&mut self, tap: Tap) {
        self.inbox.set_tap(tap);
    }

    pub fn sender(&self) -> RouterSender {
        RouterSender {
            peers: self.peers.clone(),
        }
    }

    /// The next message from any peer (`None` once the socket is closed).
    pub async fn recv(&mut self) -> Option<Received> {
        let delivery = self.incoming.recv().await?;
        Some(Received {
            peer: delivery.peer,
            frames: delivery.frames,
            oversized: delivery.oversized,
        })
    }

    /// Stops accepting (removing ipc socket files), flushes queued messages for at most the
    /// linger time, then closes every connection.
    pub async fn close(mut self) {
        for listener in self.listeners.drain(..) {
            listener.abort();
            let _ = listener.await;
        }
        // Dropping the queues ends each writer once its queue is written.
        lock(&self.peers).clear();
        let stop = self.stop.clone();
        let linger = self.options.linger;
        let all_gone = async { stop.closed().await };
        let _ = tokio::time::timeout(linger, all_gone).await;
        let _ = self.stop.send(true);
    }
}

impl Drop for Router {
    fn drop(&mut self) {
        for listener in &self.listeners {
            listener.abort();
        }
        let _ = self.stop.send(true);
    }
}

struct Accept {
    listener: Listener,
    options: Arc<Options>,
    local: Local,
    peers: Peers,
    inbox: Inbox,
    stop: watch::Receiver<bool>,
}

impl Accept {
    async fn run(self) {
        let mut next_id: u32 = 0;
        let mut seed = [0u8; 4];
        if getrandom::fill(&mut seed).is_ok() {
            next_id = u32::from_be_bytes(seed);
        }
        loop {
            let stream = match self.listener.accept().await {
                Ok(stream) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    debug!("zmtp: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            };
            next_id = next_id.wrapping_add(1);
            let mut generated = vec![0u8];
            generated.extend_from_slice(&next_id.to_be_bytes());
            tokio::spawn(serve(
                stream,
                Bytes::from(generated),
                self.options.clone(),
                self.local.clone(),
                self.peers.clone(),
                self.inbox.clone(),
                self.stop.clone(),
            ));
        }
    }
}

async fn serve(
    stream: (crate::endpoint::BoxRead, crate::endpoint::BoxWrite),
    generated_id: Bytes,
    options: Arc<Options>,
    local: Local,
    peers: Peers,
    inbox: Inbox,
    mut stop: watch::Receiver<bool>,
) {
    let connection = tokio::select! {
        c = connection::establish(stream, &local, &options) => match c {
            Ok(c) => c,
            Err(e) => {
                debug!("zmtp: handshake with a peer failed: {e}");
                return;
            }
        },
        _ = stop.changed() => return,
    };
    let (tx, mut outgoing) = mpsc::channel(options.send_hwm.max(1));
    let id = {
        let mut table = lock(&peers);
        // The peer's own Identity when it set one that is free (libzmq's rule), else ours.
        let id = match connection.identity() {
            Some(id) if id.first() != Some(&0) && !table.contains_key(id) => id.clone(),
            _ => generated_id,
        };
        table.insert(id.clone(), tx);
        id
    };
    let peer = Arc::new(Peer {
        id: id.clone(),
        public_key: connection.public_key(),
    });
    tokio::select! {
        reason = connection::run(connection, peer, &mut outgoing, &inbox, &options) => {
            debug!("zmtp: peer disconnected: {reason}");
        }
        _ = stop.changed() => {}
    }
    lock(&peers).remove(&id);
}
