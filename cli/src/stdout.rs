//! Standard output for every command. A reader that goes away (`zrpc call … | head -1`) ends the
//! process quietly, as it does for other Unix tools, instead of a panic inside `println!`.

use std::io::{ErrorKind, Write};

/// Writes `text` to standard output; exits with success when the reader has closed the pipe.
pub fn write(text: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        other => other,
    }
}

/// `print!` that survives a closed pipe (see [`write`]); other write errors are reported.
macro_rules! out {
    ($($arg:tt)*) => {
        if let Err(error) = $crate::stdout::write(format_args!($($arg)*)) {
            eprintln!("error: cannot write to standard output: {error}");
            std::process::exit(1);
        }
    };
}

/// `println!` that survives a closed pipe (see [`write`]).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::stdout::out!("{}\n", format_args!($($arg)*))
    };
}

pub(crate) use {out, outln};
