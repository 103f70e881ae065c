//! The client: callers send their requests on a DEALER themselves, the connection's reader
//! routes replies to them, and an actor follows the connection (the engine reconnects by
//! itself), sends what waited for it and heartbeats each open channel.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use foldhash::{HashMap, HashMapExt};
use futures::stream::{BoxStream, Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot, watch, Notify};
use tracing::{debug, warn};

use crate::codec::{array_spans, first_element, header_field_in_prefix, Event, EventWriter};
use crate::error::{Error, RemoteError};
use crate::liveness::PeerBeats;
use crate::log_limit::{suppressed_note, LogLimit};
use crate::splice::{decode_from, Encoded};
use crate::transport::curve::{decode_key, ClientCurve, KeyPair};
use crate::transport::{
    client_io, dealer_message, normalize_endpoint, Dealer, DealerSender, Failure, Link, Message,
    Options, OutEvent, Received, Tap,
};

/// Tunables of a client.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// How long a call waits for its first reply, and [`Client::call`] for each later event
    /// of a stream it collects ([`Client::stream`] items have no timeout). With nothing
    /// connected by then, the call fails with [`Error::Unreachable`]. The first reply's
    /// deadline is checked on the client's tick (a tenth of the shorter of this and the
    /// heartbeat, at most 100 ms), so a call fails up to one tick after it.
    pub timeout: Duration,
    /// Interval of `_zpc_hb` on each open channel, the first one interval after it opens; a
    /// server is lost after twice the larger of this and its observed interval.
    pub heartbeat: Duration,
    /// Calls that may wait for the connection; more fail at once with [`Error::QueueFull`].
    pub max_queued: usize,
    /// Largest reply accepted, checked from frame headers before it is read (a larger one
    /// closes the connection); also the most a collected stream may add up to. 16 MiB.
    pub max_reply_size: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: Duration::from_secs(30),
            heartbeat: Duration::from_secs(5),
            max_queued: 1000,
            max_reply_size: 16 * 1024 * 1024,
        }
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    endpoint: String,
    config: ClientConfig,
    curve: Option<ClientCurve>,
}

impl ClientBuilder {
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    pub fn heartbeat(mut self, interval: Duration) -> Self {
        self.config.heartbeat = interval;
        self
    }

    pub fn max_queued(mut self, calls: usize) -> Self {
        self.config.max_queued = calls;
        self
    }

    /// See [`ClientConfig::max_reply_size`].
    pub fn max_reply_size(mut self, bytes: usize) -> Self {
        self.config.max_reply_size = bytes;
        self
    }

    /// Talks CURVE to a server whose public key is `server_key` (40 Z85 characters), as
    /// `keys` (see [`KeyPair::generate`], [`KeyPair::load`]).
    pub fn curve(mut self, server_key: &str, keys: KeyPair) -> Result<Self, Error> {
        let server_key =
            decode_key(server_key).map_err(|e| Error::Curve(format!("server key: {e}")))?;
        self.curve = Some(ClientCurve { server_key, keys });
        Ok(self)
    }

    /// Returns at once; the connection is made (and remade) in the background.
    pub async fn connect(self) -> Result<Client, Error> {
        let endpoint = normalize_endpoint(&self.endpoint)?;
        if self.config.heartbeat.is_zero() {
            return Err(Error::Transport(
                "heartbeat interval must be positive".into(),
            ));
        }
        let options = Options {
            max_message_size: self.config.max_reply_size,
            send_hwm: self.config.max_queued.max(1),
            security: match &self.curve {
                Some(curve) => curve.security(),
                None => zrpc_zmtp::Security::Null,
            },
            ..Options::default()
        };
        let shared = Arc::new(Shared {
            config: self.config,
            state: Mutex::new(State {
                channels: HashMap::new(),
                pending: VecDeque::new(),
                link: Link::default(),
                closed: false,
                bad_input: LogLimit::default(),
            }),
            flush: Notify::new(),
        });
        // Replies are routed to their calls in the connection's task, as they are read; they
        // are never answered there.
        let tap: Tap = {
            let shared = shared.clone();
            Arc::new(move |received| {
                shared.on_received(received);
                false
            })
        };
        // The socket and the actor run on the caller's runtime: no thread hop per call.
        // Outside any runtime, a shared I/O thread hosts them.
        let runtime = match Handle::try_current() {
            Ok(runtime) => runtime,
            Err(_) => client_io()?.clone(),
        };
        let dealer = {
            let _entered = runtime.enter();
            Dealer::connect_tapped(&endpoint, options, tap)
                .map_err(|e| Error::Transport(e.to_string()))?
        };
        let (closer, close) = mpsc::channel(1);
        let client = Client {
            inner: Arc::new(ClientInner {
                shared: shared.clone(),
                sender: dealer.sender(),
                closer,
                link: dealer.link(),
                endpoint: self.endpoint,
            }),
        };
        let actor = Actor {
            endpoint,
            shared,
            sender: dealer.sender(),
        };
        runtime.spawn(actor.run(dealer, close));
        Ok(client)
    }
}

