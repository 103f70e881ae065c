//! `zrpc-bench`: one run, same machine, alternating rounds of
//! - raw ZMTP DEALER → ROUTER echo round trips on zrpc's engine (the floor), 1 and N in flight;
//! - zrpc Rust client → zrpc server (the calculator's `add`), 1 and N calls in flight, plain
//!   and over CURVE;
//! - stock zerorpc Python client → stock zerorpc Python server;
//! - stock zerorpc Python client → zrpc server.
//!
//! Prints the median calls/s per setup and the median per-round ratios against the targets.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use cpu_time::ProcessTime;
use zrpc_bench::{measure_rate, raw, Samples};

#[derive(Parser)]
#[command(name = "zrpc-bench")]
struct Options {
    /// Alternating rounds; each setup is measured once per round.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Seconds per Rust measurement.
    #[arg(long, default_value_t = 1.0)]
    seconds: f64,
    /// Seconds per stock Python client measurement (after its warm-up).
    #[arg(long, default_value_t = 2.0)]
    python_seconds: f64,
    /// Calls kept in flight for the pipelined setups.
    #[arg(long, default_value_t = 64)]
    in_flight: usize,
    /// Skip the stock zerorpc Python setups.
    #[arg(long)]
    no_python: bool,
    /// Run the zrpc server's handlers on its caller's runtime instead of its I/O thread (the
    /// default here: `add` never blocks, so the I/O thread may run it without a thread hop).
    #[arg(long)]
    handlers_on_runtime: bool,
    /// Measure only the setups whose name contains this text (e.g. `zrpc client`, for profiling).
    #[arg(long)]
    only: Option<String>,
    /// Python with zerorpc installed (default: ZRPC_PYTHON, else the workspace's .venv).
    #[arg(long)]
    python: Option<PathBuf>,
}

const RAW_SEQ: &str = "raw zmtp, 1 in flight";
const RAW_PIPE: &str = "raw zmtp, N in flight";
const ZRPC_SEQ: &str = "zrpc client -> zrpc server, 1 in flight";
const ZRPC_PIPE: &str = "zrpc client -> zrpc server, N in flight";
const CURVE_SEQ: &str = "zrpc CURVE client -> zrpc CURVE server, 1 in flight";
const CURVE_PIPE: &str = "zrpc CURVE client -> zrpc CURVE server, N in flight";
const PY_STOCK: &str = "stock python client -> stock python server";
const PY_ZRPC: &str = "stock python client -> zrpc server";

fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("bench/ has a parent")?
        .to_path_buf();
    let python = options
        .python
        .clone()
        .or_else(|| std::env::var_os("ZRPC_PYTHON").map(PathBuf::from))
        .unwrap_or_else(|| root.join(".venv/bin/python"));

    // Servers live on their own thread and runtime, as in a separate process.
    let servers = Servers::start(!options.handlers_on_runtime)?;
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = client_runtime.block_on(
        zrpc::Client::builder(&servers.zrpc_endpoint)
            .timeout(Duration::from_secs(10))
            .connect(),
    )?;
    let curve_client = client_runtime.block_on(
        zrpc::Client::builder(&servers.curve_endpoint)
            .timeout(Duration::from_secs(10))
            .curve(&servers.curve_server_key, zrpc::curve::KeyPair::generate()?)?
            .connect(),
    )?;
    let wanted = |setup: &str| {
        options
            .only
            .as_deref()
            .is_none_or(|filter| setup.contains(filter))
    };
    let stock_server = if options.no_python || !(wanted(PY_STOCK) || wanted(PY_ZRPC)) {
        None
    } else {
        Some(StockServer::start(&python, &root)?)
    };

    let duration = Duration::from_secs_f64(options.seconds);
    let n = options.in_flight;
    let mut samples = Samples::default();
    let mut cpu_per_call = Samples::default();
    let started = Instant::now();
    for round in 1..=options.rounds {
        client_runtime.block_on(async {
            let servers = &servers;
            let setups: [(&str, usize, Kind); 6] = [
                (RAW_SEQ, 1, Kind::Raw),
                (ZRPC_SEQ, 1, Kind::Plain),
                (CURVE_SEQ, 1, Kind::Curve),
                (RAW_PIPE, n, Kind::Raw),
                (ZRPC_PIPE, n, Kind::Plain),
                (CURVE_PIPE, n, Kind::Curve),
            ];
            for (setup, in_flight, kind) in setups {
                if !wanted(setup) {
                    continue;
                }
                let cpu = ProcessTime::now();
                let wall = Instant::now();
                let rate = match kind {
                    Kind::Raw => {
                        raw::round_trips(&servers.raw_endpoint, in_flight, duration).await?
                    }
                    Kind::Plain => measure_rate(in_flight, duration, |i| add(&client, i)).await?,
                    Kind::Curve => {
                        measure_rate(in_flight, duration, |i| add(&curve_client, i)).await?
                    }
                };
                // Client and server both run in this process: its CPU time covers both ends.
                let calls = rate * wall.elapsed().as_secs_f64();
                samples.record(setup, rate);
                cpu_per_call.record(setup, cpu.elapsed().as_secs_f64() * 1e6 / calls);
            }
            anyhow::Ok(())
        })?;
        if let Some(stock) = &stock_server {
            let seconds = options.python_seconds;
            if wanted(PY_STOCK) {
                let rate = python_client(&python, &root, &stock.endpoint, seconds)?;
                samples.record(PY_STOCK, rate);
            }
            if wanted(PY_ZRPC) {
                let rate = python_client(&python, &root, &servers.zrpc_endpoint, seconds)?;
                samples.record(PY_ZRPC, rate);
            }
        }
        eprintln!("round {round}/{} done", options.rounds);
    }

    println!(
        "zrpc-bench: {} rounds, N = {n}, {:.0?} in total\n",
        options.rounds,
        started.elapsed()
    );
    println!("{}", samples.table("calls/s", 0));
    println!(
        "Process CPU time per call (client + server, both in this process; robust to load):\n"
    );
    println!("{}", cpu_per_call.table("CPU µs/call", 2));
    println!("| ratio (median of per-round ratios) | value | target |\n|---|---:|---|");
    println!(
        "| zrpc 1-in-flight / raw 1-in-flight | {:.2} | >= 0.80 |",
        samples.ratio(ZRPC_SEQ, RAW_SEQ)
    );
    println!(
        "| zrpc N-in-flight / raw N-in-flight | {:.2} | |",
        samples.ratio(ZRPC_PIPE, RAW_PIPE)
    );
    println!(
        "| CPU per call: zrpc 1-in-flight / raw 1-in-flight | {:.2} | |",
        cpu_per_call.ratio(ZRPC_SEQ, RAW_SEQ)
    );
    println!(
        "| CPU per call: zrpc N-in-flight / raw N-in-flight | {:.2} | |",
        cpu_per_call.ratio(ZRPC_PIPE, RAW_PIPE)
    );
    println!(
        "| CURVE / plain, 1 in flight | {:.2} | |",
        samples.ratio(CURVE_SEQ, ZRPC_SEQ)
    );
    println!(
        "| CURVE / plain, N in flight | {:.2} | |",
        samples.ratio(CURVE_PIPE, ZRPC_PIPE)
    );
    println!(
        "| zrpc N-in-flight calls/s | {:.0} | >= 150000 |",
        zrpc_bench::median(samples.get(ZRPC_PIPE))
    );
    if stock_server.is_some() {
        println!(
            "| stock python -> zrpc / stock python -> stock | {:.2} | >= 1.50 |",
            samples.ratio(PY_ZRPC, PY_STOCK)
        );
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Kind {
    Raw,
    Plain,
    Curve,
}

async fn add(client: &zrpc::Client, i: u64) -> anyhow::Result<()> {
    let sum = client.call("add", vec![i.into(), 1.into()]).await?;
    if sum.as_u64() != Some(i + 1) {
        bail!("add({i}, 1) returned {sum}");
    }
    Ok(())
}

/// The raw echo ROUTER and the zrpc calculator server (plain and CURVE), on a runtime thread
/// of their own.
struct Servers {
    raw_endpoint: String,
    zrpc_endpoint: String,
    curve_endpoint: String,
    curve_server_key: String,
}

impl Servers {
    fn start(handlers_on_io_thread: bool) -> anyhow::Result<Servers> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("bench-servers".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx.send(Err(anyhow::Error::from(error)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let started = async {
                        let raw_endpoint = raw::spawn_echo_router("tcp://127.0.0.1:0").await?;
                        let server = zrpc::Server::builder(calculator::service())
                            .bind("tcp://127.0.0.1:0")
                            .handlers_on_io_thread(handlers_on_io_thread)
                            .start()
                            .await?;
                        let zrpc_endpoint = server.endpoint().to_string();
                        let keys = zrpc::curve::KeyPair::generate()?;
                        let curve_server_key = keys.public_z85();
                        let curve_server = zrpc::Server::builder(calculator::service())
                            .bind("tcp://127.0.0.1:0")
                            .handlers_on_io_thread(handlers_on_io_thread)
                            .curve(keys)
                            .start()
                            .await?;
                        let servers = Servers {
                            raw_endpoint,
                            zrpc_endpoint,
                            curve_endpoint: curve_server.endpoint(),
                            curve_server_key,
                        };
                        anyhow::Ok((servers, server, curve_server))
                    };
                    match started.await {
                        Ok((servers, server, curve_server)) => {
                            let _ = ready_tx.send(Ok(servers));
                            // Serve until the process ends.
                            std::future::pending::<()>().await;
                            drop((server, curve_server));
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })?;
        ready_rx.recv().context("server thread died")?
    }
}

/// A stock zerorpc Python server process, killed when dropped.
struct StockServer {
    child: Child,
    endpoint: String,
}

impl StockServer {
    fn start(python: &PathBuf, root: &std::path::Path) -> anyhow::Result<StockServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let endpoint = format!("tcp://127.0.0.1:{port}");
        let child = Command::new(python)
            .arg(root.join("bench/python/stock_server.py"))
            .arg(&endpoint)
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", python.display()))?;
        let server = StockServer { child, endpoint };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("stock zerorpc server did not listen on {}", server.endpoint);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }
}

impl Drop for StockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs bench/python/stock_client.py against `endpoint`; returns its calls/s.
fn python_client(
    python: &PathBuf,
    root: &std::path::Path,
    endpoint: &str,
    seconds: f64,
) -> anyhow::Result<f64> {
    let output = Command::new(python)
        .arg(root.join("bench/python/stock_client.py"))
        .arg(endpoint)
        .arg(seconds.to_string())
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "stock python client failed against {endpoint}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("calls_per_sec "))
        .and_then(|rate| rate.trim().parse().ok())
        .with_context(|| format!("no rate in the python client's output: {stdout}"))
}
