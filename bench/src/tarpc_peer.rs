//! tarpc, the peer to beat: its bincode serde transport over length-delimited TCP frames,
//! TCP_NODELAY on both ends, a task per request on the server as its examples do.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use tarpc::server::{BaseChannel, Channel};
use tarpc::tokio_serde::formats::Bincode;
use tarpc::tokio_util::codec::LengthDelimitedCodec;
use tarpc::{client, context, serde_transport};
use tokio::net::{TcpListener, TcpStream};

use crate::measure_rate;
use crate::workload::{Call, Scenario};

#[tarpc::service]
pub trait Bench {
    /// Adds two integers (wrapping).
    async fn add(a: i64, b: i64) -> i64;
    /// Returns `data` unchanged.
    async fn echo(data: Bytes) -> Bytes;
}

#[derive(Clone)]
struct Handlers;

impl Bench for Handlers {
    async fn add(self, _: context::Context, a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }

    async fn echo(self, _: context::Context, data: Bytes) -> Bytes {
        data
    }
}

/// Serves [`Bench`] on a free loopback port, forever.
pub async fn serve() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            if stream.set_nodelay(true).is_err() {
                continue;
            }
            let framed = LengthDelimitedCodec::builder().new_framed(stream);
            let transport = serde_transport::new(framed, Bincode::default());
            let requests = BaseChannel::with_defaults(transport).execute(Handlers.serve());
            tokio::spawn(requests.for_each(|response| async {
                tokio::spawn(response);
            }));
        }
    });
    Ok(address)
}

/// tarpc's generated client, connected.
pub struct Client {
    client: BenchClient,
}

impl Client {
    pub async fn connect(address: SocketAddr) -> anyhow::Result<Client> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        let framed = LengthDelimitedCodec::builder().new_framed(stream);
        let transport = serde_transport::new(framed, Bincode::default());
        let client = BenchClient::new(client::Config::default(), transport).spawn();
        Ok(Client { client })
    }

    /// Calls per second of `scenario`.
    pub async fn rate(&self, scenario: &Scenario, duration: Duration) -> anyhow::Result<f64> {
        let client = &self.client;
        match scenario.call {
            Call::Add => {
                measure_rate(scenario.in_flight, duration, |i| async move {
                    let i = i as i64;
                    let sum = client.add(context::current(), i, 1).await?;
                    anyhow::ensure!(sum == i + 1, "tarpc add({i}, 1) returned {sum}");
                    anyhow::Ok(())
                })
                .await
            }
            Call::Echo(_) => {
                let payload = scenario.payload();
                let payload = &payload;
                measure_rate(scenario.in_flight, duration, |_| async move {
                    let echoed = client.echo(context::current(), payload.clone()).await?;
                    anyhow::ensure!(
                        echoed.len() == payload.len(),
                        "tarpc echo changed the payload"
                    );
                    anyhow::Ok(())
                })
                .await
            }
        }
    }
}
