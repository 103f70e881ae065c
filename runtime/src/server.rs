//! The server: a ROUTER whose socket I/O and heartbeats run on a dedicated thread, while
//! handlers run on the caller's tokio runtime.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{FutureExt, StreamExt};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::task::AbortHandle;
use tracing::{debug, warn};
use zeromq::{
    RouterRecvHalf, RouterSendHalf, RouterSocket, Socket, SocketRecv, SocketSend, ZmqMessage,
};

use crate::codec::{array_spans, Event, EventWriter};
use crate::error::{Error, RemoteError};
use crate::service::{builtin_with_arg, Args, MethodKind, ReplyKind, Service, ServiceInner};
use crate::transport::{normalize_endpoint, routed_message};

/// Tunables of a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Interval of `_zpc_hb` on open channels; a client silent for more than two is lost.
    pub heartbeat: Duration,
    /// Larger events are refused (answered with `ERR MessageTooLarge` when possible).
    pub max_message_size: usize,
    /// Open calls per peer; more are answered with `ERR ServerBusy`.
    pub max_in_flight_per_peer: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            heartbeat: Duration::from_secs(5),
            max_message_size: 16 * 1024 * 1024,
            max_in_flight_per_peer: 1024,
        }
    }
}

/// Configures and starts a [`Server`].
pub struct ServerBuilder {
    service: Service,
    endpoints: Vec<String>,
    config: ServerConfig,
}

impl ServerBuilder {
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

    /// Binds every endpoint and starts serving. Must be called inside a tokio runtime:
    /// handlers are spawned on it.
    pub async fn start(self) -> Result<Server, Error> {
        let handlers = Handle::try_current().map_err(|_| {
            Error::Transport("Server::start must be called inside a tokio runtime".into())
        })?;
        if self.endpoints.is_empty() {
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
        let (ready_tx, ready_rx) = oneshot::channel();
        let (stop_tx, stop_rx) = mpsc::unbounded_channel();
        let (done_tx, done_rx) = oneshot::channel();
        let service = self.service.inner.clone();
        let config = self.config;
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
                    let _ = ready_tx.send(Ok(bound));
                    let (send, recv) = socket.split();
                    ServerIo::new(send, service, handlers, config)
                        .run(recv, stop_rx)
                        .await;
                });
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

/// An event produced by a handler task for its channel.
struct Outgoing {
    key: ChannelKey,
    event: Vec<u8>,
    last: bool,
}

/// Upper bound of a stream's credit, so `_zpc_more` with a huge count cannot overflow it.
const MAX_CREDIT: usize = 1 << 20;

struct ServerIo {
    send: RouterSendHalf,
    service: Arc<ServiceInner>,
    handlers: Handle,
    config: ServerConfig,
    channels: HashMap<ChannelKey, Channel>,
    in_flight: HashMap<Bytes, usize>,
    outbox: mpsc::UnboundedSender<Outgoing>,
    outbox_rx: Option<mpsc::UnboundedReceiver<Outgoing>>,
    stopping: bool,
}

impl ServerIo {
    fn new(
        send: RouterSendHalf,
        service: Arc<ServiceInner>,
        handlers: Handle,
        config: ServerConfig,
    ) -> Self {
        let (outbox, outbox_rx) = mpsc::unbounded_channel();
        ServerIo {
            send,
            service,
            handlers,
            config,
            channels: HashMap::new(),
            in_flight: HashMap::new(),
            outbox,
            outbox_rx: Some(outbox_rx),
            stopping: false,
        }
    }

