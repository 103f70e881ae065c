//! The server: a ROUTER whose connections (reads, writes, handshakes), heartbeats and request
//! dispatch run on a dedicated I/O thread, while handlers run on the caller's tokio runtime,
//! except quick ones, which finish on their first poll on the I/O thread (see `placement`).
//! Replies are queued from any thread without waiting: each peer has its own bounded queue and
//! writer, so a peer that stops reading never delays another.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use foldhash::HashMap;
use futures::{FutureExt, StreamExt};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot, Notify, Semaphore};
use tokio::task::AbortHandle;
use tracing::{debug, warn};

use crate::codec::{array_spans, header_field_in_prefix, Event, EventWriter};
use crate::error::{Error, RemoteError};
use crate::liveness::PeerBeats;
use crate::log_limit::{suppressed_note, LogLimit};
use crate::placement::{Placement, Verdict};
use crate::queued::{FairQueue, Queued, Ticket};
use crate::service::{
    builtin_with_arg, Args, HandlerFuture, MethodKind, Reply, ReplyKind, Service, ServiceInner,
};
use crate::splice::Encoded;
use crate::transport::curve::{Admission, AllowList, KeyPair, ServerCurve};
use crate::transport::{
    normalize_endpoint, routed_message, Dealer, DealerSender, Message, Options, OutEvent, Received,
    Router, RouterSender, SendError, Tap,
};
use crate::worker::WorkerLink;

/// Tunables of a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Interval of `_zpc_hb` on each open channel, the first one interval after it opens.
    /// A client is lost after twice the larger of this and its own observed interval (see
    /// the liveness rule in docs/protocol.md).
    pub heartbeat: Duration,
    /// Larger messages are refused from their frame headers, before they are read: the
    /// connection of a peer that sends one is closed.
    pub max_message_size: usize,
    /// Events queued for one client; beyond it replies to that client are dropped (a client
    /// that stops reading only hurts itself) and streams wait.
    pub send_queue_per_peer: usize,
    /// Open calls per peer; more are answered with `ERR ServerBusy`.
    pub max_in_flight_per_peer: usize,
    /// Run every handler on the server's I/O thread instead of the caller's runtime. By
    /// default only the handlers whose first polls have proved quick are polled there first
    /// (and continue on the caller's runtime if they wait), so a handler that blocks cannot
    /// delay the heartbeats; with this set, one that blocks or burns CPU delays the heartbeats
    /// and every other call.
    pub handlers_on_io_thread: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            heartbeat: Duration::from_secs(5),
            max_message_size: 16 * 1024 * 1024,
            send_queue_per_peer: 10_000,
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
    curve: Option<ServerCurve>,
    /// Set for a [`crate::Worker`]: connect to a broker instead of binding.
    worker: Option<WorkerLink>,
}

