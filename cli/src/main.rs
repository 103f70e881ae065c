//! The `zrpc` command line.

use clap::Parser;

/// zrpc: language-neutral RPC over ZeroMQ, compatible with zerorpc.
#[derive(Parser)]
#[command(name = "zrpc", version)]
struct Cli {}

fn main() {
    Cli::parse();
}
