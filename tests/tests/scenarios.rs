//! The scenarios of docs/protocol.md (section 10) in every client language — Python (blocking
//! and asyncio), Ruby and PHP — against the Rust `calculator-server` (or a misbehaving fake server
//! where stated), over real sockets. One driver per language under `tests/scenarios/`, sharing
//! the scenario names.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use zrpc_interop_tests::{
    free_endpoint, python, require_program, run_ok, runtime_dir, wait_for_tcp, workspace_bin,
    workspace_root, ChildGuard,
};

/// The client languages; `PythonAsync` runs the Python driver with the asyncio client.
#[derive(Clone, Copy, Debug)]
enum Lang {
    Python,
    PythonAsync,
    Ruby,
    Php,
}

const LANGS: [Lang; 4] = [Lang::Python, Lang::PythonAsync, Lang::Ruby, Lang::Php];

/// `zrpc gen` output for the calculator and the scenarios IDL, per language, once per process.
fn generated(lang: &str, idl: &str) -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    let root = ROOT.get_or_init(|| {
        let root = workspace_root()
            .join("target/tmp")
            .join(format!("scenarios-{}", std::process::id()));
        for lang in ["python", "ruby", "php"] {
            for (name, path) in [
                ("calculator", "examples/calculator/calculator.zrpc"),
                ("scenarios", "tests/idl/scenarios.zrpc"),
            ] {
                run_ok(
                    Command::new(workspace_bin("zrpc"))
                        .args(["gen", "--lang", lang, "--out"])
                        .arg(root.join(format!("{lang}-{name}")))
                        .arg(workspace_root().join(path)),
                    Duration::from_secs(30),
                );
            }
        }
        root
    });
    root.join(format!("{lang}-{idl}"))
}

fn driver(name: &str) -> PathBuf {
    workspace_root().join("tests/scenarios").join(name)
}

/// The driver command of `lang` for `scenario`, or `None` when the interpreter is missing
/// (skipped; a failure under CI=true).
fn command(lang: Lang, scenario: &str) -> Option<Command> {
    match lang {
        Lang::Python | Lang::PythonAsync => {
            let python = python()?;
            let mut command = Command::new(python);
            let path = std::env::join_paths([
                generated("python", "calculator"),
                generated("python", "scenarios"),
                runtime_dir("python"),
            ])
            .ok()?;
            command
                .env("PYTHONPATH", path)
                .arg(driver("run_scenario.py"));
            if let Lang::PythonAsync = lang {
                command.arg("--async");
            }
            command.arg(scenario);
            Some(command)
        }
        Lang::Ruby => {
            let ruby = require_program("ruby", "the Ruby scenarios")?;
            let mut command = Command::new(ruby);
            for dir in [
                runtime_dir("ruby"),
                generated("ruby", "calculator"),
                generated("ruby", "scenarios"),
            ] {
                command.arg("-I").arg(dir);
            }
            command.arg(driver("run_scenario.rb")).arg(scenario);
            Some(command)
        }
        Lang::Php => {
            let php = require_program("php", "the PHP scenarios")?;
            let mut command = Command::new(php);
            command
                .env("ZRPC_PHP_RUNTIME", runtime_dir("php"))
                .arg(driver("run_scenario.php"))
                .arg(generated("php", "calculator"))
                .arg(generated("php", "scenarios"))
                .arg(scenario);
            Some(command)
        }
    }
}

/// Runs one scenario in one language; panics with the driver's output unless it printed `ok`.
fn run(lang: Lang, scenario: &str, endpoint: &str, env: &[(&str, &str)]) {
    let Some(mut command) = command(lang, scenario) else {
        return;
    };
    command.env("ZRPC_ENDPOINT", endpoint);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = run_ok(&mut command, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("ok {scenario}")),
        "{lang:?} {scenario}: {stdout}"
    );
}

/// `calculator-server` with the given heartbeat interval (seconds).
fn calculator_server(heartbeat: &str) -> (ChildGuard, String) {
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

/// Every language against one `calculator-server` at a 1 s heartbeat.
fn against_calculator(scenario: &str) {
    let (_server, endpoint) = calculator_server("1");
    for lang in LANGS {
        run(lang, scenario, &endpoint, &[]);
    }
}

#[test]
fn s01_unreachable() {
    for lang in LANGS {
        run(lang, "unreachable", &free_endpoint(), &[]);
    }
}

#[test]
fn s02_timeout() {
    against_calculator("timeout");
}

#[test]
fn s03_lost_remote() {
    for lang in LANGS {
        let (mut server, endpoint) = calculator_server("1");
        let Some(mut command) = command(lang, "lost_remote") else {
            return;
        };
        command.env("ZRPC_ENDPOINT", &endpoint);
        let client = std::thread::spawn(move || run_ok(&mut command, Duration::from_secs(60)));
        // Long enough for the driver to start and the call to hear two heartbeats (its
        // measure of the server's interval, docs/protocol.md section 4).
        std::thread::sleep(Duration::from_secs(4));
        server.kill();
        let output = client.join().expect("the driver thread");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("ok lost_remote"), "{lang:?}: {stdout}");
    }
}

#[test]
fn s04_remote_error_typed() {
    against_calculator("remote_error_typed");
}

#[test]
fn s05_remote_error_untyped() {
    against_calculator("remote_error_untyped");
}

#[test]
fn s06_unknown_method() {
    against_calculator("unknown_method");
}

#[test]
fn s07_wrong_result_type() {
    against_calculator("wrong_result_type");
}