impl ServerBuilder {
    /// A worker's server: serves over the broker connection of `link`. Its callers' liveness is
    /// the broker's business (a call runs to its end even when its caller is gone).
    pub(crate) fn for_worker(service: Service, link: WorkerLink, heartbeat: Duration) -> Self {
        ServerBuilder {
            service,
            endpoints: Vec::new(),
            config: ServerConfig {
                heartbeat,
                ..ServerConfig::default()
            },
            curve: None,
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

    /// Serves over CURVE with this key pair. Without [`ServerBuilder::curve_allow`] or
    /// [`ServerBuilder::curve_authorize`] every client completing the handshake is served
    /// (encrypted, anonymous); plain clients never are.
    pub fn curve(mut self, keys: KeyPair) -> Self {
        self.curve = Some(ServerCurve {
            keys,
            admission: Admission::Anyone,
        });
        self
    }

    /// Admits only the clients whose public key is in `list` (reloadable, see
    /// [`AllowList::reload`]). Needs [`ServerBuilder::curve`].
    pub fn curve_allow(mut self, list: AllowList) -> Self {
        if let Some(curve) = &mut self.curve {
            curve.admission = Admission::List(list);
        }
        self
    }

    /// Admits the clients whose long-term public key `authorize` accepts (called once per
    /// connection, on the I/O thread: keep it quick). Needs [`ServerBuilder::curve`].
    pub fn curve_authorize(
        mut self,
        authorize: impl Fn(&[u8; 32]) -> bool + Send + Sync + 'static,
    ) -> Self {
        if let Some(curve) = &mut self.curve {
            curve.admission = Admission::Callback(Arc::new(authorize));
        }
        self
    }

    /// See [`ServerConfig::send_queue_per_peer`].
    pub fn send_queue_per_peer(mut self, events: usize) -> Self {
        self.config.send_queue_per_peer = events;
        self
    }

    /// See [`ServerConfig::handlers_on_io_thread`].
    pub fn handlers_on_io_thread(mut self, enabled: bool) -> Self {
        self.config.handlers_on_io_thread = enabled;
        self
    }

    /// Binds every endpoint and starts serving. Must be called inside a tokio runtime: handlers
    /// run on it, while sockets, dispatch and heartbeats run on a dedicated thread, so a blocked
    /// runtime cannot silence the heartbeats. Handlers whose first polls have proved quick
    /// finish on that thread without a hop (see ARCHITECTURE.md, "Handler placement");
    /// [`ServerBuilder::handlers_on_io_thread`] moves every handler there.
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
        let options = Options {
            max_message_size: self.config.max_message_size,
            send_hwm: self.config.send_queue_per_peer,
            security: match (&self.worker, &self.curve) {
                (Some(link), _) => link.security(),
                (None, Some(curve)) => curve.security(),
                (None, None) => zrpc_zmtp::Security::Null,
            },
            ..Options::default()
        };
        let handlers = match caller {
            Ok(caller) if !self.config.handlers_on_io_thread => Handlers::Caller(caller),
            _ => Handlers::IoThread,
        };
        let heartbeat = self.config.heartbeat;
        let table = Arc::new(Mutex::new(Table::default()));
        let io = IoSide {
            endpoints,
            options,
            worker: self.worker,
            service: self.service.inner.clone(),
            config: self.config,
            handlers,
            table: table.clone(),
        };
        let (ready_tx, ready_rx) = oneshot::channel();
        let (stop_tx, stop_rx) = mpsc::unbounded_channel();
        let (done_tx, done_rx) = oneshot::channel();
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
                let (io_stop_tx, io_stop_rx) = oneshot::channel();
                rt.block_on(async move {
                    let (core, socket, outlet, bound) = match io.open().await {
                        Ok(opened) => opened,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(bound));
                    // Sockets, connections and this task all run on this thread.
                    tokio::spawn(run(core, socket, stop_rx, io_stop_tx));
                    heartbeats(outlet, table, heartbeat, io_stop_rx).await;
                });
                // Closes every connection and ends the dispatch task.
                drop(rt);
                let _ = done_tx.send(());
            })
            .map_err(|e| Error::Transport(format!("cannot start the server thread: {e}")))?;
        let endpoints = ready_rx.await.map_err(|_| Error::Closed)??;
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
            curve: None,
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
    beats: PeerBeats,
    next_beat: Instant,
    task: Option<AbortHandle>,
    credit: Option<Arc<Semaphore>>,
}

/// Open channels, shared by the dispatcher, the handler tasks (which close their channel) and
/// the heartbeat task on the I/O thread.
#[derive(Default)]
struct Table {
    channels: HashMap<ChannelKey, Channel>,
    in_flight: HashMap<Bytes, usize>,
    /// Set by a graceful stop: told when the last channel closes.
    on_idle: Option<Arc<Notify>>,
}

impl Table {
    fn close(&mut self, key: &ChannelKey) -> Option<Channel> {
        let channel = self.channels.remove(key)?;
        if let (true, Some(on_idle)) = (self.channels.is_empty(), &self.on_idle) {
            on_idle.notify_one();
        }
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

/// Sends `_zpc_hb` on each open channel one interval after it opened, then every interval,
/// from the I/O thread. The channels are scanned on a tick of a tenth of the interval (at most
/// 100 ms): no work per call, and each channel keeps its own schedule within one tick.
async fn heartbeats(
    outlet: Outlet,
    table: SharedTable,
    interval: Duration,
    mut stop: oneshot::Receiver<Stop>,
) {
    let tick = (interval / 10).clamp(Duration::from_millis(1), Duration::from_millis(100));
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = ticker.tick() => {
                let now = Instant::now();
                let due: Vec<(Vec<Bytes>, Bytes)> = lock(&table)
                    .channels
                    .iter_mut()
                    .filter(|(_, channel)| channel.next_beat <= now)
                    .map(|(key, channel)| {
                        channel.next_beat = (channel.next_beat + interval).max(now);
                        (channel.envelope.clone(), key.id.clone())
                    })
                    .collect();
                for (envelope, id) in due {
                    let event = EventWriter::event(Some(&id), "_zpc_hb", &[0x91, 0x00]);
                    outlet.send(envelope, event);
                }
            }
        }
    }
}

