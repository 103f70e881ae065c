//! Errors: what a handler raises (`RemoteError`) and what a caller sees (`Error`).

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// An error raised by a remote method, as carried by `ERR [name, message, traceback]`.
///
/// `details` holds a typed error's fields (a msgpack map); it travels in the ERR header key
/// `zrpc_error`, which stock zerorpc peers ignore.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteError {
    pub name: String,
    pub message: String,
    pub traceback: Option<String>,
    pub details: Option<rmpv::Value>,
}

impl RemoteError {
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        RemoteError {
            name: name.into(),
            message: message.into(),
            traceback: None,
            details: None,
        }
    }

    /// A typed error: `fields` is serialized as a map keyed by field name.
    pub fn typed<T: Serialize + ?Sized>(
        name: impl Into<String>,
        message: impl Into<String>,
        fields: &T,
    ) -> Self {
        let mut error = RemoteError::new(name, message);
        match to_named_value(fields) {
            Ok(details) => error.details = Some(details),
            Err(e) => {
                error.message = format!("{} (error fields not serializable: {e})", error.message)
            }
        }
        error
    }

    pub fn with_traceback(mut self, traceback: impl Into<String>) -> Self {
        self.traceback = Some(traceback.into());
        self
    }

    /// `TypeError`, as zerorpc uses for bad arguments.
    pub fn type_error(message: impl Into<String>) -> Self {
        RemoteError::new("TypeError", message)
    }

    /// Decodes `details` into the typed error's fields.
    pub fn details_as<T: DeserializeOwned>(&self) -> Option<Result<T, Error>> {
        self.details.clone().map(|d| {
            rmpv::ext::from_value(d)
                .map_err(|e| Error::Decode(format!("error details of {}: {e}", self.name)))
        })
    }
}

/// Converts a serde value to msgpack with structs as maps keyed by field name, as the wire wants
/// (`rmpv::ext::to_value` would write structs as arrays).
pub(crate) fn to_named_value<T: Serialize + ?Sized>(
    value: &T,
) -> Result<rmpv::Value, rmp_serde::encode::Error> {
    let bytes = rmp_serde::to_vec_named(value)?;
    // Our own encoding: always one valid value.
    rmpv::decode::read_value(&mut bytes.as_slice())
        .map_err(|error| rmp_serde::encode::Error::Syntax(error.to_string()))
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for RemoteError {}

/// Everything a zrpc call or server can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The remote method raised an error.
    #[error("remote error {0}")]
    Remote(RemoteError),
    /// No first reply within the call's timeout.
    #[error("timeout after {after:?} waiting for the reply to `{method}`")]
    Timeout { method: String, after: Duration },
    /// Nothing could be reached before the call's deadline: no server listening, or the
    /// connection was refused at the handshake (e.g. a CURVE key the server does not allow).
    #[error("cannot reach {endpoint}: {reason}")]
    Unreachable { endpoint: String, reason: String },
    /// The peer stopped heartbeating or the connection dropped during the call.
    #[error("lost remote: {0}")]
    LostRemote(String),
    /// The peer broke the protocol (unexpected event, malformed reply).
    #[error("protocol error: {0}")]
    Protocol(String),
    /// Socket-level failure (bind, connect, send).
    #[error("transport error: {0}")]
    Transport(String),
    /// A value could not be decoded into the requested type.
    #[error("decode error: {0}")]
    Decode(String),
    /// A value could not be encoded.
    #[error("encode error: {0}")]
    Encode(String),
    /// The endpoint string is not usable.
    #[error("invalid endpoint `{endpoint}`: {reason}")]
    InvalidEndpoint { endpoint: String, reason: String },
    /// Too many calls are waiting for the connection; the call was not sent.
    #[error("send queue full ({0} calls waiting for the server)")]
    QueueFull(usize),
    /// CURVE key material or an allow-list is unusable.
    #[error("CURVE: {0}")]
    Curve(String),
    /// The client or server was shut down (or a call was made on a closed client).
    #[error("the client or server is closed")]
    Closed,
}

impl From<RemoteError> for Error {
    fn from(e: RemoteError) -> Self {
        Error::Remote(e)
    }
}
