//! The `zrpc` command line: a thin dispatcher over one module per group of subcommands.

mod broker;
mod completions;
mod curve_flags;
mod describe;
mod events;
mod gen;
mod idl_commands;
mod json;
mod keygen;
mod remote;
mod stdout;

use std::future::Future;
use std::process::ExitCode;

use std::io::IsTerminal;

use clap::{CommandFactory, Parser, Subcommand};

/// zrpc: language-neutral RPC over ZeroMQ, compatible with zerorpc.
#[derive(Parser)]
#[command(name = "zrpc", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Idl(idl_commands::IdlCommand),
    Gen(gen::GenArgs),
    Call(remote::CallArgs),
    Inspect(remote::InspectArgs),
    Ping(remote::PingArgs),
    Broker(broker::BrokerArgs),
    Describe(describe::DescribeArgs),
    Completions(completions::CompletionsArgs),
    Keygen(keygen::KeygenArgs),
    #[command(flatten)]
    Events(events::EventsCommand),
}

/// Colour for a person at a terminal only, and never when `NO_COLOR` is set (no-color.org).
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ZRPC_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(stderr_color())
        .init();
    match cli.command {
        Command::Idl(command) => idl_commands::run(command),
        Command::Gen(args) => gen::run(args),
        Command::Call(args) => run_remote(remote::call(args)),
        Command::Inspect(args) => run_remote(remote::inspect(args)),
        Command::Ping(args) => run_remote(remote::ping(args)),
        Command::Broker(args) => broker::run(args),
        Command::Describe(args) => run_remote(describe::run(args)),
        Command::Completions(args) => completions::run(&args, Cli::command()),
        Command::Keygen(args) => keygen::run(args),
        Command::Events(command) => events::run(command),
    }
}

/// Runs a command that talks to a server on a single-threaded async runtime.
fn run_remote(command: impl Future<Output = Result<(), remote::Failure>>) -> ExitCode {
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
    match runtime.block_on(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.exit_code()
        }
    }
}