/// The server's socket: its clients' ROUTER, or a worker's broker connection. Both hand every
/// message to the dispatcher in the connection's task (a tap): no queue or task hop per call.
enum Socket {
    Clients(Router),
    Broker(Dealer),
}

impl Socket {
    /// Flushes the last replies (for at most the linger time) and removes ipc files.
    async fn close(self) {
        match self {
            Socket::Clients(router) => router.close().await,
            // The broker re-routes whatever a worker leaves unanswered.
            Socket::Broker(dealer) => drop(dealer),
        }
    }
}

/// What the I/O thread needs to open the socket and build the dispatcher.
struct IoSide {
    endpoints: Vec<String>,
    options: Options,
    worker: Option<WorkerLink>,
    service: Arc<ServiceInner>,
    config: ServerConfig,
    handlers: Handlers,
    table: SharedTable,
}

impl IoSide {
    /// Opens the socket with the dispatcher on its tap, then binds; on the I/O thread.
    async fn open(self) -> Result<(Arc<Core>, Socket, Outlet, Vec<String>), Error> {
        // The tap exists before the dispatcher, which needs the socket's sender; it is filled
        // before this task first waits, so before any connection can deliver.
        let slot: Arc<OnceLock<Arc<Core>>> = Arc::default();
        let tap: Tap = {
            let slot = slot.clone();
            Arc::new(move |message| slot.get().is_some_and(|core| core.on_message(message)))
        };
        let check_clients = self.worker.is_none();
        let (mut socket, sink, mut bound) = match self.worker {
            Some(link) => {
                let dealer = Dealer::connect_tapped(link.endpoint(), self.options, tap)
                    .map_err(|e| Error::Transport(e.to_string()))?;
                let bound = vec![link.endpoint().to_owned()];
                let sink = Sink::Broker(dealer.sender());
                tokio::spawn(link.announce(dealer.sender(), dealer.link()));
                (Socket::Broker(dealer), sink, bound)
            }
            None => {
                let mut router = Router::new(self.options);
                router.set_tap(tap);
                let sink = Sink::Clients(router.sender());
                (Socket::Clients(router), sink, Vec::new())
            }
        };
        let outlet = Outlet::new(sink);
        let core = Arc::new(Core {
            dispatcher: Mutex::new(Dispatcher {
                outlet: outlet.clone(),
                service: self.service,
                config: self.config,
                handlers: self.handlers,
                table: self.table,
                check_clients,
                stopping: false,
                queued: Arc::default(),
                runtime_behind: false,
                deferred: FairQueue::default(),
                bad_input: LogLimit::default(),
                slow_polls: LogLimit::default(),
                answered: false,
            }),
            wake: Arc::default(),
        });
        let _ = slot.set(core.clone());
        if let Socket::Clients(router) = &mut socket {
            for endpoint in &self.endpoints {
                let actual = router
                    .bind(endpoint)
                    .await
                    .map_err(|e| Error::Transport(e.to_string()))?;
                bound.push(actual);
            }
        }
        Ok((core, socket, outlet, bound))
    }
}

/// Where replies go. A broker connection's messages carry no routing id of their own (the
/// envelope's first frame is the DEALER's empty peer id), and they never wait either.
#[derive(Clone)]
enum Sink {
    Clients(RouterSender),
    Broker(DealerSender),
}

