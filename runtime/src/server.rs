//! The server: a ROUTER whose accept loop, socket reads and writes and heartbeats run on a
//! dedicated thread, while requests are dispatched to handlers on the caller's tokio runtime.
//!
//! Every operation on the ROUTER stays on that one thread: the `zeromq` crate takes a blocking
//! lock on its peer table when a peer disconnects (inside `recv`), and hands that lock over to
//! waiting async senders. A sender on another runtime's worker could then own the lock while
//! that very worker is blocked waiting for it, freezing every call (seen under CPU load).

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{FutureExt, StreamExt};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::task::AbortHandle;
use tracing::{debug, warn};
use zeromq::{
    RouterRecvHalf, RouterSendHalf, RouterSocket, Socket, SocketRecv, SocketSend, ZmqError,
    ZmqMessage,
};

use crate::codec::{array_spans, Event, EventWriter};
use crate::error::{Error, RemoteError};
use crate::service::{
    builtin_with_arg, Args, HandlerFuture, MethodKind, Reply, ReplyKind, Service, ServiceInner,
};
use crate::transport::{normalize_endpoint, routed_message};
use crate::worker::Link;

/// Tunables of a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Interval of `_zpc_hb` on open channels; a client silent for more than two is lost.
    pub heartbeat: Duration,
    /// Larger events are refused (answered with `ERR MessageTooLarge` when possible).
    pub max_message_size: usize,
    /// Open calls per peer; more are answered with `ERR ServerBusy`.
    pub max_in_flight_per_peer: usize,
    /// Run the dispatcher and the handlers on the server's I/O thread instead of the caller's
    /// runtime: no thread hop per call (the fastest setup for handlers that never block), but
    /// a handler that blocks or burns CPU then delays the heartbeats and every other call.
    pub handlers_on_io_thread: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            heartbeat: Duration::from_secs(5),
            max_message_size: 16 * 1024 * 1024,
            max_in_flight_per_peer: 1024,
            handlers_on_io_thread: false,
        }
    }
}

/// Configures and starts a [`Server`].
pub struct ServerBuilder {
    service: Service,
    endpoints: Vec<String>,
    config: ServerConfig,
    /// Set for a [`crate::Worker`]: connect to a broker instead of binding.
    worker: Option<Link>,
}

impl ServerBuilder {
    /// A worker's server: serves over the broker connection of `link`. Its callers' liveness is
    /// the broker's business (a call runs to its end even when its caller is gone).
    pub(crate) fn for_worker(service: Service, link: Link, heartbeat: Duration) -> Self {
        ServerBuilder {
            service,
            endpoints: Vec::new(),
            config: ServerConfig {
                heartbeat,
                ..ServerConfig::default()
            },
            worker: Some(link),
        }
    }

    /// Adds an endpoint to bind: `tcp://HOST:PORT` (`*` for all interfaces, port 0 for any)
    /// or `ipc://PATH`.
    pub fn bind(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoints.push(endpoint.into());
        self
    }

