//! `zrpc completions SHELL`: the shell completion script, generated from the command definition.

use std::process::ExitCode;

use clap_complete::Shell;

/// Print a completion script for SHELL to stdout, e.g. `zrpc completions bash > /etc/bash_completion.d/zrpc`.
#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: &CompletionsArgs, mut command: clap::Command) -> ExitCode {
    clap_complete::generate(args.shell, &mut command, "zrpc", &mut std::io::stdout());
    ExitCode::SUCCESS
}