impl Sink {
    fn send(&self, message: Message) -> Result<(), SendError> {
        let Message { mut frames, pieces } = message;
        match self {
            Sink::Clients(sender) => sender.send_pieces(frames, pieces),
            Sink::Broker(sender) => {
                if frames.is_empty() {
                    return Err(SendError::NoRoutingId);
                }
                frames.remove(0);
                sender
                    .try_send_pieces(frames, pieces)
                    .map_err(|_| SendError::Full)
            }
        }
    }
}

/// Queues events for the clients' writers, from the dispatcher, the handler tasks and the
/// heartbeat task. Never waits, from any thread.
#[derive(Clone)]
struct Outlet {
    sender: Sink,
    dropped: Arc<Mutex<LogLimit>>,
}

impl Outlet {
    fn new(sender: Sink) -> Self {
        Outlet {
            sender,
            dropped: Arc::default(),
        }
    }

    /// Queues an event; `Err(Full)` when that client's queue is full (the event is dropped).
    fn try_send(&self, envelope: Vec<Bytes>, event: OutEvent) -> Result<(), SendError> {
        self.sender.send(routed_message(envelope, event))
    }

    /// Queues an event, dropping it (with a rate-limited log line) if the client's queue is
    /// full or the client left.
    fn send(&self, envelope: Vec<Bytes>, event: impl Into<OutEvent>) {
        if let Err(e) = self.try_send(envelope, event.into()) {
            let allowed = self
                .dropped
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .allow();
            if let Some(suppressed) = allowed {
                debug!(
                    "zrpc server: event to a client dropped: {e}{}",
                    suppressed_note(suppressed)
                );
            }
        }
    }
}

/// Where handlers run.
enum Handlers {
    /// Everything on the I/O thread ([`ServerConfig::handlers_on_io_thread`]).
    IoThread,
    /// On the runtime that started the server; quick ones finish inline on the I/O thread.
    Caller(Handle),
}

impl Handlers {
    fn spawn<F>(&self, future: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Handlers::IoThread => tokio::spawn(future),
            Handlers::Caller(runtime) => runtime.spawn(future),
        }
    }
}

/// Takes requests and channel events as the connections read them, checks limits and
/// liveness, and runs handlers (quick ones inline, on the I/O thread where it runs).
struct Dispatcher {
    outlet: Outlet,
    service: Arc<ServiceInner>,
    config: ServerConfig,
    handlers: Handlers,
    table: SharedTable,
    /// False for a worker, whose calls come from a broker.
    check_clients: bool,
    stopping: bool,
    /// Calls spawned on the handlers' runtime and not started yet (see `queued`).
    queued: Arc<Queued>,
    /// Set when [`queued::LIMIT`](crate::queued::LIMIT) of them wait: calls go to `deferred`
    /// until the runtime has caught up.
    runtime_behind: bool,
    /// Calls waiting for their turn on the runtime, per peer.
    deferred: FairQueue<Deferred>,
    bad_input: LogLimit,
    /// Inline polls that moved a method off the I/O thread (often preemption on a busy host).
    slow_polls: LogLimit,
    /// Set when the message being dispatched was answered at once (see [`Dispatcher::answer`]).
    answered: bool,
}

/// The dispatcher, shared by the connections' taps and the task that stops it, checks
/// liveness and resumes deferred calls (all on the I/O thread, so the lock is never contended).
struct Core {
    dispatcher: Mutex<Dispatcher>,
    /// Wakes that task when there is work for it: the runtime fell behind, or the server is
    /// stopping and may now be done.
    wake: Arc<Notify>,
}

impl Core {
    fn lock(&self) -> MutexGuard<'_, Dispatcher> {
        // Handlers' panics are caught; a poisoned lock still holds a usable dispatcher.
        self.dispatcher
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The tap: true when the message was answered at once, so its connection writes the
    /// answer before it reads on.
    fn on_message(&self, message: Received) -> bool {
        let mut dispatcher = self.lock();
        let was_behind = dispatcher.runtime_behind;
        dispatcher.answered = false;
        dispatcher.on_message(message);
        if dispatcher.stopping || dispatcher.runtime_behind != was_behind {
            self.wake.notify_one();
        }
        dispatcher.answered
    }
}

