//! `zrpc check` and `zrpc fmt`: exit codes and output, on real files in a temp directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn zrpc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zrpc"))
        .args(args)
        .output()
        .expect("run zrpc")
}

/// A fresh directory under the target dir, so tests never touch the sources.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn calculator() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/calculator/calculator.zrpc")
        .display()
        .to_string()
}

#[test]
fn check_valid_file_is_silent_and_succeeds() {
    let out = zrpc(&["check", &calculator()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn check_invalid_file_prints_diagnostics_and_fails() {
    let dir = scratch("check_invalid");
    let file = dir.join("bad.zrpc");
    std::fs::write(&file, "struct A {\n    x: Stirng\n}\n").unwrap();
    let out = zrpc(&["check", &calculator(), file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let expected = format!(
        "error: unknown type `Stirng`\n  --> {}:2:8\n  |\n2 |     x: Stirng\n  |        ^^^^^^ no type with this name is declared or imported\n  |\n  = help: did you mean `string`?\n\n",
        file.display()
    );
    assert_eq!(stderr, expected);
}

#[test]
fn check_missing_file_fails() {
    let out = zrpc(&["check", "/nonexistent/x.zrpc"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `/nonexistent/x.zrpc`"));
}

#[test]
fn fmt_check_names_files_that_would_change_and_leaves_them() {
    let dir = scratch("fmt_check");
    let messy = dir.join("messy.zrpc");
    let tidy = dir.join("tidy.zrpc");
    let source = "struct  A{x:i64,y : string}\n";
    std::fs::write(&messy, source).unwrap();
    std::fs::write(&tidy, "struct A { x: i64, y: string }\n").unwrap();
    let out = zrpc(&[
        "fmt",
        "--check",
        messy.to_str().unwrap(),
        tidy.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}\n", messy.display())
    );
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), source);

    let out = zrpc(&["fmt", "--check", tidy.to_str().unwrap(), &calculator()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn fmt_rewrites_in_place() {
    let dir = scratch("fmt_write");
    let file = dir.join("messy.zrpc");
    std::fs::write(
        &file,
        "service S{\n/// Doc.\nping()->string,oneway log(line:string)}\n",
    )
    .unwrap();
    let out = zrpc(&["fmt", file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "service S {\n    /// Doc.\n    ping() -> string\n    oneway log(line: string)\n}\n"
    );
    let again = zrpc(&["fmt", "--check", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
}

#[test]
fn fmt_refuses_syntax_errors_and_misplaced_comments() {
    let dir = scratch("fmt_refuse");
    let broken = dir.join("broken.zrpc");
    let commented = dir.join("commented.zrpc");
    std::fs::write(&broken, "struct A {\n").unwrap();
    std::fs::write(
        &commented,
        "service S {\n    add(a: i64, // first\n        b: i64)\n}\n",
    )
    .unwrap();
    for file in [&broken, &commented] {
        let before = std::fs::read_to_string(file).unwrap();
        let out = zrpc(&["fmt", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
        assert_eq!(std::fs::read_to_string(file).unwrap(), before);
    }
}

#[test]
fn fmt_keeps_comments() {
    let dir = scratch("fmt_comments");
    let file = dir.join("commented.zrpc");
    std::fs::write(&file, "// Shapes.\nenum Shape{Circle,Square}// two\n").unwrap();
    let out = zrpc(&["fmt", file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "// Shapes.\nenum Shape { Circle, Square } // two\n"
    );
}
