//! The `zrpc` command line against a stock zerorpc Python server and against our
//! `calculator-server`: argument parsing, printing, introspection fallback, exit codes, timeouts.

use std::process::{Command, Output};
use std::time::Duration;

use zrpc_interop_tests::{
    free_endpoint, python, run_with_timeout, wait_for_tcp, workspace_bin, workspace_root,
    ChildGuard,
};

fn start_stock_server() -> Option<(ChildGuard, String)> {
    let python = python()?;
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(
        Command::new(python)
            .arg(workspace_root().join("tests/python/stock_server.py"))
            .arg(&endpoint),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(20));
    Some((server, endpoint))
}

fn start_calculator() -> (ChildGuard, String) {
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(
        Command::new(workspace_bin("calculator-server")).args(["--bind", &endpoint]),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(10));
    (server, endpoint)
}

fn zrpc(args: &[&str]) -> Output {
    run_with_timeout(
        Command::new(workspace_bin("zrpc")).args(args),
        Duration::from_secs(30),
    )
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts success and returns stdout.
fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "zrpc failed ({}): {}",
        output.status,
        stderr(&output)
    );
    stdout(&output)
}

#[test]
fn call_parses_arguments_as_json_else_strings() {
    let Some((_server, ep)) = start_stock_server() else {
        return;
    };
    assert_eq!(ok(zrpc(&["call", &ep, "add", "2", "3"])), "5\n");
    assert_eq!(ok(zrpc(&["call", &ep, "add", "-2", "-3"])), "-5\n");
    assert_eq!(ok(zrpc(&["call", &ep, "add", "1.5", "1"])), "2.5\n");
    // Both strings: Python concatenates them.
    assert_eq!(ok(zrpc(&["call", &ep, "add", "\"2\"", "x"])), "\"2x\"\n");
    assert_eq!(
        ok(zrpc(&["call", &ep, "echo", r#"{"a":[1,"x",null,true]}"#])),
        "{\"a\":[1,\"x\",null,true]}\n"
    );
    assert_eq!(
        ok(zrpc(&["call", &ep, "echo", "not json"])),
        "\"not json\"\n"
    );
    assert_eq!(ok(zrpc(&["call", &ep, "echo", "--", "-x"])), "\"-x\"\n");
    // Options may follow the arguments.
    assert_eq!(
        ok(zrpc(&["call", &ep, "add", "1", "2", "--timeout", "5"])),
        "3\n"
    );
}

#[test]
fn call_prints_a_stream_one_item_per_line() {
    let Some((_server, ep)) = start_stock_server() else {
        return;
    };
    assert_eq!(ok(zrpc(&["call", &ep, "count", "4"])), "0\n1\n2\n3\n");
    assert_eq!(ok(zrpc(&["call", &ep, "count", "0"])), "");
}

#[test]
fn call_remote_error_exits_1_with_one_line() {
    let Some((_server, ep)) = start_stock_server() else {
        return;
    };
    let output = zrpc(&["call", &ep, "divide", "1", "0"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: remote ZeroDivisionError: division by zero\n"
    );
    assert_eq!(stdout(&output), "");
    let output = zrpc(&["call", &ep, "no_such_method"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with("error: remote NameError: "));
}

#[test]
fn call_timeout_exits_3() {
    let Some((_server, ep)) = start_stock_server() else {
        return;
    };
    let output = zrpc(&["call", "--timeout", "1", &ep, "slow", "3"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!("error: timed out after 1s waiting for slow on {ep}\n")
    );
}

#[test]
fn inspect_falls_back_on_stock_python_server() {
    let Some((_server, ep)) = start_stock_server() else {
        return;
    };
    let out = ok(zrpc(&["inspect", &ep]));
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("Arith"));
    assert!(
        out.contains("  add(...)\n      Adds two numbers.\n"),
        "{out}"
    );
    assert!(
        out.contains("  count(...)\n      Yields 0 .. n-1.\n"),
        "{out}"
    );
}

#[test]
fn ping_prints_name_and_round_trip() {
    let Some((_server, ep)) = start_stock_server() else {
        return;
    };
    let out = ok(zrpc(&["ping", &ep]));
    assert!(
        out.starts_with(&format!("pong from Arith at {ep} in ")),
        "{out}"
    );
    assert!(out.trim_end().ends_with(" ms"), "{out}");
}

#[test]
fn calculator_through_the_cli() {
    let (_server, ep) = start_calculator();
    assert_eq!(ok(zrpc(&["call", &ep, "add", "2", "3"])), "5\n");
    assert_eq!(ok(zrpc(&["call", &ep, "countdown", "3"])), "3\n2\n1\n");
    assert_eq!(ok(zrpc(&["call", &ep, "echo_bytes", "hi"])), "\"hi\"\n");
    assert_eq!(
        ok(zrpc(&["call", &ep, "shapes"])),
        "[\"Circle\",\"Square\",\"Triangle\"]\n"
    );
    assert_eq!(
        ok(zrpc(&[
            "call",
            &ep,
            "translate",
            r#"{"x":1,"y":2}"#,
            "1",
            "0.5"
        ])),
        "{\"x\":2.0,\"y\":2.5,\"label\":null,\"tags\":[]}\n"
    );
    assert_eq!(
        ok(zrpc(&[
            "call",
            &ep,
            "classify",
            r#"[{"int":1},{"text":"a"},{"int":2}]"#
        ])),
        "{\"int\":2,\"text\":1}\n"
    );
    let output = zrpc(&["call", &ep, "divide", "1", "0"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: remote DivisionByZero: division by zero\n"
    );
    let output = zrpc(&["call", &ep, "add", "1"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).starts_with("error: remote TypeError: "));
    let output = zrpc(&["call", "--timeout", "1", &ep, "sleep", "3000"]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr(&output),
        format!("error: timed out after 1s waiting for sleep on {ep}\n")
    );
}

#[test]
fn calculator_inspect_and_ping() {
    let (_server, ep) = start_calculator();
    let out = ok(zrpc(&["inspect", &ep]));
    assert!(out.starts_with("Calculator\n"), "{out}");
    assert!(
        out.contains("  add(a, b)\n      Adds two integers.\n"),
        "{out}"
    );
    assert!(
        out.contains("  translate(p, dx, dy)\n      Moves a point.\n"),
        "{out}"
    );
    let out = ok(zrpc(&["ping", &ep]));
    assert!(out.starts_with("pong from Calculator"), "{out}");
    // The model parsed from calculator.zrpc, for `zrpc gen --from`.
    let model = ok(zrpc(&["call", &ep, "_zrpc_model"]));
    assert!(model.contains("\"name\":\"Calculator\""), "{model}");
    assert!(model.contains("\"name\":\"DivisionByZero\""), "{model}");
}

#[test]
fn killed_server_mid_call_exits_4_lost_remote() {
    let (mut server, ep) = start_calculator();
    let cli = std::thread::spawn({
        let ep = ep.clone();
        move || zrpc(&["call", "--heartbeat", "1", &ep, "sleep", "20000"])
    });
    std::thread::sleep(Duration::from_millis(700));
    server.kill();
    let output = cli.join().unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with(&format!("error: lost {ep} during sleep")),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bad_endpoint_exits_5() {
    let output = zrpc(&["call", "foo://nowhere", "add", "1", "2"]);
    assert_eq!(output.status.code(), Some(5));
    assert!(
        stderr(&output).starts_with("error: cannot connect to foo://nowhere: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_errors_exit_2() {
    let output = zrpc(&["call"]);
    assert_eq!(output.status.code(), Some(2));
    let output = zrpc(&["call", "--timeout", "0", "tcp://127.0.0.1:1", "m"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn describe_prints_the_calculator_model_as_idl() {
    let (_server, ep) = start_calculator();
    let idl = ok(zrpc(&["describe", &ep]));
    let json = ok(zrpc(&["describe", "--json", &ep]));
    assert_eq!(json.lines().count(), 1, "{json}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["inspect"], serde_json::Value::Null);
    let served: zrpc_idl::model::Schema = serde_json::from_value(json["model"].clone()).unwrap();
    // The served model in canonical IDL, which parses back to that model.
    assert_eq!(idl, zrpc_idl::print(&served));
    // IDL text has no file name: the stem the server serves is the only difference.
    let mut parsed = zrpc_idl::parse_str(&idl, "described.zrpc").unwrap();
    assert_eq!(served.file_stem.as_deref(), Some("calculator"));
    parsed.file_stem = served.file_stem.clone();
    assert_eq!(parsed, served);
    assert!(
        idl.contains(
            "service Calculator {\n    /// Adds two integers.\n    add(a: i64, b: i64) -> i64\n"
        ),
        "{idl}"
    );
    assert!(
        idl.contains("error DivisionByZero { dividend: f64 }\n"),
        "{idl}"
    );
}

#[test]
fn describe_falls_back_to_introspection_on_a_stock_server() {
    let Some((_server, ep)) = start_stock_server() else {
        return;
    };
    let out = ok(zrpc(&["describe", &ep]));
    assert!(
        out.starts_with(&format!(
            "// {ep} serves no zrpc model (a stock zerorpc server?)"
        )),
        "{out}"
    );
    assert!(out.contains("\nservice Arith {\n"), "{out}");
    assert!(
        out.contains("    /// Adds two numbers.\n    add(...)\n"),
        "{out}"
    );
    assert!(out.ends_with("}\n"), "{out}");

    let json = ok(zrpc(&["describe", "--json", &ep]));
    assert!(
        json.starts_with("{\"model\":null,\"inspect\":{\"name\":\"Arith\",\"methods\":["),
        "{json}"
    );
    assert!(
        json.contains("{\"name\":\"add\",\"args\":null,\"doc\":\"Adds two numbers.\"}"),
        "{json}"
    );
}

#[test]
fn inspect_and_ping_print_json() {
    let (_server, ep) = start_calculator();
    let json = ok(zrpc(&["inspect", "--json", &ep]));
    assert!(json.starts_with("{\"name\":\"Calculator\",\"methods\":[{\"name\":\"add\",\"args\":[\"a\",\"b\"],\"doc\":\"Adds two integers.\"},"), "{json}");
    assert_eq!(json.lines().count(), 1, "{json}");
    let json = ok(zrpc(&["ping", "--json", &ep]));
    let prefix = format!("{{\"name\":\"Calculator\",\"endpoint\":\"{ep}\",\"ms\":");
    assert!(json.starts_with(&prefix), "{json}");
    let ms: f64 = json.trim_end()[prefix.len()..json.trim_end().len() - 1]
        .parse()
        .unwrap();
    assert!(ms > 0.0, "{json}");
}

#[test]
fn describe_without_a_server_fails_with_one_error_line() {
    let output = zrpc(&["describe", "foo://nowhere"]);
    assert_eq!(output.status.code(), Some(5));
    let text = stderr(&output);
    assert!(
        text.starts_with("error: ") && !text.contains("error: error"),
        "{text}"
    );
}

#[test]
fn calculator_server_logs_without_colour_when_redirected() {
    let endpoint = free_endpoint();
    let log = std::env::temp_dir().join(format!("calculator-log-{}.txt", std::process::id()));
    let file = std::fs::File::create(&log).unwrap();
    let server = ChildGuard::spawn(
        Command::new(workspace_bin("calculator-server"))
            .args(["--bind", &endpoint])
            .stderr(file),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(10));
    // The log line follows the bind; give it a moment (bounded).
    let mut text = String::new();
    for _ in 0..50 {
        text = std::fs::read_to_string(&log).unwrap();
        if text.contains("listening") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(server);
    let _ = std::fs::remove_file(&log);
    assert!(text.contains("calculator-server listening"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
}

/// `zrpc … | head -1`: a reader that goes away ends the command quietly, not with a panic.
#[test]
fn a_closed_stdout_ends_quietly() {
    let (server, endpoint) = start_calculator();
    let commands: [&[&str]; 3] = [
        &["call", &endpoint, "countdown", "50"],
        &["describe", &endpoint],
        &["completions", "bash"],
    ];
    for args in commands {
        // The read end is closed before the command starts, so its first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = Command::new(workspace_bin("zrpc"))
            .args(args)
            .stdout(writer)
            .output()
            .unwrap();
        assert!(
            output.status.success() && !stderr(&output).contains("panicked"),
            "zrpc {args:?}: {:?} {}",
            output.status,
            stderr(&output)
        );
    }
    drop(server);
}

/// Z85 has `-` in its alphabet: a key starting with it is a value, not an unknown flag.
#[test]
fn a_curve_key_may_start_with_a_hyphen() {
    let key = format!("-{}", "0".repeat(39));
    let output = zrpc(&[
        "ping",
        &free_endpoint(),
        "--timeout",
        "0.5",
        "--curve-server-key",
        &key,
    ]);
    assert_ne!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("unexpected argument"),
        "{}",
        stderr(&output)
    );
}