/// Stops the server when told to (gracefully: once every call has ended), checks the clients'
/// liveness, and hands deferred calls to the runtime as it catches up. Ends the I/O thread's
/// heartbeats through `io_stop` when done (or dropped).
async fn run(
    core: Arc<Core>,
    socket: Socket,
    mut stop: mpsc::UnboundedReceiver<Stop>,
    io_stop: oneshot::Sender<Stop>,
) {
    let (interval, check_clients, queued) = {
        let dispatcher = core.lock();
        let queued = dispatcher.queued.clone();
        (
            dispatcher.config.heartbeat,
            dispatcher.check_clients,
            queued,
        )
    };
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let how = loop {
        let behind = core.lock().runtime_behind;
        tokio::select! {
            biased;
            how = stop.recv() => match how {
                Some(Stop::Graceful) => core.lock().stop_gracefully(&core.wake),
                Some(Stop::Abort) | None => break Stop::Abort,
            },
            () = queued.room(), if behind => core.lock().caught_up(),
            () = core.wake.notified() => {}
            _ = ticker.tick(), if check_clients => core.lock().check_liveness(),
        }
        if core.lock().done() {
            break Stop::Graceful;
        }
    };
    // Connections may still deliver until the socket closes: refuse those calls.
    core.lock().stopping = true;
    for (_, channel) in lock(&core.lock().table).channels.drain() {
        if let Some(task) = channel.task {
            task.abort();
        }
    }
    if how == Stop::Graceful {
        // Flushes the last replies (for at most the linger time) and removes ipc files.
        socket.close().await;
    } else {
        drop(socket);
    }
    // The I/O thread owns the listener and every connection and closes them together.
    let _ = io_stop.send(how);
}

impl Dispatcher {
    /// Refuses new calls from now on; `wake` is told when the last call ends.
    fn stop_gracefully(&mut self, wake: &Arc<Notify>) {
        self.stopping = true;
        lock(&self.table).on_idle = Some(wake.clone());
    }

    /// The runtime has room again: hands it the calls that waited.
    fn caught_up(&mut self) {
        self.runtime_behind = false;
        self.spawn_deferred();
    }

    /// Stopping gracefully, and every call has ended (waiting oneway calls have no channel,
    /// and are run before the end too).
    fn done(&self) -> bool {
        self.stopping && self.deferred.is_empty() && lock(&self.table).channels.is_empty()
    }

