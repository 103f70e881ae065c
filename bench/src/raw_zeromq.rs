//! The floor zrpc sits on: round trips of raw `zeromq`-crate DEALER → ROUTER echo, with frames
//! as big as zrpc's requests.

use std::time::{Duration, Instant};

use bytes::Bytes;
use zeromq::{DealerSocket, RouterSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

/// The bytes of a zerorpc `add(1, 2)` request, so raw frames are as big as zrpc's.
pub const ADD_REQUEST: &[u8] = b"\x93\x82\xaamessage_id\xc4\x2000001001012345678\
9abcdef01234567\xa1v\x03\xa3add\x92\x01\x02";

/// Binds a ROUTER on `endpoint` that echoes every message back to its sender, forever.
/// Returns the bound endpoint (with the real port when `endpoint` asked for port 0).
pub async fn spawn_echo_router(endpoint: &str) -> anyhow::Result<String> {
    let mut router = RouterSocket::new();
    let bound = router.bind(endpoint).await?.to_string();
    tokio::spawn(async move {
        while let Ok(message) = router.recv().await {
            if router.send(message).await.is_err() {
                break;
            }
        }
    });
    Ok(bound)
}

/// A DEALER connected to an echo ROUTER.
pub struct Client {
    dealer: DealerSocket,
}

impl Client {
    pub async fn connect(endpoint: &str) -> anyhow::Result<Client> {
        let mut dealer = DealerSocket::new();
        dealer.connect(endpoint).await?;
        let mut client = Client { dealer };
        // Warm up the connection (and the peer's routing table) first.
        client.send(Bytes::from_static(ADD_REQUEST)).await?;
        client.dealer.recv().await?;
        Ok(client)
    }

    async fn send(&mut self, request: Bytes) -> anyhow::Result<()> {
        // An empty delimiter frame first, as a zerorpc DEALER sends.
        let mut message = ZmqMessage::from(request);
        message.push_front(Bytes::new());
        Ok(self.dealer.send(message).await?)
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
            self.send(request.clone()).await?;
            outstanding += 1;
        }
        while outstanding > 0 {
            let reply = self.dealer.recv().await?;
            anyhow::ensure!(
                reply.get(1).map(Bytes::len) == Some(request.len()),
                "the raw zeromq echo changed the frame"
            );
            outstanding -= 1;
            done += 1;
            if Instant::now() < deadline {
                self.send(request.clone()).await?;
                outstanding += 1;
            }
        }
        Ok(done as f64 / start.elapsed().as_secs_f64())
    }
}
