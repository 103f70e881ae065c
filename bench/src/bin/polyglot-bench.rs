//! `polyglot-bench`: calls/s of the Python, Ruby and PHP client runtimes against the Rust server,
//! each beside its language's raw ZeroMQ binding, measured in one run.
//!
//! One zrpc server (`add(i64, i64)`, the default handler placement) runs in this process; one
//! long-lived worker per language (`bench/{python,ruby,php}/polyglot_worker.*`, driving the
//! generated calculator clients of `codegen/tests/golden/calculator/` over the runtimes in
//! `runtimes/`) measures its setups when asked. Rounds are interleaved: in each round every worker measures
//! every setup once (the worker order rotates, each worker's setup order flips), and each ratio is
//! the median of the per-round ratios. Prints the calls/s and client CPU time per call of each
//! setup, the ratios and their targets (issue 13).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{bail, Context};
use clap::Parser;
use zrpc_bench::Samples;

#[derive(Parser)]
#[command(name = "polyglot-bench")]
struct Options {
    /// Rounds; every setup is measured once per round.
    #[arg(long, default_value_t = 21)]
    rounds: usize,
    /// Seconds per setup and round.
    #[arg(long, default_value_t = 0.5)]
    seconds: f64,
    /// One short round (checks that every worker runs, not the ratios).
    #[arg(long)]
    quick: bool,
    /// Languages to measure (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "python,ruby,php")]
    langs: Vec<Lang>,
    /// Run the server's handlers on its socket I/O thread instead of the default placement.
    #[arg(long)]
    handlers_on_io_thread: bool,
    /// Only serve: print the server's endpoint and serve until killed (to profile a client by
    /// hand against the same server).
    #[arg(long)]
    serve: bool,
    /// Python interpreter with pyzmq and msgpack (default: $ZRPC_PYTHON, else .venv/bin/python).
    #[arg(long)]
    python: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Lang {
    Python,
    Ruby,
    Php,
}

/// The server the clients call: the calculator's `add`, wire-compatible with the generated
/// calculator clients.
#[zrpc::rpc_service]
trait Adder {
    /// Adds two integers (wrapping).
    async fn add(&self, a: i64, b: i64) -> i64;
}

struct Handlers;

impl Adder for Handlers {
    async fn add(&self, a: i64, b: i64) -> i64 {
        a.wrapping_add(b)
    }
}

/// `(numerator, denominator, target)`: each ratio is met at `>= target`.
struct Ratio {
    numerator: &'static str,
    denominator: &'static str,
    target: Option<f64>,
    lang: Lang,
}

const PY_RAW: &str = "python raw pyzmq";
const PY_SYNC: &str = "python sync client";
const PY_AIO_1: &str = "python asyncio client, 1 in flight";
const PY_AIO_64: &str = "python asyncio client, 64 in flight";
const RB_RAW: &str = "ruby raw ffi-rzmq";
const RB_CLIENT: &str = "ruby client";
const PHP_RAW: &str = "php raw php-zmq";
const PHP_CLIENT: &str = "php client";

/// Every setup, in the order of the report.
const SETUPS: [(&str, Lang); 8] = [
    (PY_RAW, Lang::Python),
    (PY_SYNC, Lang::Python),
    (PY_AIO_1, Lang::Python),
    (PY_AIO_64, Lang::Python),
    (RB_RAW, Lang::Ruby),
    (RB_CLIENT, Lang::Ruby),
    (PHP_RAW, Lang::Php),
    (PHP_CLIENT, Lang::Php),
];

const RATIOS: [Ratio; 5] = [
    Ratio {
        numerator: PY_SYNC,
        denominator: PY_RAW,
        target: Some(0.9),
        lang: Lang::Python,
    },
    Ratio {
        numerator: PY_AIO_64,
        denominator: PY_AIO_1,
        target: Some(3.0),
        lang: Lang::Python,
    },
    Ratio {
        numerator: PY_AIO_64,
        denominator: PY_SYNC,
        target: None,
        lang: Lang::Python,
    },
    Ratio {
        numerator: RB_CLIENT,
        denominator: RB_RAW,
        target: Some(0.8),
        lang: Lang::Ruby,
    },
    Ratio {
        numerator: PHP_CLIENT,
        denominator: PHP_RAW,
        target: Some(0.8),
        lang: Lang::Php,
    },
];

fn main() -> anyhow::Result<()> {
    let mut options = Options::parse();
    if options.quick {
        options.rounds = 1;
        options.seconds = 0.05;
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

    let endpoint = start_server(options.handlers_on_io_thread)?;
    if options.serve {
        println!("{endpoint}");
        loop {
            std::thread::park();
        }
    }
    let mut langs = options.langs.clone();
    langs.dedup();
    let mut workers = langs
        .iter()
        .map(|&lang| Worker::start(lang, &root, &python, &endpoint))
        .collect::<anyhow::Result<Vec<_>>>()?;

    let mut rates = Samples::default();
    let mut cpu = Samples::default();
    for round in 0..options.rounds {
        // Rotate which language goes first, so none always follows the same one.
        let count = workers.len();
        for index in 0..count {
            let worker = &mut workers[(index + round) % count];
            for (setup, rate, cpu_us) in worker.measure(options.seconds, round % 2 == 1)? {
                rates.record(&setup, rate);
                cpu.record(&setup, cpu_us);
            }
        }
    }
    drop(workers);

    println!(
        "## Python, Ruby and PHP clients against the Rust server: add(i64, i64)\n\n\
         {} round(s) of {} s per setup, interleaved\n",
        options.rounds, options.seconds
    );
    println!(
        "| setup | median calls/s | min | max | client CPU µs per call | rounds |\n\
         |---|---:|---:|---:|---:|---:|"
    );
    for (setup, lang) in SETUPS {
        if !langs.contains(&lang) {
            continue;
        }
        let values = rates.get(setup);
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "| {setup} | {:.0} | {min:.0} | {max:.0} | {:.1} | {} |",
            zrpc_bench::median(values),
            zrpc_bench::median(cpu.get(setup)),
            values.len()
        );
    }
    println!();
    println!(
        "| lang | ratio (median of per-round ratios) | measured | target | verdict |\n\
         |---|---|---:|---|---|"
    );
    for ratio in RATIOS.iter().filter(|ratio| langs.contains(&ratio.lang)) {
        let value = rates.ratio(ratio.numerator, ratio.denominator);
        let (target, verdict) = match ratio.target {
            Some(target) if value >= target => (format!(">= {target}"), "met"),
            Some(target) => (format!(">= {target}"), "missed"),
            None => ("-".to_owned(), "-"),
        };
        println!(
            "| {} | {} ÷ {} | {value:.2} | {target} | {verdict} |",
            ratio.lang.name(),
            ratio.numerator,
            ratio.denominator,
        );
    }
    Ok(())
}

impl Lang {
    fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Ruby => "ruby",
            Lang::Php => "php",
        }
    }
}

