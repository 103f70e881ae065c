//! The zrpc runtime: zerorpc protocol v3 servers and clients over ZeroMQ (our pure-Rust ZMTP
//! engine, `zrpc-zmtp`, with CURVE), byte-compatible with stock zerorpc peers.
//!
//! A [`Service`] maps method names to async handlers over positional [`Args`]; a [`Server`]
//! serves it on a ROUTER socket; a [`Client`] calls it over a DEALER socket.
//!
//! ```
//! use zrpc::{Args, Client, Error, MethodInfo, RemoteError, Reply, Server, Service};
//!
//! #[derive(serde::Serialize)]
//! struct DivisionByZero {
//!     dividend: f64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Error> {
//! let service = Service::builder("Calculator")
//!     .method("add", MethodInfo::unary(&["a", "b"]).doc("Adds two integers."), |args: Args| async move {
//!         let a: i64 = args.decode(0, "a")?;
//!         let b: i64 = args.decode(1, "b")?;
//!         Reply::value(&(a + b))
//!     })
//!     .method("divide", MethodInfo::unary(&["a", "b"]), |args: Args| async move {
//!         let (a, b): (f64, f64) = (args.decode(0, "a")?, args.decode(1, "b")?);
//!         if b == 0.0 {
//!             return Err(RemoteError::typed("DivisionByZero", "division by zero", &DivisionByZero { dividend: a }));
//!         }
//!         Reply::value(&(a / b))
//!     })
//!     .method("countdown", MethodInfo::stream(&["n"]), |args: Args| async move {
//!         let n: u32 = args.decode(0, "n")?;
//!         Ok(Reply::stream(futures::stream::iter((1..=n).rev())))
//!     })
//!     .build();
//! let server = Server::builder(service).bind("tcp://127.0.0.1:0").start().await?;
//!
//! let client = Client::connect(&server.endpoint()).await?;
//! let sum = client.call("add", vec![1.into(), 2.into()]).await?;
//! assert_eq!(sum, zrpc::rmpv::Value::from(3));
//! let sum: i64 = client.call_typed("add", &(40, 2)).await?;
//! assert_eq!(sum, 42);
//! match client.call_typed::<f64, _>("divide", &(1.0, 0.0)).await {
//!     Err(Error::Remote(e)) => assert_eq!(e.name, "DivisionByZero"),
//!     other => panic!("{other:?}"),
//! }
//! use futures::StreamExt;
//! let items: Vec<u32> = client
//!     .stream_typed::<u32, _>("countdown", &(3,))
//!     .await?
//!     .map(|item| item.unwrap())
//!     .collect()
//!     .await;
//! assert_eq!(items, [3, 2, 1]);
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Threads: a server's accept loops, connections and heartbeats run on a dedicated I/O
//! thread; requests are dispatched and handlers run on the runtime that called
//! [`ServerBuilder::start`]. A client's socket actor runs on the runtime that called
//! [`ClientBuilder::connect`] (or on a shared I/O thread outside any runtime).

mod client;
mod codec;
mod error;
mod events;
mod liveness;
mod log_limit;
mod placement;
mod queued;
mod server;
mod service;
mod splice;
mod transport;
pub mod typed;
mod worker;

pub use transport::curve;

pub use client::{CallStream, Client, ClientBuilder, ClientConfig};
pub use codec::{DecodeError, Event};
pub use error::{Error, RemoteError};
pub use events::{EventMessage, Publisher, Puller, Pusher, Subscriber};
pub use server::{Server, ServerBuilder, ServerConfig};
pub use service::{Args, MethodInfo, MethodKind, Reply, Service, ServiceBuilder};
pub use typed::{Any, Bytes, CallError, Describe, ServiceError, Streaming};
pub use worker::{Worker, WorkerBuilder, WORKER_ANNOUNCE};
pub use zrpc_macros::{rpc_service, Type};

/// Re-exported so users name the same version as the runtime.
pub use rmpv;
/// The ZMTP engine under events (its `Options` carry limits, high-water marks and CURVE).
pub use zrpc_zmtp as zmtp;
