//! `zrpc broker` with its queue in memory, as real processes on loopback: workers dying under
//! load, stock zerorpc-python calls waiting in the queue, and the queue limit.

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use zrpc_interop_tests::{
    free_endpoint, python, run_with_timeout, wait_for_tcp, workspace_bin, ChildGuard,
};

struct Broker {
    frontend: String,
    backend: String,
    _process: ChildGuard,
}

fn start_broker(extra: &[&str]) -> Broker {
    let (frontend, backend) = (free_endpoint(), free_endpoint());
    let process = ChildGuard::spawn(
        Command::new(workspace_bin("zrpc"))
            .args(["broker", "--frontend", &frontend, "--backend", &backend])
            .args(extra)
            .stdout(Stdio::null()),
    );
    wait_for_tcp(&frontend, Duration::from_secs(10));
    wait_for_tcp(&backend, Duration::from_secs(10));
    Broker {
        frontend,
        backend,
        _process: process,
    }
}

fn bench_worker(backend: &str, concurrency: u32) -> ChildGuard {
    ChildGuard::spawn(
        Command::new(workspace_bin("zrpc-broker-bench"))
            .args(["worker", "--backend", backend])
            .args(["--concurrency", &concurrency.to_string()])
            .stderr(Stdio::null()),
    )
}

fn calculator_worker(backend: &str) -> ChildGuard {
    ChildGuard::spawn(
        Command::new(workspace_bin("calculator-server"))
            .args(["--worker", backend, "--concurrency", "8"])
            .stderr(Stdio::null()),
    )
}

async fn client(endpoint: &str) -> zrpc::Client {
    zrpc::Client::builder(endpoint)
        .heartbeat(Duration::from_secs(1))
        .timeout(Duration::from_secs(60))
        .connect()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_killed_every_second_lose_no_call_and_answer_none_twice() {
    let broker = start_broker(&["--heartbeat", "1"]);
    let mut workers: Vec<ChildGuard> = (0..3).map(|_| bench_worker(&broker.backend, 8)).collect();
    const CLIENTS: u64 = 8;
    const CALLS: u64 = 5_000;
    let tasks: Vec<_> = spawn_callers(CLIENTS, CALLS, &broker.frontend).await;
    let started = Instant::now();
    let mut killed = 0;
    while !tasks.iter().all(|t| t.is_finished()) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "calls still running after 120 s"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        workers.remove(0).kill();
        killed += 1;
        workers.push(bench_worker(&broker.backend, 8));
    }
    let mut answered = HashSet::new();
    let mut lost = 0;
    for task in tasks {
        for (n, outcome) in task.await.unwrap() {
            match outcome {
                Ok(value) => {
                    assert_eq!(value, n, "call {n} got the answer of another call");
                    assert!(answered.insert(n), "call {n} answered twice");
                }
                Err(zrpc::Error::Remote(e)) if e.name == "WorkerLost" => lost += 1,
                Err(e) => panic!("call {n}: unexpected error {e:?}"),
            }
        }
    }
    eprintln!(
        "{} calls answered, {lost} failed with WorkerLost, {killed} workers killed",
        answered.len()
    );
    assert_eq!(answered.len() + lost, CALLS as usize);
    assert!(
        killed >= 3,
        "the calls ended before the workers were killed"
    );
    assert!(
        lost * 20 < CALLS as usize,
        "too many calls failed: {lost}; re-runs should save nearly all"
    );
}

type Outcomes = Vec<(u64, Result<u64, zrpc::Error>)>;

/// `clients` connections sharing `calls` calls of `work(n, 20 ms)`, one at a time each.
async fn spawn_callers(
    clients: u64,
    calls: u64,
    frontend: &str,
) -> Vec<tokio::task::JoinHandle<Outcomes>> {
    let mut tasks = Vec::new();
    for c in 0..clients {
        let client = client(frontend).await;
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for n in (c..calls).step_by(clients as usize) {
                let args = (n, 20);
                let call = client.call_typed::<u64, _>("work", &args);
                let outcome = tokio::time::timeout(Duration::from_secs(60), call)
                    .await
                    .unwrap_or_else(|_| panic!("call {n} hangs"));
                outcomes.push((n, outcome));
            }
            outcomes
        }));
    }
    tasks
}