    pub fn heartbeat(mut self, interval: Duration) -> Self {
        self.config.heartbeat = interval;
        self
    }

    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.config.max_message_size = bytes;
        self
    }

    pub fn max_in_flight_per_peer(mut self, calls: usize) -> Self {
        self.config.max_in_flight_per_peer = calls;
        self
    }

    /// See [`ServerConfig::handlers_on_io_thread`].
    pub fn handlers_on_io_thread(mut self, enabled: bool) -> Self {
        self.config.handlers_on_io_thread = enabled;
        self
    }

    /// Binds every endpoint and starts serving. Must be called inside a tokio runtime: requests
    /// are dispatched and handlers run on it, while socket writes and heartbeats run on a
    /// dedicated thread, so a blocked runtime cannot silence the heartbeats (unless
    /// [`ServerBuilder::handlers_on_io_thread`] moves everything onto that thread).
    pub async fn start(self) -> Result<Server, Error> {
        let caller = Handle::try_current();
        if caller.is_err() && !self.config.handlers_on_io_thread {
            return Err(Error::Transport(
                "Server::start must be called inside a tokio runtime".into(),
            ));
        }
        if self.endpoints.is_empty() && self.worker.is_none() {
            return Err(Error::Transport("no endpoint to bind".into()));
        }
        if self.config.heartbeat.is_zero() {
            return Err(Error::Transport(
                "heartbeat interval must be positive".into(),
            ));
        }
        let endpoints = self
            .endpoints
            .iter()
            .map(|e| normalize_endpoint(e))
            .collect::<Result<Vec<_>, _>>()?;
        let table = Arc::new(Mutex::new(Table::default()));
        let (ready_tx, ready_rx) = oneshot::channel();
        let (io_stop_tx, io_stop_rx) = oneshot::channel();
        let (io_done_tx, io_done_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let heartbeat = self.config.heartbeat;
        let io_table = table.clone();
        let worker = self.worker;
        let check_clients = worker.is_none();
        std::thread::Builder::new()
            .name("zrpc-server-io".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(Error::Transport(format!(
                            "cannot start the server runtime: {e}"
                        ))));
                        return;
                    }
                };
                rt.block_on(async move {
                    let (outlet, outgoing) = Outlet::new();
                    let (incoming_tx, incoming) = mpsc::channel(INCOMING_QUEUE);
                    let io = Handle::current();
                    if let Some(link) = worker {
                        let bound = vec![link.endpoint().to_owned()];
                        tokio::spawn(link.run(outgoing, incoming_tx));
                        let _ = ready_tx.send(Ok((bound, outlet.clone(), incoming, io)));
                        heartbeats(outlet, io_table, heartbeat, io_stop_rx).await;
                        return;
                    }
                    // Bound here, so the accept loop and every peer's writer task run on
                    // this thread.
                    let mut socket = RouterSocket::new();
                    let mut bound = Vec::new();
                    for endpoint in &endpoints {
                        match socket.bind(endpoint).await {
                            Ok(actual) => bound.push(actual.to_string()),
                            Err(e) => {
                                let _ = ready_tx.send(Err(Error::Transport(format!(
                                    "cannot bind {endpoint}: {e}"
                                ))));
                                return;
                            }
                        }
                    }
                    let (send, recv) = socket.split();
                    tokio::spawn(write_messages(send, outgoing));
                    tokio::spawn(read_messages(recv, incoming_tx));
                    let _ = ready_tx.send(Ok((bound, outlet.clone(), incoming, io)));
                    heartbeats(outlet, io_table, heartbeat, io_stop_rx).await;
                });
                drop(rt);
                let _ = io_done_tx.send(());
            })
            .map_err(|e| Error::Transport(format!("cannot start the server thread: {e}")))?;
        let (endpoints, outlet, incoming, io) = ready_rx.await.map_err(|_| Error::Closed)??;
        let runtime = match caller {
            Ok(caller) if !self.config.handlers_on_io_thread => caller,
            _ => io,
        };
        let (stop_tx, stop_rx) = mpsc::unbounded_channel();
        let dispatcher = Dispatcher {
            outlet,
            service: self.service.inner.clone(),
            config: self.config,
            table,
            check_clients,
            stopping: false,
            io_stop: Some(io_stop_tx),
            io_done: Some(io_done_rx),
            done: Some(done_tx),
        };
        runtime.spawn(dispatcher.run(incoming, stop_rx));
        Ok(Server {
            endpoints,
            stop: stop_tx,
            done: Some(done_rx),
        })
    }
}

/// A running server. Dropping it stops it abruptly; [`Server::shutdown`] stops it gracefully.
pub struct Server {
    endpoints: Vec<String>,
    stop: mpsc::UnboundedSender<Stop>,
    done: Option<oneshot::Receiver<()>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Graceful,
    Abort,
}

impl Server {
    pub fn builder(service: Service) -> ServerBuilder {
        ServerBuilder {
            service,
            endpoints: Vec::new(),
            config: ServerConfig::default(),
            worker: None,
        }
    }

    /// Binds one endpoint with the default configuration.
    pub async fn bind(endpoint: &str, service: Service) -> Result<Server, Error> {
        Server::builder(service).bind(endpoint).start().await
    }

    /// The bound endpoints, with the actual port when port 0 was asked for.
    pub fn endpoints(&self) -> &[String] {
        &self.endpoints
    }

    /// The first bound endpoint, in a form a client can connect to (`0.0.0.0` → `127.0.0.1`).
    pub fn endpoint(&self) -> String {
        let first = self
            .endpoints
            .first()
            .map(String::as_str)
            .unwrap_or_default();
        first
            .replacen("tcp://0.0.0.0:", "tcp://127.0.0.1:", 1)
            .replacen("tcp://[::]:", "tcp://[::1]:", 1)
    }

