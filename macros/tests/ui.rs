//! Every macro error, with its expected rendering in `tests/ui/*.stderr`
//! (`TRYBUILD=overwrite cargo test -p zrpc-macros --test ui` regenerates them).

#[test]
fn macro_errors_are_spanned_and_collected() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
