//! Helpers shared by the cross-language tests: locating interpreters and workspace binaries,
//! picking free loopback ports, and running child processes that are killed when dropped.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent directory")
        .to_path_buf()
}

/// True when running under CI, where a missing interpreter or binding is a failure, not a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Returns `Some(program)` when `program --version` runs. When it does not: panics under CI,
/// otherwise prints why the test is skipped and returns `None`.
pub fn require_program(program: &str, why: &str) -> Option<PathBuf> {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if found {
        return Some(PathBuf::from(program));
    }
    skip_or_fail(&format!(
        "`{program}` not found ({why}); run scripts/setup.sh"
    ))
}

/// The Python of the project's venv (`ZRPC_PYTHON`, else `.venv/bin/python`), with pyzmq,
/// msgpack and zerorpc installed by `scripts/setup.sh`.
pub fn python() -> Option<PathBuf> {
    let python = std::env::var_os("ZRPC_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    let ok = Command::new(&python)
        .args(["-c", "import zmq, msgpack, zerorpc"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if ok {
        Some(python)
    } else {
        skip_or_fail(&format!(
            "{} cannot import zmq, msgpack and zerorpc; run scripts/setup.sh",
            python.display()
        ))
    }
}

fn skip_or_fail<T>(message: &str) -> Option<T> {
    if in_ci() {
        panic!("CI=true and {message}");
    }
    eprintln!("SKIPPED: {message}");
    None
}

/// A workspace binary, built by `cargo test --workspace` (as `scripts/test.sh` runs it) or
/// `cargo build --workspace --bins`.
pub fn workspace_bin(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let path = target.join(profile).join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo test --workspace` or `cargo build --workspace --bins` first",
        path.display()
    );
    path
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("bind an ephemeral port on 127.0.0.1")
}

/// A fresh `tcp://127.0.0.1:PORT` endpoint.
pub fn free_endpoint() -> String {
    format!("tcp://127.0.0.1:{}", free_port())
}

/// Waits until something accepts TCP connections on the endpoint's port.
pub fn wait_for_tcp(endpoint: &str, timeout: Duration) {
    let addr: SocketAddr = endpoint
        .trim_start_matches("tcp://")
        .parse()
        .unwrap_or_else(|e| panic!("{endpoint} is not tcp://IP:PORT: {e}"));
    let deadline = Instant::now() + timeout;
    while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nothing listens on {endpoint} after {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A child process killed (by its own PID) when dropped, so a failing test leaves nothing behind.
pub struct ChildGuard {
    child: Child,
}

impl ChildGuard {
    pub fn spawn(command: &mut Command) -> ChildGuard {
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        ChildGuard { child }
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The child's stdout, when it was spawned with `Stdio::piped()`.
    pub fn take_stdout(&mut self) -> std::process::ChildStdout {
        self.child
            .stdout
            .take()
            .expect("the child was spawned with a piped stdout")
    }

    /// The child's stderr, when it was spawned with `Stdio::piped()`.
    pub fn take_stderr(&mut self) -> std::process::ChildStderr {
        self.child
            .stderr
            .take()
            .expect("the child was spawned with a piped stderr")
    }

    /// Kills the process now and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs a command to completion with a deadline; panics with its output if it fails.
pub fn run_ok(command: &mut Command, timeout: Duration) -> Output {
    let output = run_with_timeout(command, timeout);
    assert!(
        output.status.success(),
        "{command:?} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs a command to completion, killing it if it outlives `timeout`.
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    // Drain both pipes on threads so a chatty child never blocks on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{command:?} still running after {timeout:?}; killed\n--- stdout\n{}\n--- stderr\n{}",
                    String::from_utf8_lossy(&join(stdout)),
                    String::from_utf8_lossy(&join(stderr))
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("waiting for {command:?}: {e}"),
        }
    };
    Output {
        status,
        stdout: join(stdout),
        stderr: join(stderr),
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buffer = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buffer);
        }
        buffer
    })
}

fn join(handle: JoinHandle<Vec<u8>>) -> Vec<u8> {
    handle.join().unwrap_or_default()
}

/// The source tree of a language runtime: `runtimes/python/src`, `runtimes/ruby/lib`,
/// `runtimes/php` — what generated clients load without a package manager.
pub fn runtime_dir(language: &str) -> PathBuf {
    let root = workspace_root().join("runtimes");
    match language {
        "python" => root.join("python/src"),
        "ruby" => root.join("ruby/lib"),
        "php" => root.join("php"),
        other => panic!("no {other} runtime"),
    }
}

/// `PYTHONPATH` for a generated package under `generated`: the package and the `zrpc` runtime.
pub fn python_path(generated: &Path) -> std::ffi::OsString {
    std::env::join_paths([generated.to_path_buf(), runtime_dir("python")])
        .expect("paths without ':'")
}
