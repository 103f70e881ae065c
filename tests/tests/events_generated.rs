//! The generated event classes of Python (blocking and asyncio), Ruby and PHP, as real processes
//! on 127.0.0.1: their subscribers and pullers get events from stock zerorpc-python
//! Publisher/Pusher (tests/python/stock_events.py) and from `zrpc publish/push`, and drop an
//! event that does not match the IDL with a log line; their publishers and pushers reach
//! `zrpc subscribe/pull`; a handler that throws is logged and `run()` goes on; over CURVE (a Rust
//! socket as the CURVE server with an allow-list, or the generated puller as the server) the
//! allowed key gets through and an unknown or wrong key gets nothing. Each language's peer script
//! (`generated_events.*`) drives the telemetry package generated from
//! examples/telemetry/telemetry.zrpc by the real `zrpc gen`.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};
use zrpc::zmtp::curve::{Authorizer, CurveServer, KeyPair};
use zrpc::zmtp::{Options, Security};
use zrpc::{Publisher, Puller};
use zrpc_interop_tests::{
    free_endpoint, python, python_path, require_program, run_ok, run_with_timeout, runtime_dir,
    wait_for_tcp, workspace_bin, workspace_root, ChildGuard,
};

const WAIT: Duration = Duration::from_secs(20);

/// The telemetry package generated for `language` once per test process.
fn generated(language: &str) -> PathBuf {
    static GENERATING: Mutex<()> = Mutex::new(());
    let _once = GENERATING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = workspace_root()
        .join("target/tmp")
        .join(format!("events-{language}-{}", std::process::id()));
    if !dir.exists() {
        run_ok(
            Command::new(workspace_bin("zrpc"))
                .args(["gen", "--lang", language, "--out"])
                .arg(&dir)
                .arg(workspace_root().join("examples/telemetry/telemetry.zrpc")),
            WAIT,
        );
    }
    dir
}

/// A command running `language`'s generated-events peer with `args`, or None (skipped; a
/// failure under CI=true) when the interpreter is missing.
fn peer(language: &str, args: &[&str]) -> Option<Command> {
    let mut command = match language {
        "python" => {
            let mut command = Command::new(python()?);
            command
                .env("PYTHONPATH", python_path(&generated("python")))
                .arg(workspace_root().join("tests/python/generated_events.py"));
            command
        }
        "ruby" => {
            let mut command = Command::new(require_program("ruby", "the generated Ruby events")?);
            command
                .arg("-I")
                .arg(generated("ruby"))
                .arg("-I")
                .arg(runtime_dir("ruby"))
                .arg(workspace_root().join("tests/ruby_php/generated_events.rb"));
            command
        }
        "php" => {
            let mut command = Command::new(require_program("php", "the generated PHP events")?);
            command
                .env("ZRPC_PHP_RUNTIME", runtime_dir("php"))
                .arg(workspace_root().join("tests/ruby_php/generated_events.php"))
                .arg(generated("php"));
            command
        }
        other => panic!("no {other} peer"),
    };
    command.args(args);
    Some(command)
}

fn stock(args: &[&str]) -> Option<ChildGuard> {
    let mut command = Command::new(python()?);
    command
        .arg(workspace_root().join("tests/python/stock_events.py"))
        .args(args)
        .stdout(Stdio::null());
    Some(ChildGuard::spawn(&mut command))
}

fn spawn_piped(command: &mut Command) -> (ChildGuard, BufReader<ChildStdout>) {
    let mut child = ChildGuard::spawn(command.stdout(Stdio::piped()).stderr(Stdio::piped()));
    let stdout = child.take_stdout();
    (child, BufReader::new(stdout))
}

fn read_line(out: &mut BufReader<ChildStdout>) -> String {
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    line.trim().to_owned()
}

fn events(text: &str) -> Vec<Json> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect()
}