    fn on_message(&mut self, message: Received) {
        let Received {
            peer,
            mut frames,
            oversized,
        } = message;
        // [(routing frames..., delimiter,) event]
        let Some(payload) = frames.pop() else {
            return;
        };
        frames.pop();
        // Room for the reply's delimiter and event too.
        let mut envelope = Vec::with_capacity(3 + frames.len());
        envelope.push(peer.id.clone());
        envelope.extend(frames);
        if let Some(size) = oversized {
            self.refuse_oversized(envelope, &payload, size);
            return;
        }
        let size = payload.len();
        let event = match Event::decode(payload) {
            Ok(event) => event,
            Err(e) => {
                if let Some(suppressed) = self.bad_input.allow() {
                    warn!(
                        "zrpc server: dropping an undecodable event ({size} bytes): {e}{}",
                        suppressed_note(suppressed)
                    );
                }
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
        self.on_request(envelope, event, peer.public_key);
    }

    /// A request over the size limit: the transport skipped all but its first bytes, which
    /// still name the call to answer with `ERR MessageTooLarge`.
    fn refuse_oversized(&mut self, envelope: Vec<Bytes>, prefix: &[u8], size: u64) {
        let limit = self.config.max_message_size;
        if let Some(suppressed) = self.bad_input.allow() {
            warn!(
                "zrpc server: refusing a {size}-byte message (limit {limit}){}",
                suppressed_note(suppressed)
            );
        }
        let is_request = header_field_in_prefix(prefix, "response_to").is_none();
        if let (Some(id), true) = (header_field_in_prefix(prefix, "message_id"), is_request) {
            let error = RemoteError::new(
                "MessageTooLarge",
                format!("request of {size} bytes exceeds the server limit of {limit} bytes"),
            );
            self.answer(envelope, err_event(&id, &error));
        }
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
        channel.beats.heard(Instant::now());
        match event.name() {
            "_zpc_hb" => channel.beats.beat(Instant::now()),
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

    fn on_request(&mut self, envelope: Vec<Bytes>, event: Event, peer_key: Option<[u8; 32]>) {
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
            Ok(args) if args.len() == method.info.args.len() => args.with_peer_key(peer_key),
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
            let name = method.name.clone();
            if !self.runtime_behind {
                self.reply_now(envelope, &event, Ok(vec![0xc0]));
                self.spawn_oneway(name, (method.handler)(args));
                return;
            }
            // Waiting oneway calls have no channel: the in-flight limit bounds them here.
            let limit = self.config.max_in_flight_per_peer;
            if self.deferred.waiting(&envelope[0]) >= limit {
                let error = busy(limit);
                self.reply_now(envelope, &event, Err(error));
                return;
            }
            let peer = envelope[0].clone();
            self.reply_now(envelope, &event, Ok(vec![0xc0]));
            let future = (method.handler)(args);
            self.deferred.push(&peer, Deferred::Oneway { name, future });
            return;
        }
        let key = ChannelKey {
            peer: envelope[0].clone(),
            id: event.message_id_bytes(),
        };
        let table = lock(&self.table);
        let in_flight = table.in_flight.get(&key.peer).copied().unwrap_or(0);
        if in_flight >= self.config.max_in_flight_per_peer {
            drop(table);
            let error = busy(self.config.max_in_flight_per_peer);
            self.reply_now(envelope, &event, Err(error));
            return;
        }
        if table.channels.contains_key(&key) {
            warn!("zrpc server: dropping a request that reuses an open channel id");
            return;
        }
        let mut future = (method.handler)(args);
        // A unary handler polled inline and finished needs no channel: no heartbeat is due
        // before its reply, which is queued at once.
        let mut first_poll = None;
        if kind == MethodKind::Unary {
            let inline = match &self.handlers {
                Handlers::IoThread => Some(None),
                Handlers::Caller(runtime) => method.placement.inline().then_some(Some(runtime)),
            };
            match inline {
                Some(runtime) => {
                    drop(table);
                    let started = Instant::now();
                    let polled = {
                        let _context = runtime.map(Handle::enter);
                        std::panic::catch_unwind(AssertUnwindSafe(|| (&mut future).now_or_never()))
                    };
                    if runtime.is_some()
                        && method.placement.observe_inline(started.elapsed()) == Verdict::Demoted
                    {
                        if let Some(suppressed) = self.slow_polls.allow() {
                            warn!(
                                "zrpc server: a call of {} took {:?} on the I/O thread (a blocking \
                                 handler, or the thread was preempted); its handler runs on the \
                                 server's runtime until it proves quick again (blocking code \
                                 belongs in ServiceBuilder::blocking_method){}",
                                method.name,
                                started.elapsed(),
                                suppressed_note(suppressed)
                            );
                        }
                    }
                    let reply = match polled {
                        Ok(Some(reply)) => reply,
                        Ok(None) => {
                            self.open_channel(key, envelope, future, None, None);
                            return;
                        }
                        Err(_) => Err(RemoteError::new("Panic", "the handler panicked")),
                    };
                    let event = final_event(&key.id, reply);
                    self.answer(envelope, event);
                    return;
                }
                None => first_poll = Some(method.placement.clone()),
            }
        }
        drop(table);
        let credit = (kind == MethodKind::Stream).then(|| Arc::new(Semaphore::new(1)));
        self.open_channel(key, envelope, future, credit, first_poll);
    }

    /// Runs a call as a task, with its channel open (heartbeats, liveness, cancellation) until
    /// its final event; while the runtime is behind, the task waits in `deferred` (channel
    /// open). `first_poll`: time the first poll for the method's placement.
    fn open_channel(
        &mut self,
        key: ChannelKey,
        envelope: Vec<Bytes>,
        future: HandlerFuture,
        credit: Option<Arc<Semaphore>>,
        first_poll: Option<Arc<Placement>>,
    ) {
        let mut table = lock(&self.table);
        *table.in_flight.entry(key.peer.clone()).or_insert(0) += 1;
        let now = Instant::now();
        let mut channel = Channel {
            envelope,
            beats: PeerBeats::new(now),
            next_beat: now + self.config.heartbeat,
            task: None,
            credit: credit.clone(),
        };
        if self.runtime_behind {
            table.channels.insert(key.clone(), channel);
            drop(table);
            let peer = key.peer.clone();
            let call = Deferred::Call {
                key,
                future,
                credit,
                first_poll,
            };
            self.deferred.push(&peer, call);
            return;
        }
        // Spawned while the table is locked, so the task cannot finish (and close its
        // channel) before the channel exists.
        let envelope = channel.envelope.clone();
        let (task, behind) = self.spawn_call(key.clone(), envelope, future, credit, first_poll);
        channel.task = Some(task);
        table.channels.insert(key, channel);
        drop(table);
        self.runtime_behind = behind;
    }

    /// Spawns a call on the handlers' runtime; true when the runtime is now behind.
    fn spawn_call(
        &self,
        key: ChannelKey,
        envelope: Vec<Bytes>,
        future: HandlerFuture,
        credit: Option<Arc<Semaphore>>,
        first_poll: Option<Arc<Placement>>,
    ) -> (AbortHandle, bool) {
        let (ticket, behind) = self.queued.enter();
        let call = Call {
            key,
            envelope,
            outlet: self.outlet.clone(),
            table: self.table.clone(),
        };
        let task = self
            .handlers
            .spawn(call.run(future, ticket, credit, first_poll));
        (task.abort_handle(), behind)
    }

    fn spawn_oneway(&mut self, name: Arc<str>, future: HandlerFuture) {
        let (ticket, behind) = self.queued.enter();
        self.runtime_behind |= behind;
        self.handlers.spawn(async move {
            drop(ticket);
            match AssertUnwindSafe(future).catch_unwind().await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => warn!("zrpc server: oneway {name} failed: {e}"),
                Err(_) => warn!("zrpc server: oneway {name} panicked"),
            }
        });
    }

    /// Hands waiting calls to the runtime, one peer at a time, until it is behind again.
    fn spawn_deferred(&mut self) {
        while !self.runtime_behind {
            match self.deferred.pop() {
                None => return,
                Some(Deferred::Oneway { name, future }) => self.spawn_oneway(name, future),
                Some(Deferred::Call {
                    key,
                    future,
                    credit,
                    first_poll,
                }) => {
                    let mut table = lock(&self.table);
                    // Gone when its client was lost meanwhile.
                    let Some(channel) = table.channels.get_mut(&key) else {
                        continue;
                    };
                    let envelope = channel.envelope.clone();
                    let (task, behind) = self.spawn_call(key, envelope, future, credit, first_poll);
                    channel.task = Some(task);
                    drop(table);
                    self.runtime_behind = behind;
                }
            }
        }
    }

    /// Answers a request at once (errors, built-ins, acks).
    fn reply_now(
        &mut self,
        envelope: Vec<Bytes>,
        request: &Event,
        result: Result<Vec<u8>, RemoteError>,
    ) {
        let event = match result {
            Ok(value) => ok_event(request.message_id(), value.into()),
            Err(error) => err_event(request.message_id(), &error).into(),
        };
        self.answer(envelope, event);
    }

    /// Queues the answer to the message being dispatched, for its connection to write at once.
    fn answer(&mut self, envelope: Vec<Bytes>, event: impl Into<OutEvent>) {
        self.answered = true;
        self.outlet.send(envelope, event);
    }

    /// Cancels the calls of clients silent for too long (the rule in `liveness`).
    fn check_liveness(&mut self) {
        let now = Instant::now();
        let own = self.config.heartbeat;
        let mut table = lock(&self.table);
        let lost: Vec<(ChannelKey, Duration)> = table
            .channels
            .iter()
            .filter_map(|(key, channel)| Some((key.clone(), channel.beats.lost(now, own)?)))
            .collect();
        for (key, silent) in lost {
            if let Some(channel) = table.close(&key) {
                warn!(
                    "zrpc server: lost remote (no heartbeat for {silent:?}), cancelling its call"
                );
                if let Some(task) = channel.task {
                    task.abort();
                }
            }
        }
    }
}

/// `OK [value]`; a large binary in `value` stays in its own buffer.
fn ok_event(response_to: &[u8], value: Encoded) -> OutEvent {
    let size = EventWriter::head_len(Some(response_to), None, "OK") + 1 + value.head_len();
    let mut head = Vec::with_capacity(size);
    EventWriter::begin(&mut head, Some(response_to), None, "OK");
    head.push(0x91);
    OutEvent { head, tail: value }
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

/// The event answering a call that is not a stream: `OK [value]` or `ERR`.
fn final_event(response_to: &[u8], reply: Result<Reply, RemoteError>) -> OutEvent {
    match reply {
        Ok(Reply(ReplyKind::Value(value))) => ok_event(response_to, value),
        Ok(Reply(ReplyKind::Stream(_))) => err_event(
            response_to,
            &RemoteError::new(
                "ServerError",
                "the handler returned a stream for a method not declared MethodKind::Stream",
            ),
        )
        .into(),
        Err(error) => err_event(response_to, &error).into(),
    }
}

/// A call waiting for its turn on the handlers' runtime.
enum Deferred {
    /// Its channel is open, without a task.
    Call {
        key: ChannelKey,
        future: HandlerFuture,
        credit: Option<Arc<Semaphore>>,
        first_poll: Option<Arc<Placement>>,
    },
    Oneway {
        name: Arc<str>,
        future: HandlerFuture,
    },
}

fn busy(limit: usize) -> RemoteError {
    RemoteError::new(
        "ServerBusy",
        format!("too many calls in flight from this client (limit {limit})"),
    )
}

/// One running call: queues its events for the I/O thread and closes its channel.
struct Call {
    key: ChannelKey,
    envelope: Vec<Bytes>,
    outlet: Outlet,
    table: SharedTable,
}

impl Call {
    async fn run(
        self,
        mut future: HandlerFuture,
        ticket: Ticket,
        credit: Option<Arc<Semaphore>>,
        mut first_poll: Option<Arc<Placement>>,
    ) {
        // Started.
        drop(ticket);
        let reply = std::future::poll_fn(|cx| {
            let started = first_poll.is_some().then(Instant::now);
            let polled = std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx)));
            if let (Some(placement), Some(started)) = (first_poll.take(), started) {
                placement.observe(started.elapsed());
            }
            match polled {
                Ok(poll) => poll,
                Err(_) => Poll::Ready(Err(RemoteError::new("Panic", "the handler panicked"))),
            }
        })
        .await;
        let (mut items, credit) = match (reply, credit) {
            (Ok(Reply(ReplyKind::Stream(items))), Some(credit)) => (items, credit),
            (reply, _) => {
                let event = final_event(&self.key.id, reply);
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
                    let size =
                        EventWriter::head_len(Some(&self.key.id), None, "STREAM") + item.head_len();
                    let mut head = Vec::with_capacity(size);
                    EventWriter::begin(&mut head, Some(&self.key.id), None, "STREAM");
                    let event = OutEvent { head, tail: item };
                    if !self.send_item(event).await {
                        return;
                    }
                    continue;
                }
                Ok(Some(Err(error))) => err_event(&self.key.id, &error).into(),
                Ok(None) => EventWriter::event(Some(&self.key.id), "STREAM_DONE", &[0xc0]).into(),
                Err(_) => err_event(
                    &self.key.id,
                    &RemoteError::new("Panic", "the stream panicked"),
                )
                .into(),
            };
            return self.finish(event);
        }
    }

    /// Queues a stream item, waiting while the client's queue is full: a client that does not
    /// read holds at most its queue's worth of items in memory. False once the client left.
    async fn send_item(&self, event: OutEvent) -> bool {
        let frames = routed_message(self.envelope.clone(), event);
        let mut delay = Duration::from_millis(1);
        loop {
            match self.outlet.sender.send(frames.clone()) {
                Ok(()) => return true,
                Err(SendError::Full) => {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_millis(100));
                }
                Err(_) => return false,
            }
        }
    }

    /// Sends the final event, unless the channel was closed meanwhile (lost client), then
    /// closes the channel.
    fn finish(self, event: OutEvent) {
        if lock(&self.table).channels.contains_key(&self.key) {
            self.outlet.send(self.envelope, event);
        }
        lock(&self.table).close(&self.key);
    }
}
