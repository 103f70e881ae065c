//! The generated Python package of the calculator IDL, compared with the golden files under
//! `tests/golden/python/` (regenerate with `ZRPC_BLESS=1`), then type-checked and linted with the
//! project venv's `mypy --strict` and `ruff check`.

mod schemas;

use std::path::{Path, PathBuf};
use std::process::Command;

use zrpc_codegen::GeneratedFile;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/python")
}

fn write_all(files: &[GeneratedFile], dir: &Path) {
    for file in files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &file.contents).unwrap();
    }
}

/// The calculator of the IDL spec, parsed from `examples/calculator/calculator.zrpc`.
fn calculator() -> zrpc_idl::model::Schema {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/calculator/calculator.zrpc");
    zrpc_idl::load(&path)
        .unwrap_or_else(|d| panic!("{d}"))
        .schema
}

#[test]
fn calculator_matches_golden_files() {
    let files = zrpc_codegen::python::generate(&calculator()).unwrap();
    let golden = golden_dir();
    if std::env::var("ZRPC_BLESS").is_ok_and(|v| v == "1") {
        let _ = std::fs::remove_dir_all(&golden);
        write_all(&files, &golden);
        return;
    }
    let mut expected_paths = Vec::new();
    for file in &files {
        let path = golden.join(&file.path);
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with ZRPC_BLESS=1 to create it)",
                path.display()
            )
        });
        assert_eq!(
            file.contents,
            expected,
            "{} differs from its golden file (run with ZRPC_BLESS=1 after reviewing the change)",
            file.path.display()
        );
        expected_paths.push(path);
    }
    let mut on_disk = Vec::new();
    collect_files(&golden, &mut on_disk);
    on_disk.sort();
    expected_paths.sort();
    assert_eq!(on_disk, expected_paths, "stale golden files");
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The venv tool `name`, or `None` (skipped; a failure under `CI=true`).
fn venv_tool(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let tool = root.join(".venv/bin").join(name);
    if tool.exists() {
        return Some(tool);
    }
    assert!(
        std::env::var("CI")
            .map(|v| v != "true" && v != "1")
            .unwrap_or(true),
        "CI=true and {} is missing; run scripts/setup.sh",
        tool.display()
    );
    eprintln!(
        "SKIPPED: {} is missing; run scripts/setup.sh",
        tool.display()
    );
    None
}

/// mypy --strict, ruff check (a strict rule selection) and `ruff format --check` at its defaults.
fn check_lints(name: &str, files: &[GeneratedFile]) {
    let (Some(mypy), Some(ruff)) = (venv_tool("mypy"), venv_tool("ruff")) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("zrpc-python-lint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_all(files, &dir);
    let package_root = files
        .iter()
        .find(|file| file.path.extension().is_some_and(|ext| ext == "py"))
        .expect("a Python module")
        .path
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_owned();
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtimes/python/src");
    let mypy_out = Command::new(&mypy)
        .env("MYPYPATH", &runtime)
        .args([
            "--strict",
            "--no-incremental",
            "--cache-dir=/dev/null",
            "--python-version",
            "3.9",
        ])
        .arg(&package_root)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        mypy_out.status.success(),
        "mypy --strict failed on {name}:\n{}{}",
        String::from_utf8_lossy(&mypy_out.stdout),
        String::from_utf8_lossy(&mypy_out.stderr)
    );
    let ruff_out = Command::new(&ruff)
        .args(["check", "--no-cache", "--target-version", "py39"])
        .args([
            "--select",
            "E4,E7,E9,F,W,B,I,UP,N,SIM,C4,RUF",
            "--ignore",
            "UP007",
        ])
        .arg(&package_root)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        ruff_out.status.success(),
        "ruff check failed on {name}:\n{}{}",
        String::from_utf8_lossy(&ruff_out.stdout),
        String::from_utf8_lossy(&ruff_out.stderr)
    );
    let format_out = Command::new(&ruff)
        .args(["format", "--check", "--diff", "--no-cache"])
        .arg(&package_root)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        format_out.status.success(),
        "ruff format would change {name}:\n{}{}",
        String::from_utf8_lossy(&format_out.stdout),
        String::from_utf8_lossy(&format_out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn calculator_passes_mypy_strict_ruff_and_ruff_format() {
    check_lints(
        "calculator",
        &zrpc_codegen::python::generate(&calculator()).unwrap(),
    );
}

#[test]
fn hand_built_calculator_model_generates_the_same_package() {
    assert_eq!(
        zrpc_codegen::python::generate(&schemas::calculator()).unwrap(),
        zrpc_codegen::python::generate(&calculator()).unwrap()
    );
}

#[test]
fn keyword_heavy_schema_passes_mypy_strict_and_ruff() {
    check_lints(
        "edge-cases",
        &zrpc_codegen::python::generate(&schemas::edge_cases()).unwrap(),
    );
}

/// The keyword-heavy package imports from its dotted namespace, and values survive a round trip
/// through their wire form (msgpack included).
#[test]
fn keyword_heavy_package_round_trips_through_msgpack() {
    let Some(python) = venv_tool("python") else {
        return;
    };
    let files = zrpc_codegen::python::generate(&schemas::edge_cases()).unwrap();
    let dir = std::env::temp_dir().join(format!("zrpc-python-roundtrip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write_all(&files, &dir);
    let script = r#"
import msgpack
from acme.def_ import Class, Choice, ChoiceEmpty, ChoiceNested, ChoiceNone, Color, Empty, Failure
from acme.def_ import GREETING, MAX_ITEMS, LambdaClient, choice_from_wire

def trip(wire):
    return msgpack.unpackb(msgpack.packb(wire), strict_map_key=False)

value = Class(type="t", owner=7, anything={"k": [1]}, choice=ChoiceNested([None, Class(type="in", owner=1, anything=None)]))
assert value.ratio == 1.0 and value.color is Color.DARK_GREEN and value.names == ["a"]
assert value.data == b"raw" and value.fields == {} and value.list_ == [] and value.self_ is None
wire = value.to_wire()
assert "class" not in wire and "type" in wire and "list" in wire and "self" in wire
assert Class.from_wire(trip(wire)) == value
minimal = Class.from_wire({"type": "x", "owner": 1, "anything": None})
assert minimal.names == ["a"] and minimal.color is Color.DARK_GREEN
for choice in (ChoiceNone(True), ChoiceEmpty(Empty()), ChoiceNested([])):
    assert choice_from_wire(trip(choice.to_wire())) == choice
error = Failure.from_remote("boom", None, {"message": "m", "color": "None"})
assert error.message_ == "m" and error.codes == [1] and error.color is Color.NONE
assert error.name == "Failure" and error.message == "boom"
assert MAX_ITEMS == 100 and GREETING == 'hi "you"\n'
assert callable(LambdaClient.raise_) and callable(LambdaClient.close_)
print("round trip ok")
"#;
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtimes/python/src");
    let output = Command::new(&python)
        .args(["-c", script])
        .env(
            "PYTHONPATH",
            std::env::join_paths([dir.clone(), runtime]).unwrap(),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success()
            && String::from_utf8_lossy(&output.stdout).contains("round trip ok"),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
