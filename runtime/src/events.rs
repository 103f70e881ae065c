//! Events: zerorpc's `Publisher`/`Subscriber` (PUB/SUB) and `Pusher`/`Puller` (PUSH/PULL).
//!
//! Each message is one frame holding one zerorpc event `[header, name, args]` with the same
//! header as every zerorpc event (`message_id`, `v: 3`), so stock zerorpc-python peers
//! interoperate in both directions. A receiver dispatches each event to the oneway method of a
//! [`Service`] with the event's name, one at a time in arrival order; an event that names no
//! oneway method, does not decode, or whose handler fails, is logged (rate-limited) and dropped.
//!
//! Filtering by name happens after decoding: an event starts with its msgpack header, not its
//! name, so a ZeroMQ prefix subscription cannot select a name. Subscribers therefore subscribe
//! to everything (as zerorpc's do) and [`Subscriber::only`] keeps the names asked for.
//!
//! Back-pressure is ZeroMQ's: a publisher never waits — a subscriber that reads too slowly
//! loses events at its queue's high-water mark, counted by [`Publisher::dropped`]; a pusher
//! round-robins over the pullers with room, waiting only when every puller's queue is full.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;

use bytes::Bytes;
use futures::FutureExt;
use serde::Serialize;
use tracing::warn;
use zrpc_zmtp::{Options, Pub, Pull, Push, Sub};

use crate::codec::{Event, EventWriter};
use crate::error::Error;
use crate::log_limit::{suppressed_note, LogLimit};
use crate::service::{Args, MethodKind, Service};

fn transport(e: zrpc_zmtp::Error) -> Error {
    match e {
        zrpc_zmtp::Error::InvalidEndpoint { endpoint, reason } => {
            Error::InvalidEndpoint { endpoint, reason }
        }
        zrpc_zmtp::Error::Closed => Error::Closed,
        other => Error::Transport(other.to_string()),
    }
}

/// Encodes one event; `args` must serialize to a msgpack array (a tuple or a `Vec`).
pub(crate) fn encode_event<A: Serialize + ?Sized>(name: &str, args: &A) -> Result<Bytes, Error> {
    let args = rmp_serde::to_vec_named(args)
        .map_err(|e| Error::Encode(format!("arguments of event `{name}`: {e}")))?;
    if !matches!(args.first(), Some(0x90..=0x9f | 0xdc | 0xdd)) {
        return Err(Error::Encode(format!(
            "arguments of event `{name}` must be a list (a tuple or a Vec)"
        )));
    }
    Ok(Bytes::from(EventWriter::event(None, name, &args)))
}

/// One received event: its name and positional arguments.
#[derive(Debug, Clone)]
pub struct EventMessage {
    pub name: String,
    pub args: Args,
}

/// Decodes a received message into an event, or says why it is not one.
fn decode(frames: Vec<Bytes>) -> Result<EventMessage, String> {
    let [frame] = <[Bytes; 1]>::try_from(frames)
        .map_err(|frames| format!("a message of {} frames is not an event", frames.len()))?;
    let size = frame.len();
    let event =
        Event::decode(frame).map_err(|e| format!("undecodable event ({size} bytes): {e}"))?;
    let name = event.name().to_owned();
    let args = Args::parse(name.as_str().into(), event.args_bytes())
        .map_err(|e| format!("event `{name}`: {}", e.message))?;
    Ok(EventMessage { name, args })
}

/// Rate-limited warnings about dropped events.
#[derive(Default)]
struct DropLog {
    limit: LogLimit,
}

impl DropLog {
    fn warn(&mut self, what: &str, message: &str) {
        if let Some(suppressed) = self.limit.allow() {
            warn!("zrpc {what}: {message}{}", suppressed_note(suppressed));
        }
    }
}

