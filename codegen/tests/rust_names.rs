//! The Rust back end spells every name so that generated code compiles: names Rust spells alike
//! are made distinct in their scope (keeping their wire names), a type called `Serialize` moves
//! aside for serde's derives, and the IDL's long argument lists say why they are long.
//! (`tests/conformance-server` compiles and clippy-checks the whole corpus.)

use zrpc_codegen::{Backend, GenerateOptions};
use zrpc_plan::Plan;

const IDL: &str = r#"
namespace rust names
struct Words {
    BEGIN: i32
    begin: i32
    __FILE__: i32
    __file__: i32
}
enum Variant { ALL, All, all }
enum variant { A }
enum Serialize { X }
error Oops {}
error Ouch {}
service Names {
    file(__: i32, _1: i32) -> i32
    FILE(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32) -> i32
    schema() -> i32
    take(w: Words, v: variant, s: Serialize) throws (Oops, Ouch)
}
"#;

fn generated() -> (zrpc_idl::model::Schema, String) {
    let schema = zrpc_idl::parse_str(IDL, "names.zrpc").unwrap();
    let text = zrpc_codegen::rust::generate(&schema).unwrap();
    (schema, text)
}

#[test]
fn names_spelled_alike_become_distinct_and_keep_their_wire_names() {
    let (_, text) = generated();
    for expected in [
        "pub begin: i32",
        "#[serde(rename = \"begin\")]\n        pub begin_: i32",
        "#[serde(rename = \"__FILE__\")]\n        pub file: i32",
        "#[serde(rename = \"__file__\")]\n        pub file_: i32",
        "All,",
        "#[serde(rename = \"All\")]\n        All_,",
        "#[serde(rename = \"all\")]\n        All__,",
        "#[zrpc(name = \"variant\")]",
        "pub enum Variant_ {",
        "async fn file(",
        "#[zrpc(name = \"__\")]\n            arg__: i32,",
        "#[zrpc(name = \"_1\")]\n            arg_1: i32,",
        "#[zrpc(name = \"FILE\")]\n        #[allow(clippy::too_many_arguments)]\n        async fn file_(",
        "#[zrpc(name = \"schema\")]\n        async fn schema_(&self) -> i32;",
        "pub enum TakeError {",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn a_type_called_serialize_leaves_serde_s_derives_nameable() {
    let (_, text) = generated();
    assert!(
        text.contains("use serde::{Deserialize, Serialize};"),
        "{text}"
    );
    assert!(text.contains("#[zrpc(name = \"Serialize\")]"), "{text}");
    assert!(text.contains("pub enum Serialize_ {"), "{text}");
}

#[test]
fn long_argument_lists_allow_clippy_s_limit() {
    let (_, text) = generated();
    let allow = "#[allow(clippy::too_many_arguments)]";
    assert_eq!(text.matches(allow).count(), 1, "{text}");
    let at = text.find(allow).unwrap();
    assert!(text[at..].contains("async fn file_("), "{text}");
}

#[test]
fn client_names_are_the_generated_ones() {
    let (schema, _) = generated();
    let plan = Plan::new(&schema).unwrap();
    let names = zrpc_codegen::rust::Rust.client_names(&plan, &schema.services[0]);
    assert_eq!(names.namespace, "names");
    assert_eq!(names.class, "NamesClient");
    assert_eq!(names.methods, ["file", "file_", "schema_", "take"]);
    // The file the client lives in is the one `generate` writes.
    let files = zrpc_codegen::rust::Rust
        .generate(&plan, &GenerateOptions::default())
        .unwrap();
    assert!(files[0].contents.contains("pub trait Names {"));
}