/// A zerorpc client. Cheap to clone; all clones share one connection, which lives on the tokio
/// runtime that called [`ClientBuilder::connect`] (keep that runtime running while calling).
#[derive(Clone)]
pub struct Client {
    // One reference count per clone: every call holds a clone while it is open.
    inner: Arc<ClientInner>,
}

struct ClientInner {
    shared: Arc<Shared>,
    sender: DealerSender,
    /// Closing (or dropping the last client) ends the actor, and with it the connection.
    closer: mpsc::Sender<()>,
    link: watch::Receiver<Link>,
    endpoint: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.shared.config)
            .finish()
    }
}

impl Client {
    pub fn builder(endpoint: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            endpoint: endpoint.into(),
            config: ClientConfig::default(),
            curve: None,
        }
    }

    /// Connects with the default configuration (30 s timeout, 5 s heartbeat).
    pub async fn connect(endpoint: &str) -> Result<Client, Error> {
        Client::builder(endpoint).connect().await
    }

    /// Closes the connection (for every clone); later calls fail with [`Error::Closed`].
    pub fn close(&self) {
        let _ = self.inner.closer.try_send(());
    }

    /// Calls `method` with untyped args. A streaming method's items are collected into an array.
    pub async fn call(&self, method: &str, args: Vec<rmpv::Value>) -> Result<rmpv::Value, Error> {
        let raw = self.call_raw(method, encode_values(args)).await?;
        decode_value(&raw)
    }

    /// Calls `method` with typed args (a tuple such as `&(1, 2)`; `&()` for none) and decodes
    /// the result into `R`.
    pub async fn call_typed<R: DeserializeOwned, A: Serialize + ?Sized>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<R, Error> {
        let raw = self.call_encoded(method, encode_args(args)?).await?;
        decode_from(&raw, |raw| rmp_serde::from_slice(raw))
            .map_err(|e| Error::Decode(format!("result of {method}: {e}")))
    }

    /// Calls `method` with args already encoded as a msgpack array; returns the raw result.
    pub async fn call_raw(&self, method: &str, args: Vec<u8>) -> Result<Bytes, Error> {
        self.call_encoded(method, args.into()).await
    }

    async fn call_encoded(&self, method: &str, args: Encoded) -> Result<Bytes, Error> {
        let mut call = self.open(method, args).await?;
        let first = call.next_event().await?;
        match first.name() {
            "OK" => ok_value(&first),
            "ERR" => Err(Error::Remote(remote_error(&first))),
            "STREAM" | "STREAM_DONE" => {
                let mut items = Vec::new();
                let mut size = 0usize;
                let mut event = first;
                loop {
                    match event.name() {
                        "STREAM" => {
                            let item = event.args_bytes();
                            size += item.len();
                            if size > self.inner.shared.config.max_reply_size {
                                return Err(Error::Protocol(format!(
                                    "the stream answering {method} exceeds the reply limit of {} bytes",
                                    self.inner.shared.config.max_reply_size
                                )));
                            }
                            items.push(item);
                        }
                        "STREAM_DONE" => break,
                        "ERR" => return Err(Error::Remote(remote_error(&event))),
                        other => {
                            return Err(Error::Protocol(format!(
                                "unexpected {other:?} in a stream"
                            )))
                        }
                    }
                    // Each event of a collected stream gets the call's timeout, so a server
                    // that answers with one item and then only heartbeats cannot hang it.
                    call.every_event_timed = true;
                    event = call.next_event().await?;
                }
                let mut array = Vec::new();
                // Writing into a Vec cannot fail.
                let _ = rmp::encode::write_array_len(&mut array, items.len() as u32);
                for item in items {
                    array.extend_from_slice(&item);
                }
                Ok(Bytes::from(array))
            }
            other => Err(Error::Protocol(format!(
                "unexpected first reply {other:?} to {method}"
            ))),
        }
    }

    /// Calls a streaming method; items arrive as they are produced, under flow control.
    pub async fn stream(
        &self,
        method: &str,
        args: Vec<rmpv::Value>,
    ) -> Result<CallStream<rmpv::Value>, Error> {
        Ok(CallStream::new(
            self.open(method, encode_values(args).into()).await?,
            |raw: &Bytes| decode_value(raw),
        ))
    }

    /// Typed [`Client::stream`].
    pub async fn stream_typed<T: DeserializeOwned + Send + 'static, A: Serialize + ?Sized>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<CallStream<T>, Error> {
        let method_name = method.to_owned();
        Ok(CallStream::new(
            self.open(method, encode_args(args)?).await?,
            move |raw| {
                decode_from(raw, |raw| rmp_serde::from_slice(raw))
                    .map_err(|e| Error::Decode(format!("stream item of {method_name}: {e}")))
            },
        ))
    }

    /// Sends a call without waiting for its result (returns once it is sent or queued).
    pub async fn oneway(&self, method: &str, args: Vec<rmpv::Value>) -> Result<(), Error> {
        self.oneway_raw(method, encode_values(args).into()).await
    }

    /// Typed [`Client::oneway`].
    pub async fn oneway_typed<A: Serialize + ?Sized>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<(), Error> {
        self.oneway_raw(method, encode_args(args)?).await
    }

    async fn oneway_raw(&self, method: &str, args: Encoded) -> Result<(), Error> {
        let mut head =
            Vec::with_capacity(EventWriter::head_len(None, None, method) + args.head_len());
        EventWriter::begin(&mut head, None, None, method);
        let message = dealer_message(OutEvent { head, tail: args });
        if let Some(message) = self.inner.shared.queue(None, message)? {
            self.send(message).await?;
            // Lets the socket's writer run before the caller goes on: on a current-thread
            // runtime that stops being driven after this call (`block_on` of a function
            // ending with a oneway call), the request would otherwise stay in the queue.
            tokio::task::yield_now().await;
        }
        Ok(())
    }

    /// Sends a message the caller may send itself, waiting while the socket's queue is full.
    async fn send(&self, message: Message) -> Result<(), Error> {
        let Message { frames, pieces } = message;
        self.inner
            .sender
            .send_pieces(frames, pieces)
            .await
            .map_err(|_| Error::Closed)
    }

    async fn open(&self, method: &str, args: Encoded) -> Result<OpenCall, Error> {
        let mut head =
            Vec::with_capacity(EventWriter::head_len(None, None, method) + args.head_len());
        let id = EventWriter::begin(&mut head, None, None, method);
        let (events_tx, events) = events();
        let (up, generation) = {
            let link = self.inner.link.borrow();
            (link.up, link.generation)
        };
        let call = OpenCall {
            client: self.clone(),
            down_at_open: (!up).then_some(generation),
            id,
            events,
            open: true,
            first: true,
            every_event_timed: false,
            reserved: 1,
            method: method.to_owned(),
        };
        let message = dealer_message(OutEvent { head, tail: args });
        if let Some(message) = self.inner.shared.queue(Some((id, events_tx)), message)? {
            if let Err(error) = self.send(message).await {
                self.inner.shared.fail(&id, error);
            }
        }
        Ok(call)
    }
}