    /// Refuses new calls, lets in-flight calls finish (heartbeats keep flowing), then closes.
    pub async fn shutdown(mut self) {
        self.stop_with(Stop::Graceful).await;
    }

    /// Closes the socket now and cancels every running handler.
    pub async fn abort(mut self) {
        self.stop_with(Stop::Abort).await;
    }

    async fn stop_with(&mut self, how: Stop) {
        let _ = self.stop.send(how);
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop.send(Stop::Abort);
    }
}

/// A channel is identified by the peer's routing id and the opening `message_id` (raw msgpack,
/// so a str id and a bin id with the same bytes are different channels).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ChannelKey {
    peer: Bytes,
    id: Bytes,
}

struct Channel {
    envelope: Vec<Bytes>,
    last_heartbeat: Option<Instant>,
    task: Option<AbortHandle>,
    credit: Option<Arc<Semaphore>>,
}

/// Open channels, shared by the dispatcher, the handler tasks (which close their channel) and
/// the heartbeat task on the I/O thread.
#[derive(Default)]
struct Table {
    channels: HashMap<ChannelKey, Channel>,
    in_flight: HashMap<Bytes, usize>,
}

impl Table {
    fn close(&mut self, key: &ChannelKey) -> Option<Channel> {
        let channel = self.channels.remove(key)?;
        if let Some(count) = self.in_flight.get_mut(&key.peer) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.in_flight.remove(&key.peer);
            }
        }
        Some(channel)
    }
}

type SharedTable = Arc<Mutex<Table>>;

fn lock(table: &SharedTable) -> MutexGuard<'_, Table> {
    // A panic while holding the lock leaves the table consistent (single-step updates).
    table.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Upper bound of a stream's credit, so `_zpc_more` with a huge count cannot overflow it.
const MAX_CREDIT: usize = 1 << 20;

/// Sends `_zpc_hb` on every open channel every interval, from the I/O thread.
async fn heartbeats(
    outlet: Outlet,
    table: SharedTable,
    interval: Duration,
    mut stop: oneshot::Receiver<Stop>,
) {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            how = &mut stop => {
                if how == Ok(Stop::Graceful) {
                    // The zeromq crate has no linger: give the writer tasks a moment to flush
                    // the last replies before the runtime (and the sockets) go away.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                return;
            }
            _ = ticker.tick() => {
                let beats: Vec<_> = lock(&table)
                    .channels
                    .iter()
                    .map(|(key, channel)| (channel.envelope.clone(), key.id.clone()))
                    .collect();
                for (envelope, id) in beats {
                    let event = EventWriter::event(Some(&id), "_zpc_hb", &[0x91, 0x00]);
                    outlet.send(envelope, event);
                }
            }
        }
    }
}

/// Messages received on the ROUTER, waiting for the dispatcher.
const INCOMING_QUEUE: usize = 1024;

pub(crate) type Incoming = Result<ZmqMessage, ZmqError>;

/// Reads the ROUTER on the I/O thread and hands the messages to the dispatcher; ends with the
/// first receive error (the socket is then unusable).
async fn read_messages(mut recv: RouterRecvHalf, incoming: mpsc::Sender<Incoming>) {
    loop {
        let message = recv.recv().await;
        let failed = message.is_err();
        if incoming.send(message).await.is_err() || failed {
            return;
        }
    }
}

/// Writes every outgoing event on the I/O thread, in order. A send waits only when a peer has
/// left the socket's whole per-peer queue (100,000 events) unread.
async fn write_messages(
    mut send: RouterSendHalf,
    mut outgoing: mpsc::UnboundedReceiver<ZmqMessage>,
) {
    while let Some(message) = outgoing.recv().await {
        if let Err(e) = send.send(message).await {
            // A peer that left: its calls are dropped by the liveness check.
            debug!("zrpc server: event not delivered: {e}");
        }
    }
}

/// Queues events for the I/O thread's writer, from the dispatcher, the handler tasks and the
/// heartbeat task. Never waits, and never touches the socket from another thread.
#[derive(Clone)]
struct Outlet {
    outgoing: mpsc::UnboundedSender<ZmqMessage>,
}

