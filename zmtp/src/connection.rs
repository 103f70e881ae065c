//! One established connection: the read loop (limits, decryption, PING, backpressure) and the
//! write loop (batched, encrypted), run together in one task.

use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use crate::endpoint::{BoxRead, BoxWrite};
use crate::error::Error;
use crate::frame::{self, Assembler, Frame};
use crate::handshake::{self, Established, Local, Opener, Sealer};
use crate::options::Options;
use crate::router::Received;
use crate::wire::{Batch, Read, Reader};

/// The peer at the other end of a connection.
#[derive(Debug)]
pub struct Peer {
    /// The routing id a ROUTER knows this peer by.
    pub id: Bytes,
    /// The client's long-term CURVE public key, when this socket is a CURVE server.
    pub public_key: Option<[u8; 32]>,
}

/// A message queued for a connection's writer.
pub(crate) struct Out {
    pub frames: Vec<Bytes>,
    /// The first buffer is a ROUTER's routing id, which is not sent.
    pub routed: bool,
    /// The last this-many buffers are the pieces of one frame, written one after the other
    /// without being joined (1: every buffer is a frame).
    pub pieces: usize,
}

impl Out {
    pub(crate) fn message(frames: Vec<Bytes>) -> Out {
        Out {
            frames,
            routed: false,
            pieces: 1,
        }
    }
}

/// A received message with its share of the receive budget.
pub(crate) struct Delivery {
    pub peer: Arc<Peer>,
    pub frames: Vec<Bytes>,
    pub oversized: Option<u64>,
    pub _budget: OwnedSemaphorePermit,
    pub _share: OwnedSemaphorePermit,
}

/// Takes each message as its connection reads it, in the connection's task (see
/// [`crate::Dealer::connect_tapped`] and [`crate::Router::set_tap`]). Returns true when it
/// may have queued an answer on that connection, which is then written before the next read.
pub type Tap = Arc<dyn Fn(Received) -> bool + Send + Sync>;

/// Where connections put what they read: bounded in messages and in bytes.
#[derive(Clone)]
pub(crate) struct Inbox {
    tx: mpsc::Sender<Delivery>,
    budget: Arc<Semaphore>,
    budget_max: usize,
    tap: Option<Tap>,
}

impl Inbox {
    /// An inbox of `options.recv_hwm` messages and `options.recv_buffer` bytes, and its
    /// receiving end.
    pub(crate) fn new(options: &Options, tap: Option<Tap>) -> (Inbox, mpsc::Receiver<Delivery>) {
        let (tx, rx) = mpsc::channel(options.recv_hwm.max(1));
        let budget_max = options.recv_buffer.clamp(1, Semaphore::MAX_PERMITS);
        let inbox = Inbox {
            tx,
            budget: Arc::new(Semaphore::new(budget_max)),
            budget_max,
            tap,
        };
        (inbox, rx)
    }

    pub(crate) fn set_tap(&mut self, tap: Tap) {
        self.tap = Some(tap);
    }

    /// Hands a message to the tap or the queue; true when the tap may have answered it.
    async fn deliver(
        &self,
        peer: &Arc<Peer>,
        share: &Arc<Semaphore>,
        frames: Vec<Bytes>,
        oversized: Option<u64>,
    ) -> Result<bool, Error> {
        if let Some(tap) = &self.tap {
            let answered = tap(Received {
                peer: peer.clone(),
                frames,
                oversized,
            });
            // Messages already in the read buffer need no socket read, which is where tokio
            // would otherwise make a flooding connection give the others their turn.
            tokio::task::coop::consume_budget().await;
            return Ok(answered);
        }
        // This connection's share of the queue: a flooding peer waits here, so the messages
        // of others are never behind more than a share's worth of its own. Each step tries
        // without waiting first: the common case skips building and polling a future.
        let share = match share.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => share
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| Error::Closed)?,
        };
        // Every message holds at least one unit, so empty messages are bounded as well.
        let size: usize = frames.iter().map(Bytes::len).sum::<usize>() + 64;
        let units = size.min(self.budget_max).min(u32::MAX as usize) as u32;
        let permit = match self.budget.clone().try_acquire_many_owned(units) {
            Ok(permit) => permit,
            Err(_) => self
                .budget
                .clone()
                .acquire_many_owned(units)
                .await
                .map_err(|_| Error::Closed)?,
        };
        let delivery = Delivery {
            peer: peer.clone(),
            frames,
            oversized,
            _budget: permit,
            _share: share,
        };
        match self.tx.try_send(delivery) {
            Ok(()) => Ok(false),
            Err(mpsc::error::TrySendError::Full(delivery)) => {
                self.tx.send(delivery).await.map_err(|_| Error::Closed)?;
                Ok(false)
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(Error::Closed),
        }
    }
}

