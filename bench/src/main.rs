//! `zrpc-bench`: one process run, same machine, the same workload on every peer, rounds
//! interleaved:
//! - zrpc client → zrpc server, default handler placement, handlers on the I/O thread, and over
//!   CURVE (default placement), so plain and CURVE calls/s come from one run;
//! - tarpc (bincode over length-delimited TCP) and tonic (gRPC, prost);
//! - the raw floors: zmtp-engine DEALER → ROUTER echo and length-delimited TCP echo;
//! - stock zerorpc Python client → stock zerorpc Python server, and → the zrpc server.
//!
//! Scenarios: `add` at 1 and 64 in flight, echo of 1 KiB and of 64 KiB at 1 and 16 in flight.
//! Prints median calls/s and CPU µs per call per setup, medians of per-round ratios, and
//! issue 13's targets with met/missed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use cpu_time::ProcessTime;
use zrpc_bench::peers::{Clients, Peer};
use zrpc_bench::report::{self, Bound, Measurements, Target};
use zrpc_bench::workload::Scenario;
use zrpc_bench::{median, Samples};

#[derive(Parser)]
#[command(name = "zrpc-bench")]
struct Options {
    /// Interleaved rounds; each setup is measured once per round.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Seconds per Rust measurement (taken in slices alternating between the peers).
    #[arg(long, default_value_t = 0.5)]
    seconds: f64,
    /// Seconds per stock Python client measurement (after its warm-up).
    #[arg(long, default_value_t = 2.0)]
    python_seconds: f64,
    /// Calls kept in flight in the pipelined `add` scenario.
    #[arg(long, default_value_t = 64)]
    in_flight: usize,
    /// Peers to measure (comma-separated; default: all).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Peer::ALL)]
    peers: Vec<Peer>,
    /// Skip the stock zerorpc Python setups.
    #[arg(long)]
    no_python: bool,
    /// Measure only the setups whose name contains this text (`tarpc`, `echo 64 KiB`,
    /// `zrpc: add, 1 in flight`, `stock python`...).
    #[arg(long)]
    only: Option<String>,
    /// A smoke run: 1 round of 0.05 s per Rust setup and 0.3 s per Python one (overrides
    /// --rounds, --seconds and --python-seconds).
    #[arg(long)]
    quick: bool,
    /// Python with zerorpc installed (default: ZRPC_PYTHON, else the workspace's .venv).
    #[arg(long)]
    python: Option<PathBuf>,
}

/// Slices each Rust measurement is cut into (see the rounds loop).
const SLICES: u32 = 4;

const PY_STOCK: &str = "stock python client -> stock python server";
const PY_ZRPC: &str = "stock python client -> zrpc server";

