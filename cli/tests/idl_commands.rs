//! `zrpc check` and `zrpc fmt`: exit codes and output, on real files in a temp directory.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn zrpc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zrpc"))
        .args(args)
        .output()
        .expect("run zrpc")
}

/// Runs zrpc with `input` on its standard input.
fn zrpc_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zrpc"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zrpc");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().expect("wait for zrpc")
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
fn fmt_refuses_syntax_errors() {
    let dir = scratch("fmt_refuse");
    let broken = dir.join("broken.zrpc");
    std::fs::write(&broken, "struct A {\n").unwrap();
    let out = zrpc(&["fmt", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "struct A {\n");
}

#[test]
fn fmt_moves_a_comment_inside_a_member_before_it() {
    let dir = scratch("fmt_inside");
    let file = dir.join("commented.zrpc");
    std::fs::write(
        &file,
        "service S {\n    add(a: i64, // first\n        b: i64)\n}\n",
    )
    .unwrap();
    let out = zrpc(&["fmt", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "service S {\n    // first\n    add(a: i64, b: i64)\n}\n"
    );
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

#[test]
fn fmt_dash_formats_standard_input_to_standard_output() {
    let out = zrpc_stdin(&["fmt", "-"], "struct  A{x:i64}\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "struct A { x: i64 }\n"
    );
    assert!(out.stderr.is_empty());

    let out = zrpc_stdin(&["fmt", "--check", "-"], "struct  A{x:i64}\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "<stdin>\n");
    let out = zrpc_stdin(&["fmt", "--check", "-"], "struct A { x: i64 }\n");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());

    let out = zrpc_stdin(&["fmt", "-"], "struct A {\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--> <stdin>:2:1"));
}

#[test]
fn check_dash_names_standard_input_stdin() {
    let out = zrpc_stdin(&["check", "-"], "struct A {\n    x: Stirng\n}\n");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: unknown type `Stirng`\n  --> <stdin>:2:8\n"),
        "{stderr}"
    );
    let out = zrpc_stdin(&["check", "-"], "struct A { x: string }\n");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
}

#[test]
fn check_reports_every_syntax_error() {
    let out = zrpc_stdin(
        &["check", "-"],
        "struct A { x: i64; }\nenum E { A B }\nservce S {}\nstruct B { y: }\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let locations: Vec<&str> = stderr
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("--> "))
        .collect();
    assert_eq!(
        locations,
        [
            "<stdin>:1:18",
            "<stdin>:2:12",
            "<stdin>:3:1",
            "<stdin>:4:15"
        ],
        "{stderr}"
    );
}

#[test]
fn every_error_line_has_one_error_prefix() {
    let dir = scratch("one_prefix");
    let bad = dir.join("bad.zrpc");
    std::fs::write(&bad, "struct A {\n    x: Stirng\n}\n").unwrap();
    let out_dir = dir.join("out");
    let runs = [
        zrpc(&["check", bad.to_str().unwrap()]),
        zrpc(&["fmt", dir.join("missing.zrpc").to_str().unwrap()]),
        zrpc(&[
            "gen",
            "--lang",
            "python",
            "--out",
            out_dir.to_str().unwrap(),
            bad.to_str().unwrap(),
        ]),
        zrpc(&["call", "foo://nowhere", "m"]),
    ];
    for out in runs {
        assert_ne!(out.status.code(), Some(0));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(!stderr.contains("error: error"), "{stderr}");
    }
}

#[test]
fn no_colour_when_not_a_terminal_or_with_no_color() {
    let dir = scratch("no_colour");
    let bad = dir.join("bad.zrpc");
    std::fs::write(&bad, "struct A { x: Stirng }\n").unwrap();
    // Standard error is a pipe here: plain text, logs included.
    let out = Command::new(env!("CARGO_BIN_EXE_zrpc"))
        .args(["check", bad.to_str().unwrap()])
        .env("ZRPC_LOG", "trace")
        .output()
        .unwrap();
    assert!(
        !out.stderr.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_zrpc"))
        .args(["call", "--timeout", "1", "tcp://127.0.0.1:1", "m"])
        .env("ZRPC_LOG", "trace")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        !out.stderr.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _zrpc"),
        ("zsh", "#compdef zrpc"),
        ("fish", "complete -c zrpc"),
        ("elvish", "edit:completion:arg-completer[zrpc]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = zrpc(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for subcommand in ["describe", "inspect", "fmt", "completions"] {
            assert!(script.contains(subcommand), "{shell}: no `{subcommand}`");
        }
    }
    let out = zrpc(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Runs `zrpc ARGS` under a pseudo-terminal (util-linux `script`), so it sees a terminal.
fn zrpc_on_terminal(args: &str, no_color: bool) -> String {
    let mut command = Command::new("script");
    command
        .args([
            "-qec",
            &format!("{} {args}", env!("CARGO_BIN_EXE_zrpc")),
            "/dev/null",
        ])
        .env_remove("NO_COLOR");
    if no_color {
        command.env("NO_COLOR", "1");
    }
    let out = command.output().expect("run `script` (util-linux)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let dir = scratch("terminal_colour");
    let bad = dir.join("bad.zrpc");
    std::fs::write(&bad, "struct A { x: Stirng }\n").unwrap();
    let args = format!("check {}", bad.display());
    let coloured = zrpc_on_terminal(&args, false);
    assert!(coloured.contains('\u{1b}'), "{coloured}");
    let plain = zrpc_on_terminal(&args, true);
    assert!(plain.contains("unknown type `Stirng`"), "{plain}");
    assert!(!plain.contains('\u{1b}'), "{plain}");
}
