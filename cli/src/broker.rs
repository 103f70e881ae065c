//! `zrpc broker`: runs a broker between callers and workers until SIGINT or SIGTERM.

use std::process::ExitCode;
use std::time::Duration;

use std::path::{Path, PathBuf};

use clap::Args;
use zrpc::curve::{AllowList, KeyPair};

/// Run a broker: callers connect to the frontend (plain zerorpc), workers to the backend
/// (`calculator-server --worker`, `zrpc::Worker`). Calls wait in order when every worker is
/// busy and are re-run when their worker dies. See docs/broker.md.
#[derive(Args)]
pub struct BrokerArgs {
    /// Endpoint for callers, e.g. tcp://*:4242.
    #[arg(long, value_name = "ENDPOINT")]
    frontend: String,
    /// Endpoint for workers, e.g. tcp://*:4243.
    #[arg(long, value_name = "ENDPOINT")]
    backend: String,
    /// Calls that may wait for a worker; past it a caller gets QueueFull at once.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    queue_limit: usize,
    /// Keep the queue in NATS JetStream (nats-server -js) instead of in memory.
    #[arg(long, value_name = "nats://HOST:PORT")]
    store: Option<String>,
    /// Runs of one call at most when its workers die (1: never re-run).
    #[arg(long, value_name = "N", default_value_t = 3)]
    max_attempts: u32,
    /// Heartbeat interval to callers, in seconds (callers must use the same; zerorpc's is 5).
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    heartbeat: f64,
    /// CURVE key pair (a certificate written by `zrpc keygen`, PATH.key) for callers, and for
    /// workers too unless --backend-curve-key is given.
    #[arg(long, value_name = "PATH")]
    curve_key: Option<PathBuf>,
    /// Admit only the callers whose public keys FILE lists (Z85, one per line, `#` comments).
    #[arg(long, value_name = "FILE", requires = "curve_key")]
    curve_allow: Option<PathBuf>,
    /// CURVE key pair for workers (default: --curve-key).
    #[arg(long, value_name = "PATH")]
    backend_curve_key: Option<PathBuf>,
    /// Admit only the workers whose public keys FILE lists.
    #[arg(long, value_name = "FILE")]
    backend_curve_allow: Option<PathBuf>,
}

/// Loads `--FLAG` key pair and allow-list.
fn load_curve(
    key: &Path,
    allow: Option<&Path>,
    flags: (&str, &str),
) -> Result<(KeyPair, Option<AllowList>), String> {
    let keys = KeyPair::load(key).map_err(|e| format!("--{}: {e}", flags.0))?;
    let allow = match allow {
        Some(path) => Some(AllowList::load(path).map_err(|e| format!("--{}: {e}", flags.1))?),
        None => None,
    };
    Ok((keys, allow))
}

pub fn run(args: BrokerArgs) -> ExitCode {
    if !(args.heartbeat.is_finite() && args.heartbeat > 0.0) {
        eprintln!("error: --heartbeat must be a positive number of seconds");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let mut builder = zrpc_broker::Broker::builder()
            .frontend(&args.frontend)
            .backend(&args.backend)
            .queue_limit(args.queue_limit)
            .max_attempts(args.max_attempts)
            .heartbeat(Duration::from_secs_f64(args.heartbeat));
        if let Some(store) = &args.store {
            builder = builder.store(store);
        }
        match curve_sides(&args) {
            Ok((front, back)) => {
                if let Some((keys, allow)) = front {
                    tracing::info!(public_key = %keys.public_z85(), "CURVE on the frontend");
                    builder = builder.frontend_curve(keys, allow);
                }
                if let Some((keys, allow)) = back {
                    tracing::info!(public_key = %keys.public_z85(), "CURVE on the backend");
                    builder = builder.backend_curve(keys, allow);
                }
            }
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        }
        let broker = match builder.start().await {
            Ok(broker) => broker,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
        tracing::info!(
            frontend = broker.frontend(),
            backend = broker.backend(),
            store = args.store.as_deref().unwrap_or("memory"),
            "zrpc broker running"
        );
        eprintln!(
            "zrpc broker: callers on {}, workers on {}",
            broker.frontend(),
            broker.backend()
        );
        wait_for_signal().await;
        broker.shutdown().await;
        ExitCode::SUCCESS
    })
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

type Side = Option<(KeyPair, Option<AllowList>)>;

/// The CURVE settings of the frontend and the backend from the flags.
fn curve_sides(args: &BrokerArgs) -> Result<(Side, Side), String> {
    let front = match &args.curve_key {
        Some(key) => Some(load_curve(
            key,
            args.curve_allow.as_deref(),
            ("curve-key", "curve-allow"),
        )?),
        None => None,
    };
    let back_key = args.backend_curve_key.as_ref().or(args.curve_key.as_ref());
    let back = match back_key {
        Some(key) => Some(load_curve(
            key,
            args.backend_curve_allow.as_deref(),
            ("backend-curve-key", "backend-curve-allow"),
        )?),
        None if args.backend_curve_allow.is_some() => {
            return Err("--backend-curve-allow needs --backend-curve-key or --curve-key".into())
        }
        None => None,
    };
    Ok((front, back))
}
