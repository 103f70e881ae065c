//! The generated Ruby and PHP calculator clients (the golden files of `zrpc-codegen`, which a
//! codegen test keeps identical to the generator's output) against our `calculator-server` and
//! against a stock zerorpc 0.6.3 Python server, over real sockets. The scripts under
//! `tests/ruby_php/` exercise every method and type, typed errors, a 10 000-item stream, a call
//! outliving three heartbeat intervals, a timeout, a server that is down and an unknown method.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use zrpc_interop_tests::{
    free_endpoint, python, require_program, run_ok, wait_for_tcp, workspace_bin, workspace_root,
    ChildGuard,
};

fn golden(language: &str) -> PathBuf {
    workspace_root().join("codegen/tests/golden").join(language)
}

fn script(name: &str) -> PathBuf {
    workspace_root().join("tests/ruby_php").join(name)
}

/// `calculator-server` with a 1 s heartbeat, as the scripts expect.
fn start_calculator_server() -> (ChildGuard, String) {
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(Command::new(workspace_bin("calculator-server")).args([
        "--bind",
        &endpoint,
        "--heartbeat",
        "1",
    ]));
    wait_for_tcp(&endpoint, Duration::from_secs(10));
    (server, endpoint)
}

/// The calculator on a stock zerorpc server (typed error fields added by a middleware).
fn start_stock_server() -> Option<(ChildGuard, String)> {
    let python = python()?;
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(
        Command::new(python)
            .arg(script("zerorpc_calculator.py"))
            .args([&endpoint, "--heartbeat", "1"]),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(20));
    Some((server, endpoint))
}

fn run_ruby(endpoint: &str) {
    let Some(ruby) = require_program("ruby", "the generated Ruby client") else {
        return;
    };
    let output = run_ok(
        Command::new(ruby)
            .arg("-I")
            .arg(golden("ruby"))
            .arg(script("calculator_test.rb"))
            .env("ZRPC_ENDPOINT", endpoint)
            .env("ZRPC_DOWN_ENDPOINT", free_endpoint()),
        Duration::from_secs(120),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("18 runs,") && stdout.contains(" 0 failures, 0 errors, 0 skips"),
        "{stdout}"
    );
}

fn run_php(endpoint: &str) {
    let Some(php) = require_program("php", "the generated PHP client") else {
        return;
    };
    let output = run_ok(
        Command::new(php)
            .arg(script("calculator_test.php"))
            .arg(golden("php"))
            .env("ZRPC_ENDPOINT", endpoint)
            .env("ZRPC_DOWN_ENDPOINT", free_endpoint()),
        Duration::from_secs(120),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("18 tests,") && stdout.contains(" 0 failures"),
        "{stdout}"
    );
}

#[test]
fn generated_ruby_client_against_calculator_server() {
    let (_server, endpoint) = start_calculator_server();
    run_ruby(&endpoint);
}

#[test]
fn generated_php_client_against_calculator_server() {
    let (_server, endpoint) = start_calculator_server();
    run_php(&endpoint);
}

#[test]
fn generated_ruby_client_against_stock_zerorpc_server() {
    let Some((_server, endpoint)) = start_stock_server() else {
        return;
    };
    run_ruby(&endpoint);
}

#[test]
fn generated_php_client_against_stock_zerorpc_server() {
    let Some((_server, endpoint)) = start_stock_server() else {
        return;
    };
    run_php(&endpoint);
}
