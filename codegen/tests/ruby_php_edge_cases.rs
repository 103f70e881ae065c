//! A hand-built keyword-heavy model through the Ruby and PHP backends: `ruby -wc`, rubocop,
//! `php -l` and phpcs PSR-12, then a round trip through msgpack.

mod schemas;

use std::path::{Path, PathBuf};
use std::process::Command;

use zrpc_codegen::GeneratedFile;

fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            out.push(path.strip_prefix(root).unwrap().to_path_buf());
        }
    }
}

/// Runs a linter; missing tools skip outside CI and fail under CI=true.
fn lint(program: &str, args: &[&str], dir: &Path) {
    // The generated code loads the runtime of runtimes/ (Ruby: `require 'zrpc'`, PHP: autoload.php).
    let runtimes = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtimes");
    let mut command = Command::new(program);
    if program == "ruby" {
        command.arg("-I").arg(runtimes.join("ruby/lib"));
    }
    let output = match command
        .args(args)
        .env("ZRPC_PHP_RUNTIME", runtimes.join("php"))
        .current_dir(dir)
        .output()
    {
        Ok(output) => output,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true and `{program}` cannot run: {e}")
        }
        Err(e) => {
            eprintln!("SKIPPED: `{program}` cannot run: {e}");
            return;
        }
    };
    assert!(
        output.status.success(),
        "{program} {args:?} failed in {}:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn generated_files(dir: &Path, extension: &str) -> Vec<String> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    let mut files: Vec<String> = files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

/// Writes generated files under a fresh directory of the target dir.
fn write_tree(name: &str, files: &[GeneratedFile]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for file in files {
        let target = dir.join(&file.path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, &file.contents).unwrap();
    }
    dir
}

#[test]
fn ruby_edge_cases_pass_ruby_wc_and_rubocop() {
    let dir = write_tree(
        "ruby-edge-cases",
        &zrpc_codegen::ruby::generate(&schemas::edge_cases()).unwrap(),
    );
    for file in generated_files(&dir, "rb") {
        lint("ruby", &["-wc", &file], &dir);
    }
    lint("rubocop", &["--format", "simple", "."], &dir);
}

#[test]
fn php_edge_cases_pass_php_l_and_phpcs() {
    let dir = write_tree(
        "php-edge-cases",
        &zrpc_codegen::php::generate(&schemas::edge_cases()).unwrap(),
    );
    for file in generated_files(&dir, "php") {
        lint("php", &["-l", &file], &dir);
    }
    lint("phpcs", &["--standard=PSR12", "."], &dir);
}

/// Runs a script with the interpreter; skips outside CI when it is missing.
fn run_script(program: &str, args: &[&str], dir: &Path) -> Option<String> {
    // The generated code loads the runtime of runtimes/ (Ruby: `require 'zrpc'`, PHP: autoload.php).
    let runtimes = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtimes");
    let mut command = Command::new(program);
    if program == "ruby" {
        command.arg("-I").arg(runtimes.join("ruby/lib"));
    }
    let output = match command
        .args(args)
        .env("ZRPC_PHP_RUNTIME", runtimes.join("php"))
        .current_dir(dir)
        .output()
    {
        Ok(output) => output,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true and `{program}` cannot run: {e}")
        }
        Err(e) => {
            eprintln!("SKIPPED: `{program}` cannot run: {e}");
            return None;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{program} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(stdout)
}

/// Keywords, aliases, nested optional containers, defaults, consts and an empty struct survive
/// to_wire → msgpack → from_wire in the generated Ruby.
#[test]
fn ruby_edge_cases_round_trip_through_msgpack() {
    let dir = write_tree(
        "ruby-edge-round-trip",
        &zrpc_codegen::ruby::generate(&schemas::edge_cases()).unwrap(),
    );
    let script = r##"require 'lambda'
full = Lambda::Class.new(
  type: 't', owner: 7, anything: { 'k' => [1] }, self_: "\xff".b, list: [{ 'a' => nil }],
  fields: { 3 => Lambda::Color::RED }, choice: Lambda::Choice::Nested.new([nil])
)
bare = Lambda::Class.new(type: 't', owner: 7, anything: nil)
[full, bare].each do |value|
  back = Lambda::Class.from_wire(MessagePack.unpack(MessagePack.pack(value.to_wire)))
  raise "#{back.to_h} != #{value.to_h}" unless back == value
end
raise 'defaults' unless bare.ratio == 1.0 && bare.color == 'DarkGreen' && bare.names == ['a']
raise 'empty' unless MessagePack.pack(Lambda::Empty.new.to_wire) == "\x80".b
raise 'const' unless Lambda::Constants::GREETING == "hi \"you\"\n" && Lambda::Constants::MAX_ITEMS == 100
failure = Lambda::Failure.from_wire([ 'm', [2] ], 'msg')
raise 'error fields' unless failure.message_ == 'm' && failure.codes == [2]
puts 'round trip ok'"##;
    if let Some(out) = run_script("ruby", &["-I", ".", "-e", script], &dir) {
        assert!(out.contains("round trip ok"), "{out}");
    }
}

/// The same round trip in the generated PHP, through the runtime's own msgpack composition.
#[test]
fn php_edge_cases_round_trip_through_msgpack() {
    let dir = write_tree(
        "php-edge-round-trip",
        &zrpc_codegen::php::generate(&schemas::edge_cases()).unwrap(),
    );
    let script = r##"declare(strict_types=1);
require 'autoload.php';
use Lambda\{ClassType, Color, Choice, Constants, EmptyType, Failure};
use Zrpc\Wire;
$full = new ClassType(type: 't', owner: 7, anything: ['k' => [1]], self: "\xff", list: [['a' => null]],
    fields: [3 => Color::Red], choice: new Choice\NestedChoice([null]));
$bare = new ClassType(type: 't', owner: 7, anything: null);
foreach ([$full, $bare] as $value) {
    if (ClassType::fromWire(Wire::unpack(Wire::pack($value->toWire()))) != $value) {
        throw new RuntimeException('round trip: ' . var_export($value, true));
    }
}
if ($bare->ratio !== 1.0 || $bare->color !== Color::DarkGreen || $bare->names !== ['a']) {
    throw new RuntimeException('defaults');
}
if (Wire::pack((new EmptyType())->toWire()) !== "\x80") {
    throw new RuntimeException('empty');
}
if (Constants::GREETING !== "hi \"you\"\n" || Constants::MAX_ITEMS !== 100) {
    throw new RuntimeException('const');
}
$failure = Failure::fromWire(['m', [2]], 'msg');
if ($failure->messageField !== 'm' || $failure->codes !== [2]) {
    throw new RuntimeException('error fields');
}
echo "round trip ok\n";"##;
    if let Some(out) = run_script("php", &["-r", script], &dir) {
        assert!(out.contains("round trip ok"), "{out}");
    }
}
