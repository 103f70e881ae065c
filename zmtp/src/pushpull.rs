//! PUSH and PULL, with libzmq's semantics: a PUSH hands each message to the next peer (round
//! robin) whose queue has room, waiting only when every queue is full or no peer is connected,
//! so a puller that stops reading stalls only its own share. A PULL fair-queues its peers.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::connection::{Delivery, Out};
use crate::error::Error;
use crate::options::{Options, SocketType};
use crate::pipes::{complete, Pipes};

type Room = Pin<
    Box<dyn Future<Output = Result<mpsc::OwnedPermit<Out>, mpsc::error::SendError<()>>> + Send>,
>;

/// A PUSH socket: any number of binds and connects.
pub struct Push {
    pipes: Pipes,
    /// What pullers send (nothing, normally): drained and dropped, as libzmq does.
    incoming: Option<mpsc::Receiver<Delivery>>,
    next: std::sync::atomic::AtomicUsize,
}

impl Push {
    pub fn new(options: Options) -> Push {
        let (pipes, incoming) = Pipes::new(SocketType::Push, options);
        Push {
            pipes,
            incoming: Some(incoming),
            next: Default::default(),
        }
    }

    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        let bound = self.pipes.bind(endpoint).await?;
        self.start();
        Ok(bound)
    }

    pub fn connect(&mut self, endpoint: &str) -> Result<(), Error> {
        self.pipes.connect(endpoint)?;
        self.start();
        Ok(())
    }

    fn start(&mut self) {
        if let Some(mut incoming) = self.incoming.take() {
            self.pipes
                .spawn(async move { while incoming.recv().await.is_some() {} });
        }
    }

    /// Queues `frames` for the next peer with room, waiting while there is none.
    pub async fn send(&self, mut frames: Vec<Bytes>) -> Result<(), Error> {
        use std::sync::atomic::Ordering;
        loop {
            let (rooms, joined) = {
                let table = self.pipes.shared.lock();
                let count = table.pipes.len();
                let start = self.next.load(Ordering::Relaxed);
                for i in 0..count {
                    let at = (start + i) % count;
                    match table.pipes[at].tx.try_send(Out::message(frames)) {
                        Ok(()) => {
                            self.next.store(at + 1, Ordering::Relaxed);
                            return Ok(());
                        }
                        Err(e) => frames = e.into_inner().frames,
                    }
                }
                // Every queue is full (or there is no peer): wait for room in any of them, or
                // for a new peer. Registered before the lock goes, so no wake-up is missed.
                let mut joined = Box::pin(self.pipes.shared.joined.notified());
                joined.as_mut().enable();
                let rooms: Vec<Room> = table
                    .pipes
                    .iter()
                    .map(|p| Box::pin(p.tx.clone().reserve_owned()) as Room)
                    .collect();
                (rooms, joined)
            };
            if let Some(permit) = first_room(rooms, joined).await {
                permit.send(Out::message(frames));
                return Ok(());
            }
            // A peer joined or a queue closed: look again.
            tokio::task::yield_now().await;
        }
    }

    /// Connected peers.
    pub fn peer_count(&self) -> usize {
        self.pipes.peer_count()
    }

    /// Flushes queued messages for at most the linger time, then closes.
    pub async fn close(self) {
        self.pipes.close().await;
    }
}

/// The first queue with room, or `None` when a peer joined or a queue closed first.
async fn first_room(
    mut rooms: Vec<Room>,
    mut joined: Pin<Box<tokio::sync::futures::Notified<'_>>>,
) -> Option<mpsc::OwnedPermit<Out>> {
    std::future::poll_fn(|cx| {
        if joined.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        for room in &mut rooms {
            if let Poll::Ready(result) = room.as_mut().poll(cx) {
                return Poll::Ready(result.ok());
            }
        }
        Poll::Pending
    })
    .await
}

/// A PULL socket: any number of binds and connects.
pub struct Pull {
    pipes: Pipes,
    incoming: mpsc::Receiver<Delivery>,
}

impl Pull {
    pub fn new(options: Options) -> Pull {
        let (pipes, incoming) = Pipes::new(SocketType::Pull, options);
        Pull { pipes, incoming }
    }

    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        self.pipes.bind(endpoint).await
    }

    pub fn connect(&mut self, endpoint: &str) -> Result<(), Error> {
        self.pipes.connect(endpoint)
    }

    /// The next message from any peer (`None` once the socket is closed).
    pub async fn recv(&mut self) -> Option<Vec<Bytes>> {
        loop {
            if let Some(frames) = complete(self.incoming.recv().await?) {
                return Some(frames);
            }
        }
    }

    /// Connected peers.
    pub fn peer_count(&self) -> usize {
        self.pipes.peer_count()
    }

    pub async fn close(self) {
        self.pipes.close().await;
    }
}
