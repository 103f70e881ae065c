//! A hand-built keyword-heavy model through the Python backend: `mypy --strict`, `ruff check` and
//! `ruff format --check`, then a round trip through msgpack.

mod schemas;

use std::path::{Path, PathBuf};
use std::process::Command;

use zrpc_codegen::GeneratedFile;

fn write_all(files: &[GeneratedFile], dir: &Path) {
    for file in files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &file.contents).unwrap();
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
