//! The `zrpc` command line: a thin dispatcher over one module per group of subcommands.

mod json;
mod remote;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// zrpc: language-neutral RPC over ZeroMQ, compatible with zerorpc.
#[derive(Parser)]
#[command(name = "zrpc", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Call(remote::CallArgs),
    Inspect(remote::InspectArgs),
    Ping(remote::PingArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ZRPC_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
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
    let result = runtime.block_on(async {
        match cli.command {
            Command::Call(args) => remote::call(args).await,
            Command::Inspect(args) => remote::inspect(args).await,
            Command::Ping(args) => remote::ping(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.exit_code()
        }
    }
}