/// Serves [`Adder`] on a free loopback port from a thread and current-thread runtime of its own,
/// with the default handler placement unless `handlers_on_io_thread`.
fn start_server(handlers_on_io_thread: bool) -> anyhow::Result<String> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("polyglot-server".into())
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
                let mut builder =
                    zrpc::Server::builder(Handlers.into_service()).bind("tcp://127.0.0.1:0");
                if handlers_on_io_thread {
                    builder = builder.handlers_on_io_thread(true);
                }
                let started = builder.start().await;
                match started {
                    Ok(server) => {
                        let _ = ready_tx.send(Ok(server.endpoint()));
                        // Serve until the process exits.
                        std::future::pending::<()>().await;
                        drop(server);
                    }
                    Err(error) => {
                        let _ = ready_tx.send(Err(error.into()));
                    }
                }
            });
        })?;
    ready_rx.recv().context("the server thread died")?
}

/// One language's worker process, killed when dropped.
struct Worker {
    lang: Lang,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn start(lang: Lang, root: &Path, python: &Path, endpoint: &str) -> anyhow::Result<Worker> {
        let golden = root.join("codegen/tests/golden/calculator");
        let runtimes = root.join("runtimes");
        let mut command = match lang {
            Lang::Python => {
                let mut command = Command::new(python);
                let path =
                    std::env::join_paths([runtimes.join("python/src"), golden.join("python")])?;
                command
                    .env("PYTHONPATH", path)
                    .arg(root.join("bench/python/polyglot_worker.py"));
                command
            }
            Lang::Ruby => {
                let mut command = Command::new("ruby");
                command
                    .arg("-I")
                    .arg(runtimes.join("ruby/lib"))
                    .arg("-I")
                    .arg(golden.join("ruby"))
                    .arg(root.join("bench/ruby/polyglot_worker.rb"));
                command
            }
            Lang::Php => {
                let mut command = Command::new("php");
                command
                    .env("ZRPC_PHP_RUNTIME", runtimes.join("php"))
                    .arg(root.join("bench/php/polyglot_worker.php"))
                    .arg(golden.join("php"));
                command
            }
        };
        let mut child = command
            .arg(endpoint)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start the {} worker", lang.name()))?;
        let stdin = child.stdin.take().context("worker stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("worker stdout")?);
        let mut worker = Worker {
            lang,
            child,
            stdin,
            stdout,
        };
        let line = worker.line()?;
        if line != "ready" {
            bail!("the {} worker said {line:?} instead of ready", lang.name());
        }
        Ok(worker)
    }

    /// Every setup of this worker measured for `seconds`: `(setup, calls/s, CPU µs per call)`.
    fn measure(&mut self, seconds: f64, flip: bool) -> anyhow::Result<Vec<(String, f64, f64)>> {
        writeln!(self.stdin, "{seconds} {}", u8::from(flip))?;
        self.stdin.flush()?;
        let mut rates = Vec::new();
        loop {
            let line = self.line()?;
            if line == "end" {
                return Ok(rates);
            }
            let said = || format!("the {} worker said {line:?}", self.lang.name());
            let mut fields = line.split('\t');
            let (Some(setup), Some(rate), Some(cpu), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                bail!(said());
            };
            let rate: f64 = rate.parse().with_context(said)?;
            let cpu: f64 = cpu.parse().with_context(said)?;
            rates.push((setup.to_owned(), rate, cpu));
        }
    }

    fn line(&mut self) -> anyhow::Result<String> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            bail!("the {} worker exited", self.lang.name());
        }
        Ok(line.trim_end().to_owned())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
