//! The transport under servers and clients: the `zrpc-zmtp` engine (ROUTER for servers,
//! DEALER for clients), endpoints, CURVE settings and the I/O runtimes. Servers and clients
//! reach the socket library only through this module.

pub mod curve;

use std::sync::OnceLock;

use bytes::Bytes;
use tokio::runtime::Handle;

pub(crate) use zrpc_zmtp::{
    Dealer, DealerSender, Failure, Link, Options, Received, Router, RouterSender, SendError, Tap,
};

use crate::error::Error;
use crate::splice::Encoded;

/// Checks an endpoint (`tcp://HOST:PORT`, `tcp://*:PORT`, `tcp://[::]:PORT`, `ipc://PATH`).
pub(crate) fn normalize_endpoint(endpoint: &str) -> Result<String, Error> {
    zrpc_zmtp::Endpoint::parse(endpoint)
        .map(|e| e.to_string())
        .map_err(|e| match e {
            zrpc_zmtp::Error::InvalidEndpoint { endpoint, reason } => {
                Error::InvalidEndpoint { endpoint, reason }
            }
            other => Error::Transport(other.to_string()),
        })
}

/// An outgoing event: its head (array, header, name) and the encoded value after it, whose
/// large binaries are written from their own buffers.
pub(crate) struct OutEvent {
    pub head: Vec<u8>,
    pub tail: Encoded,
}

impl From<Vec<u8>> for OutEvent {
    fn from(head: Vec<u8>) -> Self {
        OutEvent {
            head,
            tail: Encoded::default(),
        }
    }
}

/// Frames to send; the last `pieces` buffers are the pieces of the event frame.
#[derive(Clone)]
pub(crate) struct Message {
    pub frames: Vec<Bytes>,
    pub pieces: usize,
}

/// `[envelope..., empty, event]`, as a ROUTER sends to a zerorpc peer.
pub(crate) fn routed_message(mut envelope: Vec<Bytes>, event: OutEvent) -> Message {
    envelope.push(Bytes::new());
    let pieces = event.tail.finish_into(event.head, &mut envelope);
    Message {
        frames: envelope,
        pieces,
    }
}

/// `[empty, event]`, as a DEALER always sends.
pub(crate) fn dealer_message(event: impl Into<OutEvent>) -> Message {
    let event = event.into();
    let mut frames = Vec::with_capacity(2);
    frames.push(Bytes::new());
    let pieces = event.tail.finish_into(event.head, &mut frames);
    Message { frames, pieces }
}
/// The process-wide current-thread runtime that runs every client's socket actor.
/// Socket I/O on a current-thread runtime is several times faster than on a multi-thread one.
pub(crate) fn client_io() -> Result<&'static Handle, Error> {
    static IO: OnceLock<Result<Handle, String>> = OnceLock::new();
    IO.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("zrpc-client-io".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => {
                        let _ = tx.send(Ok(rt.handle().clone()));
                        rt.block_on(std::future::pending::<()>());
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        rx.recv().map_err(|e| e.to_string())?
    })
    .as_ref()
    .map_err(|e| Error::Transport(format!("cannot start the client I/O thread: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_the_wildcard_and_rejects_inproc() {
        assert_eq!(
            normalize_endpoint("tcp://*:5555").unwrap(),
            "tcp://0.0.0.0:5555"
        );
        assert_eq!(
            normalize_endpoint("ipc:///tmp/a.sock").unwrap(),
            "ipc:///tmp/a.sock"
        );
        assert_eq!(
            normalize_endpoint("tcp://127.0.0.1:5555").unwrap(),
            "tcp://127.0.0.1:5555"
        );
        assert_eq!(
            normalize_endpoint("tcp://[::]:5555").unwrap(),
            "tcp://[::]:5555"
        );
        assert!(normalize_endpoint("inproc://x").is_err());
        assert!(normalize_endpoint("tcp://nope").is_err());
    }
}
