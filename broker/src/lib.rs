//! The zrpc broker: many zerorpc callers to many zrpc workers.
//!
//! Callers connect to the *frontend* (plain zerorpc v3, so every client works unchanged);
//! workers ([`zrpc::Worker`], e.g. `calculator-server --worker`) connect to the *backend* and
//! say how many calls they take at once. Calls wait in order when no worker has room (bounded:
//! past the limit a caller gets `QueueFull` at once), go to the least-loaded worker with room,
//! and are re-run elsewhere when their worker dies (at most [`BrokerConfig::max_attempts`]
//! runs; a worker marks methods that must not run twice). With a store
//! (`nats://HOST:PORT`) the queue is a NATS JetStream work-queue stream shared by every broker
//! on it. Protocol and guarantees: docs/broker.md.
//!
//! ```no_run
//! # async fn run() -> Result<(), zrpc_broker::BrokerError> {
//! let broker = zrpc_broker::Broker::builder()
//!     .frontend("tcp://127.0.0.1:4242")
//!     .backend("tcp://127.0.0.1:4243")
//!     .queue_limit(1000)
//!     .start()
//!     .await?;
//! println!("callers: {}, workers: {}", broker.frontend(), broker.backend());
//! broker.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod core;
mod io;
mod store;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use zrpc::curve::{AllowList, KeyPair};

pub use crate::core::BrokerConfig;

/// Name of the error a caller gets when the queue is full.
pub const QUEUE_FULL: &str = "QueueFull";
/// Name of the error a caller gets when its worker died and the call is not re-run.
pub const WORKER_LOST: &str = "WorkerLost";

/// Why a broker could not start.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("cannot bind {endpoint}: {reason}")]
    Bind { endpoint: String, reason: String },
    #[error("store {url}: {reason}")]
    Store { url: String, reason: String },
    #[error("{0}")]
    Config(String),
}

/// Configures and starts a [`Broker`].
pub struct BrokerBuilder {
    frontend: Option<String>,
    backend: Option<String>,
    store: Option<String>,
    config: BrokerConfig,
    frontend_curve: Option<Curve>,
    backend_curve: Option<Curve>,
}

/// A CURVE side: the broker's key pair and, optionally, the peers it admits.
struct Curve {
    keys: KeyPair,
    allow: Option<AllowList>,
}

impl Curve {
    fn security(curve: Option<Curve>) -> zrpc_zmtp::Security {
        let Some(curve) = curve else {
            return zrpc_zmtp::Security::Null;
        };
        let mut server = zrpc_zmtp::curve::CurveServer::new(curve.keys);
        if let Some(list) = curve.allow {
            server = server.authorize(Arc::new(move |key: &[u8; 32]| list.contains(key)));
        }
        zrpc_zmtp::Security::CurveServer(Arc::new(server))
    }
}

impl BrokerBuilder {
    /// Endpoint the callers connect to (`tcp://HOST:PORT`, port 0 for any, or `ipc://PATH`).
    pub fn frontend(mut self, endpoint: impl Into<String>) -> Self {
        self.frontend = Some(endpoint.into());
        self
    }

    /// Endpoint the workers connect to.
    pub fn backend(mut self, endpoint: impl Into<String>) -> Self {
        self.backend = Some(endpoint.into());
        self
    }

    /// Calls that may wait for a worker (with a store: calls stored and not yet taken).
    pub fn queue_limit(mut self, calls: usize) -> Self {
        self.config.queue_limit = calls;
        self
    }

    /// Runs of one call at most when its workers die (1: never re-run).
    pub fn max_attempts(mut self, runs: u32) -> Self {
        self.config.max_attempts = runs;
        self
    }

    /// Interval of the broker's heartbeats to callers (they must use the same).
    pub fn heartbeat(mut self, interval: Duration) -> Self {
        self.config.heartbeat = interval;
        self
    }

    /// Keeps the queue in NATS JetStream at `nats://HOST:PORT`.
    pub fn store(mut self, url: impl Into<String>) -> Self {
        self.store = Some(url.into());
        self
    }

    /// Binds both endpoints (and connects the store) and starts brokering on a thread of its
    /// own. Returns once both sockets are bound.
    /// Serves callers over CURVE with this key pair; with `allow`, only the clients whose public
    /// key it lists (reloadable, see [`AllowList::reload`]).
    pub fn frontend_curve(mut self, keys: KeyPair, allow: Option<AllowList>) -> Self {
        self.frontend_curve = Some(Curve { keys, allow });
        self
    }

    /// Accepts workers over CURVE with this key pair; with `allow`, only the workers whose public
    /// key it lists, so only known workers ever see a call.
    pub fn backend_curve(mut self, keys: KeyPair, allow: Option<AllowList>) -> Self {
        self.backend_curve = Some(Curve { keys, allow });
        self
    }

    pub async fn start(self) -> Result<Broker, BrokerError> {
        let missing = |what: &str| BrokerError::Config(format!("no {what} endpoint"));
        let frontend = normalize(self.frontend.ok_or_else(|| missing("frontend"))?);
        let backend = normalize(self.backend.ok_or_else(|| missing("backend"))?);
        if self.config.queue_limit == 0 || self.config.max_attempts == 0 {
            return Err(BrokerError::Config(
                "queue limit and attempts must be at least 1".into(),
            ));
        }
        if self.config.heartbeat.is_zero() {
            return Err(BrokerError::Config("heartbeat must be positive".into()));
        }
        let (ready_tx, ready_rx) = oneshot::channel();
        let (stop_tx, stop_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let config = self.config;
        let store = self.store;
        let sides = io::Sides {
            frontend: Curve::security(self.frontend_curve),
            backend: Curve::security(self.backend_curve),
        };
        std::thread::Builder::new()
            .name("zrpc-broker".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(io::run(
                        frontend, backend, config, store, sides, ready_tx, stop_rx,
                    )),
                    Err(e) => {
                        let _ = ready_tx.send(Err(BrokerError::Config(format!(
                            "cannot start the broker runtime: {e}"
                        ))));
                    }
                }
                let _ = done_tx.send(());
            })
            .map_err(|e| BrokerError::Config(format!("cannot start the broker thread: {e}")))?;
        let started = ready_rx
            .await
            .map_err(|_| BrokerError::Config("the broker thread ended".into()))??;
        Ok(Broker {
            frontend: started.frontend,
            backend: started.backend,
            stop: Some(stop_tx),
            done: Some(done_rx),
        })
    }
}

/// The libzmq wildcard `tcp://*:PORT` is `tcp://0.0.0.0:PORT` for the ZMTP engine's binds.
fn normalize(endpoint: String) -> String {
    match endpoint.strip_prefix("tcp://*:") {
        Some(port) => format!("tcp://0.0.0.0:{port}"),
        None => endpoint,
    }
}

/// A running broker. Dropping it stops it.
pub struct Broker {
    frontend: String,
    backend: String,
    stop: Option<oneshot::Sender<()>>,
    done: Option<oneshot::Receiver<()>>,
}

impl Broker {
    pub fn builder() -> BrokerBuilder {
        BrokerBuilder {
            frontend: None,
            backend: None,
            store: None,
            config: BrokerConfig::default(),
            frontend_curve: None,
            backend_curve: None,
        }
    }

    /// The bound frontend endpoint (actual port when 0 was asked for).
    pub fn frontend(&self) -> &str {
        &self.frontend
    }

    /// The bound backend endpoint.
    pub fn backend(&self) -> &str {
        &self.backend
    }

    /// Stops brokering: queued calls are dropped (stored ones stay in the store).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