fn main() -> anyhow::Result<()> {
    let mut options = Options::parse();
    if options.quick {
        options.rounds = 1;
        options.seconds = 0.05;
        options.python_seconds = 0.3;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("bench/ has a parent")?
        .to_path_buf();
    let python = options
        .python
        .clone()
        .or_else(|| std::env::var_os("ZRPC_PYTHON").map(PathBuf::from))
        .unwrap_or_else(|| root.join(".venv/bin/python"));
    let wanted = |setup: &str| {
        options
            .only
            .as_deref()
            .is_none_or(|filter| setup.contains(filter))
    };
    let scenarios = Scenario::all(options.in_flight);
    let mut peers = options.peers.clone();
    peers.sort();
    peers.dedup();
    let setups: Vec<(Peer, Scenario)> = scenarios
        .iter()
        .flat_map(|scenario| peers.iter().map(move |&peer| (peer, *scenario)))
        .filter(|(peer, scenario)| wanted(&report::setup(*peer, scenario)))
        .collect();

    // Each side on a thread and current-thread runtime of its own: servers on one, clients here.
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut clients = client_runtime.block_on(Clients::start())?;
    let stock_server = if options.no_python || !(wanted(PY_STOCK) || wanted(PY_ZRPC)) {
        None
    } else {
        Some(StockServer::start(&python, &root)?)
    };

    let duration = Duration::from_secs_f64(options.seconds);
    let started = Instant::now();
    // Untimed warm-up: connections, buffers and HTTP/2 windows settle before round 1.
    client_runtime.block_on(async {
        for (peer, scenario) in &setups {
            clients.rate(*peer, scenario, duration / 5).await?;
        }
        anyhow::Ok(())
    })?;
    let mut measured = Measurements::default();
    let mut python_rates = Samples::default();
    for round in 0..options.rounds {
        client_runtime.block_on(async {
            for scenario in &scenarios {
                // Rotate which peer goes first, so no peer always follows the same one.
                let mut order: Vec<Peer> = setups
                    .iter()
                    .filter(|(_, s)| s == scenario)
                    .map(|(peer, _)| *peer)
                    .collect();
                if !order.is_empty() {
                    let shift = round % order.len();
                    order.rotate_left(shift);
                }
                // Each peer's time is cut into slices taken in turn, the order reversed from
                // slice to slice (ABBA): a burst of load on the machine hits every peer alike.
                let mut totals = vec![(0.0f64, 0.0f64, 0.0f64); order.len()];
                for slice in 0..SLICES {
                    let turn: Vec<usize> = match slice % 2 {
                        0 => (0..order.len()).collect(),
                        _ => (0..order.len()).rev().collect(),
                    };
                    for i in turn {
                        let cpu = ProcessTime::now();
                        let wall = Instant::now();
                        let rate = clients.rate(order[i], scenario, duration / SLICES).await?;
                        let seconds = wall.elapsed().as_secs_f64();
                        let (calls, total_seconds, total_cpu) = &mut totals[i];
                        *calls += rate * seconds;
                        *total_seconds += seconds;
                        // Clients and servers all run in this process: its CPU time covers
                        // both ends.
                        *total_cpu += cpu.elapsed().as_secs_f64();
                    }
                }
                for (peer, (calls, seconds, cpu)) in order.iter().zip(totals) {
                    let setup = report::setup(*peer, scenario);
                    measured.record(&setup, calls / seconds, cpu * 1e6 / calls);
                }
            }
            anyhow::Ok(())
        })?;
        if let Some(stock) = &stock_server {
            let seconds = options.python_seconds;
            if wanted(PY_STOCK) {
                let rate = python_client(&python, &root, &stock.endpoint, seconds)?;
                python_rates.record(PY_STOCK, rate);
            }
            if wanted(PY_ZRPC) {
                let rate = python_client(&python, &root, &clients.zrpc_endpoint, seconds)?;
                python_rates.record(PY_ZRPC, rate);
            }
        }
        eprintln!("round {}/{} done", round + 1, options.rounds);
    }

    println!(
        "zrpc-bench: {} rounds of {} s per setup, {:.0?} in total\n",
        options.rounds,
        options.seconds,
        started.elapsed()
    );
    println!(
        "Calls/s, and process CPU time per call (client + server, both in this process; \
         much less sensitive to other load on the machine than calls/s):\n"
    );
    println!("{}", measured.results_table(&scenarios, &peers));
    let mut targets = measured.targets(&scenarios);
    if stock_server.is_some() {
        println!("Stock zerorpc Python client, sequential `add` (separate processes):\n");
        println!("| setup | median calls/s | rounds |\n|---|---:|---:|");
        for setup in [PY_STOCK, PY_ZRPC] {
            let rates = python_rates.get(setup);
            if !rates.is_empty() {
                let rate = report::number(median(rates), 0);
                println!("| {setup} | {rate} | {} |", rates.len());
            }
        }
        println!();
        targets.push(Target {
            scenario: "stock python client, add, 1 in flight".into(),
            ratio: "zrpc server ÷ stock server, calls/s",
            value: python_rates.ratio(PY_ZRPC, PY_STOCK),
            bound: Bound::AtLeast(1.5),
        });
    }
    println!("Medians of per-round ratios (zrpc = default handler placement):\n");
    println!("{}", measured.ratio_table(&scenarios));
    println!("Targets:\n");
    print!("{}", report::targets_table(&targets));
    Ok(())
}

/// A stock zerorpc Python server process, killed when dropped.
struct StockServer {
    child: Child,
    endpoint: String,
}

impl StockServer {
    fn start(python: &Path, root: &Path) -> anyhow::Result<StockServer> {
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
fn python_client(python: &Path, root: &Path, endpoint: &str, seconds: f64) -> anyhow::Result<f64> {
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