fn encode_values(args: Vec<rmpv::Value>) -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut buf, &rmpv::Value::Array(args));
    buf
}

fn encode_args<A: Serialize + ?Sized>(args: &A) -> Result<Encoded, Error> {
    let encoded = Encoded::encode(args).map_err(|e| Error::Encode(format!("arguments: {e}")))?;
    match encoded.first() {
        // `()` encodes as nil: it means "no arguments".
        Some(0xc0) => Ok(vec![0x90].into()),
        Some(0x90..=0x9f | 0xdc | 0xdd) => Ok(encoded),
        _ => Err(Error::Encode(
            "arguments must serialize as a tuple or a sequence".into(),
        )),
    }
}

fn decode_value(raw: &[u8]) -> Result<rmpv::Value, Error> {
    let mut cursor = raw;
    rmpv::decode::read_value(&mut cursor).map_err(|e| Error::Decode(e.to_string()))
}

/// The value inside `OK [value]`.
fn ok_value(event: &Event) -> Result<Bytes, Error> {
    let args = event.args_bytes();
    let span = first_element(&args).map_err(|e| Error::Protocol(format!("OK args: {e}")))?;
    match span {
        Some(span) => Ok(args.slice(span)),
        None => Err(Error::Protocol("OK without a value".into())),
    }
}

