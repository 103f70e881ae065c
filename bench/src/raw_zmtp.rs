//! The floor zrpc sits on: round trips of raw DEALER → ROUTER echo on zrpc's own ZMTP engine
//! (`zrpc-zmtp`), with frames as big as zrpc's requests.

use std::time::{Duration, Instant};

use bytes::Bytes;
use zrpc_zmtp::{Dealer, Options, Router};

/// The bytes of a zerorpc `add(1, 2)` request, so raw frames are as big as zrpc's.
pub const ADD_REQUEST: &[u8] = b"\x93\x82\xaamessage_id\xc4\x2000001001012345678\
9abcdef01234567\xa1v\x03\xa3add\x92\x01\x02";

/// Binds a ROUTER on `endpoint` that echoes every message back to its sender, forever.
/// Returns the bound endpoint (with the real port when `endpoint` asked for port 0).
pub async fn spawn_echo_router(endpoint: &str) -> anyhow::Result<String> {
    let mut router = Router::new(Options::default());
    let bound = router.bind(endpoint).await?;
    let sender = router.sender();
    tokio::spawn(async move {
        while let Some(received) = router.recv().await {
            let mut frames = Vec::with_capacity(received.frames.len() + 1);
            frames.push(received.peer.id.clone());
            frames.extend(received.frames);
            if sender.send(frames).is_err() {
                break;
            }
        }
    });
    Ok(bound)
}

/// A DEALER connected to an echo ROUTER.
pub struct Client {
    dealer: Dealer,
}

impl Client {
    pub async fn connect(endpoint: &str) -> anyhow::Result<Client> {
        let dealer = Dealer::connect(endpoint, Options::default())?;
        let mut client = Client { dealer };
        // Warm up the connection (and the peer's routing table) first.
        client.send(Bytes::from_static(ADD_REQUEST)).await?;
        client
            .dealer
            .recv()
            .await
            .ok_or_else(|| anyhow::anyhow!("the raw zmtp echo closed"))?;
        Ok(client)
    }

    async fn send(&mut self, request: Bytes) -> anyhow::Result<()> {
        // An empty delimiter frame first, as a zerorpc DEALER sends.
        Ok(self.dealer.send(vec![Bytes::new(), request]).await?)
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
            let reply = self
                .dealer
                .recv()
                .await
                .ok_or_else(|| anyhow::anyhow!("the raw zmtp echo closed"))?;
            anyhow::ensure!(
                reply.get(1).map(Bytes::len) == Some(request.len()),
                "the raw zmtp echo changed the frame"
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
