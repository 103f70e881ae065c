//! The broker's sockets: a frontend ROUTER for callers, a backend ROUTER for workers, and the
//! store connection, all on one dedicated thread, around the socket-free [`Core`].
//!
//! Every operation on a ROUTER stays on that thread: the `zeromq` crate takes a blocking lock on
//! its peer table when a peer disconnects, which must never be contended across threads (see
//! runtime/src/server.rs).

use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};
use zeromq::{
    RouterRecvHalf, RouterSendHalf, RouterSocket, Socket, SocketRecv, SocketSend, ZmqMessage,
};

use crate::core::{BrokerConfig, Core, Out};
use crate::store::{Store, StoreEvent};
use crate::BrokerError;

/// How often the core checks worker liveness and caller heartbeats.
const TICK: Duration = Duration::from_millis(100);

pub(crate) enum Input {
    Front(Result<ZmqMessage, zeromq::ZmqError>),
    Back(Result<ZmqMessage, zeromq::ZmqError>),
    Store(StoreEvent),
}

pub(crate) struct Started {
    pub frontend: String,
    pub backend: String,
}

/// Binds both sockets, connects the store, and runs the broker until `stop` fires.
pub(crate) async fn run(
    frontend: String,
    backend: String,
    config: BrokerConfig,
    store_url: Option<String>,
    ready: oneshot::Sender<Result<Started, BrokerError>>,
    mut stop: oneshot::Receiver<()>,
) {
    let bind = |endpoint: String| async move {
        let mut socket = RouterSocket::new();
        match socket.bind(&endpoint).await {
            Ok(actual) => Ok((socket, actual.to_string())),
            Err(e) => Err(BrokerError::Bind {
                endpoint,
                reason: e.to_string(),
            }),
        }
    };
    let (inputs_tx, mut inputs) = mpsc::channel::<Input>(1024);
    let store = match store_url {
        Some(url) => match Store::connect(&url, config.queue_limit, inputs_tx.clone()).await {
            Ok(store) => Some(store),
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        },
        None => None,
    };
    let (front, front_endpoint) = match bind(frontend).await {
        Ok(bound) => bound,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let (back, back_endpoint) = match bind(backend).await {
        Ok(bound) => bound,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let (front_send, front_recv) = front.split();
    let (back_send, back_recv) = back.split();
    let (to_front, front_out) = mpsc::unbounded_channel();
    let (to_back, back_out) = mpsc::unbounded_channel();
    tokio::spawn(write_frontend(front_send, front_out));
    tokio::spawn(write_backend(back_send, back_out));
    tokio::spawn(read(front_recv, inputs_tx.clone(), Input::Front));
    tokio::spawn(read(back_recv, inputs_tx.clone(), Input::Back));
    drop(inputs_tx);
    let id = store
        .as_ref()
        .map(|s| s.broker_id().to_owned())
        .unwrap_or_else(|| "local".to_owned());
    let mut core = Core::new(config, id, store.is_some(), Instant::now());
    let _ = ready.send(Ok(Started {
        frontend: front_endpoint,
        backend: back_endpoint,
    }));
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            input = inputs.recv() => match input {
                Some(Input::Front(Ok(message))) => core.on_frontend(message.into_vec()),
                Some(Input::Back(Ok(message))) => core.on_backend(message.into_vec(), Instant::now()),
                Some(Input::Front(Err(e)) | Input::Back(Err(e))) => {
                    warn!("zrpc broker: socket receive failed, stopping: {e}");
                    break;
                }
                Some(Input::Store(event)) => on_store_event(&mut core, event),
                None => break,
            },
            _ = ticker.tick() => core.tick(Instant::now()),
        }
        for out in core.drain() {
            route(out, &to_front, &to_back, store.as_ref());
        }
    }
    if let Some(store) = store {
        store.close().await;
    }
    // The zeromq crate has no linger: give the writers a moment to flush the last replies.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

fn on_store_event(core: &mut Core, event: StoreEvent) {
    match event {
        StoreEvent::Stored(record, result) => core.stored(&record, result),
        StoreEvent::Job(record, handle) => core.job_from_store(record, handle),
        StoreEvent::PullEnded(undelivered) => core.pull_ended(undelivered),
        StoreEvent::Reply {
            from,
            envelope,
            event,
        } => core.remote_reply(&from, envelope, event),
        StoreEvent::Credit { origin, key, event } => core.remote_credit(origin, key, event),
    }
}

fn route(
    out: Out,
    to_front: &mpsc::UnboundedSender<(ZmqMessage, bool)>,
    to_back: &mpsc::UnboundedSender<ZmqMessage>,
    store: Option<&Store>,
) {
    match out {
        Out::Client {
            envelope,
            event,
            reply,
        } => {
            if let Some(message) = message(envelope, Bytes::from(event)) {
                let _ = to_front.send((message, reply));
            }
        }
        Out::Worker { worker, tag, event } => {
            if let Some(message) = message(vec![worker, tag], event) {
                let _ = to_back.send(message);
            }
        }
        other => match store {
            Some(store) => store.send(other),
            None => debug!("zrpc broker: no store for {other:?}"),
        },
    }
}

/// `[envelope..., empty, event]`.
fn message(envelope: Vec<Bytes>, event: Bytes) -> Option<ZmqMessage> {
    let mut frames = std::collections::VecDeque::with_capacity(envelope.len() + 2);
    frames.extend(envelope);
    frames.push_back(Bytes::new());
    frames.push_back(event);
    ZmqMessage::try_from(frames).ok()
}

async fn read(
    mut recv: RouterRecvHalf,
    inputs: mpsc::Sender<Input>,
    wrap: fn(Result<ZmqMessage, zeromq::ZmqError>) -> Input,
) {
    loop {
        let message = recv.recv().await;
        let failed = message.is_err();
        if inputs.send(wrap(message)).await.is_err() || failed {
            return;
        }
    }
}

async fn write_frontend(
    mut send: RouterSendHalf,
    mut outgoing: mpsc::UnboundedReceiver<(ZmqMessage, bool)>,
) {
    while let Some((message, reply)) = outgoing.recv().await {
        if let Err(e) = send.send(message).await {
            if reply {
                warn!("zrpc broker: dropping a reply for a caller that is gone ({e})");
            }
        }
    }
}

async fn write_backend(
    mut send: RouterSendHalf,
    mut outgoing: mpsc::UnboundedReceiver<ZmqMessage>,
) {
    while let Some(message) = outgoing.recv().await {
        if let Err(e) = send.send(message).await {
            // The worker is gone: its calls are re-run when its heartbeats stop.
            debug!("zrpc broker: message to a worker not delivered: {e}");
        }
    }
}