    async fn run(mut self, mut recv: RouterRecvHalf, mut stop: mpsc::UnboundedReceiver<Stop>) {
        let Some(mut outbox) = self.outbox_rx.take() else {
            return;
        };
        let mut ticker = tokio::time::interval_at(
            tokio::time::Instant::now() + self.config.heartbeat,
            self.config.heartbeat,
        );
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                how = stop.recv() => match how {
                    Some(Stop::Graceful) => self.stopping = true,
                    Some(Stop::Abort) | None => break,
                },
                out = outbox.recv() => match out {
                    Some(out) => self.on_outgoing(out),
                    None => break,
                },
                message = recv.recv() => match message {
                    Ok(message) => self.on_message(message),
                    Err(e) => {
                        warn!("zrpc server: socket receive failed, stopping: {e}");
                        break;
                    }
                },
                _ = ticker.tick() => self.on_tick(),
            }
            if self.stopping && self.channels.is_empty() {
                // The zeromq crate has no linger: give its writer tasks a moment to flush the
                // last replies before the socket is dropped.
                tokio::time::sleep(Duration::from_millis(50)).await;
                break;
            }
        }
        for channel in self.channels.values() {
            if let Some(task) = &channel.task {
                task.abort();
            }
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
        let oversize = payload.len() > self.config.max_message_size;
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
        if oversize {
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
        let Some(channel) = self.channels.get_mut(key) else {
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
            other => debug!("zrpc server: ignoring unexpected event {other:?} on an open channel"),
        }
    }

    fn on_request(&mut self, envelope: Vec<Bytes>, event: Event) {
        let name = event.name();
        if self.stopping {
            self.reply_now(
                envelope,
                &event,
                Err(RemoteError::new(
                    "ServerShuttingDown",
                    "the server is shutting down",
                )),
            );
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
                let error = RemoteError::type_error(format!(
                    "{}() takes {} argument{} ({}) but {} were given",
                    method.name,
                    method.info.args.len(),
                    if method.info.args.len() == 1 { "" } else { "s" },
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
        let future = (method.handler)(args);
        if kind == MethodKind::Oneway {
            self.reply_now(envelope, &event, Ok(vec![0xc0]));
            let method = method.name.clone();
            self.handlers.spawn(async move {
                match AssertUnwindSafe(future).catch_unwind().await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => warn!("zrpc server: oneway {method} failed: {e}"),
                    Err(_) => warn!("zrpc server: oneway {method} panicked"),
                }
            });
            return;
        }
        let peer = envelope[0].clone();
        let in_flight = self.in_flight.entry(peer.clone()).or_insert(0);
        if *in_flight >= self.config.max_in_flight_per_peer {
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
        let key = ChannelKey {
            peer,
            id: event.message_id_bytes(),
        };
        if self.channels.contains_key(&key) {
            warn!("zrpc server: dropping a request that reuses an open channel id");
            return;
        }
        *in_flight += 1;
        let credit = (kind == MethodKind::Stream).then(|| Arc::new(Semaphore::new(1)));
        let task = self.handlers.spawn(run_call(
            future,
            key.clone(),
            credit.clone(),
            self.outbox.clone(),
        ));
        self.channels.insert(
            key,
            Channel {
                envelope,
                last_heartbeat: None,
                task: Some(task.abort_handle()),
                credit,
            },
        );
    }

    /// Answers a request at once from the I/O thread (errors, built-ins, acks).
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
        self.send(envelope, event);
    }

    fn on_outgoing(&mut self, out: Outgoing) {
        let envelope = if out.last {
            match self.channels.remove(&out.key) {
                Some(channel) => {
                    self.release(&out.key.peer);
                    channel.envelope
                }
                None => return,
            }
        } else {
            match self.channels.get(&out.key) {
                Some(channel) => channel.envelope.clone(),
                None => return,
            }
        };
        self.send(envelope, out.event);
    }

    fn release(&mut self, peer: &Bytes) {
        if let Some(count) = self.in_flight.get_mut(peer) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.in_flight.remove(peer);
            }
        }
    }

    fn on_tick(&mut self) {
        let now = Instant::now();
        let lost_after = 2 * self.config.heartbeat;
        let mut lost = Vec::new();
        let mut beats = Vec::with_capacity(self.channels.len());
        for (key, channel) in &mut self.channels {
            match channel.last_heartbeat {
                None => channel.last_heartbeat = Some(now),
                Some(last) if now.duration_since(last) > lost_after => {
                    lost.push(key.clone());
                    continue;
                }
                Some(_) => {}
            }
            beats.push((
                channel.envelope.clone(),
                EventWriter::event(Some(&key.id), "_zpc_hb", &[0x91, 0x00]),
            ));
        }
        for key in lost {
            if let Some(channel) = self.channels.remove(&key) {
                warn!("zrpc server: lost remote (no heartbeat for {lost_after:?}), cancelling its call");
                if let Some(task) = channel.task {
                    task.abort();
                }
                self.release(&key.peer);
            }
        }
        for (envelope, event) in beats {
            self.send(envelope, event);
        }
    }

    /// Queues a message without ever waiting: a peer that stops reading loses its replies
    /// instead of stalling every other peer.
    fn send(&mut self, envelope: Vec<Bytes>, event: Vec<u8>) {
        let Some(message) = routed_message(envelope, event) else {
            return;
        };
        match self.send.send(message).now_or_never() {
            Some(Ok(())) => {}
            Some(Err(e)) => debug!("zrpc server: reply not delivered: {e}"),
            None => warn!("zrpc server: peer send queue full, dropping a reply"),
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

pub(crate) fn err_event(response_to: &[u8], error: &RemoteError) -> Vec<u8> {
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

/// Runs one call on the handler runtime and hands its events to the I/O thread.
async fn run_call(
    future: crate::service::HandlerFuture,
    key: ChannelKey,
    credit: Option<Arc<Semaphore>>,
    outbox: mpsc::UnboundedSender<Outgoing>,
) {
    let id = key.id.clone();
    let send = |event: Vec<u8>, last: bool| {
        let _ = outbox.send(Outgoing {
            key: key.clone(),
            event,
            last,
        });
    };
    let reply = match AssertUnwindSafe(future).catch_unwind().await {
        Ok(reply) => reply,
        Err(_) => Err(RemoteError::new("Panic", "the handler panicked")),
    };
    let items = match (reply, credit) {
        (Ok(reply), credit) => {
            match (reply.0, credit) {
                (ReplyKind::Value(value), _) => return send(ok_event(&id, &value), true),
                (ReplyKind::Stream(items), Some(credit)) => (items, credit),
                (ReplyKind::Stream(_), None) => {
                    let error = RemoteError::new("ServerError", "the handler returned a stream for a method not declared MethodKind::Stream");
                    return send(err_event(&id, &error), true);
                }
            }
        }
        (Err(error), _) => return send(err_event(&id, &error), true),
    };
    let (mut items, credit) = items;
    loop {
        // Every event costs one credit granted by the client's `_zpc_more`.
        match credit.acquire().await {
            Ok(permit) => permit.forget(),
            Err(_) => return,
        }
        match AssertUnwindSafe(items.next()).catch_unwind().await {
            Ok(Some(Ok(item))) => {
                let mut buf = Vec::with_capacity(80 + item.len());
                EventWriter::begin(&mut buf, Some(&id), None, "STREAM");
                buf.extend_from_slice(&item);
                send(buf, false);
            }
            Ok(Some(Err(error))) => return send(err_event(&id, &error), true),
            Ok(None) => return send(EventWriter::event(Some(&id), "STREAM_DONE", &[0xc0]), true),
            Err(_) => {
                return send(
                    err_event(&id, &RemoteError::new("Panic", "the stream panicked")),
                    true,
                )
            }
        }
    }
}
