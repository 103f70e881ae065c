//! Parse and validate a generated IDL of 10 000 methods and 2 000 types; prints medians.
//!
//! `cargo bench -p zrpc-idl --bench parse`. The baseline is `print` of the same schema (one
//! linear pass producing the text), measured in the same run.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

const TYPES: usize = 2_000;
const METHODS: usize = 10_000;
const METHODS_PER_SERVICE: usize = 200;
const RUNS: usize = 15;

/// A schema in the style of real ones: docs, defaults, enums, unions, errors, all kinds of methods.
fn generate() -> String {
    let mut out = String::from("/// Generated for the benchmark.\nnamespace python bench\n\n");
    for i in 0..TYPES {
        match i % 4 {
            0 => {
                let _ = writeln!(
                    out,
                    "/// Enum number {i}.\nenum E{i} {{ Red, Green, Blue, Cyan, Magenta }}\n"
                );
            }
            1 => {
                let _ = writeln!(
                    out,
                    "union U{i} {{ int: i64, text: string, items: list<E{}> }}\n",
                    i - 1
                );
            }
            2 => {
                let _ = writeln!(
                    out,
                    "/// Error {i}.\nerror X{i} {{ code: i32 = 0, message: string }}\n"
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "/// Struct number {i}.\nstruct S{i} {{\n    /// The id.\n    id: u64\n    name: string = \"n\"\n    \
                     color: E{e} = Green\n    tags: list<string> = []\n    ratio: f64 = 1.5\n    \
                     by_color: map<E{e}, u32>\n    choice: U{u}?\n    next: S{i}?\n}}\n",
                    e = i - 3,
                    u = i - 2,
                );
            }
        }
    }
    for s in 0..METHODS / METHODS_PER_SERVICE {
        let _ = writeln!(out, "/// Service {s}.\nservice Service{s} {{");
        for m in 0..METHODS_PER_SERVICE {
            let t = (s * METHODS_PER_SERVICE + m) % (TYPES / 4) * 4;
            let _ = match m % 5 {
                0 => writeln!(out, "    /// Gets one.\n    get{m}(id: u64, name: string) -> S{} throws X{}", t + 3, t + 2),
                1 => writeln!(out, "    list{m}(filter: E{t}, limit: u32) -> stream<S{}>", t + 3),
                2 => writeln!(out, "    put{m}(item: S{}, values: list<U{}>) throws (X{}, X2)", t + 3, t + 1, t + 2),
                3 => writeln!(out, "    oneway log{m}(line: string)"),
                _ => writeln!(out, "    @deprecated(\"use get0\")\n    count{m}(m: map<string, i64>) -> map<E{t}, u64>"),
            };
        }
        out.push_str("}\n\n");
    }
    out
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// CPU time of this thread: on a machine shared with other builds, wall time mostly measures
/// the neighbours, so both are reported.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant the OS knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Median wall time and median thread CPU time of `RUNS` runs, after one warm-up.
fn measure(mut f: impl FnMut()) -> (Duration, Duration) {
    f();
    let (wall, cpu): (Vec<Duration>, Vec<Duration>) = (0..RUNS)
        .map(|_| {
            let (start, start_cpu) = (Instant::now(), thread_cpu_time());
            f();
            (start.elapsed(), thread_cpu_time() - start_cpu)
        })
        .unzip();
    (median(wall), median(cpu))
}

fn main() {
    let source = generate();
    let schema = zrpc_idl::parse_str(&source, "bench.zrpc").unwrap_or_else(|d| panic!("{d}"));
    let methods: usize = schema.services.iter().map(|s| s.methods.len()).sum();
    assert_eq!((schema.types.len(), methods), (TYPES, METHODS));
    let parse = measure(|| {
        black_box(zrpc_idl::parse_str(black_box(&source), "bench.zrpc").is_ok());
    });
    let print = measure(|| {
        black_box(zrpc_idl::print(black_box(&schema)));
    });
    let format = measure(|| {
        black_box(zrpc_idl::format_str(black_box(&source), "bench.zrpc").is_ok());
    });
    println!(
        "IDL of {TYPES} types and {METHODS} methods ({} KiB), median of {RUNS} runs (wall / CPU):",
        source.len() / 1024
    );
    for (label, (wall, cpu)) in [
        ("parse + validate (parse_str)", parse),
        ("format (format_str)", format),
        ("print (baseline)", print),
    ] {
        println!("  {label:<30} {wall:>9.2?} / {cpu:>9.2?}");
    }
    println!(
        "  parse_str / print (CPU) = {:.1}x",
        parse.1.as_secs_f64() / print.1.as_secs_f64()
    );
}
