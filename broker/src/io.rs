//! The broker's sockets: a frontend ROUTER for callers, a backend ROUTER for workers, and the
//! store connection, all on one dedicated thread, around the socket-free [`Core`].
//!
//! Both ROUTERs are zrpc's own ZMTP engine: their senders never wait (a full peer queue drops the
//! message), so one slow caller or worker cannot hold up the others.

use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};
use zrpc_zmtp::{Options, Received, Router, RouterSender, Security};

use crate::core::{BrokerConfig, Core, Out};
use crate::store::{Store, StoreEvent};
use crate::BrokerError;

/// How often the core checks worker liveness and caller heartbeats.
const TICK: Duration = Duration::from_millis(100);

/// The security of each side (NULL or CURVE server with its admission rule).
pub(crate) struct Sides {
    pub frontend: Security,
    pub backend: Security,
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
    sides: Sides,
    ready: oneshot::Sender<Result<Started, BrokerError>>,
    mut stop: oneshot::Receiver<()>,
) {
    let bind = |endpoint: String, security: Security| async move {
        let mut socket = Router::new(Options {
            security,
            ..Options::default()
        });
        match socket.bind(&endpoint).await {
            Ok(actual) => Ok((socket, actual)),
            Err(e) => Err(BrokerError::Bind {
                endpoint,
                reason: e.to_string(),
            }),
        }
    };
    let (inputs_tx, mut inputs) = mpsc::channel::<StoreEvent>(1024);
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
    let (front, front_endpoint) = match bind(frontend, sides.frontend).await {
        Ok(bound) => bound,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let (back, back_endpoint) = match bind(backend, sides.backend).await {
        Ok(bound) => bound,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let (mut front, mut back) = (front, back);
    let (to_front, to_back) = (front.sender(), back.sender());
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
            message = front.recv() => match message {
                Some(message) => core.on_frontend(with_routing_id(message)),
                None => break,
            },
            message = back.recv() => match message {
                Some(message) => core.on_backend(with_routing_id(message), Instant::now()),
                None => break,
            },
            Some(event) = inputs.recv() => on_store_event(&mut core, event),
            _ = ticker.tick() => core.tick(Instant::now()),
        }
        for out in core.drain() {
            route(out, &to_front, &to_back, store.as_ref());
        }
    }
    if let Some(store) = store {
        store.close().await;
    }
    // Flushes the last replies (for at most the linger time).
    tokio::join!(front.close(), back.close());
}

/// `[routing id, frames...]`, as the core reads a ROUTER message.
fn with_routing_id(message: Received) -> Vec<Bytes> {
    let mut frames = Vec::with_capacity(message.frames.len() + 1);
    frames.push(message.peer.id.clone());
    frames.extend(message.frames);
    frames
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

fn route(out: Out, to_front: &RouterSender, to_back: &RouterSender, store: Option<&Store>) {
    match out {
        Out::Client {
            envelope,
            event,
            reply,
        } => {
            if let Err(e) = to_front.send(message(envelope, Bytes::from(event))) {
                if reply {
                    warn!("zrpc broker: dropping a reply for a caller that is gone ({e})");
                }
            }
        }
        Out::Worker { worker, tag, event } => {
            if let Err(e) = to_back.send(message(vec![worker, tag], event)) {
                // The worker is gone: its calls are re-run when its heartbeats stop.
                debug!("zrpc broker: message to a worker not delivered: {e}");
            }
        }
        other => match store {
            Some(store) => store.send(other),
            None => debug!("zrpc broker: no store for {other:?}"),
        },
    }
}

/// `[envelope..., empty, event]`.
fn message(mut envelope: Vec<Bytes>, event: Bytes) -> Vec<Bytes> {
    envelope.reserve(2);
    envelope.push(Bytes::new());
    envelope.push(event);
    envelope
}
