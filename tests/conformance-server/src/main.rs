//! `zrpc-conformance-server STEM`: serves every service of the corpus file `STEM.zrpc` with its
//! echo implementation, one server per service on a free port of 127.0.0.1. Prints
//! `serving SERVICE ENDPOINT` per service, then `ready`, then `oneway Service.method` per oneway
//! call received; stops when stdin closes.

use std::io::Write;
use std::process::ExitCode;

use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() -> ExitCode {
    let stems = zrpc_conformance_server::STEMS.join(", ");
    let (Some(stem), None) = (std::env::args().nth(1), std::env::args().nth(2)) else {
        eprintln!("usage: zrpc-conformance-server STEM (one of: {stems})");
        return ExitCode::from(2);
    };
    let servers = match zrpc_conformance_server::serve(&stem).await {
        Some(Ok(servers)) => servers,
        Some(Err(error)) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
        None => {
            eprintln!("error: `{stem}` is not a corpus file (one of: {stems})");
            return ExitCode::from(2);
        }
    };
    {
        let mut stdout = std::io::stdout().lock();
        for (service, server) in &servers {
            let _ = writeln!(stdout, "serving {service} {}", server.endpoint());
        }
        let _ = writeln!(stdout, "ready");
        let _ = stdout.flush();
    }
    // Until the test closes stdin (or exits): the server never outlives its test.
    let mut sink = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    for (_, server) in servers {
        server.shutdown().await;
    }
    ExitCode::SUCCESS
}
