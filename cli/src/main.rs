//! The `zrpc` command line.

mod idl_commands;

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
    #[command(flatten)]
    Idl(idl_commands::IdlCommand),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Idl(command) => idl_commands::run(command),
    }
}