/// `ERR [name, message, traceback]` (or the v1 `[message]`), plus typed fields from `zrpc_error`.
fn remote_error(event: &Event) -> RemoteError {
    let args = event.args();
    let text = |span: &std::ops::Range<usize>| {
        rmp_serde::from_slice::<Option<String>>(&args[span.clone()])
            .ok()
            .flatten()
    };
    let spans = array_spans(args).unwrap_or_default();
    let mut error = match spans.as_slice() {
        [message] => RemoteError::new("RemoteError", text(message).unwrap_or_default()),
        [name, message, rest @ ..] => {
            let mut error = RemoteError::new(
                text(name).unwrap_or_else(|| "RemoteError".into()),
                text(message).unwrap_or_default(),
            );
            error.traceback = rest.first().and_then(text);
            error
        }
        [] => RemoteError::new("RemoteError", "malformed ERR event"),
    };
    if let Some(mut raw) = event.zrpc_error() {
        error.details = rmpv::decode::read_value(&mut raw).ok();
    }
    error
}

/// The caller's end of one open channel.
struct OpenCall {
    client: Client,
    /// The connection generation when the call was made while nothing was connected.
    down_at_open: Option<u64>,
    id: [u8; 32],
    events: EventReceiver,
    /// No final event yet: dropping the call must tell the actor to forget the channel.
    open: bool,
    first: bool,
    /// Every event (not only the first) must come within the timeout.
    every_event_timed: bool,
    /// Credit granted to the server and not used yet (the request itself grants one).
    reserved: usize,
    method: String,
}

/// Receive window, as the Python client: 100 events, topped up below 50.
const WINDOW: usize = 100;

impl OpenCall {
    fn timeout(&self) -> Duration {
        self.client.inner.shared.config.timeout
    }

    /// Unreachable when nothing got connected since the call was made, else a timeout.
    fn timed_out(&self) -> Error {
        let link = self.client.inner.link.borrow();
        match self.down_at_open {
            Some(generation) if !link.up && link.generation == generation => Error::Unreachable {
                endpoint: self.client.inner.endpoint.to_string(),
                reason: match &link.failure {
                    Some(failure) => failure.to_string(),
                    None => format!("nothing connected within {:?}", self.timeout()),
                },
            },
            _ => Error::Timeout {
                method: self.method.clone(),
                after: self.timeout(),
            },
        }
    }

