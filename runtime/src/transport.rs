//! The thin layer over the `zeromq` crate: endpoints, frames and the I/O runtimes.

use std::collections::VecDeque;
use std::sync::OnceLock;

use bytes::Bytes;
use tokio::runtime::Handle;
use zeromq::ZmqMessage;

use crate::error::Error;

/// Checks an endpoint and maps the libzmq wildcard `tcp://*:PORT` to `tcp://0.0.0.0:PORT`,
/// which the `zeromq` crate understands.
pub(crate) fn normalize_endpoint(endpoint: &str) -> Result<String, Error> {
    let invalid = |reason: &str| Error::InvalidEndpoint {
        endpoint: endpoint.to_owned(),
        reason: reason.to_owned(),
    };
    let normalized = match endpoint.strip_prefix("tcp://*:") {
        Some(port) => format!("tcp://0.0.0.0:{port}"),
        None => endpoint.to_owned(),
    };
    if !(normalized.starts_with("tcp://") || normalized.starts_with("ipc://")) {
        return Err(invalid("only tcp:// and ipc:// are supported"));
    }
    normalized
        .parse::<zeromq::Endpoint>()
        .map_err(|e| invalid(&e.to_string()))?;
    Ok(normalized)
}

/// Builds `[envelope..., empty, event]`.
pub(crate) fn routed_message(envelope: Vec<Bytes>, event: Vec<u8>) -> Option<ZmqMessage> {
    let mut frames = VecDeque::with_capacity(envelope.len() + 2);
    frames.extend(envelope);
    frames.push_back(Bytes::new());
    frames.push_back(Bytes::from(event));
    ZmqMessage::try_from(frames).ok()
}

/// `[empty, event]`, as a DEALER always sends.
pub(crate) fn dealer_message(event: Vec<u8>) -> ZmqMessage {
    let mut message = ZmqMessage::from(Bytes::new());
    message.push_back(Bytes::from(event));
    message
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
