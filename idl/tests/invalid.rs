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

#[test]
fn every_broken_declaration_gets_its_own_syntax_error() {
    // One syntax error in each of several declarations, each with a doc and an annotation that
    // must not be reported as dangling: one error per declaration, on its line.
    let broken = [
        "struct A { x: i64; }",
        "enum B { X, Y; }",
        "union C { a: }",
        "error D { code: i64 = }",
        "service E {\n    m(a: i64): i64\n}",
        "type F = list<i64,>",
        "const G: i64 = [",
    ];
    let mut source = String::new();
    for decl in broken {
        source.push_str("/// Doc.\n@note\n");
        source.push_str(decl);
        source.push_str("\n\n");
    }
    let errors = zrpc_idl::parse_str(&source, "many.zrpc").unwrap_err();
    let text = errors.to_string();
    let reported: Vec<usize> = text
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("--> many.zrpc:"))
        .map(|at| at.split(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(errors.len(), broken.len(), "{text}");
    assert_eq!(reported.len(), broken.len(), "{text}");
    assert!(!text.contains("documents nothing"), "{text}");
    // The unclosed list of the last one ends at the end of the file.
    assert_eq!(reported, [3, 7, 11, 15, 20, 25, 31], "{text}");
}
