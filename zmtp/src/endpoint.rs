//! Endpoints (`tcp://HOST:PORT`, `tcp://*:PORT`, `tcp://[::]:PORT`, `ipc://PATH`), listeners
//! and outgoing connections.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};

use crate::error::Error;

/// A parsed endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// Host (a name, an IPv4 address or a bracketless IPv6 address) and port.
    Tcp {
        host: String,
        port: u16,
    },
    Ipc(PathBuf),
}

impl Endpoint {
    pub fn parse(endpoint: &str) -> Result<Endpoint, Error> {
        let invalid = |reason: &str| Error::InvalidEndpoint {
            endpoint: endpoint.to_owned(),
            reason: reason.to_owned(),
        };
        if let Some(path) = endpoint.strip_prefix("ipc://") {
            if path.is_empty() {
                return Err(invalid("empty path"));
            }
            return Ok(Endpoint::Ipc(PathBuf::from(path)));
        }
        let Some(address) = endpoint.strip_prefix("tcp://") else {
            return Err(invalid("only tcp:// and ipc:// are supported"));
        };
        let (host, port) = address
            .rsplit_once(':')
            .ok_or_else(|| invalid("expected HOST:PORT"))?;
        let port = port
            .parse::<u16>()
            .map_err(|_| invalid("the port is not a number from 0 to 65535"))?;
        let host = match host {
            "*" => "0.0.0.0".to_owned(),
            h if h.starts_with('[') && h.ends_with(']') => h[1..h.len() - 1].to_owned(),
            "" => return Err(invalid("no host")),
            h => h.to_owned(),
        };
        Ok(Endpoint::Tcp { host, port })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            Endpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Endpoint::Ipc(path) => write!(f, "ipc://{}", path.display()),
        }
    }
}

pub(crate) type BoxRead = Pin<Box<dyn AsyncRead + Send>>;
pub(crate) type BoxWrite = Pin<Box<dyn AsyncWrite + Send>>;

/// A socket file we created, removed when the listener goes (if it is still ours).
pub(crate) struct IpcFile {
    path: PathBuf,
    inode: u64,
}

impl Drop for IpcFile {
    fn drop(&mut self) {
        use std::os::unix::fs::MetadataExt;
        if std::fs::metadata(&self.path).is_ok_and(|m| m.ino() == self.inode) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

pub(crate) enum Listener {
    Tcp(TcpListener),
    Ipc(UnixListener, #[allow(dead_code)] IpcFile),
}

impl Listener {
    /// Binds; returns the listener and the endpoint actually bound (the real port for port 0).
    pub(crate) async fn bind(endpoint: &Endpoint) -> Result<(Listener, Endpoint), Error> {
        let bind_error = |source: io::Error| Error::Bind {
            endpoint: endpoint.to_string(),
            source,
        };
        match endpoint {
            Endpoint::Tcp { host, port } => {
                let listener = TcpListener::bind((host.as_str(), *port))
                    .await
                    .map_err(bind_error)?;
                let local = listener.local_addr().map_err(bind_error)?;
                Ok((
                    Listener::Tcp(listener),
                    Endpoint::Tcp {
                        host: host.clone(),
                        port: local.port(),
                    },
                ))
            }
            Endpoint::Ipc(path) => {
                if path.exists() {
                    // A live server answers; a stale file left by a crash does not.
                    if UnixStream::connect(path).await.is_ok() {
                        return Err(bind_error(io::Error::new(
                            io::ErrorKind::AddrInUse,
                            "another server is listening on this socket file",
                        )));
                    }
                    std::fs::remove_file(path).map_err(bind_error)?;
                }
                let listener = UnixListener::bind(path).map_err(bind_error)?;
                use std::os::unix::fs::MetadataExt;
                let inode = std::fs::metadata(path).map_err(bind_error)?.ino();
                Ok((
                    Listener::Ipc(
                        listener,
                        IpcFile {
                            path: path.clone(),
                            inode,
                        },
                    ),
                    endpoint.clone(),
                ))
            }
        }
    }

    pub(crate) async fn accept(&self) -> io::Result<(BoxRead, BoxWrite)> {
        match self {
            Listener::Tcp(listener) => {
                let (stream, _) = listener.accept().await?;
                Ok(split_tcp(stream))
            }
            Listener::Ipc(listener, _) => {
                let (stream, _) = listener.accept().await?;
                let (r, w) = stream.into_split();
                Ok((Box::pin(r), Box::pin(w)))
            }
        }
    }
}

fn split_tcp(stream: TcpStream) -> (BoxRead, BoxWrite) {
    let _ = stream.set_nodelay(true);
    let (r, w) = stream.into_split();
    (Box::pin(r), Box::pin(w))
}

pub(crate) async fn connect(endpoint: &Endpoint) -> io::Result<(BoxRead, BoxWrite)> {
    match endpoint {
        Endpoint::Tcp { host, port } => {
            Ok(split_tcp(TcpStream::connect((host.as_str(), *port)).await?))
        }
        Endpoint::Ipc(path) => {
            let (r, w) = UnixStream::connect(path).await?.into_split();
            Ok((Box::pin(r), Box::pin(w)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wildcards_ipv6_and_ipc() {
        let tcp = |host: &str, port| Endpoint::Tcp {
            host: host.into(),
            port,
        };
        assert_eq!(
            Endpoint::parse("tcp://*:5555").unwrap(),
            tcp("0.0.0.0", 5555)
        );
        assert_eq!(Endpoint::parse("tcp://[::]:5555").unwrap(), tcp("::", 5555));
        assert_eq!(
            Endpoint::parse("tcp://[::]:5555").unwrap().to_string(),
            "tcp://[::]:5555"
        );
        assert_eq!(
            Endpoint::parse("ipc:///tmp/x.sock").unwrap(),
            Endpoint::Ipc("/tmp/x.sock".into())
        );
        assert!(Endpoint::parse("inproc://x").is_err());
        assert!(Endpoint::parse("tcp://nope").is_err());
        assert!(Endpoint::parse("tcp://host:99999").is_err());
    }
}
