//! The conformance corpus live: for every corpus file, the echo server generated from it
//! (`zrpc-conformance-server STEM`, a real process on 127.0.0.1) is called through the generated
//! client of every language — Rust, Python (blocking and asyncio), Ruby, PHP — with every method
//! and the values of `corpus.rs` (sample values, the same values constructed from their defaults
//! where the language has keyword construction, the marker that raises the declared error).
//! Each language compares the typed result with the expected value itself (floats bit for bit,
//! NaN equal to NaN); the server counts the oneway calls.
//!
//! One client process per file and language. A missing interpreter skips that language with a
//! note, and fails under `CI=true`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use zrpc_codegen::{Backend, GenerateOptions};
use zrpc_plan::model::{Returns, Schema, Type};
use zrpc_plan::{Literal, Plan};

#[path = "../corpus.rs"]
#[allow(dead_code)] // the build script uses the echo part
mod corpus;

use corpus::{Call, Expect};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running `zrpc-conformance-server STEM`: its endpoints (one per service, in order) and its
/// stdout lines after `ready`.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    endpoints: Vec<String>,
    lines: Receiver<String>,
}

impl Server {
    fn start(stem: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zrpc-conformance-server"))
            .arg(stem)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server binary starts");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            stdin,
            endpoints: Vec::new(),
            lines,
        };
        loop {
            let line = server
                .lines
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|e| panic!("{stem}: the server did not get ready: {e}"));
            if line == "ready" {
                return server;
            }
            let endpoint = line.rsplit(' ').next().expect("serving SERVICE ENDPOINT");
            server.endpoints.push(endpoint.to_owned());
        }
    }

    /// Waits (at most 10 s) until `count` oneway calls are recorded; returns how many were.
    fn oneway_calls(&self, count: usize) -> usize {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut seen = 0;
        while seen < count {
            match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(line) if line.starts_with("oneway ") => seen += 1,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        seen
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Closing stdin stops it; kill it (by its own handle) if it does not stop in time.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How one language's check script is written: every call of the file, compared in the language.
trait Script {
    fn language(&self) -> &'static str;
    /// The directory (under the file's) the client and the script are written to.
    fn dir(&self) -> &'static str {
        self.language()
    }
    /// The interpreter, its arguments before the script's file, and the script's file name.
    fn command(&self) -> (&'static str, &'static [&'static str], &'static str);
    /// The imports, the comparison helpers and one client per service (`endpoints` come as
    /// command-line arguments, in order).
    fn prelude(&self, plan: &Plan, clients: &[zrpc_plan::ClientNames]) -> String;
    /// A call of `method` on client `client` with `args` (already spelled).
    fn call(&self, client: usize, method: &str, args: &[String]) -> String;
    /// A check that `call` returns `expected`.
    fn value(&self, label: &str, call: &str, expected: &str) -> String;
    /// A check that the stream `call` yields `expected` (a list of spelled items).
    fn stream(&self, label: &str, call: &str, expected: &[String]) -> String;
    /// A check that `call` raises the error class `error`, equal to `expected` (for a `stream`,
    /// at the call or while reading it).
    fn raises(&self, label: &str, call: &str, stream: bool, error: &str, expected: &str) -> String;
    /// The end: report the failures, exit non-zero if any.
    fn finish(&self) -> String;
    /// Whether calls with defaults omitted (keyword construction) are written.
    fn keyword_construction(&self) -> bool {
        true
    }
    /// A helper module written beside the script: (file name, contents).
    fn support(&self) -> Option<(&'static str, &'static str)> {
        None
    }
}

struct Python {
    asyncio: bool,
}

impl Script for Python {
    fn language(&self) -> &'static str {
        "python"
    }

    fn dir(&self) -> &'static str {
        if self.asyncio {
            "python-asyncio"
        } else {
            "python"
        }
    }

    fn command(&self) -> (&'static str, &'static [&'static str], &'static str) {
        ("python3", &[], "check.py")
    }

    fn prelude(&self, plan: &Plan, clients: &[zrpc_plan::ClientNames]) -> String {
        let package = zrpc_codegen::python::package_name(plan.schema);
        // The helpers live in their own module, imported last: the generated names (`print`,
        // `eval`, `super`...) shadow builtins in this script's globals, not in the helpers'.
        let mut out = format!("from {package} import *\n");
        for client in clients {
            out.push_str(&format!("from {} import *\n", client.namespace));
        }
        out.push_str("from zrpc_check import *\n");
        if self.asyncio {
            out.push_str("\n\nasync def main():\n");
            for (index, client) in clients.iter().enumerate() {
                out.push_str(&format!(
                    "    c{index} = Async{}(zc_argv[{}], timeout=20)\n",
                    client.class,
                    index + 1
                ));
            }
        } else {
            out.push_str("\n\ndef main():\n");
            for (index, client) in clients.iter().enumerate() {
                out.push_str(&format!(
                    "    c{index} = {}(zc_argv[{}], timeout=20)\n",
                    client.class,
                    index + 1
                ));
            }
        }
        out
    }

    fn call(&self, client: usize, method: &str, args: &[String]) -> String {
        format!("c{client}.{method}({})", args.join(", "))
    }

    fn value(&self, label: &str, call: &str, expected: &str) -> String {
        if self.asyncio {
            format!("    await zc_acheck({label:?}, lambda: {call}, lambda: {expected})\n")
        } else {
            format!("    zc_check({label:?}, lambda: {call}, lambda: {expected})\n")
        }
    }

    fn stream(&self, label: &str, call: &str, expected: &[String]) -> String {
        let expected = format!("[{}]", expected.join(", "));
        if self.asyncio {
            format!(
                "    await zc_acheck({label:?}, lambda: zc_alist({call}), lambda: {expected})\n"
            )
        } else {
            format!("    zc_check({label:?}, lambda: zc_list({call}), lambda: {expected})\n")
        }
    }

    fn raises(&self, label: &str, call: &str, stream: bool, error: &str, expected: &str) -> String {
        // The asyncio helper reads an async iterator itself.
        let call = if stream && !self.asyncio {
            format!("zc_list({call})")
        } else {
            call.to_owned()
        };
        if self.asyncio {
            format!(
                "    await zc_araises({label:?}, lambda: {call}, {error}, lambda: {expected})\n"
            )
        } else {
            format!("    zc_raises({label:?}, lambda: {call}, {error}, lambda: {expected})\n")
        }
    }

    fn finish(&self) -> String {
        let run = if self.asyncio {
            "zc_run_async"
        } else {
            "zc_run"
        };
        format!("    pass\n\n\n{run}(main)\n")
    }

    fn support(&self) -> Option<(&'static str, &'static str)> {
        Some(("zrpc_check.py", PYTHON_HELPERS))
    }
}

const PYTHON_HELPERS: &str = r#"import asyncio
import dataclasses
import math
import sys

import zrpc

__all__ = [
    "zc_acheck",
    "zc_alist",
    "zc_araises",
    "zc_argv",
    "zc_check",
    "zc_list",
    "zc_raises",
    "zc_run",
    "zc_run_async",
]

zc_argv = sys.argv
zc_list = list
FAILURES = []
_BASE = set(vars(zrpc.RemoteError("name")))


def same(a, b):
    """Equal values of the same types; floats bit for bit, NaN equal to NaN."""
    if isinstance(a, float) or isinstance(b, float):
        if type(a) is not type(b):
            return False
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if dataclasses.is_dataclass(a):
        return all(
            same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, zrpc.RemoteError):
        fields = set(vars(a)) - _BASE
        return fields == set(vars(b)) - _BASE and all(
            same(getattr(a, f), getattr(b, f)) for f in fields
        )
    return a == b


def zc_check(label, call, expected):
    try:
        got = call()
    except Exception as error:
        FAILURES.append(f"{label}: raised {error!r}")
        return
    if not same(got, expected()):
        FAILURES.append(f"{label}: got {got!r}, expected {expected()!r}")


def zc_raises(label, call, error_class, expected):
    try:
        got = call()
    except error_class as error:
        if not same(error, expected()):
            FAILURES.append(f"{label}: raised {vars(error)!r}, expected {vars(expected())!r}")
        return
    except Exception as error:
        FAILURES.append(f"{label}: raised {error!r}, expected {error_class.__name__}")
        return
    FAILURES.append(f"{label}: returned {got!r}, expected {error_class.__name__}")


async def zc_alist(stream):
    return [item async for item in await stream] if asyncio.iscoroutine(stream) else [
        item async for item in stream
    ]


async def zc_acheck(label, call, expected):
    try:
        got = call()
        if asyncio.iscoroutine(got):
            got = await got
    except Exception as error:
        FAILURES.append(f"{label}: raised {error!r}")
        return
    if not same(got, expected()):
        FAILURES.append(f"{label}: got {got!r}, expected {expected()!r}")


async def zc_araises(label, call, error_class, expected):
    try:
        got = call()
        if asyncio.iscoroutine(got):
            got = await got
        if hasattr(got, "__aiter__"):
            got = [item async for item in got]
    except error_class as error:
        if not same(error, expected()):
            FAILURES.append(f"{label}: raised {vars(error)!r}, expected {vars(expected())!r}")
        return
    except Exception as error:
        FAILURES.append(f"{label}: raised {error!r}, expected {error_class.__name__}")
        return
    FAILURES.append(f"{label}: returned {got!r}, expected {error_class.__name__}")


def _report():
    if FAILURES:
        print("\n".join(FAILURES))
        sys.exit(1)


def zc_run(main):
    main()
    _report()


def zc_run_async(main):
    asyncio.run(main())
    _report()
"#;

struct Ruby;

impl Script for Ruby {
    fn language(&self) -> &'static str {
        "ruby"
    }

    fn command(&self) -> (&'static str, &'static [&'static str], &'static str) {
        ("ruby", &["-I", "."], "check.rb")
    }

    fn prelude(&self, plan: &Plan, clients: &[zrpc_plan::ClientNames]) -> String {
        let stem = plan
            .schema
            .file_stem
            .as_deref()
            .expect("loaded from a file");
        let mut out = format!("require '{stem}'\n{RUBY_HELPERS}\n");
        for (index, client) in clients.iter().enumerate() {
            out.push_str(&format!(
                "C{index} = {}::{}.new(ARGV[{index}], timeout: 20)\n",
                client.namespace, client.class
            ));
        }
        // Literals spell the schema's types as code inside its module does (a file without
        // services calls nothing: a plain block).
        out.push_str(&match clients.first() {
            Some(client) => format!("module {}\n", client.namespace),
            None => "begin\n".to_owned(),
        });
        out
    }

    fn call(&self, client: usize, method: &str, args: &[String]) -> String {
        format!("C{client}.{method}({})", args.join(", "))
    }

    fn value(&self, label: &str, call: &str, expected: &str) -> String {
        format!("  Check.value({label:?}, -> {{ {call} }}, -> {{ {expected} }})\n")
    }

    fn stream(&self, label: &str, call: &str, expected: &[String]) -> String {
        format!(
            "  Check.value({label:?}, -> {{ {call}.to_a }}, -> {{ [{}] }})\n",
            expected.join(", ")
        )
    }

    fn raises(&self, label: &str, call: &str, stream: bool, error: &str, expected: &str) -> String {
        let call = if stream {
            format!("{call}.to_a")
        } else {
            call.to_owned()
        };
        format!("  Check.raises({label:?}, -> {{ {call} }}, {error}, -> {{ {expected} }})\n")
    }

    fn finish(&self) -> String {
        "end\nunless Check::FAILURES.empty?\n  puts Check::FAILURES\n  exit 1\nend\n".to_owned()
    }
}

const RUBY_HELPERS: &str = r##"
# Equality of the check: same classes, floats bit for bit (NaN equal to NaN), strings with their
# encoding (bytes are binary).
module Check
  FAILURES = []

  def self.same?(a, b)
    case a
    when Float then b.is_a?(Float) && (a.nan? ? b.nan? : [a].pack('G') == [b].pack('G'))
    when Array then b.is_a?(Array) && a.size == b.size && a.zip(b).all? { |x, y| same?(x, y) }
    when Hash then b.is_a?(Hash) && a.size == b.size && a.all? { |k, v| b.key?(k) && same?(v, b[k]) }
    when String then b.is_a?(String) && a == b && a.encoding == b.encoding
    when Integer, Symbol, NilClass, TrueClass, FalseClass then a.class == b.class && a == b
    else
      return false unless a.instance_of?(b.class)
      return same?(a.to_h, b.to_h) if a.respond_to?(:to_h)

      vars = a.instance_variables.sort
      vars == b.instance_variables.sort &&
        vars.all? { |v| same?(a.instance_variable_get(v), b.instance_variable_get(v)) }
    end
  end

  def self.value(label, call, expected)
    got = call.call
    FAILURES << "#{label}: got #{got.inspect}, expected #{expected.call.inspect}" unless same?(got, expected.call)
  rescue StandardError => e
    FAILURES << "#{label}: raised #{e.class}: #{e.message}"
  end

  def self.raises(label, call, error_class, expected)
    got = call.call
    FAILURES << "#{label}: returned #{got.inspect}, expected #{error_class}"
  rescue error_class => e
    FAILURES << "#{label}: raised #{e.to_h.inspect}, expected #{expected.call.to_h.inspect}" unless same?(e, expected.call)
  rescue StandardError => e
    FAILURES << "#{label}: raised #{e.class}: #{e.message}, expected #{error_class}"
  end
end
"##;

struct Php;

impl Script for Php {
    fn language(&self) -> &'static str {
        "php"
    }

    fn command(&self) -> (&'static str, &'static [&'static str], &'static str) {
        ("php", &[], "check.php")
    }

    fn prelude(&self, _plan: &Plan, clients: &[zrpc_plan::ClientNames]) -> String {
        let namespace = clients
            .first()
            .map(|c| format!("namespace {};\n\n", c.namespace))
            .unwrap_or_default();
        let mut out = format!(
            "<?php\n\ndeclare(strict_types=1);\n\n{namespace}require __DIR__ . '/autoload.php';\n{PHP_HELPERS}\n"
        );
        for (index, client) in clients.iter().enumerate() {
            out.push_str(&format!(
                "$c{index} = new \\{}\\{}($argv[{}], 20.0);\n",
                client.namespace,
                client.class,
                index + 1
            ));
        }
        out
    }

    fn call(&self, client: usize, method: &str, args: &[String]) -> String {
        format!("$c{client}->{method}({})", args.join(", "))
    }

    fn value(&self, label: &str, call: &str, expected: &str) -> String {
        format!("check_value({label:?}, fn () => {call}, fn () => {expected});\n")
    }

    fn stream(&self, label: &str, call: &str, expected: &[String]) -> String {
        format!(
            "check_value({label:?}, fn () => iterator_to_array({call}, false), fn () => [{}]);\n",
            expected.join(", ")
        )
    }

    fn raises(&self, label: &str, call: &str, stream: bool, error: &str, expected: &str) -> String {
        let call = if stream {
            format!("iterator_to_array({call}, false)")
        } else {
            call.to_owned()
        };
        format!("check_raises({label:?}, fn () => {call}, {error}::class, fn () => {expected});\n")
    }

    fn finish(&self) -> String {
        "if ($GLOBALS['failures'] !== []) {\n    echo implode(\"\\n\", $GLOBALS['failures']), \"\\n\";\n    exit(1);\n}\n".to_owned()
    }
}

const PHP_HELPERS: &str = r#"
$GLOBALS['failures'] = [];

/** Same types and values; floats bit for bit (NaN equal to NaN); objects by class and public properties. */
function same(mixed $a, mixed $b): bool
{
    if (is_float($a) || is_float($b)) {
        return is_float($a) && is_float($b)
            && ((is_nan($a) && is_nan($b)) || pack('E', $a) === pack('E', $b));
    }
    if (is_array($a)) {
        if (!is_array($b) || count($a) !== count($b) || array_is_list($a) !== array_is_list($b)) {
            return false;
        }
        foreach ($a as $k => $v) {
            if (!array_key_exists($k, $b) || !same($v, $b[$k])) {
                return false;
            }
        }
        return true;
    }
    if (is_object($a) && !($a instanceof \UnitEnum)) {
        return is_object($b) && get_class($a) === get_class($b) && same(fields($a), fields($b));
    }
    return $a === $b;
}

/** The public properties of `$object`; of an error, its declared fields only. */
function fields(object $object): array
{
    $fields = get_object_vars($object);
    if ($object instanceof \Zrpc\RemoteException) {
        $fields = array_diff_key($fields, get_object_vars(new \Zrpc\RemoteException('name', 'message')));
    }
    return $fields;
}

function check_value(string $label, \Closure $call, \Closure $expected): void
{
    try {
        $got = $call();
    } catch (\Throwable $e) {
        $GLOBALS['failures'][] = "{$label}: raised " . get_class($e) . ': ' . $e->getMessage();
        return;
    }
    if (!same($got, $expected())) {
        $GLOBALS['failures'][] = "{$label}: got " . var_export($got, true) . ', expected ' . var_export($expected(), true);
    }
}

function check_raises(string $label, \Closure $call, string $class, \Closure $expected): void
{
    try {
        $got = $call();
        if ($got instanceof \Generator) {
            iterator_to_array($got, false);
        }
    } catch (\Throwable $e) {
        if (!($e instanceof $class)) {
            $GLOBALS['failures'][] = "{$label}: raised " . get_class($e) . ': ' . $e->getMessage() . ", expected {$class}";
        } elseif (!same($e, $expected())) {
            $GLOBALS['failures'][] = "{$label}: raised " . var_export(fields($e), true) . ', expected ' . var_export(fields($expected()), true);
        }
        return;
    }
    $GLOBALS['failures'][] = "{$label}: returned, expected {$class}";
}
"#;

/// The check script of `script` for the calls of one file.
fn script(script: &dyn Script, backend: &dyn Backend, plan: &Plan, calls: &[Call]) -> String {
    let schema: &Schema = plan.schema;
    let clients: Vec<_> = schema
        .services
        .iter()
        .map(|service| backend.client_names(plan, service))
        .collect();
    let mut out = script.prelude(plan, &clients);
    for call in calls {
        if call.defaults_omitted && !script.keyword_construction() {
            continue;
        }
        let method = &schema.services[call.service].methods[call.method];
        let args: Vec<String> = method
            .args
            .iter()
            .zip(&call.args)
            .map(|(arg, value)| backend.literal(plan, &arg.ty, value))
            .collect();
        let name = &clients[call.service].methods[call.method];
        let invocation = script.call(call.service, name, &args);
        let label = &call.label;
        out.push_str(&match &call.expect {
            Expect::Value(ty, value) => {
                script.value(label, &invocation, &backend.literal(plan, ty, value))
            }
            Expect::Stream(ty, items) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|item| backend.literal(plan, ty, item))
                    .collect();
                script.stream(label, &invocation, &items)
            }
            Expect::Nothing | Expect::Oneway => script.value(
                label,
                &invocation,
                &backend.literal(plan, &Type::Any, &Literal::Null),
            ),
            Expect::Raises { error, value } => {
                let ty = Type::Named(error.clone());
                script.raises(
                    label,
                    &invocation,
                    matches!(method.returns, Returns::Stream(_)),
                    &backend.type_name(plan, &ty),
                    &backend.literal(plan, &ty, value),
                )
            }
        });
    }
    out.push_str(&script.finish());
    out
}

