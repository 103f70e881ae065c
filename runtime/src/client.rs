//! The client: a DEALER owned by an actor on the client I/O thread, which reconnects by itself,
//! heartbeats open channels and routes replies to waiting calls.

use std::collections::{HashMap, VecDeque};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::stream::{BoxStream, Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::{debug, warn};
use zeromq::{
    DealerRecvHalf, DealerSendHalf, DealerSocket, Socket, SocketEvent, SocketOptions, SocketRecv,
    SocketSend, ZmqError, ZmqMessage,
};

use crate::codec::{array_spans, Event, EventWriter};
use crate::error::{Error, RemoteError};
use crate::transport::{client_io, dealer_message, normalize_endpoint};

/// Tunables of a client.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// How long a call waits for its first reply (later stream items have no timeout).
    pub timeout: Duration,
    /// Interval of `_zpc_hb` on open channels; a server silent for more than two is lost.
    pub heartbeat: Duration,
    /// Calls that may wait for the connection; more fail at once with [`Error::QueueFull`].
    pub max_queued: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: Duration::from_secs(30),
            heartbeat: Duration::from_secs(5),
            max_queued: 1000,
        }
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    endpoint: String,
    config: ClientConfig,
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

    /// Returns at once; the connection is made (and remade) in the background.
    pub async fn connect(self) -> Result<Client, Error> {
        let endpoint = normalize_endpoint(&self.endpoint)?;
        if self.config.heartbeat.is_zero() {
            return Err(Error::Transport(
                "heartbeat interval must be positive".into(),
            ));
        }
        let config = Arc::new(self.config);
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let actor = Actor {
            endpoint,
            config: config.clone(),
            channels: HashMap::new(),
            pending: VecDeque::new(),
            broken: None,
        };
        // The actor (and so the socket I/O) runs on the caller's runtime: no thread hop per
        // call. Outside any runtime, a shared I/O thread hosts it.
        match Handle::try_current() {
            Ok(runtime) => runtime.spawn(actor.run(commands_rx)),
            Err(_) => client_io()?.spawn(actor.run(commands_rx)),
        };
        Ok(Client { commands, config })
    }
}

/// A zerorpc client. Cheap to clone; all clones share one connection, which lives on the tokio
/// runtime that called [`ClientBuilder::connect`] (keep that runtime running while calling).
#[derive(Clone)]
pub struct Client {
    commands: mpsc::UnboundedSender<Command>,
    config: Arc<ClientConfig>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish()
    }
}

impl Client {
    pub fn builder(endpoint: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            endpoint: endpoint.into(),
            config: ClientConfig::default(),
        }
    }

    /// Connects with the default configuration (30 s timeout, 5 s heartbeat).
    pub async fn connect(endpoint: &str) -> Result<Client, Error> {
        Client::builder(endpoint).connect().await
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
        let raw = self.call_raw(method, encode_args(args)?).await?;
        rmp_serde::from_slice(&raw).map_err(|e| Error::Decode(format!("result of {method}: {e}")))
    }

    /// Calls `method` with args already encoded as a msgpack array; returns the raw result.
    pub async fn call_raw(&self, method: &str, args: Vec<u8>) -> Result<Bytes, Error> {
        let mut call = self.open(method, &args)?;
        let first = call.next_event().await?;
        match first.name() {
            "OK" => ok_value(&first),
            "ERR" => Err(Error::Remote(remote_error(&first))),
            "STREAM" | "STREAM_DONE" => {
                let mut items = Vec::new();
                let mut event = first;
                loop {
                    match event.name() {
                        "STREAM" => items.push(event.args_bytes()),
                        "STREAM_DONE" => break,
                        "ERR" => return Err(Error::Remote(remote_error(&event))),
                        other => {
                            return Err(Error::Protocol(format!(
                                "unexpected {other:?} in a stream"
                            )))
                        }
                    }
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
            self.open(method, &encode_values(args))?,
            decode_value,
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
            self.open(method, &encode_args(args)?)?,
            move |raw| {
                rmp_serde::from_slice(raw)
                    .map_err(|e| Error::Decode(format!("stream item of {method_name}: {e}")))
            },
        ))
    }

    /// Sends a call without waiting for its result (returns once it is sent or queued).
    pub async fn oneway(&self, method: &str, args: Vec<rmpv::Value>) -> Result<(), Error> {
        self.oneway_raw(method, &encode_values(args)).await
    }

    /// Typed [`Client::oneway`].
    pub async fn oneway_typed<A: Serialize + ?Sized>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<(), Error> {
        self.oneway_raw(method, &encode_args(args)?).await
    }

    async fn oneway_raw(&self, method: &str, args: &[u8]) -> Result<(), Error> {
        let mut request = Vec::with_capacity(64 + method.len() + args.len());
        EventWriter::begin(&mut request, None, None, method);
        request.extend_from_slice(args);
        let (ack, acked) = oneshot::channel();
        self.commands
            .send(Command::Oneway { request, ack })
            .map_err(|_| Error::Closed)?;
        acked.await.map_err(|_| Error::Closed)?
    }

    fn open(&self, method: &str, args: &[u8]) -> Result<OpenCall, Error> {
        let mut request = Vec::with_capacity(64 + method.len() + args.len());
        let id = EventWriter::begin(&mut request, None, None, method);
        request.extend_from_slice(args);
        // futures' channel allocates per message, tokio's a 32-slot block per channel.
        let (events_tx, events) = futures::channel::mpsc::unbounded();
        self.commands
            .send(Command::Open {
                id,
                request,
                events: events_tx,
            })
            .map_err(|_| Error::Closed)?;
        Ok(OpenCall {
            commands: self.commands.clone(),
            id,
            events,
            open: true,
            first: true,
            reserved: 1,
            timeout: self.config.timeout,
            method: method.to_owned(),
        })
    }
}