/// Runs the handler `service` has for `event`; says why not, or how it failed.
async fn dispatch(service: &Service, event: EventMessage) -> Result<(), String> {
    let Some(method) = service.inner.method(&event.name) else {
        return Err(format!(
            "no method `{}` in service {}; event dropped",
            event.name,
            service.name()
        ));
    };
    if method.info.kind != MethodKind::Oneway {
        return Err(format!(
            "`{}` is not an event of service {} (not a oneway method); event dropped",
            event.name,
            service.name()
        ));
    }
    let name = event.name;
    match AssertUnwindSafe((method.handler)(event.args))
        .catch_unwind()
        .await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!("event `{name}` failed: {e}")),
        Err(_) => Err(format!("event `{name}`: the handler panicked")),
    }
}

/// Sends events to every matching subscriber (PUB). Never waits.
pub struct Publisher {
    socket: Pub,
}

impl Publisher {
    pub fn new() -> Self {
        Self::with_options(Options::default())
    }

    /// With engine options: limits, high-water marks, CURVE.
    pub fn with_options(options: Options) -> Self {
        Publisher {
            socket: Pub::new(options),
        }
    }

    /// Binds on the current tokio runtime; returns the endpoint bound (the real port for 0).
    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        self.socket.bind(endpoint).await.map_err(transport)
    }

    /// Connects (and reconnects) in the background on the current tokio runtime.
    pub fn connect(&mut self, endpoint: &str) -> Result<(), Error> {
        self.socket.connect(endpoint).map_err(transport)
    }

    /// Publishes `name(args...)`; `args` is a tuple or a `Vec`. Returns how many subscribers
    /// it was queued for; a subscriber whose queue is full misses it ([`Publisher::dropped`]).
    pub fn publish<A: Serialize + ?Sized>(&self, name: &str, args: &A) -> Result<usize, Error> {
        Ok(self.socket.send(vec![encode_event(name, args)?]))
    }

    /// Events not delivered to a subscriber because its queue was full.
    pub fn dropped(&self) -> u64 {
        self.socket.dropped()
    }

    /// Connected peers that subscribed.
    pub fn subscriber_count(&self) -> usize {
        self.socket.subscriber_count()
    }

    /// Waits until `n` subscribers are connected and subscribed: events published before a
    /// subscriber's subscription arrives do not reach it (ZeroMQ's "slow joiner").
    pub async fn wait_for_subscribers(&self, n: usize) {
        self.socket.wait_for_subscribers(n).await;
    }

    /// Sends what is queued (for at most the linger time), then closes.
    pub async fn close(self) {
        self.socket.close().await;
    }
}

impl Default for Publisher {
    fn default() -> Self {
        Self::new()
    }
}

/// Sends each event to one puller, round robin over those with room (PUSH).
pub struct Pusher {
    socket: Push,
}

impl Pusher {
    pub fn new() -> Self {
        Self::with_options(Options::default())
    }

    pub fn with_options(options: Options) -> Self {
        Pusher {
            socket: Push::new(options),
        }
    }

    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        self.socket.bind(endpoint).await.map_err(transport)
    }

    pub fn connect(&mut self, endpoint: &str) -> Result<(), Error> {
        self.socket.connect(endpoint).map_err(transport)
    }

    /// Pushes `name(args...)`; waits while no puller is connected or all their queues are full.
    pub async fn push<A: Serialize + ?Sized>(&self, name: &str, args: &A) -> Result<(), Error> {
        let event = encode_event(name, args)?;
        self.socket.send(vec![event]).await.map_err(transport)
    }

    /// Connected pullers.
    pub fn peer_count(&self) -> usize {
        self.socket.peer_count()
    }

    /// Sends what is queued (for at most the linger time), then closes.
    pub async fn close(self) {
        self.socket.close().await;
    }
}

impl Default for Pusher {
    fn default() -> Self {
        Self::new()
    }
}

/// Receives published events (SUB, subscribed to everything).
pub struct Subscriber {
    socket: Sub,
    only: Option<HashSet<String>>,
    log: DropLog,
}