/// Generates the client of `backend` for `idl`, writes the check script and runs it against
/// `endpoints`; the failures (its output), or `None` when the interpreter is missing.
fn run(
    script_kind: &dyn Script,
    backend: &dyn Backend,
    plan: &Plan,
    stem: &str,
    endpoints: &[String],
    calls: &[Call],
) -> Option<Vec<String>> {
    let (interpreter, args, file) = script_kind.command();
    let program = corpus::tool(&root(), interpreter)?;
    let dir = root()
        .join("target/tmp/conformance-live")
        .join(stem)
        .join(script_kind.dir());
    let files = backend
        .generate(
            plan,
            &GenerateOptions {
                idl_stem: Some(stem.to_owned()),
            },
        )
        .unwrap_or_else(|e| panic!("{stem} in {}: {e}", script_kind.language()));
    let _ = std::fs::remove_dir_all(&dir);
    for generated in &files {
        let path = dir.join(&generated.path);
        std::fs::create_dir_all(path.parent().expect("a file in the package")).unwrap();
        std::fs::write(path, &generated.contents).unwrap();
    }
    std::fs::write(
        dir.join(file),
        self::script(script_kind, backend, plan, calls),
    )
    .unwrap();
    if let Some((name, contents)) = script_kind.support() {
        std::fs::write(dir.join(name), contents).unwrap();
    }
    let runtimes = root().join("runtimes");
    let output = Command::new(program)
        .args(args)
        .arg(file)
        .args(endpoints)
        .current_dir(&dir)
        .env(
            "PYTHONPATH",
            format!(
                "{}:{}",
                dir.display(),
                runtimes.join("python/src").display()
            ),
        )
        .env("RUBYLIB", runtimes.join("ruby/lib"))
        .env("ZRPC_PHP_RUNTIME", runtimes.join("php"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    if output.status.success() {
        return Some(Vec::new());
    }
    let label = format!(
        "{stem} {} ({})",
        script_kind.dir(),
        dir.join(file).display()
    );
    let mut failures: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| format!("{label}: {line}"))
        .collect();
    failures.push(format!(
        "{label}: exit {}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    ));
    Some(failures)
}

#[test]
fn every_corpus_file_round_trips_through_its_live_echo_server_in_every_language() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let scripts: [(&dyn Script, &str); 4] = [
        (&Python { asyncio: false }, "python"),
        (&Python { asyncio: true }, "python"),
        (&Ruby, "ruby"),
        (&Php, "php"),
    ];
    let stems: BTreeSet<&str> = zrpc_conformance_server::STEMS.iter().copied().collect();
    let mut failures = Vec::new();
    for idl in corpus::corpus(&root()) {
        let schema = zrpc_codegen::load(&idl)
            .unwrap_or_else(|e| panic!("{e}"))
            .schema;
        let stem = schema.file_stem.clone().expect("load sets the stem");
        assert!(
            stems.contains(stem.as_str()),
            "{stem}: not built into the server; rebuild zrpc-conformance-server"
        );
        let plan = Plan::new(&schema).unwrap();
        let calls = corpus::calls(&plan);
        // The Rust check makes every call but those with defaults omitted.
        let oneway = calls
            .iter()
            .filter(|call| matches!(call.expect, Expect::Oneway) && !call.defaults_omitted)
            .count();
        let server = Server::start(&stem);
        let rust = runtime
            .block_on(zrpc_conformance_server::check(&stem, &server.endpoints))
            .expect("a corpus file");
        failures.extend(rust.into_iter().map(|f| format!("{stem} rust: {f}")));
        let mut oneway_expected = oneway;
        for (script, language) in scripts {
            let backend = zrpc_codegen::backend(language).expect("a backend");
            if let Some(found) = run(script, backend, &plan, &stem, &server.endpoints, &calls) {
                oneway_expected += calls
                    .iter()
                    .filter(|call| {
                        matches!(call.expect, Expect::Oneway)
                            && (!call.defaults_omitted || script.keyword_construction())
                    })
                    .count();
                failures.extend(found);
            }
        }
        let recorded = server.oneway_calls(oneway_expected);
        if recorded != oneway_expected {
            failures.push(format!(
                "{stem}: the server recorded {recorded} oneway calls, expected {oneway_expected}"
            ));
        }
        drop(server);
        let methods: usize = schema.services.iter().map(|s| s.methods.len()).sum();
        let streams = schema
            .services
            .iter()
            .flat_map(|s| &s.methods)
            .filter(|m| matches!(m.returns, Returns::Stream(_)))
            .count();
        eprintln!(
            "{stem}: {} calls of {methods} methods ({streams} streams) per language",
            calls.len()
        );
    }
    std::io::stderr().flush().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
