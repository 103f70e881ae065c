//! `telemetry-sensor`: sends readings as events, published (`--pattern pub`, to every monitor)
//! or pushed (`--pattern push`, each to one monitor).

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use telemetry::{TelemetryPublisher, TelemetryPusher};

#[derive(Clone, Copy, ValueEnum)]
enum Pattern {
    Pub,
    Push,
}

/// Sends COUNT readings of a sensor, then an `offline` event.
#[derive(Parser)]
#[command(name = "telemetry-sensor", version)]
struct Options {
    #[arg(long, value_enum, default_value = "pub")]
    pattern: Pattern,
    /// Endpoint to bind (monitors connect), e.g. tcp://127.0.0.1:4243.
    #[arg(long, default_value = "tcp://127.0.0.1:4243")]
    bind: String,
    #[arg(long, default_value = "kitchen")]
    sensor: String,
    #[arg(long, default_value_t = 10)]
    count: u32,
    /// Pause between readings, in milliseconds.
    #[arg(long, default_value_t = 100)]
    interval_ms: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    match run(&options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: &Options) -> Result<(), zrpc::Error> {
    let interval = Duration::from_millis(options.interval_ms);
    let sensor = &options.sensor;
    match options.pattern {
        Pattern::Pub => {
            let publisher = TelemetryPublisher::bind(&options.bind).await?;
            // Events published before a monitor has subscribed do not reach it.
            publisher.inner().wait_for_subscribers(1).await;
            for i in 0..options.count {
                publisher.reading(sensor.clone(), 20.0 + f64::from(i) / 10.0)?;
                tokio::time::sleep(interval).await;
            }
            publisher.offline(sensor.clone(), "done".into())?;
            publisher.close().await;
        }
        Pattern::Push => {
            let pusher = TelemetryPusher::bind(&options.bind).await?;
            for i in 0..options.count {
                pusher
                    .reading(sensor.clone(), 20.0 + f64::from(i) / 10.0)
                    .await?;
                tokio::time::sleep(interval).await;
            }
            pusher.offline(sensor.clone(), "done".into()).await?;
            pusher.close().await;
        }
    }
    Ok(())
}
