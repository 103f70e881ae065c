//! `zrpc-broker-bench`: the broker's benchmark and its test worker.
//!
//! `zrpc-broker-bench bench [--calls N] [--clients N] [--rounds N]` measures, in one run and in
//! interleaved rounds, calls through a broker against calls to a server directly (throughput
//! with N concurrent callers, and the median latency of one caller), and prints medians and
//! ratios.
//!
//! `zrpc-broker-bench worker --backend ENDPOINT [--concurrency N] [--record FILE]` serves the
//! `BenchWorker` service to a broker: `add(a, b)`, `work(n, ms)` (returns n after ms
//! milliseconds), `countdown(n)` (streams n-1 .. 0), `count()` (calls
//! of `record` seen) and oneway `record(n)`, which appends n to
//! FILE (one line per call), so tests can check that every call ran exactly once.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zrpc::{Args, Client, MethodInfo, RemoteError, Reply, Server, Service, Worker};
use zrpc_broker::Broker;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.first().map(String::as_str) {
        Some("worker") => runtime.block_on(worker(&args[1..])),
        Some("bench") => runtime.block_on(bench(&args[1..])),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "usage: zrpc-broker-bench bench [--calls N] [--clients N] [--rounds N]\n       zrpc-broker-bench worker --backend ENDPOINT [--concurrency N] [--record FILE]";

/// `--name value` pairs.
fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn number(args: &[String], name: &str, default: u64) -> Result<u64, String> {
    match option(args, name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name} wants a number, got {v:?}")),
    }
}

fn service(record: Option<std::fs::File>) -> Service {
    let count = Arc::new(AtomicU64::new(0));
    let file = Arc::new(Mutex::new(record));
    let seen = count.clone();
    Service::builder("BenchWorker")
        .method(
            "add",
            MethodInfo::unary(&["a", "b"]),
            |args: Args| async move {
                let (a, b): (i64, i64) = (args.decode(0, "a")?, args.decode(1, "b")?);
                Reply::value(&(a + b))
            },
        )
        .method(
            "work",
            MethodInfo::unary(&["n", "ms"]),
            |args: Args| async move {
                let (n, ms): (u64, u64) = (args.decode(0, "n")?, args.decode(1, "ms")?);
                tokio::time::sleep(Duration::from_millis(ms.min(60_000))).await;
                Reply::value(&n)
            },
        )
        .method(
            "countdown",
            MethodInfo::stream(&["n"]),
            |args: Args| async move {
                let n: u64 = args.decode(0, "n")?;
                Ok(Reply::stream(futures::stream::iter((0..n).rev())))
            },
        )
        .method("count", MethodInfo::unary(&[]), move |_: Args| {
            let seen = seen.load(Ordering::SeqCst);
            async move { Reply::value(&seen) }
        })
        .method("record", MethodInfo::oneway(&["n"]), move |args: Args| {
            let count = count.clone();
            let file = file.clone();
            async move {
                let n: u64 = args.decode(0, "n")?;
                count.fetch_add(1, Ordering::SeqCst);
                let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(file) = file.as_mut() {
                    writeln!(file, "{n}")
                        .map_err(|e| RemoteError::new("IOError", e.to_string()))?;
                }
                Ok(Reply::nil())
            }
        })
        .build()
}

async fn worker(args: &[String]) -> Result<(), String> {
    let backend = option(args, "--backend").ok_or(USAGE)?;
    let concurrency = u32::try_from(number(args, "--concurrency", 16)?)
        .map_err(|_| "--concurrency is too large")?;
    let record = match option(args, "--record") {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("cannot open {path}: {e}"))?,
        ),
        None => None,
    };
    let worker = Worker::builder(service(record))
        .concurrency(concurrency)
        .heartbeat(Duration::from_millis(250))
        .connect(&backend)
        .await
        .map_err(|e| e.to_string())?;
    let _ = tokio::signal::ctrl_c().await;
    worker.shutdown().await;
    Ok(())
}

async fn bench(args: &[String]) -> Result<(), String> {
    let calls = number(args, "--calls", 20_000)?;
    let clients = number(args, "--clients", 4)?;
    let rounds = number(args, "--rounds", 5)?;
    let server = Server::builder(service(None))
        .bind("tcp://127.0.0.1:0")
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let broker = Broker::builder()
        .frontend("tcp://127.0.0.1:0")
        .backend("tcp://127.0.0.1:0")
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let worker = Worker::builder(service(None))
        .concurrency(64)
        .connect(broker.backend())
        .await
        .map_err(|e| e.to_string())?;
    let direct = server.endpoint();
    let brokered = broker.frontend().to_owned();
    // Warm up both paths (and wait for the worker to join).
    for endpoint in [&direct, &brokered] {
        let client = Client::connect(endpoint).await.map_err(|e| e.to_string())?;
        for _ in 0..200 {
            let _: i64 = client
                .call_typed("add", &(1, 2))
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    let mut results: [(Vec<f64>, Vec<f64>); 2] = Default::default();
    for _ in 0..rounds {
        for (i, endpoint) in [&direct, &brokered].into_iter().enumerate() {
            results[i]
                .0
                .push(throughput(endpoint, clients, calls).await?);
            results[i].1.push(latency_us(endpoint, 2_000).await?);
        }
    }
    let direct_rate = median(&mut results[0].0);
    let broker_rate = median(&mut results[1].0);
    let direct_latency = median(&mut results[0].1);
    let broker_latency = median(&mut results[1].1);
    println!(
        "zrpc-broker-bench: {calls} calls x {clients} clients per round, {rounds} interleaved rounds, medians"
    );
    println!("| path | calls/s ({clients} clients) | p50 latency, 1 client (us) |");
    println!("|---|---|---|");
    println!("| direct (client -> server) | {direct_rate:.0} | {direct_latency:.0} |");
    println!("| through the broker (client -> broker -> worker) | {broker_rate:.0} | {broker_latency:.0} |");
    println!(
        "| broker / direct | {:.2} | +{:.0} us added |",
        broker_rate / direct_rate,
        broker_latency - direct_latency
    );
    worker.shutdown().await;
    broker.shutdown().await;
    server.shutdown().await;
    Ok(())
}

/// Calls per second with `clients` connections sharing `calls` calls (each one call at a time).
async fn throughput(endpoint: &str, clients: u64, calls: u64) -> Result<f64, String> {
    let per_client = calls / clients.max(1);
    let mut connected = Vec::new();
    for _ in 0..clients {
        connected.push(Client::connect(endpoint).await.map_err(|e| e.to_string())?);
    }
    let started = Instant::now();
    let tasks: Vec<_> = connected
        .into_iter()
        .map(|client| {
            tokio::spawn(async move {
                for i in 0..per_client {
                    let _: i64 = client.call_typed("add", &(i, 1)).await?;
                }
                Ok::<_, zrpc::Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
    }
    Ok((per_client * clients) as f64 / started.elapsed().as_secs_f64())
}

/// Median round-trip of sequential calls from one client, in microseconds.
async fn latency_us(endpoint: &str, calls: usize) -> Result<f64, String> {
    let client = Client::connect(endpoint).await.map_err(|e| e.to_string())?;
    let mut samples = Vec::with_capacity(calls);
    for i in 0..calls {
        let started = Instant::now();
        let _: i64 = client
            .call_typed("add", &(i, 1))
            .await
            .map_err(|e| e.to_string())?;
        samples.push(started.elapsed().as_secs_f64() * 1e6);
    }
    Ok(median(&mut samples))
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN)
}
