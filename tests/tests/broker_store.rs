//! `zrpc broker --store nats://...`: the queue in NATS JetStream survives a SIGKILLed broker, and
//! two brokers on one store share the work. The tests start and stop their own `nats-server`.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use zrpc_interop_tests::{
    free_endpoint, free_port, require_program, wait_for_tcp, workspace_bin, ChildGuard,
};

/// A `nats-server -js` on loopback with its own store directory, killed when dropped.
struct Nats {
    url: String,
    monitor: u16,
    _dir: TempDir,
    _process: ChildGuard,
}

fn start_nats() -> Option<Nats> {
    require_program("nats-server", "the broker's store; apt package nats-server")?;
    let dir = TempDir::new("nats");
    let (port, monitor) = (free_port(), free_port());
    let process = ChildGuard::spawn(
        Command::new("nats-server")
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string()])
            .args(["-m", &monitor.to_string(), "-sd"])
            .arg(&dir.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_for_tcp(&format!("tcp://127.0.0.1:{port}"), Duration::from_secs(10));
    Some(Nats {
        url: format!("nats://127.0.0.1:{port}"),
        monitor,
        _dir: dir,
        _process: process,
    })
}

impl Nats {
    /// Messages held by JetStream, from the monitoring endpoint.
    fn stored(&self) -> u64 {
        let mut stream = TcpStream::connect(("127.0.0.1", self.monitor)).unwrap();
        stream
            .write_all(b"GET /jsz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let at = response
            .find("\"messages\":")
            .unwrap_or_else(|| panic!("no message count in {response}"));
        response[at + 11..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    }
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "zrpc-broker-test-{what}-{}-{}",
            std::process::id(),
            zrpc_interop_tests::free_port()
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn start_broker(frontend: &str, backend: &str, store: &str) -> ChildGuard {
    start_broker_with(frontend, backend, store, &[])
}

fn start_broker_with(frontend: &str, backend: &str, store: &str, extra: &[&str]) -> ChildGuard {
    let broker = ChildGuard::spawn(
        Command::new(workspace_bin("zrpc"))
            .args(["broker", "--frontend", frontend, "--backend", backend])
            .args(["--store", store, "--heartbeat", "1"])
            .args(extra)
            .stdout(Stdio::null()),
    );
    wait_for_tcp(frontend, Duration::from_secs(10));
    broker
}

fn worker(backend: &str, record: &Path) -> ChildGuard {
    ChildGuard::spawn(
        Command::new(workspace_bin("zrpc-broker-bench"))
            .args([
                "worker",
                "--backend",
                backend,
                "--concurrency",
                "32",
                "--record",
            ])
            .arg(record)
            .stderr(Stdio::null()),
    )
}

async fn client(endpoint: &str) -> zrpc::Client {
    zrpc::Client::builder(endpoint)
        .heartbeat(Duration::from_secs(1))
        .timeout(Duration::from_secs(30))
        .connect()
        .await
        .unwrap()
}

/// How many times each number was recorded.
fn recorded(path: &Path) -> HashMap<u64, u32> {
    let mut counts = HashMap::new();
    for line in std::fs::read_to_string(path).unwrap_or_default().lines() {
        *counts.entry(line.parse().unwrap()).or_insert(0) += 1;
    }
    counts
}

fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "{what} after {timeout:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_oneway_calls_survive_a_killed_broker_and_run_exactly_once() {
    let Some(nats) = start_nats() else { return };
    let (frontend, backend) = (free_endpoint(), free_endpoint());
    let mut broker = start_broker(&frontend, &backend, &nats.url);
    let caller = client(&frontend).await;
    for n in 0..1000u64 {
        caller.oneway_typed("record", &(n,)).await.unwrap();
    }
    wait_until("1000 calls not stored", Duration::from_secs(30), || {
        nats.stored() == 1000
    });
    broker.kill();
    let _broker = start_broker(&frontend, &backend, &nats.url);
    let dir = TempDir::new("record");
    let record = dir.0.join("calls");
    let _worker = worker(&backend, &record);
    wait_until(
        "the stored calls did not all run",
        Duration::from_secs(60),
        || recorded(&record).len() == 1000,
    );
    // Late duplicates would show up now.
    std::thread::sleep(Duration::from_secs(2));
    let counts = recorded(&record);
    assert_eq!(counts.len(), 1000);
    let twice: Vec<_> = counts.iter().filter(|(_, c)| **c != 1).collect();
    assert!(twice.is_empty(), "calls run more than once: {twice:?}");
    wait_until(
        "the store still holds calls",
        Duration::from_secs(10),
        || nats.stored() == 0,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_brokers_on_one_store_share_the_work() {
    let Some(nats) = start_nats() else { return };
    let (front_a, back_a) = (free_endpoint(), free_endpoint());
    let (front_b, back_b) = (free_endpoint(), free_endpoint());
    let _a = start_broker(&front_a, &back_a, &nats.url);
    let _b = start_broker(&front_b, &back_b, &nats.url);
    let dir = TempDir::new("record");
    // Only broker B has a worker: A's callers are served through the store.
    let _worker = worker(&back_b, &dir.0.join("calls"));
    let (caller_a, caller_b) = (client(&front_a).await, client(&front_b).await);
    let calls: Vec<_> = (0..200i64)
        .map(|i| {
            let caller = if i % 2 == 0 { &caller_a } else { &caller_b }.clone();
            tokio::spawn(async move { (i, caller.call_typed::<i64, _>("add", &(i, 1)).await) })
        })
        .collect();
    for call in calls {
        let (i, outcome) = call.await.unwrap();
        assert_eq!(outcome.unwrap(), i + 1, "call {i}");
    }
    // A stream through A runs on B's worker, its credit forwarded between the brokers: more
    // items than one credit window (100).
    use futures::StreamExt;
    let items: Vec<u64> = caller_a
        .stream_typed::<u64, _>("countdown", &(300,))
        .await
        .unwrap()
        .map(|item| item.unwrap())
        .collect()
        .await;
    assert_eq!(items, (0..300).rev().collect::<Vec<u64>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_store_gives_queue_full_at_once() {
    let Some(nats) = start_nats() else { return };
    let (frontend, backend) = (free_endpoint(), free_endpoint());
    let _broker = start_broker_with(&frontend, &backend, &nats.url, &["--queue-limit", "3"]);
    let caller = client(&frontend).await;
    for n in 0..3u64 {
        caller.oneway_typed("record", &(n,)).await.unwrap();
    }
    wait_until("3 calls not stored", Duration::from_secs(10), || {
        nats.stored() == 3
    });
    let started = Instant::now();
    match caller.call_typed::<i64, _>("add", &(1, 2)).await {
        Err(zrpc::Error::Remote(e)) => assert_eq!(e.name, "QueueFull", "{e:?}"),
        other => panic!("expected QueueFull, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
}