fn encode_values(args: Vec<rmpv::Value>) -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut buf, &rmpv::Value::Array(args));
    buf
}

fn encode_args<A: Serialize + ?Sized>(args: &A) -> Result<Vec<u8>, Error> {
    let buf =
        rmp_serde::to_vec_named(args).map_err(|e| Error::Encode(format!("arguments: {e}")))?;
    match buf.first() {
        // `()` encodes as nil: it means "no arguments".
        Some(0xc0) => Ok(vec![0x90]),
        Some(0x90..=0x9f | 0xdc | 0xdd) => Ok(buf),
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
    let spans = array_spans(&args).map_err(|e| Error::Protocol(format!("OK args: {e}")))?;
    match spans.first() {
        Some(span) => Ok(args.slice(span.clone())),
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
    commands: mpsc::UnboundedSender<Command>,
    id: [u8; 32],
    events: futures::channel::mpsc::UnboundedReceiver<Incoming>,
    /// No final event yet: dropping the call must tell the actor to forget the channel.
    open: bool,
    first: bool,
    /// Credit granted to the server and not used yet (the request itself grants one).
    reserved: usize,
    timeout: Duration,
    method: String,
}

/// Receive window, as the Python client: 100 events, topped up below 50.
const WINDOW: usize = 100;

impl OpenCall {
    async fn next_event(&mut self) -> Result<Event, Error> {
        let incoming = if self.first {
            self.first = false;
            match tokio::time::timeout(self.timeout, self.events.next()).await {
                Ok(incoming) => incoming,
                Err(_) => {
                    return Err(Error::Timeout {
                        method: self.method.clone(),
                        after: self.timeout,
                    })
                }
            }
        } else {
            if self.open && self.reserved < WINDOW / 2 {
                let grant = WINDOW - self.reserved;
                self.reserved = WINDOW;
                let mut more = Vec::with_capacity(96);
                EventWriter::begin(&mut more, Some(&response_to(&self.id)), None, "_zpc_more");
                let _ = rmp::encode::write_array_len(&mut more, 1);
                let _ = rmp::encode::write_uint(&mut more, grant as u64);
                let _ = self.commands.send(Command::Credit { event: more });
            }
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
            let _ = self.commands.send(Command::Forget { id: self.id });
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
    fn new(call: OpenCall, decode: impl Fn(&[u8]) -> Result<T, Error> + Send + 'static) -> Self {
        let inner = futures::stream::unfold(Some((call, decode)), |state| async move {
            let (mut call, decode) = state?;
            let event = match call.next_event().await {
                Ok(event) => event,
                Err(error) => return Some((Err(error), None)),
            };
            match event.name() {
                "STREAM" => {
                    let item = decode(event.args());
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

enum Command {
    Open {
        id: [u8; 32],
        request: Vec<u8>,
        events: futures::channel::mpsc::UnboundedSender<Incoming>,
    },
    Oneway {
        request: Vec<u8>,
        ack: oneshot::Sender<Result<(), Error>>,
    },
    Credit {
        event: Vec<u8>,
    },
    Forget {
        id: [u8; 32],
    },
}

enum Incoming {
    Event(Event),
    Failed(Error),
}

struct ClientChannel {
    events: futures::channel::mpsc::UnboundedSender<Incoming>,
    last_heartbeat: Option<Instant>,
    /// Sent on the current connection (otherwise still queued).
    sent: bool,
}

struct Queued {
    channel: Option<[u8; 32]>,
    message: ZmqMessage,
}

type Connected = (DealerSocket, futures::channel::mpsc::Receiver<SocketEvent>);
type Received = Pin<Box<dyn Stream<Item = Result<ZmqMessage, ZmqError>> + Send>>;

/// The receive half as a stream, so the pending receive survives `select!` iterations.
fn incoming_stream(recv: DealerRecvHalf) -> Received {
    Box::pin(futures::stream::unfold(recv, |mut recv| async move {
        let message = recv.recv().await;
        Some((message, recv))
    }))
}

struct Actor {
    endpoint: String,
    config: Arc<ClientConfig>,
    channels: HashMap<[u8; 32], ClientChannel>,
    pending: VecDeque<Queued>,
    /// Set when a send fails: the connection is then replaced.
    broken: Option<String>,
}

impl Actor {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut socket: Option<DealerSendHalf> = None;
        let mut incoming: Option<Received> = None;
        let mut monitor: Option<futures::channel::mpsc::Receiver<SocketEvent>> = None;
        let mut connecting: Option<JoinHandle<Connected>> =
            Some(tokio::spawn(connect(self.endpoint.clone())));
        let heartbeat = self.config.heartbeat;
        let mut ticker =
            tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command, &mut socket).await,
                    None => break,
                },
                message = next_message(&mut incoming) => match message {
                    Some(Ok(message)) => self.on_message(message),
                    Some(Err(e)) => self.broken = Some(format!("receive failed: {e}")),
                    None => self.broken = Some("the receive stream ended".into()),
                },
                event = next_socket_event(&mut monitor) => {
                    if matches!(event, Some(SocketEvent::Disconnected(_)) | None) {
                        self.broken = Some("the server closed the connection".into());
                    }
                },
                joined = join(&mut connecting), if connecting.is_some() => {
                    connecting = None;
                    match joined {
                        Ok((connected, events)) => {
                            let (send, recv) = connected.split();
                            socket = Some(send);
                            incoming = Some(incoming_stream(recv));
                            monitor = Some(events);
                            self.flush(&mut socket).await;
                        }
                        Err(e) => self.broken = Some(format!("connect task failed: {e}")),
                    }
                },
                _ = ticker.tick() => self.on_tick(&mut socket).await,
            }
            if let Some(reason) = self.broken.take() {
                debug!(
                    "zrpc client: connection to {} lost ({reason}), reconnecting",
                    self.endpoint
                );
                socket = None;
                incoming = None;
                monitor = None;
                self.fail_sent(&reason);
                if connecting.is_none() {
                    connecting = Some(tokio::spawn(connect(self.endpoint.clone())));
                }
            }
        }
        if let Some(task) = connecting {
            task.abort();
        }
    }

    async fn on_command(&mut self, command: Command, socket: &mut Option<DealerSendHalf>) {
        match command {
            Command::Open {
                id,
                request,
                events,
            } => {
                let connected = socket.is_some() && self.pending.is_empty();
                if !connected && self.pending.len() >= self.config.max_queued {
                    let _ = events
                        .unbounded_send(Incoming::Failed(Error::QueueFull(self.pending.len())));
                    return;
                }
                self.channels.insert(
                    id,
                    ClientChannel {
                        events,
                        last_heartbeat: None,
                        sent: connected,
                    },
                );
                let queued = Queued {
                    channel: Some(id),
                    message: dealer_message(request),
                };
                if connected {
                    self.send(socket, queued).await;
                } else {
                    self.pending.push_back(queued);
                }
            }
            Command::Oneway { request, ack } => {
                let queued = Queued {
                    channel: None,
                    message: dealer_message(request),
                };
                if socket.is_some() && self.pending.is_empty() {
                    self.send(socket, queued).await;
                    let _ = ack.send(Ok(()));
                } else if self.pending.len() >= self.config.max_queued {
                    let _ = ack.send(Err(Error::QueueFull(self.pending.len())));
                } else {
                    self.pending.push_back(queued);
                    let _ = ack.send(Ok(()));
                }
            }
            Command::Credit { event } => {
                if socket.is_some() {
                    let queued = Queued {
                        channel: None,
                        message: dealer_message(event),
                    };
                    self.send(socket, queued).await;
                }
            }
            Command::Forget { id } => {
                self.channels.remove(&id);
                self.pending.retain(|q| q.channel != Some(id));
            }
        }
    }

    /// Sends on the current connection; on failure the message goes back to the queue (when
    /// the socket hands it back) and the connection is replaced.
    async fn send(&mut self, socket: &mut Option<DealerSendHalf>, queued: Queued) {
        let Some(s) = socket.as_mut() else {
            self.pending.push_front(queued);
            return;
        };
        match s.send(queued.message).await {
            Ok(()) => {}
            Err(ZmqError::ReturnToSender { message, reason }) => {
                self.unsend(queued.channel);
                self.pending.push_front(Queued {
                    channel: queued.channel,
                    message,
                });
                self.broken = Some(reason.to_owned());
            }
            Err(e) => {
                if let Some(channel) = queued.channel.and_then(|id| self.channels.remove(&id)) {
                    let _ = channel
                        .events
                        .unbounded_send(Incoming::Failed(Error::Transport(format!(
                            "send failed: {e}"
                        ))));
                }
                self.broken = Some(format!("send failed: {e}"));
            }
        }
    }

    fn unsend(&mut self, channel: Option<[u8; 32]>) {
        if let Some(channel) = channel.and_then(|id| self.channels.get_mut(&id)) {
            channel.sent = false;
        }
    }

    async fn flush(&mut self, socket: &mut Option<DealerSendHalf>) {
        while self.broken.is_none() {
            let Some(queued) = self.pending.pop_front() else {
                break;
            };
            if let Some(channel) = queued.channel.and_then(|id| self.channels.get_mut(&id)) {
                channel.sent = true;
                channel.last_heartbeat = None;
            }
            self.send(socket, queued).await;
        }
    }

    /// The calls on a dead connection cannot be answered: the server forgot them.
    fn fail_sent(&mut self, reason: &str) {
        self.channels.retain(|_, channel| {
            if channel.sent {
                let _ = channel
                    .events
                    .unbounded_send(Incoming::Failed(Error::LostRemote(reason.to_owned())));
            }
            !channel.sent
        });
    }

    fn on_message(&mut self, message: ZmqMessage) {
        let Some(payload) = message.into_vec().pop() else {
            return;
        };
        let event = match Event::decode(payload) {
            Ok(event) => event,
            Err(e) => {
                warn!("zrpc client: dropping an undecodable event: {e}");
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
        let Some(channel) = self.channels.get_mut(&id) else {
            // Late events of finished, timed-out or forgotten calls.
            return;
        };
        match event.name() {
            "_zpc_hb" => channel.last_heartbeat = Some(Instant::now()),
            "_zpc_more" => {}
            "STREAM" => {
                if channel
                    .events
                    .unbounded_send(Incoming::Event(event))
                    .is_err()
                {
                    self.channels.remove(&id);
                }
            }
            _ => {
                if let Some(channel) = self.channels.remove(&id) {
                    let _ = channel.events.unbounded_send(Incoming::Event(event));
                }
            }
        }
    }

    async fn on_tick(&mut self, socket: &mut Option<DealerSendHalf>) {
        if socket.is_none() {
            return;
        }
        let now = Instant::now();
        let lost_after = 2 * self.config.heartbeat;
        let mut beats = Vec::new();
        self.channels.retain(|id, channel| {
            if !channel.sent {
                return true;
            }
            match channel.last_heartbeat {
                None => channel.last_heartbeat = Some(now),
                Some(last) if now.duration_since(last) > lost_after => {
                    let error = Error::LostRemote(format!(
                        "no heartbeat from the server for {lost_after:?}"
                    ));
                    let _ = channel.events.unbounded_send(Incoming::Failed(error));
                    return false;
                }
                Some(_) => {}
            }
            beats.push(EventWriter::event(
                Some(&response_to(id)),
                "_zpc_hb",
                &[0x91, 0x00],
            ));
            true
        });
        for beat in beats {
            self.send(
                socket,
                Queued {
                    channel: None,
                    message: dealer_message(beat),
                },
            )
            .await;
        }
    }
}

async fn next_message(incoming: &mut Option<Received>) -> Option<Result<ZmqMessage, ZmqError>> {
    match incoming {
        Some(incoming) => incoming.next().await,
        None => std::future::pending().await,
    }
}

async fn next_socket_event(
    monitor: &mut Option<futures::channel::mpsc::Receiver<SocketEvent>>,
) -> Option<SocketEvent> {
    match monitor {
        Some(monitor) => monitor.next().await,
        None => std::future::pending().await,
    }
}

async fn join(
    task: &mut Option<JoinHandle<Connected>>,
) -> Result<Connected, tokio::task::JoinError> {
    match task {
        Some(task) => task.await,
        None => std::future::pending().await,
    }
}

/// Connects a fresh DEALER, retrying with backoff until the server is reachable.
async fn connect(endpoint: String) -> Connected {
    let mut delay = Duration::from_millis(20);
    loop {
        let mut options = SocketOptions::default();
        options.connect_timeout(Duration::from_secs(1));
        let mut socket = DealerSocket::with_options(options);
        let events = socket.monitor();
        match socket.connect(&endpoint).await {
            Ok(()) => return (socket, events),
            Err(e) => debug!("zrpc client: connect to {endpoint} failed: {e}"),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}