impl Outlet {
    fn new() -> (Self, mpsc::UnboundedReceiver<ZmqMessage>) {
        let (outgoing, receiver) = mpsc::unbounded_channel();
        (Outlet { outgoing }, receiver)
    }

    /// False once the server's I/O thread is gone.
    fn send(&self, envelope: Vec<Bytes>, event: Vec<u8>) -> bool {
        match routed_message(envelope, event) {
            Some(message) => self.outgoing.send(message).is_ok(),
            None => false,
        }
    }
}

/// Reads requests and channel events, checks limits and liveness, and spawns handlers.
struct Dispatcher {
    outlet: Outlet,
    service: Arc<ServiceInner>,
    config: ServerConfig,
    table: SharedTable,
    /// False for a worker, whose calls come from a broker.
    check_clients: bool,
    stopping: bool,
    /// Tells the I/O thread to stop; dropped (stopping it) if this task is dropped.
    io_stop: Option<oneshot::Sender<Stop>>,
    io_done: Option<oneshot::Receiver<()>>,
    /// Fires once everything is closed.
    done: Option<oneshot::Sender<()>>,
}

impl Dispatcher {
    async fn run(
        mut self,
        mut incoming: mpsc::Receiver<Incoming>,
        mut stop: mpsc::UnboundedReceiver<Stop>,
    ) {
        let interval = self.config.heartbeat;
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let how = loop {
            tokio::select! {
                biased;
                how = stop.recv() => match how {
                    Some(Stop::Graceful) => self.stopping = true,
                    Some(Stop::Abort) | None => break Stop::Abort,
                },
                message = incoming.recv() => match message {
                    Some(Ok(message)) => self.on_message(message),
                    Some(Err(e)) => {
                        warn!("zrpc server: socket receive failed, stopping: {e}");
                        break Stop::Abort;
                    }
                    None => break Stop::Abort,
                },
                // After the messages already received, so a stalled runtime does not make
                // heartbeats waiting in the socket look missing.
                _ = ticker.tick(), if self.check_clients => self.check_liveness(),
            }
            if self.stopping && lock(&self.table).channels.is_empty() {
                break Stop::Graceful;
            }
        };
        for (_, channel) in lock(&self.table).channels.drain() {
            if let Some(task) = channel.task {
                task.abort();
            }
        }
        if let Some(io_stop) = self.io_stop.take() {
            let _ = io_stop.send(how);
        }
        // The I/O thread owns the listener and every connection and closes them together.
        if let Some(io_done) = self.io_done.take() {
            let _ = io_done.await;
        }
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
    }

    fn on_message(&mut self, message: ZmqMessage) {
        let mut frames = message.into_vec();
        // The ROUTER puts the peer id first: [peer, (delimiter,) event] at least two frames.
        let Some(payload) = frames.pop() else {
            return;
        };
        if frames.len() >= 2 {
            frames.pop();
        }
        if frames.is_empty() {
            warn!("zrpc server: dropping a message without a routing id");
            return;
        }
        let envelope = frames;
        let size = payload.len();
        let event = match Event::decode(payload) {
            Ok(event) => event,
            Err(e) => {
                warn!("zrpc server: dropping an undecodable event ({size} bytes): {e}");
                return;
            }
        };
        if let Some(response_to) = event.response_to() {
            let key = ChannelKey {
                peer: envelope[0].clone(),
                id: Bytes::copy_from_slice(response_to),
            };
            self.on_channel_event(&key, &event);
            return;
        }
        if size > self.config.max_message_size {
            warn!(
                "zrpc server: refusing a {size}-byte request (limit {})",
                self.config.max_message_size
            );
            let error = RemoteError::new(
                "MessageTooLarge",
                format!(
                    "request of {size} bytes exceeds the server limit of {} bytes",
                    self.config.max_message_size
                ),
            );
            self.reply_now(envelope, &event, Err(error));
            return;
        }
        self.on_request(envelope, event);
    }

