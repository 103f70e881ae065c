//! Golden tests: every `tests/invalid/*.zrpc` must fail with exactly the diagnostics in the
//! `.stderr` file beside it. `ZRPC_BLESS=1 cargo test -p zrpc-idl --test invalid` rewrites the
//! `.stderr` files from the current output; review the diff before committing.

use std::path::Path;

#[test]
fn invalid_files_fail_with_expected_diagnostics() {
    // Cargo runs integration tests from the package root, so paths in diagnostics are stable.
    let dir = Path::new("tests/invalid");
    let bless = std::env::var_os("ZRPC_BLESS").is_some_and(|v| v == "1");
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "zrpc"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected at least 20 cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let actual = match zrpc_idl::load(case) {
            Ok(_) => format!("unexpectedly valid: {}\n", case.display()),
            Err(diagnostics) => diagnostics.to_string(),
        };
        let expected_path = case.with_extension("stderr");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "--- {} (expected)\n{expected}+++ actual\n{actual}",
                expected_path.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatch(es); rerun with ZRPC_BLESS=1 and review:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_diagnostic_leaks_grammar_rule_names() {
    for entry in std::fs::read_dir("tests/invalid").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "stderr") {
            let text = std::fs::read_to_string(&path).unwrap();
            for rule in [
                "EOI",
                "ident",
                "type_expr",
                "WHITESPACE",
                "Rule::",
                "named_type",
            ] {
                assert!(!text.contains(rule), "{} mentions `{rule}`", path.display());
            }
        }
    }
}
