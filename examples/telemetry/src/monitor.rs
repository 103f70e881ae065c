//! `telemetry-monitor`: prints the readings of sensors, subscribed (`--pattern sub`, sees every
//! event) or pulling (`--pattern pull`, shares the events with the other monitors).

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use telemetry::{Printer, TelemetryPuller, TelemetrySubscriber};

#[derive(Clone, Copy, ValueEnum)]
enum Pattern {
    Sub,
    Pull,
}

/// Prints COUNT events from a sensor, then exits.
#[derive(Parser)]
#[command(name = "telemetry-monitor", version)]
struct Options {
    #[arg(long, value_enum, default_value = "sub")]
    pattern: Pattern,
    /// Endpoint of the sensor to connect to.
    #[arg(long, default_value = "tcp://127.0.0.1:4243")]
    connect: String,
    #[arg(long, default_value_t = 11)]
    count: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let options = Options::parse();
    let printer = Printer::default();
    let seen = printer.seen.clone();
    let result = match options.pattern {
        Pattern::Sub => TelemetrySubscriber::connect(&options.connect, printer).map(|mut s| {
            Box::pin(async move { s.run().await })
                as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
        }),
        Pattern::Pull => TelemetryPuller::connect(&options.connect, printer)
            .map(|mut p| Box::pin(async move { p.run().await }) as _),
    };
    let receive = match result {
        Ok(receive) => receive,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    tokio::select! {
        () = receive => {}
        () = seen.reach(options.count) => {}
    }
    ExitCode::SUCCESS
}