    fn on_channel_event(&mut self, key: &ChannelKey, event: &Event) {
        let mut table = lock(&self.table);
        let Some(channel) = table.channels.get_mut(key) else {
            debug!(
                "zrpc server: dropping {} for an unknown channel",
                event.name()
            );
            return;
        };
        match event.name() {
            "_zpc_hb" => channel.last_heartbeat = Some(Instant::now()),
            "_zpc_more" => {
                let grant = array_spans(event.args())
                    .ok()
                    .and_then(|spans| spans.first().cloned())
                    .and_then(|span| rmp_serde::from_slice::<u64>(&event.args()[span]).ok());
                match (grant, &channel.credit) {
                    (Some(n), Some(credit)) => {
                        let room = MAX_CREDIT.saturating_sub(credit.available_permits());
                        credit.add_permits(usize::try_from(n).unwrap_or(usize::MAX).min(room));
                    }
                    (None, _) => warn!("zrpc server: ignoring a malformed _zpc_more"),
                    (Some(_), None) => {}
                }
            }
            other => {
                debug!("zrpc server: ignoring unexpected event {other:?} on an open channel")
            }
        }
    }

    fn on_request(&mut self, envelope: Vec<Bytes>, event: Event) {
        let name = event.name();
        if self.stopping {
            let error = RemoteError::new("ServerShuttingDown", "the server is shutting down");
            self.reply_now(envelope, &event, Err(error));
            return;
        }
        if let Some(payload) = self.service.builtins.get(name) {
            let payload = payload.clone();
            self.reply_now(envelope, &event, Ok(payload));
            return;
        }
        if let Some(result) = builtin_with_arg(&self.service, name, &event.args_bytes()) {
            self.reply_now(envelope, &event, result);
            return;
        }
        let service = self.service.clone();
        let Some(method) = service.method(name) else {
            let error = RemoteError::new("NameError", name.to_owned());
            self.reply_now(envelope, &event, Err(error));
            return;
        };
        let args = match Args::parse(method.name.clone(), event.args_bytes()) {
            Ok(args) if args.len() == method.info.args.len() => args,
            Ok(args) => {
                let expected = method.info.args.len();
                let error = RemoteError::type_error(format!(
                    "{}() takes {expected} argument{} ({}) but {} were given",
                    method.name,
                    if expected == 1 { "" } else { "s" },
                    method.info.args.join(", "),
                    args.len()
                ));
                self.reply_now(envelope, &event, Err(error));
                return;
            }
            Err(error) => {
                self.reply_now(envelope, &event, Err(error));
                return;
            }
        };
        let kind = method.info.kind;
        if kind == MethodKind::Oneway {
            self.reply_now(envelope, &event, Ok(vec![0xc0]));
            let method_name = method.name.clone();
            let future = (method.handler)(args);
            tokio::spawn(async move {
                match AssertUnwindSafe(future).catch_unwind().await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => warn!("zrpc server: oneway {method_name} failed: {e}"),
                    Err(_) => warn!("zrpc server: oneway {method_name} panicked"),
                }
            });
            return;
        }
        let key = ChannelKey {
            peer: envelope[0].clone(),
            id: event.message_id_bytes(),
        };
        let mut table = lock(&self.table);
        let in_flight = table.in_flight.get(&key.peer).copied().unwrap_or(0);
        if in_flight >= self.config.max_in_flight_per_peer {
            drop(table);
            let error = RemoteError::new(
                "ServerBusy",
                format!(
                    "too many calls in flight from this client (limit {})",
                    self.config.max_in_flight_per_peer
                ),
            );
            self.reply_now(envelope, &event, Err(error));
            return;
        }
        if table.channels.contains_key(&key) {
            warn!("zrpc server: dropping a request that reuses an open channel id");
            return;
        }
        *table.in_flight.entry(key.peer.clone()).or_insert(0) += 1;
        let credit = (kind == MethodKind::Stream).then(|| Arc::new(Semaphore::new(1)));
        let call = Call {
            key: key.clone(),
            envelope: envelope.clone(),
            outlet: self.outlet.clone(),
            table: self.table.clone(),
        };
        let future = (method.handler)(args);
        // Spawned while the table is locked, so the task cannot finish (and close its
        // channel) before the channel exists.
        let task = tokio::spawn(call.run(future, credit.clone()));
        table.channels.insert(
            key,
            Channel {
                envelope,
                last_heartbeat: None,
                task: Some(task.abort_handle()),
                credit,
            },
        );
    }

    /// Answers a request at once (errors, built-ins, acks).
    fn reply_now(
        &mut self,
        envelope: Vec<Bytes>,
        request: &Event,
        result: Result<Vec<u8>, RemoteError>,
    ) {
        let event = match result {
            Ok(value) => ok_event(request.message_id(), &value),
            Err(error) => err_event(request.message_id(), &error),
        };
        self.outlet.send(envelope, event);
    }

    /// Cancels the calls of clients silent for more than two intervals (Python's rule: the
    /// first check without any heartbeat only sets the baseline).
    fn check_liveness(&mut self) {
        let now = Instant::now();
        let lost_after = 2 * self.config.heartbeat;
        let mut table = lock(&self.table);
        let mut lost = Vec::new();
        for (key, channel) in &mut table.channels {
            match channel.last_heartbeat {
                None => channel.last_heartbeat = Some(now),
                Some(last) if now.duration_since(last) > lost_after => lost.push(key.clone()),
                Some(_) => {}
            }
        }
        for key in lost {
            if let Some(channel) = table.close(&key) {
                warn!("zrpc server: lost remote (no heartbeat for {lost_after:?}), cancelling its call");
                if let Some(task) = channel.task {
                    task.abort();
                }
            }
        }
    }
}

