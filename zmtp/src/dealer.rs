//! DEALER: one peer, connected in the background and reconnected with backoff; messages wait
//! in a bounded queue while the connection is down.

use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tracing::debug;

use crate::connection::{self, Delivery, Inbox, Out, Peer, Tap};
use crate::endpoint::{self, Endpoint};
use crate::error::Error;
use crate::handshake::Local;
use crate::options::{Options, SocketType};
use crate::router::Received;

/// Why the last connection attempt or connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Nothing accepted the connection (refused, unreachable, no such file).
    Unreachable(String),
    /// The security handshake failed (wrong server key, mechanism mismatch, timeout).
    Handshake(String),
    /// The peer refused us with an ERROR (e.g. our CURVE key is not allowed).
    Refused(String),
    /// An established connection ended.
    Lost(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unreachable(m) => write!(f, "cannot connect: {m}"),
            Failure::Handshake(m) => write!(f, "handshake failed: {m}"),
            Failure::Refused(m) => write!(f, "refused by the server: {m}"),
            Failure::Lost(m) => write!(f, "connection lost: {m}"),
        }
    }
}

/// The state of a DEALER's connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    /// Connected and handshaken.
    pub up: bool,
    /// Counts established connections (so a reconnect between two looks is visible).
    pub generation: u64,
    /// The last failure, if any since the socket was created.
    pub failure: Option<Failure>,
}

/// A DEALER socket connected to one endpoint.
pub struct Dealer {
    outgoing: mpsc::Sender<Out>,
    incoming: mpsc::Receiver<Delivery>,
    link: watch::Receiver<Link>,
    task: JoinHandle<()>,
    linger: std::time::Duration,
}

/// The sending side of a [`Dealer`], cheap to clone.
#[derive(Clone)]
pub struct DealerSender {
    outgoing: mpsc::Sender<Out>,
}

impl DealerSender {
    /// Queues a message, waiting while the queue is at its high-water mark.
    pub async fn send(&self, frames: Vec<Bytes>) -> Result<(), Error> {
        self.send_pieces(frames, 1).await
    }

    /// [`DealerSender::send`], except that the last `pieces` buffers are one frame, written
    /// one after the other without being copied together.
    pub async fn send_pieces(&self, frames: Vec<Bytes>, pieces: usize) -> Result<(), Error> {
        let out = Out {
            frames,
            routed: false,
            pieces,
        };
        // Without waiting when there is room: the common case builds and polls no future.
        match self.outgoing.try_send(out) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(out)) => {
                self.outgoing.send(out).await.map_err(|_| Error::Closed)
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(Error::Closed),
        }
    }

    /// Queues a message if there is room; gives it back otherwise.
    pub fn try_send(&self, frames: Vec<Bytes>) -> Result<(), Vec<Bytes>> {
        self.try_send_pieces(frames, 1)
    }

    /// [`DealerSender::try_send`] with the last frame in `pieces` (see
    /// [`DealerSender::send_pieces`]).
    pub fn try_send_pieces(&self, frames: Vec<Bytes>, pieces: usize) -> Result<(), Vec<Bytes>> {
        let out = Out {
            frames,
            routed: false,
            pieces,
        };
        self.outgoing
            .try_send(out)
            .map_err(|e| e.into_inner().frames)
    }
}

impl Dealer {
    /// Returns at once; connects (and reconnects) in the background on the current tokio
    /// runtime. Only a malformed endpoint fails here.
    pub fn connect(endpoint: &str, options: Options) -> Result<Dealer, Error> {
        Dealer::start(endpoint, options, None)
    }

    /// [`Dealer::connect`], except that `tap` takes every received message in the
    /// connection's task as soon as it is read, and [`Dealer::recv`] gets nothing: no queue
    /// and no task hop between the socket and its reader (a client routes replies to their
    /// callers this way). `tap` must not block; what it keeps is outside the receive limits.
    pub fn connect_tapped(endpoint: &str, options: Options, tap: Tap) -> Result<Dealer, Error> {
        Dealer::start(endpoint, options, Some(tap))
    }

    fn start(endpoint: &str, options: Options, tap: Option<Tap>) -> Result<Dealer, Error> {
        let endpoint = Endpoint::parse(endpoint)?;
        let (outgoing, queue) = mpsc::channel(options.send_hwm.max(1));
        let (inbox, incoming) = Inbox::new(&options, tap);
        let (link_tx, link) = watch::channel(Link::default());
        let linger = options.linger;
        let task = tokio::spawn(maintain(endpoint, options, queue, inbox, link_tx));
        Ok(Dealer {
            outgoing,
            incoming,
            link,
            task,
            linger,
        })
    }

    pub fn sender(&self) -> DealerSender {
        DealerSender {
            outgoing: self.outgoing.clone(),
        }
    }

    /// See [`DealerSender::send`].
    pub async fn send(&self, frames: Vec<Bytes>) -> Result<(), Error> {
        self.sender().send(frames).await
    }

    /// Writes what is queued, for at most the linger time, then closes. Every
    /// [`DealerSender`] must be dropped first: the queue ends when its last sender goes.
    pub async fn close(mut self) {
        // Our sender goes; a stand-in of a queue nobody reads takes its place.
        drop(std::mem::replace(&mut self.outgoing, mpsc::channel(1).0));
        let _ = tokio::time::timeout(self.linger, &mut self.task).await;
    }

    /// The next message (`None` once the socket is closed).
    pub async fn recv(&mut self) -> Option<Vec<Bytes>> {
        Some(self.recv_message().await?.frames)
    }

    /// The next message, telling whether a frame was over the size limit (see
    /// [`Received::oversized`]; the peer field is empty).
    pub async fn recv_message(&mut self) -> Option<Received> {
        let delivery = self.incoming.recv().await?;
        Some(Received {
            peer: delivery.peer,
            frames: delivery.frames,
            oversized: delivery.oversized,
        })
    }

    /// Watches the connection state.
    pub fn link(&self) -> watch::Receiver<Link> {
        self.link.clone()
    }
}

impl Drop for Dealer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn maintain(
    endpoint: Endpoint,
    options: Options,
    mut queue: mpsc::Receiver<Out>,
    inbox: Inbox,
    link: watch::Sender<Link>,
) {
    let local = Local {
        socket_type: SocketType::Dealer,
        identity: options.identity.clone(),
        security: options.security.clone(),
    };
    let mut delay = options.reconnect_interval;
    loop {
        let failure = match endpoint::connect(&endpoint).await {
            Err(e) => Failure::Unreachable(e.to_string()),
            Ok(stream) => match connection::establish(stream, &local, &options).await {
                Err(Error::Refused(reason)) => Failure::Refused(reason),
                Err(e) => Failure::Handshake(e.to_string()),
                Ok(connection) => {
                    link.send_modify(|l| {
                        l.up = true;
                        l.generation += 1;
                    });
                    delay = options.reconnect_interval;
                    let peer = Arc::new(Peer {
                        id: Bytes::new(),
                        public_key: None,
                    });
                    let reason =
                        connection::run(connection, peer, &mut queue, &inbox, &options).await;
                    if matches!(reason, Error::Closed) && queue.is_closed() {
                        return;
                    }
                    match reason {
                        Error::Refused(reason) => Failure::Refused(reason),
                        other => Failure::Lost(other.to_string()),
                    }
                }
            },
        };
        debug!("zmtp: dealer to {endpoint}: {failure}");
        link.send_modify(|l| {
            l.up = false;
            l.failure = Some(failure);
        });
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(options.reconnect_interval_max);
    }
}