#[test]
fn stock_python_calls_wait_in_the_queue_until_a_worker_joins() {
    let Some(python) = python() else { return };
    let broker = start_broker(&[]);
    let script = r#"
import sys, time, gevent, zerorpc
client = zerorpc.Client(timeout=60, heartbeat=5)
client.connect(sys.argv[1])
started = time.time()
calls = [gevent.spawn(client.add, i, 1) for i in range(100)]
gevent.joinall(calls, raise_error=True)
assert [c.value for c in calls] == [i + 1 for i in range(100)], [c.value for c in calls]
print("waited %.1f" % (time.time() - started))
"#;
    let frontend = broker.frontend.clone();
    let caller = std::thread::spawn(move || {
        run_with_timeout(
            Command::new(python).args(["-c", script, &frontend]),
            Duration::from_secs(90),
        )
    });
    std::thread::sleep(Duration::from_secs(10));
    assert!(!caller.is_finished(), "the calls ended with no worker");
    let _worker = calculator_worker(&broker.backend);
    let output = caller.join().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "stock client failed\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let waited: f64 = stdout
        .trim()
        .strip_prefix("waited ")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output {stdout:?}"));
    assert!(waited >= 9.5, "the calls waited only {waited} s");
}

#[tokio::test]
async fn past_the_queue_limit_a_call_gets_queue_full_at_once() {
    let broker = start_broker(&["--queue-limit", "5"]);
    let client = client(&broker.frontend).await;
    let waiting: Vec<_> = (0..5)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call_typed::<i64, _>("add", &(i, 1)).await })
        })
        .collect();
    // The five are queued before the sixth (one connection keeps the order).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    match client.call_typed::<i64, _>("add", &(5, 1)).await {
        Err(zrpc::Error::Remote(e)) => {
            assert_eq!(e.name, "QueueFull", "{e:?}");
            assert!(e.message.contains("5"), "{e:?}");
        }
        other => panic!("expected QueueFull, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    let _worker = calculator_worker(&broker.backend);
    for (i, call) in waiting.into_iter().enumerate() {
        assert_eq!(call.await.unwrap().unwrap(), i as i64 + 1);
    }
    // Introspection is answered by a worker.
    let name: String = client.call_typed("_zerorpc_name", &()).await.unwrap();
    assert_eq!(name, "Calculator");
}

/// Writes a fresh key pair as `dir/name.key` and returns its path and public key.
fn curve_key(dir: &std::path::Path, name: &str) -> (String, String) {
    let keys = zrpc::curve::KeyPair::generate().unwrap();
    let path = dir.join(format!("{name}.key"));
    std::fs::write(&path, keys.to_certificate()).unwrap();
    (path.to_str().unwrap().to_owned(), keys.public_z85())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curve_admits_only_the_listed_workers_and_callers() {
    let dir = std::env::temp_dir().join(format!("zrpc-broker-curve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (broker_key, broker_public) = curve_key(&dir, "broker");
    let (worker_key, worker_public) = curve_key(&dir, "worker");
    let (stranger_key, _) = curve_key(&dir, "stranger");
    let (client_key, client_public) = curve_key(&dir, "client");
    let workers = dir.join("workers.allow");
    std::fs::write(&workers, format!("{worker_public}\n")).unwrap();
    let callers = dir.join("callers.allow");
    std::fs::write(&callers, format!("{client_public}\n")).unwrap();
    let broker = start_broker(&[
        "--curve-key",
        &broker_key,
        "--curve-allow",
        callers.to_str().unwrap(),
        "--backend-curve-allow",
        workers.to_str().unwrap(),
    ]);
    let worker = |key: &str| {
        ChildGuard::spawn(
            Command::new(workspace_bin("calculator-server"))
                .args(["--worker", &broker.backend, "--curve-key", key])
                .args(["--curve-server-key", &broker_public])
                .stderr(Stdio::null()),
        )
    };
    let caller = |key: &str| {
        let keys = zrpc::curve::KeyPair::load(key).unwrap();
        zrpc::Client::builder(&broker.frontend)
            .heartbeat(Duration::from_secs(1))
            .timeout(Duration::from_secs(2))
            .curve(&broker_public, keys)
            .unwrap()
            .connect()
    };
    let add = vec![rmpv::Value::from(2), rmpv::Value::from(3)];

    // A worker with an unlisted key never gets a call: it stays queued until the timeout.
    let _stranger = worker(&stranger_key);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let client = caller(&client_key).await.unwrap();
    assert!(client.call("add", add.clone()).await.is_err());

    // A listed worker serves; a caller with an unlisted key is refused.
    let _worker = worker(&worker_key);
    let started = Instant::now();
    let result = loop {
        match client.call("add", add.clone()).await {
            Ok(result) => break result,
            Err(error) => assert!(started.elapsed() < Duration::from_secs(20), "{error}"),
        }
    };
    assert_eq!(result.as_i64(), Some(5));
    let refused = caller(&stranger_key).await.unwrap();
    assert!(refused.call("add", add).await.is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
