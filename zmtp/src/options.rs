//! Socket types and tunables.

use std::time::Duration;

use bytes::Bytes;

use crate::handshake::Security;

/// The ZMTP socket types this engine knows (peers are checked against them at handshake).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketType {
    Dealer,
    Router,
    Req,
    Rep,
    Pub,
    Sub,
    Push,
    Pull,
}

impl SocketType {
    pub fn name(self) -> &'static str {
        match self {
            SocketType::Dealer => "DEALER",
            SocketType::Router => "ROUTER",
            SocketType::Req => "REQ",
            SocketType::Rep => "REP",
            SocketType::Pub => "PUB",
            SocketType::Sub => "SUB",
            SocketType::Push => "PUSH",
            SocketType::Pull => "PULL",
        }
    }

    /// The peer types ZMTP allows for this one.
    pub fn accepts(self, peer: &[u8]) -> bool {
        let allowed: &[&str] = match self {
            SocketType::Dealer => &["DEALER", "ROUTER", "REP"],
            SocketType::Router => &["DEALER", "ROUTER", "REQ"],
            SocketType::Req => &["ROUTER", "REP"],
            SocketType::Rep => &["DEALER", "REQ"],
            SocketType::Pub => &["SUB", "XSUB"],
            SocketType::Sub => &["PUB", "XPUB"],
            SocketType::Push => &["PULL"],
            SocketType::Pull => &["PUSH"],
        };
        allowed.iter().any(|t| t.as_bytes() == peer)
    }
}

/// Limits and behaviour of a socket. The defaults suit an RPC server facing the open network.
#[derive(Clone)]
pub struct Options {
    /// Largest message (all frames together) accepted, checked from each frame header before
    /// the frame is read. A peer exceeding it is disconnected. Default 16 MiB.
    pub max_message_size: usize,
    /// Most frames in one message; more disconnects the peer. Default 64.
    pub max_frames: usize,
    /// Messages queued for one peer; beyond it a ROUTER drops (as libzmq does) and a DEALER's
    /// `send` waits. Default 1000.
    pub send_hwm: usize,
    /// Received messages waiting for `recv`; when full, the connections stop being read.
    /// Default 1000.
    pub recv_hwm: usize,
    /// Received messages of one connection waiting for `recv`; beyond it that connection is
    /// not read, so one peer's flood never queues more than this ahead of the others.
    /// Default 32.
    pub recv_hwm_per_peer: usize,
    /// Bytes of received messages waiting for `recv` (all peers together); when exhausted,
    /// connections stop being read. Default 64 MiB.
    pub recv_buffer: usize,
    /// A peer must finish the greeting and security handshake within this. Default 10 s.
    pub handshake_timeout: Duration,
    /// First and longest delay between a DEALER's connection attempts (doubling in between).
    pub reconnect_interval: Duration,
    pub reconnect_interval_max: Duration,
    /// Flushing queued messages on close waits at most this long. Default 1 s.
    pub linger: Duration,
    /// Identity announced in READY (a ROUTER peer routes to us by it when set).
    pub identity: Bytes,
    pub security: Security,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_message_size: 16 * 1024 * 1024,
            max_frames: 64,
            send_hwm: 1000,
            recv_hwm: 1000,
            recv_hwm_per_peer: 32,
            recv_buffer: 64 * 1024 * 1024,
            handshake_timeout: Duration::from_secs(10),
            reconnect_interval: Duration::from_millis(50),
            reconnect_interval_max: Duration::from_secs(1),
            linger: Duration::from_secs(1),
            identity: Bytes::new(),
            security: Security::Null,
        }
    }
}
