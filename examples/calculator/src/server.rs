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