    async fn next_event(&mut self) -> Result<Event, Error> {
        if !self.first && self.open && self.reserved < WINDOW / 2 {
            let grant = WINDOW - self.reserved;
            self.reserved = WINDOW;
            let mut more = Vec::with_capacity(96);
            EventWriter::begin(&mut more, Some(&response_to(&self.id)), None, "_zpc_more");
            let _ = rmp::encode::write_array_len(&mut more, 1);
            let _ = rmp::encode::write_uint(&mut more, grant as u64);
            if self.client.inner.link.borrow().up {
                let _ = self.client.send(dealer_message(more)).await;
            }
        }
        // The first event's timeout is kept by the actor (one scan per tick instead of a timer
        // per call); later events of a collected stream get a timer each.
        let timed = !self.first && self.every_event_timed;
        self.first = false;
        let incoming = if timed {
            match tokio::time::timeout(self.timeout(), self.events.next()).await {
                Ok(incoming) => incoming,
                Err(_) => {
                    return Err(Error::Timeout {
                        method: self.method.clone(),
                        after: self.timeout(),
                    })
                }
            }
        } else {
            self.events.next().await
        };
        match incoming {
            Some(Incoming::Event(event)) => {
                self.reserved = self.reserved.saturating_sub(1);
                if event.name() != "STREAM" {
                    self.open = false;
                }
                Ok(event)
            }
            Some(Incoming::Failed(error)) => {
                self.open = false;
                Err(error)
            }
            Some(Incoming::TimedOut) => {
                self.open = false;
                Err(self.timed_out())
            }
            None => {
                self.open = false;
                Err(Error::Closed)
            }
        }
    }
}

impl Drop for OpenCall {
    fn drop(&mut self) {
        if self.open {
            self.client.inner.shared.forget(&self.id);
        }
    }
}

/// Items of a streaming call. Ends after `STREAM_DONE`; an `ERR` or a transport failure is
/// yielded as the last item.
pub struct CallStream<T> {
    inner: BoxStream<'static, Result<T, Error>>,
    _item: PhantomData<fn() -> T>,
}

impl<T: Send + 'static> CallStream<T> {
    fn new(call: OpenCall, decode: impl Fn(&Bytes) -> Result<T, Error> + Send + 'static) -> Self {
        let inner = futures::stream::unfold(Some((call, decode)), |state| async move {
            let (mut call, decode) = state?;
            let event = match call.next_event().await {
                Ok(event) => event,
                Err(error) => return Some((Err(error), None)),
            };
            match event.name() {
                "STREAM" => {
                    let item = decode(&event.args_bytes());
                    Some((item, Some((call, decode))))
                }
                "STREAM_DONE" => None,
                // A plain method called as a stream yields its one value.
                "OK" => Some((ok_value(&event).and_then(|v| decode(&v)), None)),
                "ERR" => Some((Err(Error::Remote(remote_error(&event))), None)),
                other => Some((
                    Err(Error::Protocol(format!("unexpected {other:?} in a stream"))),
                    None,
                )),
            }
        })
        .boxed();
        CallStream {
            inner,
            _item: PhantomData,
        }
    }
}

impl<T> Stream for CallStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

fn response_to(id: &[u8; 32]) -> [u8; 34] {
    let mut raw = [0u8; 34];
    raw[0] = 0xc4;
    raw[1] = 32;
    raw[2..].copy_from_slice(id);
    raw
}

enum Incoming {
    Event(Event),
    Failed(Error),
    /// No event within the call's timeout (the caller tells a timeout from an unreachable
    /// server).
    TimedOut,
}

/// A call's events, from the actor to the caller. Most calls get one event: it goes through a
/// oneshot (one allocation, no queue). The first `STREAM` opens a channel for the rest, sent
/// along with it.
fn events() -> (EventSender, EventReceiver) {
    let (first, first_rx) = oneshot::channel();
    (
        EventSender {
            first: Some(first),
            rest: None,
        },
        EventReceiver::First(first_rx),
    )
}

type Rest = futures::channel::mpsc::UnboundedReceiver<Incoming>;

struct EventSender {
    first: Option<oneshot::Sender<(Incoming, Option<Rest>)>>,
    rest: Option<futures::channel::mpsc::UnboundedSender<Incoming>>,
}

impl EventSender {
    /// Sends an event; false once the caller is gone.
    fn send(&mut self, incoming: Incoming) -> bool {
        if let Some(first) = self.first.take() {
            let more = matches!(&incoming, Incoming::Event(event) if event.name() == "STREAM");
            let rest = more.then(|| {
                let (tx, rx) = futures::channel::mpsc::unbounded();
                self.rest = Some(tx);
                rx
            });
            return first.send((incoming, rest)).is_ok();
        }
        match &self.rest {
            Some(rest) => rest.unbounded_send(incoming).is_ok(),
            None => false,
        }
    }
}

