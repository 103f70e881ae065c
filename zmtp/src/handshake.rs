//! The ZMTP 3 greeting and handshake (NULL or CURVE), and what it leaves: the peer's
//! properties and the per-frame cipher.

#[cfg(feature = "curve")]
use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use crate::error::Error;
use crate::frame;
use crate::options::SocketType;
use crate::wire::Reader;

#[cfg(feature = "curve")]
use crate::curve;

/// Handshake commands and metadata are small; this limit applies until the handshake is done.
pub(crate) const HANDSHAKE_MAX_FRAME: usize = 64 * 1024;

/// What a socket brings to a handshake.
#[derive(Clone)]
pub(crate) struct Local {
    pub socket_type: SocketType,
    pub identity: Bytes,
    pub security: Security,
}

/// The mechanism a socket speaks.
#[derive(Clone)]
pub enum Security {
    Null,
    #[cfg(feature = "curve")]
    CurveServer(Arc<curve::CurveServer>),
    #[cfg(feature = "curve")]
    CurveClient(Arc<curve::CurveClient>),
}

impl Security {
    fn mechanism(&self) -> &'static str {
        match self {
            Security::Null => "NULL",
            #[cfg(feature = "curve")]
            Security::CurveServer(_) | Security::CurveClient(_) => "CURVE",
        }
    }

    fn as_server(&self) -> bool {
        match self {
            Security::Null => false,
            #[cfg(feature = "curve")]
            Security::CurveServer(_) => true,
            #[cfg(feature = "curve")]
            Security::CurveClient(_) => false,
        }
    }
}

/// What the handshake learnt about the peer, and the ciphers for the rest of the connection.
pub(crate) struct Established {
    pub identity: Option<Bytes>,
    /// The client's long-term CURVE public key, when we are a CURVE server.
    pub public_key: Option<[u8; 32]>,
    pub sealer: Sealer,
    pub opener: Opener,
}

/// Encrypts outgoing frames (or not).
pub(crate) enum Sealer {
    Null,
    #[cfg(feature = "curve")]
    Curve(curve::Sealer),
}

/// Decrypts incoming frames (or not).
pub(crate) enum Opener {
    Null,
    #[cfg(feature = "curve")]
    Curve(curve::Opener),
}

fn greeting(security: &Security) -> [u8; 64] {
    let mut g = [0u8; 64];
    g[0] = 0xff;
    g[9] = 0x7f;
    g[10] = 3;
    g[11] = 1;
    let mechanism = security.mechanism().as_bytes();
    g[12..12 + mechanism.len()].copy_from_slice(mechanism);
    g[32] = u8::from(security.as_server());
    g
}

