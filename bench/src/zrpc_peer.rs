//! zrpc under test: the workload as a `#[zrpc::rpc_service]` trait, served by `zrpc::Server`
//! with either handler placement and called through the generated typed client.

use std::time::Duration;

use bytes::Bytes;

use zrpc::curve::KeyPair;

use crate::measure_rate;
use crate::workload::{Call, Scenario};

/// The benchmark's service (the calculator IDL stays as it is).
#[zrpc::rpc_service]
pub trait Bench {
    /// Adds two integers (wrapping).
    async fn add(&self, a: i64, b: i64) -> i64;
    /// Returns `data` unchanged.
    async fn echo(&self, data: zrpc::Bytes) -> zrpc::Bytes;
}

struct Handlers;

impl Bench for Handlers {
    async fn add(&self, a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }

    async fn echo(&self, data: zrpc::Bytes) -> zrpc::Bytes {
        data
    }
}

/// Serves [`Bench`] on a free loopback port with the runtime's default handler placement
/// (today: handlers on the runtime that calls this), or with handlers on the socket's I/O thread;
/// over CURVE with `curve` as the server's key pair (every client key admitted).
pub async fn serve(
    handlers_on_io_thread: bool,
    curve: Option<KeyPair>,
) -> anyhow::Result<zrpc::Server> {
    let mut builder = zrpc::Server::builder(Handlers.into_service()).bind("tcp://127.0.0.1:0");
    // The default peer leaves the setting alone: it measures whatever the runtime defaults to.
    if handlers_on_io_thread {
        builder = builder.handlers_on_io_thread(true);
    }
    if let Some(keys) = curve {
        builder = builder.curve(keys);
    }
    Ok(builder.start().await?)
}

/// The generated client, connected.
pub struct Client {
    client: BenchClient,
}

impl Client {
    /// Connects in plain text, or over CURVE to a server whose public key is `curve.0` (Z85).
    pub async fn connect(endpoint: &str, curve: Option<(&str, KeyPair)>) -> anyhow::Result<Client> {
        let mut builder = zrpc::Client::builder(endpoint).timeout(Duration::from_secs(10));
        if let Some((server_key, keys)) = curve {
            builder = builder.curve(server_key, keys)?;
        }
        let client = BenchClient::from_client(builder.connect().await?);
        Ok(Client { client })
    }

    /// Calls per second of `scenario`.
    pub async fn rate(&self, scenario: &Scenario, duration: Duration) -> anyhow::Result<f64> {
        let client = &self.client;
        match scenario.call {
            Call::Add => {
                measure_rate(scenario.in_flight, duration, |i| async move {
                    let i = i as i64;
                    let sum = client.add(i, 1).await?;
                    anyhow::ensure!(sum == i + 1, "zrpc add({i}, 1) returned {sum}");
                    anyhow::Ok(())
                })
                .await
            }
            Call::Echo(_) => {
                let payload: Bytes = scenario.payload();
                let payload = &payload;
                measure_rate(scenario.in_flight, duration, |_| async move {
                    // `zrpc::Bytes` shares the payload's buffer: no copy per call.
                    let data = zrpc::Bytes::from(payload.clone());
                    let echoed = client.echo(data).await?;
                    anyhow::ensure!(
                        echoed.len() == payload.len(),
                        "zrpc echo changed the payload"
                    );
                    anyhow::Ok(())
                })
                .await
            }
        }
    }
}
