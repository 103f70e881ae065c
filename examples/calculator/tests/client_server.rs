//! `calculator-client` against `calculator-server`, both built from the IDL-generated code, over
//! a real socket.

use std::process::Command;
use std::time::Duration;

use zrpc_interop_tests::{free_endpoint, run_ok, wait_for_tcp, ChildGuard};

#[test]
fn calculator_client_calls_every_method_of_calculator_server() {
    let endpoint = free_endpoint();
    let _server = ChildGuard::spawn(
        Command::new(env!("CARGO_BIN_EXE_calculator-server")).args(["--bind", &endpoint]),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(10));
    let output = run_ok(
        Command::new(env!("CARGO_BIN_EXE_calculator-client")).args(["--connect", &endpoint]),
        Duration::from_secs(30),
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let expected = [
        "add(2, 3) = 5",
        "divide(1, 4) = 0.25",
        "divide(1, 0) raised division by zero: dividend 1",
        "countdown(3) = [3, 2, 1]",
        "translate(origin, 1.5, -2) = Point { x: 1.5, y: -2.0, label: Some(\"origin\"), tags: [\"start\"] }",
        "classify(..) = {\"int\": 2, \"point\": 1, \"text\": 1}",
        "echo_bytes([0, 1, 254, 255]) = [0, 1, 254, 255]",
        "sleep(10) = 10",
        "shapes() = [Circle, Square, Triangle]",
        "log(..) sent",
    ];
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected, "{stdout}");
}