pub(crate) struct Connection {
    reader: Reader<BoxRead>,
    writer: BoxWrite,
    established: Established,
}

impl Connection {
    pub(crate) fn identity(&self) -> Option<&Bytes> {
        self.established.identity.as_ref()
    }

    pub(crate) fn public_key(&self) -> Option<[u8; 32]> {
        self.established.public_key
    }
}

/// Greeting and handshake, within the handshake timeout.
pub(crate) async fn establish(
    (read, mut writer): (BoxRead, BoxWrite),
    local: &Local,
    options: &Options,
) -> Result<Connection, Error> {
    let mut reader = Reader::new(read, handshake::HANDSHAKE_MAX_FRAME);
    let established = tokio::time::timeout(
        options.handshake_timeout,
        handshake::handshake(&mut reader, &mut writer, local),
    )
    .await
    .map_err(|_| Error::Handshake("timed out".into()))??;
    #[cfg(feature = "curve")]
    let overhead = match established.opener {
        Opener::Curve(_) => crate::curve::OVERHEAD,
        Opener::Null => 0,
    };
    #[cfg(not(feature = "curve"))]
    let overhead = 0;
    reader.set_max_frame(options.max_message_size + overhead);
    Ok(Connection {
        reader,
        writer,
        established,
    })
}

/// Most bytes gathered into one write.
const BATCH: usize = 64 * 1024;

/// Runs until the peer leaves, breaks the protocol, or `outgoing` closes (after its queued
/// messages are written). Returns why it ended.
pub(crate) async fn run(
    connection: Connection,
    peer: Arc<Peer>,
    outgoing: &mut mpsc::Receiver<Out>,
    inbox: &Inbox,
    options: &Options,
) -> Error {
    let Connection {
        mut reader,
        mut writer,
        established,
    } = connection;
    let Established { sealer, opener, .. } = established;
    let pong = PongSlot::default();
    let read = read_loop(&mut reader, opener, &peer, inbox, options, &pong);
    let write = write_loop(&mut writer, sealer, outgoing, &pong);
    // Biased: polled in a fixed order, no random draw per wake-up.
    tokio::select! {
        biased;
        e = write => e,
        e = read => e,
    }
}

async fn read_loop(
    reader: &mut Reader<BoxRead>,
    mut opener: Opener,
    peer: &Arc<Peer>,
    inbox: &Inbox,
    options: &Options,
    pong: &PongSlot,
) -> Error {
    let mut assembler = Assembler::new(options.max_message_size, options.max_frames);
    let share = Arc::new(Semaphore::new(options.recv_hwm_per_peer.max(1)));
    // Set when a frame of the message being assembled was over the limit.
    let mut oversized = None;
    // Something was queued for the writer (a tap's answer, a PONG) since it last had a turn.
    let mut answered = false;
    loop {
        if answered && !reader.frame_buffered() {
            // Before reading the socket again, the writer sends what the tap queued: with a
            // peer that keeps sending, it would otherwise wait for a whole budget of messages.
            answered = false;
            let_writer_run().await;
        }
        let frame = match reader.read().await {
            Ok(Read::Frame(frame)) => frame,
            Ok(Read::Oversized { more, size, prefix }) => {
                if !matches!(opener, Opener::Null) {
                    // An encrypted frame cannot be opened in part.
                    return Error::Protocol(format!(
                        "frame of {size} bytes exceeds the limit of {} bytes",
                        options.max_message_size
                    ));
                }
                oversized = Some(size);
                Frame::Message { more, body: prefix }
            }
            Err(e) => return e,
        };
        let (more, command, body) = match (&mut opener, frame) {
            (Opener::Null, Frame::Message { more, body }) => (more, false, body),
            (Opener::Null, Frame::Command(body)) => (false, true, body),
            #[cfg(feature = "curve")]
            (Opener::Curve(o), Frame::Message { body, .. } | Frame::Command(body)) => {
                match o.open(&body) {
                    Ok(opened) => opened,
                    Err(e) => return e,
                }
            }
        };
        if command {
            let Some((name, data)) = frame::parse_command(&body) else {
                return Error::Protocol("empty command".into());
            };
            match name {
                // PING: TTL (2 bytes) and up to 16 bytes of context, echoed in PONG.
                b"PING" => {
                    let context = data.slice(2.min(data.len())..);
                    pong.put(context.slice(..context.len().min(16)));
                    answered = true;
                }
                b"ERROR" => {
                    return Error::Refused(handshake::error_reason(name, &data).unwrap_or_default())
                }
                // ZMTP 3.1 subscriptions, handed on in the 3.0 message form a PUB reads.
                b"SUBSCRIBE" | b"CANCEL" => {
                    let message = crate::pipes::subscription(name == b"SUBSCRIBE", &data);
                    match inbox.deliver(peer, &share, vec![message], None).await {
                        Ok(tap_answered) => answered |= tap_answered,
                        Err(e) => return e,
                    }
                }
                _ => {}
            }
            continue;
        }
        match assembler.push(more, body) {
            Ok(Some(frames)) => match inbox.deliver(peer, &share, frames, oversized.take()).await {
                Ok(tap_answered) => answered |= tap_answered,
                Err(e) => return e,
            },
            Ok(None) => {}
            Err(reason) => return Error::Protocol(reason),
        }
    }
}

