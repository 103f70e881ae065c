//! `calculator-server`: the calculator service of `examples/calculator/calculator.zrpc`.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

/// Serves the calculator of calculator.zrpc until SIGINT or SIGTERM: on its own endpoint, or
/// as a worker of a `zrpc broker` (`--worker`).
#[derive(Parser)]
#[command(name = "calculator-server", version)]
struct Options {
    /// Endpoint to bind, e.g. tcp://127.0.0.1:4242 or tcp://*:4242.
    #[arg(long, default_value = "tcp://127.0.0.1:4242")]
    bind: String,
    /// Heartbeat interval in seconds (clients must use the same; zerorpc's default is 5).
    #[arg(long, default_value_t = 5.0)]
    heartbeat: f64,
    /// Serve as a worker of the broker whose backend is at this endpoint, instead of binding.
    #[arg(long, value_name = "BACKEND_ENDPOINT", conflicts_with = "bind")]
    worker: Option<String>,
    /// As a worker: calls taken at once.
    #[arg(long, default_value_t = 16, requires = "worker")]
    concurrency: u32,
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    if !(options.heartbeat.is_finite() && options.heartbeat > 0.0) {
        eprintln!("error: --heartbeat must be a positive number of seconds");
        return ExitCode::from(2);
    }
    if let Some(backend) = options.worker {
        return serve_as_worker(&backend, options.concurrency, options.heartbeat).await;
    }
    let server = match zrpc::Server::builder(calculator::service())
        .heartbeat(Duration::from_secs_f64(options.heartbeat))
        .bind(&options.bind)
        // Every calculator handler is quick and never blocks (sleep is async), so the socket's
        // own thread can run them: no thread hop per call.
        .handlers_on_io_thread(true)
        .start()
        .await
    {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: cannot serve on {}: {error}", options.bind);
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(endpoints = ?server.endpoints(), "calculator-server listening");
    let signal = shutdown_signal().await;
    tracing::info!(signal, "shutting down: finishing the calls in flight");
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Serves the broker at `backend` until a signal, then lets the calls in flight finish.
async fn serve_as_worker(backend: &str, concurrency: u32, heartbeat: f64) -> ExitCode {
    if concurrency == 0 {
        eprintln!("error: --concurrency must be at least 1");
        return ExitCode::from(2);
    }
    let worker = match zrpc::Worker::builder(calculator::service())
        .concurrency(concurrency)
        .heartbeat(Duration::from_secs_f64(heartbeat).min(Duration::from_secs(1)))
        .connect(backend)
        .await
    {
        Ok(worker) => worker,
        Err(error) => {
            eprintln!("error: cannot serve the broker at {backend}: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        backend,
        concurrency,
        "calculator-server working for a broker"
    );
    let signal = shutdown_signal().await;
    tracing::info!(signal, "shutting down: finishing the calls in flight");
    worker.shutdown().await;
    ExitCode::SUCCESS
}

/// Resolves with the name of the first of SIGINT / SIGTERM to arrive.
async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => tokio::select! {
            _ = tokio::signal::ctrl_c() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        },
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGTERM; only SIGINT stops the server");
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}