/// Encodes READY/INITIATE metadata: name length (1), name, value length (4, BE), value.
pub(crate) fn metadata(local: &Local) -> BytesMut {
    let mut out = BytesMut::new();
    let mut property = |name: &str, value: &[u8]| {
        out.put_u8(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        out.put_u32(value.len() as u32);
        out.extend_from_slice(value);
    };
    property("Socket-Type", local.socket_type.name().as_bytes());
    if matches!(local.socket_type, SocketType::Dealer | SocketType::Router) {
        property("Identity", &local.identity);
    }
    out
}

/// Checks the peer's metadata; returns the Identity it announced, if any.
pub(crate) fn check_metadata(local: &Local, data: &Bytes) -> Result<Option<Bytes>, Error> {
    let mut rest = data.clone();
    let mut socket_type = None;
    let mut identity = None;
    let bad = || Error::Protocol("malformed metadata".into());
    while !rest.is_empty() {
        let name_len = usize::from(rest[0]);
        if rest.len() < 1 + name_len + 4 {
            return Err(bad());
        }
        let name = rest.slice(1..1 + name_len);
        let len_at = 1 + name_len;
        let value_len = u32::from_be_bytes([
            rest[len_at],
            rest[len_at + 1],
            rest[len_at + 2],
            rest[len_at + 3],
        ]) as usize;
        let value_at = len_at + 4;
        if rest.len() - value_at < value_len {
            return Err(bad());
        }
        let value = rest.slice(value_at..value_at + value_len);
        if name.eq_ignore_ascii_case(b"Socket-Type") {
            socket_type = Some(value);
        } else if name.eq_ignore_ascii_case(b"Identity") && !value.is_empty() {
            identity = Some(value);
        }
        rest = rest.slice(value_at + value_len..);
    }
    let socket_type = socket_type.ok_or_else(|| Error::Protocol("no Socket-Type".into()))?;
    if !local.socket_type.accepts(&socket_type) {
        return Err(Error::Protocol(format!(
            "a {} socket cannot talk to a {} socket",
            local.socket_type.name(),
            String::from_utf8_lossy(&socket_type)
        )));
    }
    Ok(identity)
}

pub(crate) async fn send_command<W: AsyncWrite + Unpin>(
    io: &mut W,
    name: &str,
    data: &[u8],
) -> Result<(), Error> {
    let body = frame::command(name, data);
    let mut out = BytesMut::with_capacity(body.len() + 9);
    frame::encode(&mut out, false, true, &body);
    io.write_all(&out).await?;
    Ok(())
}

/// Sends an ERROR command (best effort: the connection closes right after).
pub(crate) async fn send_error<W: AsyncWrite + Unpin>(io: &mut W, reason: &str) {
    let reason = &reason.as_bytes()[..reason.len().min(255)];
    let mut data = Vec::with_capacity(1 + reason.len());
    data.push(reason.len() as u8);
    data.extend_from_slice(reason);
    let _ = send_command(io, "ERROR", &data).await;
}

/// The reason carried by an ERROR command, if `body` is one.
pub(crate) fn error_reason(name: &[u8], data: &[u8]) -> Option<String> {
    if name != b"ERROR" {
        return None;
    }
    let len = usize::from(*data.first().unwrap_or(&0));
    let reason = data.get(1..1 + len).unwrap_or_default();
    Some(String::from_utf8_lossy(reason).into_owned())
}

/// Runs the greeting and the mechanism's handshake.
pub(crate) async fn handshake<R, W>(
    reader: &mut Reader<R>,
    writer: &mut W,
    local: &Local,
) -> Result<Established, Error>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    reader.set_max_frame(HANDSHAKE_MAX_FRAME);
    writer.write_all(&greeting(&local.security)).await?;
    let peer = reader.raw(64).await?;
    if peer[0] != 0xff || peer[9] != 0x7f {
        return Err(Error::Protocol("not a ZMTP peer".into()));
    }
    if peer[10] < 3 {
        return Err(Error::Protocol(format!(
            "ZMTP {}.{} peers are not supported (3.0 or later needed)",
            peer[10], peer[11]
        )));
    }
    let mechanism = &peer[12..32];
    let end = mechanism.iter().position(|&b| b == 0).unwrap_or(20);
    let mechanism = &mechanism[..end];
    if mechanism != local.security.mechanism().as_bytes() {
        let reason = format!(
            "security mechanism mismatch: we speak {}, the peer {}",
            local.security.mechanism(),
            String::from_utf8_lossy(mechanism)
        );
        send_error(writer, &reason).await;
        return Err(Error::Handshake(reason));
    }
    match &local.security {
        Security::Null => null_handshake(reader, writer, local).await,
        // The as-server byte is not checked: libzmq leaves it zero.
        #[cfg(feature = "curve")]
        Security::CurveServer(server) => {
            curve::server_handshake(reader, writer, local, server).await
        }
        #[cfg(feature = "curve")]
        Security::CurveClient(client) => {
            curve::client_handshake(reader, writer, local, client).await
        }
    }
}

async fn null_handshake<R, W>(
    reader: &mut Reader<R>,
    writer: &mut W,
    local: &Local,
) -> Result<Established, Error>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    send_command(writer, "READY", &metadata(local)).await?;
    let body = reader.command().await?;
    let (name, data) =
        frame::parse_command(&body).ok_or_else(|| Error::Protocol("empty command".into()))?;
    if let Some(reason) = error_reason(name, &data) {
        return Err(Error::Refused(reason));
    }
    if name != b"READY" {
        return Err(Error::Protocol(format!(
            "expected READY, got {}",
            String::from_utf8_lossy(name)
        )));
    }
    let identity = match check_metadata(local, &data) {
        Ok(identity) => identity,
        Err(e) => {
            send_error(writer, &e.to_string()).await;
            return Err(e);
        }
    };
    Ok(Established {
        identity,
        public_key: None,
        sealer: Sealer::Null,
        opener: Opener::Null,
    })
}
