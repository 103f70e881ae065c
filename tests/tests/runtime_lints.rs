//! The runtime libraries under `runtimes/` stay clean under their languages' linters at the
//! settings they ship: mypy --strict, ruff check and ruff format (Python); ruby -wc and rubocop
//! (Ruby); php -l and phpcs PSR-12 (PHP).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use zrpc_interop_tests::{python, require_program, run_ok, workspace_root};

fn lint(program: &Path, args: &[&str], dir: &Path) {
    run_ok(
        Command::new(program).args(args).current_dir(dir),
        Duration::from_secs(300),
    );
}

#[test]
fn python_runtime_passes_mypy_strict_and_ruff() {
    let Some(python) = python() else {
        return;
    };
    let dir = workspace_root().join("runtimes/python");
    let bin = python.parent().expect("the venv's bin directory");
    lint(
        &bin.join("mypy"),
        &["--strict", "--no-incremental", "src"],
        &dir,
    );
    lint(&bin.join("ruff"), &["check", "--no-cache", "src"], &dir);
    lint(
        &bin.join("ruff"),
        &["format", "--check", "--no-cache", "src"],
        &dir,
    );
}

#[test]
fn ruby_runtime_passes_ruby_wc_and_rubocop() {
    let (Some(ruby), Some(rubocop)) = (
        require_program("ruby", "the Ruby runtime lint"),
        require_program("rubocop", "the Ruby runtime lint"),
    ) else {
        return;
    };
    let dir = workspace_root().join("runtimes/ruby");
    for file in [
        "lib/zrpc.rb",
        "lib/zrpc/channel.rb",
        "lib/zrpc/connection.rb",
    ]
    .into_iter()
    .chain([
        "lib/zrpc/errors.rb",
        "lib/zrpc/socket.rb",
        "lib/zrpc/wire.rb",
    ]) {
        let output = run_ok(
            Command::new(&ruby).args(["-wc", file]).current_dir(&dir),
            Duration::from_secs(60),
        );
        assert!(
            output.stderr.is_empty(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    lint(&rubocop, &["--format", "simple"], &dir);
}

#[test]
fn php_runtime_passes_php_l_and_phpcs() {
    let (Some(php), Some(phpcs)) = (
        require_program("php", "the PHP runtime lint"),
        require_program("phpcs", "the PHP runtime lint"),
    ) else {
        return;
    };
    let dir = workspace_root().join("runtimes/php");
    for entry in std::fs::read_dir(dir.join("src")).expect("runtimes/php/src") {
        let path = entry.expect("a directory entry").path();
        lint(&php, &["-l", path.to_str().expect("a UTF-8 path")], &dir);
    }
    lint(&phpcs, &["--standard=PSR12", "src", "autoload.php"], &dir);
}