/// Returns to the task once, so the writer polled beside the reader runs; the task is
/// polled again at once (no socket poll in between, unlike `tokio::task::yield_now`).
async fn let_writer_run() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return std::task::Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
    .await
}

fn encode_out(sealer: &mut Sealer, batch: &mut Batch, out: Out) -> Result<(), Error> {
    let frames = match out.routed {
        true => out.frames.get(1..).unwrap_or_default(),
        false => &out.frames[..],
    };
    // The last frame may come in pieces; a message without buffers sends nothing.
    let split = frames.len().saturating_sub(out.pieces.max(1));
    let (whole, last) = frames.split_at(split);
    for body in whole {
        match sealer {
            Sealer::Null => batch.frame(true, false, body),
            #[cfg(feature = "curve")]
            Sealer::Curve(s) => s.seal(batch.head(), true, false, body)?,
        }
    }
    match (sealer, last) {
        (_, []) => {}
        (Sealer::Null, pieces) => batch.frame_pieces(false, pieces),
        #[cfg(feature = "curve")]
        (Sealer::Curve(s), [body]) => s.seal(batch.head(), false, false, body)?,
        // Encryption needs the plaintext in one piece.
        #[cfg(feature = "curve")]
        (Sealer::Curve(s), pieces) => s.seal(batch.head(), false, false, &pieces.concat())?,
    }
    Ok(())
}

/// The context of the last PING not answered yet. The reader fills it and then gives the
/// writer its turn, so the writer need not be woken for it: no channel to poll per message.
#[derive(Default)]
struct PongSlot(std::sync::Mutex<Option<Bytes>>);

impl PongSlot {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Bytes>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn put(&self, context: Bytes) {
        *self.slot() = Some(context);
    }

    async fn take(&self) -> Bytes {
        std::future::poll_fn(|_| match self.slot().take() {
            Some(context) => std::task::Poll::Ready(context),
            None => std::task::Poll::Pending,
        })
        .await
    }
}

async fn write_loop(
    writer: &mut BoxWrite,
    mut sealer: Sealer,
    outgoing: &mut mpsc::Receiver<Out>,
    pong: &PongSlot,
) -> Error {
    let mut batch = Batch::default();
    loop {
        tokio::select! {
            biased;
            context = pong.take() => {
                let body = Bytes::from(frame::command("PONG", &context));
                let result = match &mut sealer {
                    Sealer::Null => {
                        batch.frame(false, true, &body);
                        Ok(())
                    }
                    #[cfg(feature = "curve")]
                    Sealer::Curve(s) => s.seal(batch.head(), false, true, &body),
                };
                if let Err(e) = result {
                    return e;
                }
            }
            out = outgoing.recv() => match out {
                Some(out) => {
                    if let Err(e) = encode_out(&mut sealer, &mut batch, out) {
                        return e;
                    }
                    while batch.len() < BATCH {
                        match outgoing.try_recv() {
                            Ok(out) => {
                                if let Err(e) = encode_out(&mut sealer, &mut batch, out) {
                                    return e;
                                }
                            }
                            Err(_) => break,
                        }
                    }
                }
                None => return Error::Closed,
            },
        }
        if let Err(e) = batch.write_to(writer).await {
            return Error::Io(e);
        }
    }
}
