//! `zrpc fmt` is idempotent: formatting formatted text changes nothing. Regression inputs (found
//! by fuzzing, see `idl/fuzz`) live in `tests/format/*.zrpc`; a property test covers the rest.

use proptest::prelude::*;

/// Formats `source` twice; the second run must give the first run's text back.
fn assert_idempotent(source: &str, name: &str) {
    let Ok(once) = zrpc_idl::format_str(source, name) else {
        return;
    };
    match zrpc_idl::format_str(&once, name) {
        Ok(twice) => assert_eq!(twice, once, "{name}: formatting again changed the text"),
        Err(errors) => panic!("{name}: formatted text does not format again:\n{errors}\n{once}"),
    }
}

#[test]
fn regression_inputs_format_idempotently() {
    let mut count = 0;
    for entry in std::fs::read_dir("tests/format").unwrap() {
        let path = entry.unwrap().path();
        let source = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        assert_idempotent(&source, &path.display().to_string());
        count += 1;
    }
    assert!(count > 0, "no regression inputs in tests/format");
}

#[test]
fn duplicate_declarations_keep_their_comments_once() {
    let source = "// one\nstruct A {}\n// two\nstruct A {}\n";
    let once = zrpc_idl::format_str(source, "d.zrpc").unwrap();
    assert_eq!(once.matches("// one").count(), 1, "{once}");
    assert_eq!(once.matches("// two").count(), 1, "{once}");
    assert_idempotent(source, "d.zrpc");
}

#[test]
fn block_comment_ends_where_the_parser_ends_it() {
    // Comments nest: in `/*/*/` the inner `/*` opens a second comment, so neither is closed.
    // The formatter scans comments with the parser's rule, so both refuse it.
    let source = "/*/*/\nstruct A {}\n";
    assert!(zrpc_idl::parse_str(source, "b.zrpc").is_err());
    assert!(zrpc_idl::format_str(source, "b.zrpc").is_err());
    // Closed once for each opening, it is one comment, kept as written.
    let source = "/*/**/*/\nstruct A {}\n";
    assert_eq!(zrpc_idl::format_str(source, "b.zrpc").unwrap(), source);
}

#[test]
fn comments_on_their_own_line_before_members() {
    let source = "struct P {\n    /* c */\n    x: i64\n}\n\nenum E {\n    /* a */\n    A\n    // b\n    B\n}\n\nservice S {\n    /* m */\n    m()\n}\n";
    assert!(zrpc_idl::parse_str(source, "c.zrpc").is_ok());
    assert_eq!(zrpc_idl::format_str(source, "c.zrpc").unwrap(), source);
}

/// Tokens that steer random text into the grammar's and the formatter's corners: comments of
/// every kind in every position, duplicates, docs, odd line ends.
fn tokens() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("struct A { x: i64 }\n".to_owned()),
        Just("struct A {\n".to_owned()),
        Just("enum E { A, B }\n".to_owned()),
        Just("union U { a: i64 }\n".to_owned()),
        Just("service S {\n m(a: i64) -> i64\n}\n".to_owned()),
        Just("type T = list<A>?\n".to_owned()),
        Just("const C: i64 = 1\n".to_owned()),
        Just("namespace python a.b\n".to_owned()),
        Just("x: i64".to_owned()),
        Just("m()".to_owned()),
        Just("m(/* a */ a: i64, // b\n b: list</* t */i64>) -> /* r */ i64".to_owned()),
        Just("const D: list<i64> = [1, /* v */ 2]\n".to_owned()),
        Just("}".to_owned()),
        Just(",".to_owned()),
        Just("/// doc\n".to_owned()),
        Just("@a(1) ".to_owned()),
        Just("// c\n".to_owned()),
        Just("/* c */".to_owned()),
        Just("/*/*/".to_owned()),
        Just("/*".to_owned()),
        Just("*/".to_owned()),
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("\r\n".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
    ];
    prop::collection::vec(token, 0..40).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn formatting_is_idempotent(source in tokens()) {
        if let Ok(once) = zrpc_idl::format_str(&source, "p.zrpc") {
            let twice = zrpc_idl::format_str(&once, "p.zrpc");
            prop_assert!(twice.is_ok(), "formatted text fails:\n{}\n{:?}", once, source);
            prop_assert_eq!(twice.unwrap(), once, "{:?}", source);
        }
    }
}
