//! Every macro error, with its expected rendering in `tests/ui/*.stderr`
//! (`TRYBUILD=overwrite cargo test -p zrpc-macros-ui --test ui` regenerates them). A crate of its
//! own: trybuild builds every dev-dependency of the crate it runs in for the cases.

#[test]
fn macro_errors_are_spanned_and_collected() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