fn readings(values: impl IntoIterator<Item = f64>) -> Vec<Json> {
    values
        .into_iter()
        .map(|value| json!({"event": "reading", "args": ["kitchen", value]}))
        .collect()
}

fn zrpc(args: &[&str]) -> std::process::Output {
    let output = run_with_timeout(Command::new(workspace_bin("zrpc")).args(args), WAIT);
    assert!(output.status.success(), "zrpc {args:?}: {output:?}");
    output
}

/// A stock PUB binds and publishes reading(kitchen, i) every 10 ms; the generated subscriber
/// connects, runs with a handler and stops itself after 3 events, which are consecutive.
fn stock_publisher_to_subscriber(language: &str, mode: &str) {
    let endpoint = free_endpoint();
    let Some(_publisher) = stock(&["publisher", &endpoint]) else {
        return;
    };
    wait_for_tcp(&endpoint, WAIT);
    let Some(mut command) = peer(language, &[mode, &endpoint, "3"]) else {
        return;
    };
    let output = run_with_timeout(&mut command, WAIT);
    assert!(output.status.success(), "{output:?}");
    let got = events(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(got.len(), 3, "{output:?}");
    let first = got[0]["args"][1].as_f64().expect("a float value");
    assert_eq!(got, readings([first, first + 1.0, first + 2.0]));
}

/// The generated puller binds; a stock PUSH sends 5 readings and an offline, which the puller
/// reads with its iterator.
fn stock_pusher_to_puller(language: &str, mode: &str) {
    let endpoint = free_endpoint();
    let Some(mut command) = peer(language, &[mode, &endpoint, "6"]) else {
        return;
    };
    let (mut puller, mut out) = spawn_piped(&mut command);
    assert_eq!(read_line(&mut out), "ready");
    let Some(_pusher) = stock(&["pusher", &endpoint, "5"]) else {
        return;
    };
    let lines: Vec<String> = (0..6).map(|_| read_line(&mut out)).collect();
    let mut expected = readings((0..5).map(f64::from));
    expected.push(json!({"event": "offline", "args": ["kitchen", "done"]}));
    assert_eq!(events(&lines.join("\n")), expected);
    puller.kill();
}

/// Events that do not match the IDL (a string where a float is declared, an unknown name, too
/// few arguments) are dropped with a log line on stderr; the receiver keeps going.
fn bad_events_are_logged_not_fatal(language: &str, mode: &str) {
    let endpoint = free_endpoint();
    let Some(mut command) = peer(language, &[mode, &endpoint, "2"]) else {
        return;
    };
    let (mut puller, mut out) = spawn_piped(&mut command);
    assert_eq!(read_line(&mut out), "ready");
    zrpc(&["push", &endpoint, "reading", "kitchen", "hot"]);
    zrpc(&["push", &endpoint, "nosuch", "1"]);
    zrpc(&["push", &endpoint, "offline", "kitchen"]);
    zrpc(&["push", &endpoint, "reading", "kitchen", "2.5"]);
    zrpc(&["push", &endpoint, "offline", "kitchen", "done"]);
    let lines: Vec<String> = (0..2).map(|_| read_line(&mut out)).collect();
    let mut expected = readings([2.5]);
    expected.push(json!({"event": "offline", "args": ["kitchen", "done"]}));
    assert_eq!(events(&lines.join("\n")), expected);
    let mut stderr = String::new();
    puller.take_stderr().read_to_string(&mut stderr).unwrap();
    assert!(
        stderr.contains("dropped") && stderr.contains("reading"),
        "no log line for the bad event: {stderr}"
    );
}

/// The generated publisher connects to `zrpc subscribe` and publishes every 10 ms until the
/// CLI has 3 events.
fn publisher_to_cli_subscribe(language: &str, mode: &str) {
    let endpoint = free_endpoint();
    let mut subscribe = ChildGuard::spawn(
        Command::new(workspace_bin("zrpc"))
            .args(["subscribe", &endpoint, "--count", "3"])
            .stdout(Stdio::piped()),
    );
    let stdout = subscribe.take_stdout();
    wait_for_tcp(&endpoint, WAIT);
    let Some(mut command) = peer(language, &[mode, &endpoint]) else {
        return;
    };
    let _publisher = ChildGuard::spawn(command.stdout(Stdio::null()));
    let lines: Vec<String> = BufReader::new(stdout).lines().map(Result::unwrap).collect();
    let got = events(&lines.join("\n"));
    assert_eq!(got.len(), 3);
    let first = got[0]["args"][1].as_f64().expect("a float value");
    assert_eq!(got, readings([first, first + 1.0, first + 2.0]));
}

/// The generated pusher connects to `zrpc pull` and pushes 3 readings and an offline.
fn pusher_to_cli_pull(language: &str, mode: &str) {
    let endpoint = free_endpoint();
    let mut pull = ChildGuard::spawn(
        Command::new(workspace_bin("zrpc"))
            .args(["pull", &endpoint, "--count", "4"])
            .stdout(Stdio::piped()),
    );
    let stdout = pull.take_stdout();
    wait_for_tcp(&endpoint, WAIT);
    let Some(mut command) = peer(language, &[mode, &endpoint, "3"]) else {
        return;
    };
    let output = run_with_timeout(&mut command, WAIT);
    assert!(output.status.success(), "{output:?}");
    let lines: Vec<String> = BufReader::new(stdout).lines().map(Result::unwrap).collect();
    let mut expected = readings((0..3).map(f64::from));
    expected.push(json!({"event": "offline", "args": ["kitchen", "done"]}));
    assert_eq!(events(&lines.join("\n")), expected);
}

/// A handler that throws on every offline event: each failure is logged on stderr, and run()
/// goes on with the next event (docs/protocol.md, "Events over PUB/SUB and PUSH/PULL").
fn handler_errors_are_logged_and_run_goes_on(language: &str, mode: &str) {
    let endpoint = free_endpoint();
    let Some(mut command) = peer(language, &[mode, &endpoint, "2"]) else {
        return;
    };
    let (mut puller, mut out) = spawn_piped(&mut command);
    assert_eq!(read_line(&mut out), "ready");
    zrpc(&["push", &endpoint, "offline", "kitchen", "first"]);
    zrpc(&["push", &endpoint, "reading", "kitchen", "1.5"]);
    zrpc(&["push", &endpoint, "offline", "kitchen", "second"]);
    zrpc(&["push", &endpoint, "reading", "kitchen", "2.5"]);
    let lines: Vec<String> = (0..2).map(|_| read_line(&mut out)).collect();
    assert_eq!(events(&lines.join("\n")), readings([1.5, 2.5]));
    // The handler stopped the receiver after the second reading: run() returned normally.
    let mut stderr = String::new();
    puller.take_stderr().read_to_string(&mut stderr).unwrap();
    assert!(
        stderr.contains("the handler of event")
            && stderr.contains("offline")
            && stderr.contains("boom: first"),
        "no log line for the failing handler: {stderr}"
    );
}

/// Key pairs of a CURVE test: the Rust side's (the CURVE server), an allowed client's and an
/// unknown client's; the server records the client keys it refused.
struct Curve {
    server: KeyPair,
    allowed: KeyPair,
    unknown: KeyPair,
    refused: Arc<Mutex<Vec<[u8; 32]>>>,
}

impl Curve {
    fn new() -> Curve {
        Curve {
            server: KeyPair::generate().unwrap(),
            allowed: KeyPair::generate().unwrap(),
            unknown: KeyPair::generate().unwrap(),
            refused: Arc::default(),
        }
    }

    /// CURVE server options admitting only the allowed client key.
    fn server_options(&self) -> Options {
        let allowed = *self.allowed.public();
        let refused = self.refused.clone();
        let authorize: Authorizer = Arc::new(move |key: &[u8; 32]| {
            if *key == allowed {
                return true;
            }
            refused.lock().unwrap().push(*key);
            false
        });
        Options {
            security: Security::CurveServer(Arc::new(
                CurveServer::new(self.server.clone()).authorize(authorize),
            )),
            ..Options::default()
        }
    }

    /// A peer connecting as the CURVE client of the Rust side with `keys`.
    fn client(&self, command: &mut Command, keys: &KeyPair) {
        command
            .env("ZRPC_CURVE_SERVER_KEY", self.server.public_z85())
            .env("ZRPC_CURVE_PUBLIC_KEY", keys.public_z85())
            .env("ZRPC_CURVE_SECRET_KEY", keys.secret_z85());
    }

    /// Waits until the server refused the unknown key.
    fn wait_refused(&self) {
        let deadline = Instant::now() + WAIT;
        while !self.refused.lock().unwrap().contains(self.unknown.public()) {
            assert!(Instant::now() < deadline, "the unknown key never tried");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// A Rust publisher is the CURVE server, admitting one client key, publishing every 10 ms. The
/// generated subscriber with that key gets events; one with an unknown key, connected all the
/// while, is refused and gets nothing.
fn curve_subscriber(language: &str, mode: &str) {
    let curve = Curve::new();
    let runtime = tokio_runtime();
    let endpoint = free_endpoint();
    let mut publisher = Publisher::with_options(curve.server_options());
    runtime.block_on(publisher.bind(&endpoint)).unwrap();
    runtime.spawn(async move {
        for i in 0..2000_u32 {
            publisher
                .publish("reading", &("kitchen", f64::from(i)))
                .unwrap();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    let Some(mut intruder) = peer(language, &[mode, &endpoint, "1"]) else {
        return;
    };
    curve.client(&mut intruder, &curve.unknown);
    let (mut intruder, mut intruder_out) = spawn_piped(&mut intruder);
    curve.wait_refused();
    let Some(mut command) = peer(language, &[mode, &endpoint, "3"]) else {
        return;
    };
    curve.client(&mut command, &curve.allowed);
    let output = run_with_timeout(&mut command, WAIT);
    assert!(output.status.success(), "{output:?}");
    let got = events(&String::from_utf8_lossy(&output.stdout));
    let first = got[0]["args"][1].as_f64().expect("a float value");
    assert_eq!(got, readings([first, first + 1.0, first + 2.0]));
    intruder.kill();
    let mut stolen = String::new();
    intruder_out.read_to_string(&mut stolen).unwrap();
    assert_eq!(stolen, "", "the unknown key received events");
}

/// A Rust puller is the CURVE server, admitting one client key. A generated pusher with an
/// unknown key pushes 7 readings that never arrive; one with the allowed key pushes 2 readings
/// and an offline, which arrive, and nothing else does.
fn curve_pusher(language: &str, mode: &str) {
    let curve = Curve::new();
    let runtime = tokio_runtime();
    let endpoint = free_endpoint();
    let mut puller = Puller::with_options(curve.server_options());
    runtime.block_on(puller.bind(&endpoint)).unwrap();
    let Some(mut intruder) = peer(language, &[mode, &endpoint, "7"]) else {
        return;
    };
    curve.client(&mut intruder, &curve.unknown);
    let output = run_with_timeout(&mut intruder, WAIT);
    assert!(output.status.success(), "{output:?}");
    curve.wait_refused();
    let Some(mut command) = peer(language, &[mode, &endpoint, "2"]) else {
        return;
    };
    curve.client(&mut command, &curve.allowed);
    let output = run_with_timeout(&mut command, WAIT);
    assert!(output.status.success(), "{output:?}");
    let got = runtime.block_on(async {
        let mut got = Vec::new();
        while let Ok(Some(event)) = tokio::time::timeout(
            if got.len() < 3 { WAIT } else { Duration::from_millis(300) },
            puller.recv(),
        )
        .await
        {
            let sensor: String = event.args.decode(0, "sensor").unwrap();
            got.push(if event.name == "reading" {
                json!({"event": "reading", "args": [sensor, event.args.decode::<f64>(1, "value").unwrap()]})
            } else {
                json!({"event": event.name, "args": [sensor, event.args.decode::<String>(1, "reason").unwrap()]})
            });
        }
        got
    });
    let mut expected = readings([0.0, 1.0]);
    expected.push(json!({"event": "offline", "args": ["kitchen", "done"]}));
    assert_eq!(got, expected);
}

/// The generated puller binds as the CURVE server (its key pair alone): `zrpc push` with a
/// wrong server key finds no puller (exit 3, nothing delivered), with the right one it
/// delivers; a plain pusher finds no puller either.
fn curve_puller_as_server(language: &str, mode: &str) {
    let server = KeyPair::generate().unwrap();
    let wrong = KeyPair::generate().unwrap();
    let endpoint = free_endpoint();
    let Some(mut command) = peer(language, &[mode, &endpoint, "1"]) else {
        return;
    };
    command
        .env("ZRPC_CURVE_PUBLIC_KEY", server.public_z85())
        .env("ZRPC_CURVE_SECRET_KEY", server.secret_z85());
    let (_puller, mut out) = spawn_piped(&mut command);
    assert_eq!(read_line(&mut out), "ready");
    let refused = |extra: &[&str]| {
        let mut args = vec![
            "push", &endpoint, "offline", "intruder", "refused", "--wait", "0.5",
        ];
        args.extend_from_slice(extra);
        let output = run_with_timeout(Command::new(workspace_bin("zrpc")).args(&args), WAIT);
        assert_eq!(output.status.code(), Some(3), "{output:?}");
    };
    refused(&["--curve-server-key", &wrong.public_z85()]);
    refused(&[]);
    zrpc(&[
        "push",
        &endpoint,
        "reading",
        "kitchen",
        "1.5",
        "--curve-server-key",
        &server.public_z85(),
    ]);
    assert_eq!(events(&read_line(&mut out)), readings([1.5]));
}

macro_rules! language_tests {
    ($module:ident, $language:literal, $prefix:literal) => {
        mod $module {
            #[test]
            fn stock_publisher_to_generated_subscriber() {
                super::stock_publisher_to_subscriber($language, concat!($prefix, "subscriber"));
            }

            #[test]
            fn stock_pusher_to_generated_puller() {
                super::stock_pusher_to_puller($language, concat!($prefix, "puller"));
            }

            #[test]
            fn bad_events_are_logged_not_fatal() {
                super::bad_events_are_logged_not_fatal($language, concat!($prefix, "puller"));
            }

            #[test]
            fn generated_publisher_to_cli_subscribe() {
                super::publisher_to_cli_subscribe($language, concat!($prefix, "publisher"));
            }

            #[test]
            fn generated_pusher_to_cli_pull() {
                super::pusher_to_cli_pull($language, concat!($prefix, "pusher"));
            }

            #[test]
            fn handler_errors_are_logged_and_run_goes_on() {
                super::handler_errors_are_logged_and_run_goes_on(
                    $language,
                    concat!($prefix, "failing-puller"),
                );
            }

            #[test]
            fn curve_subscriber_allowed_key_only() {
                super::curve_subscriber($language, concat!($prefix, "subscriber"));
            }

            #[test]
            fn curve_pusher_allowed_key_only() {
                super::curve_pusher($language, concat!($prefix, "pusher"));
            }

            #[test]
            fn curve_puller_as_server_refuses_wrong_server_key() {
                super::curve_puller_as_server($language, concat!($prefix, "puller"));
            }
        }
    };
}

language_tests!(python, "python", "");
language_tests!(python_asyncio, "python", "async-");
language_tests!(ruby, "ruby", "");
language_tests!(php, "php", "");
