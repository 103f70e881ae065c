//! Golden files: what every backend of `zrpc_codegen::BACKENDS` generates for each IDL input,
//! kept under `tests/golden/<input>/<language>/`. `ZRPC_BLESS=1 cargo test -p zrpc-codegen --test
//! golden` rewrites them; review with `git diff`. Proof that they run: `zrpc-macros`' tests
//! compile and serve the Rust ones, and the conformance harness lints and loads the same output.

use std::path::{Path, PathBuf};

use zrpc_codegen::{GenerateOptions, BACKENDS};

/// The inputs, by the name of their golden directory.
const INPUTS: &[(&str, &str)] = &[
    ("calculator", "../examples/calculator/calculator.zrpc"),
    ("everything", "tests/golden/everything.zrpc"),
];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var_os("ZRPC_BLESS").is_some_and(|bless| bless == "1")
}

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The first differing lines of two texts, for the failure message.
fn first_differences(expected: &str, generated: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut generated_lines = generated.lines();
    let mut out = String::new();
    for line in 1.. {
        match (expected_lines.next(), generated_lines.next()) {
            (None, None) => break,
            (want, got) if want != got => {
                let want = want.unwrap_or("<end of file>");
                let got = got.unwrap_or("<end of file>");
                out.push_str(&format!("line {line}:\n- {want}\n+ {got}\n"));
                if out.lines().count() >= 30 {
                    break;
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_backend_generates_its_golden_files() {
    let mut stale = Vec::new();
    for (name, input) in INPUTS {
        let idl = manifest_dir().join(input);
        let loaded = zrpc_codegen::load(&idl).unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
        let options = GenerateOptions {
            idl_stem: Some(name.to_string()),
        };
        for backend in BACKENDS {
            let language = backend.language();
            let files = zrpc_codegen::generate(language, &loaded.schema, &options)
                .unwrap_or_else(|e| panic!("{input} for {language}: {e}"));
            let dir = manifest_dir()
                .join("tests/golden")
                .join(name)
                .join(language);
            if bless() {
                let _ = std::fs::remove_dir_all(&dir);
                for file in &files {
                    let path = dir.join(&file.path);
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, &file.contents).unwrap();
                }
                continue;
            }
            let mut generated: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
            generated.sort();
            let on_disk = files_under(&dir);
            if generated != on_disk {
                stale.push(format!(
                    "{}: files differ\n  generated {generated:?}\n  golden    {on_disk:?}",
                    dir.display()
                ));
                continue;
            }
            for file in &files {
                let path = dir.join(&file.path);
                let expected = std::fs::read_to_string(&path).unwrap();
                if expected != file.contents {
                    stale.push(format!(
                        "{}:\n{}",
                        path.display(),
                        first_differences(&expected, &file.contents)
                    ));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale golden files (rerun with ZRPC_BLESS=1 and review the diff):\n{}",
        stale.join("\n")
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
