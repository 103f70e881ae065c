//! Every implementation measured on the workload: zrpc in both handler placements, tarpc,
//! tonic and the two raw floors. Servers run on a thread and current-thread runtime of their
//! own; clients on the caller's.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;

use crate::workload::{Call, Scenario};
use crate::{raw_tcp, raw_zeromq, tarpc_peer, tonic_peer, zrpc_peer};

/// One implementation under measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Peer {
    /// zrpc with the runtime's default handler placement (handlers on the server's runtime).
    Zrpc,
    /// zrpc with `handlers_on_io_thread(true)`.
    ZrpcIo,
    Tarpc,
    Tonic,
    /// Raw `zeromq` DEALER → ROUTER echo: the socket layer zrpc sits on.
    RawZeromq,
    /// Raw length-delimited TCP echo.
    RawTcp,
}

impl Peer {
    pub const ALL: [Peer; 6] = [
        Peer::Zrpc,
        Peer::ZrpcIo,
        Peer::Tarpc,
        Peer::Tonic,
        Peer::RawZeromq,
        Peer::RawTcp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Peer::Zrpc => "zrpc",
            Peer::ZrpcIo => "zrpc (I/O thread)",
            Peer::Tarpc => "tarpc",
            Peer::Tonic => "tonic",
            Peer::RawZeromq => "raw zeromq",
            Peer::RawTcp => "raw tcp",
        }
    }
}

/// Where each server listens.
struct Endpoints {
    zrpc: String,
    zrpc_io: String,
    tarpc: SocketAddr,
    tonic: SocketAddr,
    raw_zeromq: String,
    raw_tcp: SocketAddr,
}

/// Starts every server on a thread and current-thread runtime of its own; they serve until the
/// process ends.
fn start_servers() -> anyhow::Result<Endpoints> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("bench-servers".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = ready_tx.send(Err(anyhow::Error::from(error)));
                    return;
                }
            };
            runtime.block_on(async move {
                let started = async {
                    let zrpc = zrpc_peer::serve(false).await?;
                    let zrpc_io = zrpc_peer::serve(true).await?;
                    let endpoints = Endpoints {
                        zrpc: zrpc.endpoint(),
                        zrpc_io: zrpc_io.endpoint(),
                        tarpc: tarpc_peer::serve().await?,
                        tonic: tonic_peer::serve().await?,
                        raw_zeromq: raw_zeromq::spawn_echo_router("tcp://127.0.0.1:0").await?,
                        raw_tcp: raw_tcp::spawn_echo_server().await?,
                    };
                    anyhow::Ok((endpoints, [zrpc, zrpc_io]))
                };
                match started.await {
                    Ok((endpoints, servers)) => {
                        let _ = ready_tx.send(Ok(endpoints));
                        std::future::pending::<()>().await;
                        drop(servers);
                    }
                    Err(error) => {
                        let _ = ready_tx.send(Err(error));
                    }
                }
            });
        })?;
    ready_rx.recv().context("the server thread died")?
}

/// A connected client of every peer.
pub struct Clients {
    zrpc: zrpc_peer::Client,
    zrpc_io: zrpc_peer::Client,
    tarpc: tarpc_peer::Client,
    tonic: tonic_peer::Client,
    raw_zeromq: raw_zeromq::Client,
    raw_tcp: raw_tcp::Client,
    /// The zrpc server with the default placement, for the stock Python client.
    pub zrpc_endpoint: String,
}

impl Clients {
    /// Starts the servers, then connects to each from the calling runtime.
    pub async fn start() -> anyhow::Result<Clients> {
        let endpoints = start_servers()?;
        Ok(Clients {
            zrpc: zrpc_peer::Client::connect(&endpoints.zrpc).await?,
            zrpc_io: zrpc_peer::Client::connect(&endpoints.zrpc_io).await?,
            tarpc: tarpc_peer::Client::connect(endpoints.tarpc).await?,
            tonic: tonic_peer::Client::connect(endpoints.tonic).await?,
            raw_zeromq: raw_zeromq::Client::connect(&endpoints.raw_zeromq).await?,
            raw_tcp: raw_tcp::Client::connect(endpoints.raw_tcp).await?,
            zrpc_endpoint: endpoints.zrpc,
        })
    }

    /// Calls per second of `peer` on `scenario`, measured for `duration`.
    pub async fn rate(
        &mut self,
        peer: Peer,
        scenario: &Scenario,
        duration: Duration,
    ) -> anyhow::Result<f64> {
        let rate = match peer {
            Peer::Zrpc => self.zrpc.rate(scenario, duration).await,
            Peer::ZrpcIo => self.zrpc_io.rate(scenario, duration).await,
            Peer::Tarpc => self.tarpc.rate(scenario, duration).await,
            Peer::Tonic => self.tonic.rate(scenario, duration).await,
            Peer::RawZeromq => {
                let frame = raw_frame(scenario);
                (self.raw_zeromq)
                    .round_trips(&frame, scenario.in_flight, duration)
                    .await
            }
            Peer::RawTcp => {
                let frame = raw_frame(scenario);
                (self.raw_tcp)
                    .round_trips(&frame, scenario.in_flight, duration)
                    .await
            }
        };
        rate.with_context(|| format!("{} on {}", peer.name(), scenario.name()))
    }
}

/// What the raw floors send: a zerorpc `add` request, or the echo payload.
fn raw_frame(scenario: &Scenario) -> Bytes {
    match scenario.call {
        Call::Add => Bytes::from_static(raw_zeromq::ADD_REQUEST),
        Call::Echo(_) => scenario.payload(),
    }
}