fn ok_event(response_to: &[u8], value: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(96 + value.len());
    EventWriter::begin(&mut buf, Some(response_to), None, "OK");
    buf.push(0x91);
    buf.extend_from_slice(value);
    buf
}

fn err_event(response_to: &[u8], error: &RemoteError) -> Vec<u8> {
    let details = error.details.as_ref().map(|d| {
        let mut buf = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = rmpv::encode::write_value(&mut buf, d);
        buf
    });
    let mut buf = Vec::with_capacity(128 + error.message.len());
    EventWriter::begin(&mut buf, Some(response_to), details.as_deref(), "ERR");
    buf.push(0x93);
    crate::codec::write_str(&mut buf, &error.name);
    crate::codec::write_str(&mut buf, &error.message);
    match &error.traceback {
        Some(tb) => crate::codec::write_str(&mut buf, tb),
        None => buf.push(0xc0),
    }
    buf
}

/// One running call: queues its events for the I/O thread and closes its channel.
struct Call {
    key: ChannelKey,
    envelope: Vec<Bytes>,
    outlet: Outlet,
    table: SharedTable,
}

impl Call {
    async fn run(self, future: HandlerFuture, credit: Option<Arc<Semaphore>>) {
        let reply = match AssertUnwindSafe(future).catch_unwind().await {
            Ok(reply) => reply,
            Err(_) => Err(RemoteError::new("Panic", "the handler panicked")),
        };
        let (mut items, credit) = match reply {
            Ok(Reply(ReplyKind::Value(value))) => {
                let event = ok_event(&self.key.id, &value);
                return self.finish(event);
            }
            Ok(Reply(ReplyKind::Stream(items))) => match credit {
                Some(credit) => (items, credit),
                None => {
                    let error = RemoteError::new(
                        "ServerError",
                        "the handler returned a stream for a method not declared MethodKind::Stream",
                    );
                    let event = err_event(&self.key.id, &error);
                    return self.finish(event);
                }
            },
            Err(error) => {
                let event = err_event(&self.key.id, &error);
                return self.finish(event);
            }
        };
        loop {
            // Every event costs one credit granted by the client's `_zpc_more`.
            match credit.acquire().await {
                Ok(permit) => permit.forget(),
                Err(_) => return,
            }
            let event = match AssertUnwindSafe(items.next()).catch_unwind().await {
                Ok(Some(Ok(item))) => {
                    let mut buf = Vec::with_capacity(80 + item.len());
                    EventWriter::begin(&mut buf, Some(&self.key.id), None, "STREAM");
                    buf.extend_from_slice(&item);
                    if !self.outlet.send(self.envelope.clone(), buf) {
                        return;
                    }
                    continue;
                }
                Ok(Some(Err(error))) => err_event(&self.key.id, &error),
                Ok(None) => EventWriter::event(Some(&self.key.id), "STREAM_DONE", &[0xc0]),
                Err(_) => err_event(
                    &self.key.id,
                    &RemoteError::new("Panic", "the stream panicked"),
                ),
            };
            return self.finish(event);
        }
    }

    /// Sends the final event, unless the channel was closed meanwhile (lost client), then
    /// closes the channel.
    fn finish(self, event: Vec<u8>) {
        if lock(&self.table).channels.contains_key(&self.key) {
            self.outlet.send(self.envelope, event);
        }
        lock(&self.table).close(&self.key);
    }
}