enum EventReceiver {
    First(oneshot::Receiver<(Incoming, Option<Rest>)>),
    Rest(Rest),
    Done,
}

impl EventReceiver {
    /// The next event; `None` once the actor dropped the call.
    async fn next(&mut self) -> Option<Incoming> {
        match self {
            EventReceiver::First(first) => {
                let received = first.await;
                let (incoming, rest) = match received {
                    Ok((incoming, rest)) => (Some(incoming), rest),
                    Err(_) => (None, None),
                };
                *self = rest.map_or(EventReceiver::Done, EventReceiver::Rest);
                incoming
            }
            EventReceiver::Rest(rest) => rest.next().await,
            EventReceiver::Done => None,
        }
    }
}

struct ClientChannel {
    events: EventSender,
    /// When the call times out if no event came; `None` once one did.
    deadline: Option<Instant>,
    beats: PeerBeats,
    next_beat: Instant,
    /// Handed to the socket on the current connection (otherwise still queued).
    sent: bool,
}

struct Queued {
    channel: Option<[u8; 32]>,
    message: Message,
}

/// What the callers, the connection's reader and the actor share. Callers register their
/// channel and send their request themselves; the reader routes replies; the actor follows
/// the connection, sends what waited for it, and keeps heartbeats and deadlines. No hop
/// between tasks on a call's path.
struct Shared {
    config: ClientConfig,
    state: Mutex<State>,
    /// Wakes the actor to send the queued messages.
    flush: Notify,
}

struct State {
    channels: HashMap<[u8; 32], ClientChannel>,
    /// Messages waiting for the connection (or for the ones queued before them).
    pending: VecDeque<Queued>,
    /// The connection as the actor last saw it.
    link: Link,
    /// The actor is gone: nothing will be sent or answered.
    closed: bool,
    bad_input: LogLimit,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update under the lock is a single step: a panic leaves the state consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a call's channel (if any) and either gives its message back to be sent now
    /// (connected, nothing queued before it) or queues it for the connection.
    fn queue(
        &self,
        call: Option<([u8; 32], EventSender)>,
        message: Message,
    ) -> Result<Option<Message>, Error> {
        let mut state = self.lock();
        let direct = state.link.up && state.pending.is_empty();
        let refused = if state.closed {
            Some(Error::Closed)
        } else if !direct && state.pending.len() >= self.config.max_queued {
            Some(Error::QueueFull(state.pending.len()))
        } else {
            None
        };
        let channel = match (call, refused) {
            (Some((_, mut events)), Some(error)) => {
                // A call learns it through its events, as every other failure.
                let _ = events.send(Incoming::Failed(error));
                return Ok(None);
            }
            (None, Some(error)) => return Err(error),
            (Some((id, events)), None) => {
                let now = Instant::now();
                state.channels.insert(
                    id,
                    ClientChannel {
                        events,
                        deadline: Some(now + self.config.timeout),
                        beats: PeerBeats::new(now),
                        next_beat: now + self.config.heartbeat,
                        sent: direct,
                    },
                );
                Some(id)
            }
            (None, None) => None,
        };
        if direct {
            return Ok(Some(message));
        }
        state.pending.push_back(Queued { channel, message });
        if state.link.up {
            self.flush.notify_one();
        }
        Ok(None)
    }

    fn fail(&self, id: &[u8; 32], error: Error) {
        if let Some(mut channel) = self.lock().channels.remove(id) {
            let _ = channel.events.send(Incoming::Failed(error));
        }
    }

    fn forget(&self, id: &[u8; 32]) {
        let mut state = self.lock();
        state.channels.remove(id);
        state.pending.retain(|q| q.channel.as_ref() != Some(id));
    }

    /// A message read by the connection (in its task).
    fn on_received(&self, received: Received) {
        match received.oversized {
            Some(size) => self.on_oversized(size, received.frames),
            None => self.on_message(received.frames),
        }
    }

