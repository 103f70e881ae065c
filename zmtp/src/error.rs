//! Errors of the engine.

use std::io;

/// Why a connection, a bind or a send failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid endpoint `{endpoint}`: {reason}")]
    InvalidEndpoint { endpoint: String, reason: String },
    #[error("cannot bind {endpoint}: {source}")]
    Bind { endpoint: String, source: io::Error },
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The peer broke ZMTP (bad greeting, bad frame, a limit exceeded).
    #[error("protocol error: {0}")]
    Protocol(String),
    /// The security handshake failed (wrong keys, mechanism mismatch).
    #[error("handshake failed: {0}")]
    Handshake(String),
    /// The peer refused us with an ERROR command (e.g. our CURVE key is not allowed).
    #[error("refused by the peer: {0}")]
    Refused(String),
    /// CURVE key material is malformed.
    #[error("invalid key: {0}")]
    Key(String),
    /// The socket was closed.
    #[error("socket closed")]
    Closed,
}

/// Why [`crate::RouterSender::send`] did not queue a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No connected peer has this routing id (it left, or never was).
    #[error("no peer with this routing id")]
    NoPeer,
    /// The peer's send queue is at its high-water mark: the message was dropped.
    #[error("the peer's send queue is full")]
    Full,
    /// The message has no routing id frame.
    #[error("the message has no routing id frame")]
    NoRoutingId,
}
