//! `calculator-server`: the calculator service of `examples/calculator/calculator.zrpc`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

/// Serves the calculator of calculator.zrpc until SIGINT or SIGTERM.
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
    /// As a worker: the broker backend's CURVE public key (Z85); needs --curve-key.
    #[arg(long, value_name = "Z85", allow_hyphen_values = true, requires_all = ["worker", "curve_key"])]
    curve_server_key: Option<String>,
    /// Serve over CURVE with this key pair (a certificate written by `zrpc keygen`, PATH.key);
    /// as a worker, the key pair it authenticates to the broker with.
    #[arg(long, value_name = "PATH")]
    curve_key: Option<std::path::PathBuf>,
    /// Admit only the client public keys in FILE (Z85, one per line, `#` comments); reloaded
    /// on SIGHUP. Without it any CURVE client is admitted.
    #[arg(long, value_name = "FILE", requires = "curve_key")]
    curve_allow: Option<std::path::PathBuf>,
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
        // Colour only for a person at a terminal: redirected logs stay plain text.
        .with_ansi(
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        )
        .init();
    if !(options.heartbeat.is_finite() && options.heartbeat > 0.0) {
        eprintln!("error: --heartbeat must be a positive number of seconds");
        return ExitCode::from(2);
    }
    if let Some(backend) = &options.worker {
        return serve_as_worker(backend, &options).await;
    }
    let mut builder = zrpc::Server::builder(calculator::service())
        .heartbeat(Duration::from_secs_f64(options.heartbeat))
        .bind(&options.bind)
        // Every calculator handler is quick and never blocks (sleep is async), so the socket's
        // own thread can run them: no thread hop per call.
        .handlers_on_io_thread(true);
    let mut allow_list = None;
    if let Some(path) = &options.curve_key {
        let keys = match zrpc::curve::KeyPair::load(path) {
            Ok(keys) => keys,
            Err(error) => {
                eprintln!("error: --curve-key: {error}");
                return ExitCode::from(2);
            }
        };
        tracing::info!(public_key = %keys.public_z85(), "CURVE on");
        builder = builder.curve(keys);
        if let Some(path) = &options.curve_allow {
            match zrpc::curve::AllowList::load(path) {
                Ok(list) => {
                    tracing::info!(keys = list.len(), "CURVE allow-list loaded");
                    builder = builder.curve_allow(list.clone());
                    allow_list = Some(list);
                }
                Err(error) => {
                    eprintln!("error: --curve-allow: {error}");
                    return ExitCode::from(2);
                }
            }
        }
    }
    if let Some(list) = allow_list {
        tokio::spawn(reload_on_sighup(list));
    }
    let server = match builder.start().await {
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
async fn serve_as_worker(backend: &str, options: &Options) -> ExitCode {
    if options.concurrency == 0 {
        eprintln!("error: --concurrency must be at least 1");
        return ExitCode::from(2);
    }
    let mut builder = zrpc::Worker::builder(calculator::service())
        .concurrency(options.concurrency)
        .heartbeat(Duration::from_secs_f64(options.heartbeat).min(Duration::from_secs(1)));
    match (&options.curve_server_key, &options.curve_key) {
        (Some(server_key), Some(path)) => {
            let keys = match zrpc::curve::KeyPair::load(path) {
                Ok(keys) => keys,
                Err(error) => {
                    eprintln!("error: --curve-key: {error}");
                    return ExitCode::from(2);
                }
            };
            builder = match builder.curve(server_key, keys) {
                Ok(builder) => builder,
                Err(error) => {
                    eprintln!("error: --curve-server-key: {error}");
                    return ExitCode::from(2);
                }
            };
        }
        (None, Some(_)) => {
            eprintln!("error: a worker's --curve-key needs --curve-server-key (the broker's key)");
            return ExitCode::from(2);
        }
        _ => {}
    }
    let worker = match builder.connect(backend).await {
        Ok(worker) => worker,
        Err(error) => {
            eprintln!("error: cannot serve the broker at {backend}: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        backend,
        concurrency = options.concurrency,
        "calculator-server working for a broker"
    );
    let signal = shutdown_signal().await;
    tracing::info!(signal, "shutting down: finishing the calls in flight");
    worker.shutdown().await;
    ExitCode::SUCCESS
}

/// Re-reads the CURVE allow-list on every SIGHUP (a bad file keeps the current keys).
async fn reload_on_sighup(list: zrpc::curve::AllowList) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(hangups) => hangups,
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGHUP; the allow-list will not reload");
            return;
        }
    };
    while hangups.recv().await.is_some() {
        match list.reload() {
            Ok(keys) => tracing::info!(keys, "CURVE allow-list reloaded"),
            Err(error) => tracing::warn!(%error, "CURVE allow-list not reloaded"),
        }
    }
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
