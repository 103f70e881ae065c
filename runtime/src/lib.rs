//! The zrpc runtime: zerorpc protocol v3 servers and clients over ZeroMQ.
//!
//! A [`Service`] maps method names to async handlers over positional [`Args`]; a [`Server`]
//! serves it on a ROUTER socket; a [`Client`] calls it over a DEALER socket. Both speak the
//! stock zerorpc wire protocol (msgpack events, heartbeats, stream flow control).

mod client;
mod codec;
mod error;
mod server;
mod service;
mod transport;
pub mod typed;

pub use client::{CallStream, Client, ClientBuilder, ClientConfig};
pub use codec::{DecodeError, Event};
pub use error::{Error, RemoteError};
pub use server::{Server, ServerBuilder, ServerConfig};
pub use service::{Args, MethodInfo, MethodKind, Reply, Service, ServiceBuilder};
pub use typed::{Any, Bytes, CallError, Describe, ServiceError, Streaming};
pub use zrpc_macros::{rpc_service, Type};

/// Re-exported so users name the same versions as the runtime.
pub use rmpv;
