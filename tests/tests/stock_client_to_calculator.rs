//! Stock zerorpc 0.6.3 Python client → our `calculator-server`, over real sockets.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use zrpc_interop_tests::{
    free_endpoint, python, run_ok, wait_for_tcp, workspace_bin, workspace_root, ChildGuard,
};

fn start_calculator(heartbeat: &str) -> (ChildGuard, String) {
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(Command::new(workspace_bin("calculator-server")).args([
        "--bind",
        &endpoint,
        "--heartbeat",
        heartbeat,
    ]));
    wait_for_tcp(&endpoint, Duration::from_secs(10));
    (server, endpoint)
}

/// Runs one scenario of tests/python/stock_client.py; returns its stdout.
fn stock_client(python: &Path, endpoint: &str, scenario: &str, heartbeat: &str) -> String {
    let script = workspace_root().join("tests/python/stock_client.py");
    let output = run_ok(
        Command::new(python)
            .arg(script)
            .args([endpoint, scenario, heartbeat]),
        Duration::from_secs(60),
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn stock_client_adds() {
    let Some(python) = python() else { return };
    let (_server, endpoint) = start_calculator("5");
    assert!(stock_client(&python, &endpoint, "add", "5").contains("add ok"));
}

#[test]
fn stock_client_sees_division_by_zero_as_remote_error() {
    let Some(python) = python() else { return };
    let (_server, endpoint) = start_calculator("5");
    let out = stock_client(&python, &endpoint, "divide", "5");
    assert!(out.contains("divide RemoteError DivisionByZero"), "{out}");
}

#[test]
fn stock_client_reads_streams_with_flow_control() {
    let Some(python) = python() else { return };
    let (_server, endpoint) = start_calculator("5");
    assert!(stock_client(&python, &endpoint, "stream", "5").contains("countdown ok"));
}

#[test]
fn stock_client_long_call_outlives_three_heartbeats() {
    let Some(python) = python() else { return };
    let (_server, endpoint) = start_calculator("1");
    assert!(stock_client(&python, &endpoint, "long", "1").contains("long call ok"));
}

#[test]
fn stock_client_unknown_method_is_name_error() {
    let Some(python) = python() else { return };
    let (_server, endpoint) = start_calculator("5");
    let out = stock_client(&python, &endpoint, "unknown", "5");
    assert!(
        out.contains("unknown method RemoteError NameError"),
        "{out}"
    );
}

#[test]
fn stock_client_round_trips_structs_unions_bytes_and_enums() {
    let Some(python) = python() else { return };
    let (_server, endpoint) = start_calculator("5");
    assert!(stock_client(&python, &endpoint, "types", "5").contains("types ok"));
}