    /// A reply over the client's limit: its first bytes name the call, which fails.
    fn on_oversized(&self, size: u64, frames: Vec<Bytes>) {
        let call = frames
            .last()
            .and_then(|prefix| header_field_in_prefix(prefix, "response_to"))
            .and_then(|raw| match raw.as_slice() {
                [0xc4, 32, rest @ ..] => <[u8; 32]>::try_from(rest).ok(),
                _ => None,
            });
        let error = Error::Protocol(format!(
            "a reply of {size} bytes exceeds the client limit of {} bytes",
            self.config.max_reply_size
        ));
        let mut state = self.lock();
        match call.and_then(|id| state.channels.remove(&id)) {
            Some(mut channel) => {
                let _ = channel.events.send(Incoming::Failed(error));
            }
            None => {
                if let Some(suppressed) = state.bad_input.allow() {
                    warn!(
                        "zrpc client: dropped {error}{}",
                        suppressed_note(suppressed)
                    );
                }
            }
        }
    }

    fn on_message(&self, mut message: Vec<Bytes>) {
        let Some(payload) = message.pop() else {
            return;
        };
        let event = match Event::decode(payload) {
            Ok(event) => event,
            Err(e) => {
                if let Some(suppressed) = self.lock().bad_input.allow() {
                    warn!(
                        "zrpc client: dropping an undecodable event: {e}{}",
                        suppressed_note(suppressed)
                    );
                }
                return;
            }
        };
        let id = match event.response_to() {
            Some(&[0xc4, 32, ref rest @ ..]) => match <[u8; 32]>::try_from(rest) {
                Ok(id) => id,
                Err(_) => return,
            },
            _ => {
                debug!(
                    "zrpc client: dropping {} that answers no call of ours",
                    event.name()
                );
                return;
            }
        };
        let mut state = self.lock();
        let Some(channel) = state.channels.get_mut(&id) else {
            // Late events of finished, timed-out or forgotten calls.
            return;
        };
        match event.name() {
            "_zpc_hb" => channel.beats.beat(Instant::now()),
            "_zpc_more" => channel.beats.heard(Instant::now()),
            "STREAM" => {
                channel.beats.heard(Instant::now());
                channel.deadline = None;
                if !channel.events.send(Incoming::Event(event)) {
                    state.channels.remove(&id);
                }
            }
            _ => {
                if let Some(mut channel) = state.channels.remove(&id) {
                    drop(state);
                    let _ = channel.events.send(Incoming::Event(event));
                }
            }
        }
    }

    /// The calls on a dead connection cannot be answered: the server forgot them.
    fn fail_sent(state: &mut State, reason: &str) {
        state.channels.retain(|_, channel| {
            if channel.sent {
                let _ = channel
                    .events
                    .send(Incoming::Failed(Error::LostRemote(reason.to_owned())));
            }
            !channel.sent
        });
    }

    /// Fails the calls that got no event within their timeout (queued ones too).
    fn on_deadlines(&self) {
        let now = Instant::now();
        let mut state = self.lock();
        let mut expired = Vec::new();
        state.channels.retain(|id, channel| match channel.deadline {
            Some(deadline) if deadline <= now => {
                let _ = channel.events.send(Incoming::TimedOut);
                expired.push(*id);
                false
            }
            _ => true,
        });
        if !expired.is_empty() && !state.pending.is_empty() {
            state
                .pending
                .retain(|q| q.channel.is_none_or(|id| !expired.contains(&id)));
        }
    }

    /// Heartbeats (and liveness checks) of the channels that are due.
    fn due_beats(&self) -> Vec<Vec<u8>> {
        let mut state = self.lock();
        if !state.link.up {
            return Vec::new();
        }
        let now = Instant::now();
        let own = self.config.heartbeat;
        let mut beats = Vec::new();
        state.channels.retain(|id, channel| {
            if !channel.sent || channel.next_beat > now {
                return true;
            }
            if let Some(silent) = channel.beats.lost(now, own) {
                let error =
                    Error::LostRemote(format!("no heartbeat from the server for {silent:?}"));
                let _ = channel.events.send(Incoming::Failed(error));
                return false;
            }
            channel.next_beat = (channel.next_beat + own).max(now);
            beats.push(EventWriter::event(
                Some(&response_to(id)),
                "_zpc_hb",
                &[0x91, 0x00],
            ));
            true
        });
        beats
    }
}