impl Subscriber {
    pub fn new() -> Self {
        Self::with_options(Options::default())
    }

    pub fn with_options(options: Options) -> Self {
        let socket = Sub::new(options);
        socket.subscribe(b"");
        Subscriber {
            socket,
            only: None,
            log: DropLog::default(),
        }
    }

    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        self.socket.bind(endpoint).await.map_err(transport)
    }

    pub fn connect(&mut self, endpoint: &str) -> Result<(), Error> {
        self.socket.connect(endpoint).map_err(transport)
    }

    /// Keeps only events with these names (checked after decoding; see the module docs).
    pub fn only<I, S>(&mut self, names: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = Some(names.into_iter().map(Into::into).collect());
    }

    /// The next event (`None` once closed); malformed messages are logged and skipped.
    pub async fn recv(&mut self) -> Option<EventMessage> {
        loop {
            match decode(self.socket.recv().await?) {
                Ok(event) if self.only.as_ref().is_none_or(|o| o.contains(&event.name)) => {
                    return Some(event)
                }
                Ok(_) => {}
                Err(why) => self.log.warn("subscriber", &why),
            }
        }
    }

    /// Dispatches every event to `service`, one at a time, until the socket closes.
    pub async fn run(&mut self, service: &Service) {
        while let Some(event) = self.recv().await {
            if let Err(why) = dispatch(service, event).await {
                self.log.warn("subscriber", &why);
            }
        }
    }

    /// Connected publishers.
    pub fn peer_count(&self) -> usize {
        self.socket.peer_count()
    }
}

impl Default for Subscriber {
    fn default() -> Self {
        Self::new()
    }
}

/// Receives pushed events, fair-queued over the pushers (PULL).
pub struct Puller {
    socket: Pull,
    log: DropLog,
}

impl Puller {
    pub fn new() -> Self {
        Self::with_options(Options::default())
    }

    pub fn with_options(options: Options) -> Self {
        Puller {
            socket: Pull::new(options),
            log: DropLog::default(),
        }
    }

    pub async fn bind(&mut self, endpoint: &str) -> Result<String, Error> {
        self.socket.bind(endpoint).await.map_err(transport)
    }

    pub fn connect(&mut self, endpoint: &str) -> Result<(), Error> {
        self.socket.connect(endpoint).map_err(transport)
    }

    /// The next event (`None` once closed); malformed messages are logged and skipped.
    pub async fn recv(&mut self) -> Option<EventMessage> {
        loop {
            match decode(self.socket.recv().await?) {
                Ok(event) => return Some(event),
                Err(why) => self.log.warn("puller", &why),
            }
        }
    }

    /// Dispatches every event to `service`, one at a time, until the socket closes.
    pub async fn run(&mut self, service: &Service) {
        while let Some(event) = self.recv().await {
            if let Err(why) = dispatch(service, event).await {
                self.log.warn("puller", &why);
            }
        }
    }

    /// Connected pushers.
    pub fn peer_count(&self) -> usize {
        self.socket.peer_count()
    }
}

impl Default for Puller {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_decode_back_to_name_and_args() {
        let event = encode_event("temperature", &("kitchen", 21.5)).unwrap();
        let decoded = decode(vec![event]).unwrap();
        assert_eq!(decoded.name, "temperature");
        assert_eq!(decoded.args.decode::<String>(0, "room").unwrap(), "kitchen");
        assert_eq!(decoded.args.decode::<f64>(1, "celsius").unwrap(), 21.5);
    }

    #[test]
    fn arguments_must_be_a_list() {
        assert!(matches!(encode_event("x", &5), Err(Error::Encode(_))));
    }

    #[test]
    fn bad_messages_say_why() {
        assert!(decode(vec![Bytes::from_static(b"\x01junk")])
            .unwrap_err()
            .contains("undecodable"));
        assert!(decode(vec![Bytes::new(), Bytes::new()])
            .unwrap_err()
            .contains("2 frames"));
    }
}
