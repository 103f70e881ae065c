//! Golden files of generated Rust. `ZRPC_BLESS=1 cargo test -p zrpc-codegen --test golden`
//! rewrites them; review with `git diff`. `zrpc-macros`' tests compile and run them.

use std::path::{Path, PathBuf};

fn check(idl: &Path, golden: &str) {
    let loaded = zrpc_codegen::load(idl).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
    let generated = zrpc_codegen::rust::generate(&loaded.schema).unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(golden);
    if std::env::var_os("ZRPC_BLESS").is_some_and(|bless| bless == "1") {
        std::fs::write(&golden, &generated).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if expected != generated {
        let diff: String = expected
            .lines()
            .zip(generated.lines())
            .enumerate()
            .filter(|(_, (want, got))| want != got)
            .take(10)
            .map(|(line, (want, got))| format!("line {}:\n- {want}\n+ {got}\n", line + 1))
            .collect();
        panic!(
            "{} is stale (rerun with ZRPC_BLESS=1 and review the diff):\n{diff}",
            golden.display()
        );
    }
}

fn workspace(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

#[test]
fn calculator_idl_generates_the_golden_rust() {
    check(
        &workspace("examples/calculator/calculator.zrpc"),
        "calculator.rs",
    );
}

#[test]
fn every_construct_generates_the_golden_rust() {
    check(
        &workspace("codegen/tests/golden/everything.zrpc"),
        "everything.rs",
    );
}

#[test]
fn compile_reports_idl_errors_as_rendered_diagnostics() {
    let dir = std::env::temp_dir().join(format!("zrpc-compile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let idl = dir.join("broken.zrpc");
    std::fs::write(&idl, "struct A { b: Strng }\n").unwrap();
    std::env::set_var("OUT_DIR", &dir);
    let error = zrpc_codegen::compile(&idl).unwrap_err();
    let rendered = format!("{error:?}");
    assert!(rendered.contains("broken.zrpc"), "{rendered}");
    assert!(rendered.contains("Strng"), "{rendered}");
    std::fs::write(&idl, "struct A { b: string }\n").unwrap();
    let out = zrpc_codegen::compile(&idl).unwrap();
    assert_eq!(out, dir.join("broken.rs"));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("pub struct A"));
    std::fs::remove_dir_all(&dir).unwrap();
}
