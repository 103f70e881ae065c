//! `zrpc check` and `zrpc fmt`: validate and format IDL files.

use crate::stdout::{out, outln};

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

#[derive(Subcommand)]
pub enum IdlCommand {
    /// Validate IDL files and everything they import; silent when all are valid.
    Check {
        /// The `.zrpc` files to check; `-` reads standard input (named `<stdin>` in messages,
        /// imports relative to the current directory).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Rewrite IDL files in the canonical format (imports are kept, not inlined).
    Fmt {
        /// Change nothing; list the files that would change and exit with status 1.
        #[arg(long)]
        check: bool,
        /// The `.zrpc` files to format; `-` formats standard input to standard output.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run(command: IdlCommand) -> ExitCode {
    // Every file is processed, so one run reports all of them.
    let failures = match command {
        IdlCommand::Check { files } => files.iter().filter(|file| !check(file)).count(),
        IdlCommand::Fmt { check, files } => {
            files.iter().filter(|file| !format(file, check)).count()
        }
    };
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// How standard input is named on the command line and in diagnostics.
const STDIN: &str = "-";
const STDIN_NAME: &str = "<stdin>";

fn read_stdin() -> Result<String, ()> {
    std::io::read_to_string(std::io::stdin()).map_err(|error| {
        eprintln!("error: cannot read standard input: {error}");
    })
}

fn check(file: &Path) -> bool {
    let result = if file == Path::new(STDIN) {
        let Ok(source) = read_stdin() else {
            return false;
        };
        zrpc_idl::parse_str(&source, STDIN_NAME).map(drop)
    } else {
        zrpc_idl::load(file).map(drop)
    };
    match result {
        Ok(_) => true,
        Err(diagnostics) => {
            diagnostics.eprint();
            false
        }
    }
}

/// Formats one file (standard input to standard output for `-`); false when it cannot be
/// formatted or (with `--check`) would change.
fn format(file: &Path, check_only: bool) -> bool {
    if file == Path::new(STDIN) {
        let Ok(source) = read_stdin() else {
            return false;
        };
        return match zrpc_idl::format_str(&source, STDIN_NAME) {
            Ok(formatted) if check_only && formatted != source => {
                outln!("{STDIN_NAME}");
                false
            }
            Ok(_) if check_only => true,
            Ok(formatted) => {
                out!("{formatted}");
                true
            }
            Err(diagnostics) => {
                diagnostics.eprint();
                false
            }
        };
    }
    let source = match std::fs::read_to_string(file) {
        Ok(source) => source,
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", file.display());
            return false;
        }
    };
    let formatted = match zrpc_idl::format_str(&source, &file.display().to_string()) {
        Ok(formatted) => formatted,
        Err(diagnostics) => {
            diagnostics.eprint();
            return false;
        }
    };
    if formatted == source {
        return true;
    }
    if check_only {
        outln!("{}", file.display());
        return false;
    }
    match std::fs::write(file, formatted) {
        Ok(()) => true,
        Err(error) => {
            eprintln!("error: cannot write `{}`: {error}", file.display());
            false
        }
    }
}
