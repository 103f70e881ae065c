//! `zrpc completions SHELL`: the shell completion script, generated from the command definition.

use std::process::ExitCode;

use clap_complete::Shell;

use crate::stdout::out;

/// Print a completion script for SHELL to stdout, e.g. `zrpc completions bash > /etc/bash_completion.d/zrpc`.
#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: &CompletionsArgs, mut command: clap::Command) -> ExitCode {
    // Rendered in memory first: clap_complete panics when stdout is a closed pipe.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "zrpc", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    ExitCode::SUCCESS
}