#[test]
fn s08_call_after_close() {
    against_calculator("call_after_close");
}

#[test]
fn s09_optional_args_default() {
    against_calculator("optional_args_default");
}

#[test]
fn s10_per_call_timeout() {
    against_calculator("per_call_timeout");
}

#[test]
fn s11_stream() {
    against_calculator("stream");
}

#[test]
fn s12_long_call() {
    against_calculator("long_call");
}

/// Slow (about 30 s, every language and both directions at once), but part of CI.
#[test]
fn s13_heartbeat_mismatch() {
    let (_fast, fast) = calculator_server("1");
    let (_slow, slow) = calculator_server("5");
    let mut runs = Vec::new();
    for lang in LANGS {
        for (endpoint, client_heartbeat) in [(fast.clone(), "5"), (slow.clone(), "1")] {
            runs.push(std::thread::spawn(move || {
                run(
                    lang,
                    "heartbeat_mismatch",
                    &endpoint,
                    &[("ZRPC_HEARTBEAT", client_heartbeat)],
                )
            }));
        }
    }
    for handle in runs {
        handle.join().expect("a heartbeat_mismatch run failed");
    }
}

/// The misbehaving Python server of `tests/scenarios/fake_server.py` in `mode`.
fn fake_server(mode: &str) -> Option<(ChildGuard, String)> {
    let python = python()?;
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(
        Command::new(python)
            .arg(driver("fake_server.py"))
            .args([mode, &endpoint]),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(20));
    Some((server, endpoint))
}

#[test]
fn s14_undecodable_reply() {
    let Some((_server, endpoint)) = fake_server("undecodable") else {
        return;
    };
    for lang in LANGS {
        run(lang, "undecodable_reply", &endpoint, &[]);
    }
}

#[test]
fn s15_malformed_reply() {
    let Some((_server, endpoint)) = fake_server("malformed") else {
        return;
    };
    for lang in LANGS {
        run(lang, "malformed_reply", &endpoint, &[]);
    }
}

#[test]
fn python_async_client_is_reusable_across_event_loops() {
    let (_server, endpoint) = calculator_server("1");
    run(Lang::Python, "async_reuse", &endpoint, &[]);
}

/// The public and secret key of a `zrpc keygen` certificate (`PATH.key`).
fn keygen(dir: &std::path::Path, name: &str) -> (PathBuf, String, String) {
    let base = dir.join(name);
    run_ok(
        Command::new(workspace_bin("zrpc"))
            .args(["keygen", "--out"])
            .arg(&base),
        Duration::from_secs(10),
    );
    let key_file = base.with_extension("key");
    let text = std::fs::read_to_string(&key_file).expect("the .key file");
    let value = |field: &str| {
        text.lines()
            .find_map(|line| {
                let (key, value) = line.trim().split_once('=')?;
                (key.trim() == field).then(|| value.trim().trim_matches('"').to_owned())
            })
            .unwrap_or_else(|| panic!("no {field} in {}", key_file.display()))
    };
    let (public, secret) = (value("public-key"), value("secret-key"));
    (key_file, public, secret)
}

#[test]
fn s16_to_s19_curve() {
    let dir = workspace_root()
        .join("target/tmp")
        .join(format!("scenarios-curve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a key directory");
    let (server_key, server_public, _) = keygen(&dir, "server");
    let (_, client_public, client_secret) = keygen(&dir, "client");
    let (_, stranger_public, stranger_secret) = keygen(&dir, "stranger");
    let (_, wrong_server_public, _) = keygen(&dir, "wrong-server");
    let allow = dir.join("allow");
    std::fs::write(&allow, format!("# the test client\n{client_public}\n")).expect("allow-list");
    let endpoint = free_endpoint();
    let _server = ChildGuard::spawn(
        Command::new(workspace_bin("calculator-server"))
            .args(["--bind", &endpoint, "--heartbeat", "1", "--curve-key"])
            .arg(&server_key)
            .arg("--curve-allow")
            .arg(&allow),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(10));
    let keys = |server: &str, public: &str, secret: &str| {
        vec![
            ("ZRPC_CURVE_SERVER_KEY", server.to_owned()),
            ("ZRPC_CURVE_PUBLIC_KEY", public.to_owned()),
            ("ZRPC_CURVE_SECRET_KEY", secret.to_owned()),
        ]
    };
    let cases = [
        (
            "curve_allowed",
            keys(&server_public, &client_public, &client_secret),
        ),
        (
            "curve_unknown_key",
            keys(&server_public, &stranger_public, &stranger_secret),
        ),
        (
            "curve_wrong_server_key",
            keys(&wrong_server_public, &client_public, &client_secret),
        ),
        ("curve_none", Vec::new()),
    ];
    for lang in LANGS {
        for (scenario, env) in &cases {
            let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            run(lang, scenario, &endpoint, &env);
        }
    }
    // The server's key alone: every client makes a fresh key pair, which a server without an
    // allow-list accepts.
    let open_endpoint = free_endpoint();
    let _open_server = ChildGuard::spawn(
        Command::new(workspace_bin("calculator-server"))
            .args(["--bind", &open_endpoint, "--heartbeat", "1", "--curve-key"])
            .arg(&server_key),
    );
    wait_for_tcp(&open_endpoint, Duration::from_secs(10));
    for lang in LANGS {
        run(
            lang,
            "curve_allowed",
            &open_endpoint,
            &[("ZRPC_CURVE_SERVER_KEY", server_public.as_str())],
        );
    }
}
