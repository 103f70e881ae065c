//! tonic: gRPC over HTTP/2 with prost messages (`proto/bench.proto`, `bytes` fields as
//! `bytes::Bytes`), TCP_NODELAY on both ends.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Response, Status};

use crate::measure_rate;
use crate::workload::{Call, Scenario};

/// The code tonic-prost-build generated from `proto/bench.proto`.
pub mod proto {
    tonic::include_proto!("bench");
}

use proto::bench_client::BenchClient;
use proto::bench_server::{Bench, BenchServer};
use proto::{AddReply, AddRequest, Blob};

struct Handlers;

#[tonic::async_trait]
impl Bench for Handlers {
    async fn add(&self, request: Request<AddRequest>) -> Result<Response<AddReply>, Status> {
        let AddRequest { a, b } = request.into_inner();
        Ok(Response::new(AddReply {
            sum: a.wrapping_add(b),
        }))
    }

    async fn echo(&self, request: Request<Blob>) -> Result<Response<Blob>, Status> {
        Ok(Response::new(request.into_inner()))
    }
}

/// Serves [`Bench`] on a free loopback port, forever.
pub async fn serve() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    let server = tonic::transport::Server::builder()
        .add_service(BenchServer::new(Handlers))
        .serve_with_incoming(incoming);
    tokio::spawn(server);
    Ok(address)
}

/// tonic's generated client over one HTTP/2 connection.
pub struct Client {
    client: BenchClient<Channel>,
}

impl Client {
    pub async fn connect(address: SocketAddr) -> anyhow::Result<Client> {
        let channel = Endpoint::from_shared(format!("http://{address}"))?
            .tcp_nodelay(true)
            .connect()
            .await?;
        Ok(Client {
            client: BenchClient::new(channel),
        })
    }

    /// Calls per second of `scenario`.
    pub async fn rate(&self, scenario: &Scenario, duration: Duration) -> anyhow::Result<f64> {
        let client = &self.client;
        match scenario.call {
            Call::Add => {
                measure_rate(scenario.in_flight, duration, |i| async move {
                    let a = i as i64;
                    // Calls take `&mut self`; clones share the connection.
                    let reply = client.clone().add(AddRequest { a, b: 1 }).await?;
                    let sum = reply.into_inner().sum;
                    anyhow::ensure!(sum == a + 1, "tonic add({a}, 1) returned {sum}");
                    anyhow::Ok(())
                })
                .await
            }
            Call::Echo(_) => {
                let payload = scenario.payload();
                let payload = &payload;
                measure_rate(scenario.in_flight, duration, |_| async move {
                    let blob = Blob {
                        data: payload.clone(),
                    };
                    let echoed = client.clone().echo(blob).await?.into_inner().data;
                    anyhow::ensure!(
                        echoed.len() == payload.len(),
                        "tonic echo changed the payload"
                    );
                    anyhow::Ok(())
                })
                .await
            }
        }
    }
}
