//! The plain-socket floor: length-delimited frames echoed over one loopback TCP connection
//! (`tokio-util`'s `LengthDelimitedCodec`, TCP_NODELAY on both ends), the framing tarpc uses.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::{Framed, LengthDelimitedCodec};

/// Listens on a free loopback port and echoes every frame of every connection, forever.
pub async fn spawn_echo_server() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            if stream.set_nodelay(true).is_err() {
                continue;
            }
            let (sink, frames) = Framed::new(stream, LengthDelimitedCodec::new()).split();
            // `forward` flushes only when no more frames are ready: pipelined echoes batch.
            tokio::spawn(frames.map(|frame| frame.map(|f| f.freeze())).forward(sink));
        }
    });
    Ok(address)
}

/// One connection to an echo server.
pub struct Client {
    framed: Framed<TcpStream, LengthDelimitedCodec>,
}

impl Client {
    pub async fn connect(address: SocketAddr) -> anyhow::Result<Client> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Client {
            framed: Framed::new(stream, LengthDelimitedCodec::new()),
        })
    }

    /// Round trips of `request` per second, keeping `in_flight` requests outstanding.
    pub async fn round_trips(
        &mut self,
        request: &Bytes,
        in_flight: usize,
        duration: Duration,
    ) -> anyhow::Result<f64> {
        let start = Instant::now();
        let deadline = start + duration;
        let mut outstanding = 0usize;
        let mut done = 0u64;
        for _ in 0..in_flight {
            self.framed.send(request.clone()).await?;
            outstanding += 1;
        }
        while outstanding > 0 {
            let reply = self
                .framed
                .next()
                .await
                .ok_or_else(|| anyhow::anyhow!("the raw TCP echo server hung up"))??;
            anyhow::ensure!(
                reply.len() == request.len(),
                "the raw TCP echo changed the frame"
            );
            outstanding -= 1;
            done += 1;
            if Instant::now() < deadline {
                self.framed.send(request.clone()).await?;
                outstanding += 1;
            }
        }
        Ok(done as f64 / start.elapsed().as_secs_f64())
    }
}
