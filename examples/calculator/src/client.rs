//! `calculator-client`: calls every method of `calculator-server` through the generated
//! `CalculatorClient` and prints what comes back.

use std::process::ExitCode;
use std::time::Duration;

use calculator::{CalculatorClient, Point, Value};
use clap::Parser;
use futures::TryStreamExt;
use zrpc::CallError;

/// Calls every method of the calculator of calculator.zrpc once.
#[derive(Parser)]
#[command(name = "calculator-client", version)]
struct Options {
    /// Endpoint of a calculator-server.
    #[arg(long, default_value = "tcp://127.0.0.1:4242")]
    connect: String,
    /// Seconds a call waits for its reply.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// Heartbeat interval in seconds (the server's; zerorpc's default is 5).
    #[arg(long, default_value_t = 5.0)]
    heartbeat: f64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    for (flag, seconds) in [
        ("--timeout", options.timeout),
        ("--heartbeat", options.heartbeat),
    ] {
        if !(seconds.is_finite() && seconds > 0.0) {
            eprintln!("error: {flag} must be a positive number of seconds");
            return ExitCode::from(2);
        }
    }
    match run(&options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let client = CalculatorClient::builder(&options.connect)
        .timeout(Duration::from_secs_f64(options.timeout))
        .heartbeat(Duration::from_secs_f64(options.heartbeat))
        .connect()
        .await?;

    println!("add(2, 3) = {}", client.add(2, 3).await?);
    println!("divide(1, 4) = {}", client.divide(1.0, 4.0).await?);
    match client.divide(1.0, 0.0).await {
        Err(CallError::Service(error)) => {
            println!("divide(1, 0) raised {error}: dividend {}", error.dividend)
        }
        other => return Err(format!("divide(1, 0) should raise DivisionByZero: {other:?}").into()),
    }
    let counted: Vec<u32> = client.countdown(3).await?.try_collect().await?;
    println!("countdown(3) = {counted:?}");
    let origin = Point {
        x: 0.0,
        y: 0.0,
        label: Some("origin".into()),
        tags: vec!["start".into()],
    };
    let moved = client.translate(origin, 1.5, -2.0).await?;
    println!("translate(origin, 1.5, -2) = {moved:?}");
    let values = vec![
        Value::Int(1),
        Value::Text("two".into()),
        Value::Point(moved),
        Value::Int(3),
    ];
    println!("classify(..) = {:?}", client.classify(values).await?);
    let bytes = zrpc::Bytes::from(vec![0, 1, 254, 255]);
    println!(
        "echo_bytes({:?}) = {:?}",
        bytes.as_slice(),
        client.echo_bytes(bytes.clone()).await?.as_slice()
    );
    println!("sleep(10) = {}", client.sleep(10).await?);
    println!("shapes() = {:?}", client.shapes().await?);
    client.log("hello from calculator-client".into()).await?;
    println!("log(..) sent");
    Ok(())
}