/// Follows the connection (the engine reconnects by itself), sends what waited for it, and
/// keeps each open channel's heartbeats and deadline on a tick.
struct Actor {
    endpoint: String,
    shared: Arc<Shared>,
    sender: DealerSender,
}

impl Actor {
    async fn run(self, dealer: Dealer, mut close: mpsc::Receiver<()>) {
        let mut link = dealer.link();
        let config = &self.shared.config;
        // Channels are scanned on a tick of a tenth of the heartbeat interval or of the call
        // timeout, whichever is shorter (at most 100 ms): each keeps its heartbeat schedule and
        // its deadline within one tick, at no cost per call.
        let tick = (config.heartbeat.min(config.timeout) / 10)
            .clamp(Duration::from_millis(1), Duration::from_millis(100));
        let mut ticker = tokio::time::interval(tick);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                // A close, or the last client dropped.
                _ = close.recv() => break,
                changed = link.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let now = link.borrow_and_update().clone();
                    self.on_link(now).await;
                },
                _ = self.shared.flush.notified() => self.flush().await,
                _ = ticker.tick() => {
                    self.shared.on_deadlines();
                    for beat in self.shared.due_beats() {
                        let _ = self.sender.send(dealer_message(beat).frames).await;
                    }
                }
            }
        }
        {
            let mut state = self.shared.lock();
            state.closed = true;
            state.pending.clear();
            for (_, mut channel) in state.channels.drain() {
                let _ = channel.events.send(Incoming::Failed(Error::Closed));
            }
        }
        // What callers handed to the socket (a oneway call just before the last client was
        // dropped) is still written, for at most the linger time.
        drop(self.sender);
        dealer.close().await;
    }

    async fn on_link(&self, link: Link) {
        let reconnected = {
            let mut state = self.shared.lock();
            let was = std::mem::replace(&mut state.link, link);
            let now = &state.link;
            if now.up && now.generation != was.generation {
                if was.up {
                    Shared::fail_sent(&mut state, "the connection to the server was lost");
                }
                true
            } else {
                if !now.up && was.up {
                    let reason = match &now.failure {
                        Some(failure) => failure.to_string(),
                        None => "the connection to the server was lost".to_owned(),
                    };
                    debug!("zrpc client: {} ({reason}), reconnecting", self.endpoint);
                    Shared::fail_sent(&mut state, &reason);
                }
                // A server that refuses us (CURVE key not allowed, wrong server key, no CURVE)
                // will not change its mind by itself: the calls waiting for it fail now.
                if let (false, Some(failure @ (Failure::Refused(_) | Failure::Handshake(_)))) =
                    (state.link.up, &state.link.failure)
                {
                    let reason = failure.to_string();
                    let State {
                        pending, channels, ..
                    } = &mut *state;
                    for queued in pending.drain(..) {
                        if let Some(mut channel) =
                            queued.channel.and_then(|id| channels.remove(&id))
                        {
                            let _ = channel.events.send(Incoming::Failed(Error::Unreachable {
                                endpoint: self.endpoint.clone(),
                                reason: reason.clone(),
                            }));
                        }
                    }
                }
                false
            }
        };
        if reconnected {
            self.flush().await;
        }
    }

    /// Sends the queued messages in order, waiting while the socket's queue is full.
    async fn flush(&self) {
        loop {
            let queued = {
                let mut state = self.shared.lock();
                if !state.link.up {
                    return;
                }
                let Some(queued) = state.pending.pop_front() else {
                    return;
                };
                if let Some(channel) = queued.channel.and_then(|id| state.channels.get_mut(&id)) {
                    let now = Instant::now();
                    channel.sent = true;
                    channel.beats = PeerBeats::new(now);
                    channel.next_beat = now + self.shared.config.heartbeat;
                }
                queued
            };
            let Message { frames, pieces } = queued.message;
            if self.sender.send_pieces(frames, pieces).await.is_err() {
                if let Some(id) = queued.channel {
                    self.shared.fail(&id, Error::Closed);
                }
            }
        }
    }
}
