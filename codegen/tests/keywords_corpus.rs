//! `tests/conformance/keywords.zrpc` holds every word of every reserved table
//! (`zrpc_plan::reserved`) in every position the IDL allows it: a word added to a table without
//! a place in the corpus fails here, so the conformance harness checks it in every language.

use std::path::Path;

use zrpc_idl::model::{Schema, TypeDef};
use zrpc_plan::reserved::{PHP, PYTHON, RUBY, RUST};

fn corpus() -> Schema {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/keywords.zrpc");
    zrpc_idl::load(&path).unwrap().schema
}

/// Whether the IDL accepts `snippet` (a word it rejects in a position needs no place there).
fn legal(snippet: &str) -> bool {
    zrpc_idl::parse_str(snippet, "snippet.zrpc").is_ok()
}

fn members<'s>(schema: &'s Schema, name: &str) -> Vec<&'s str> {
    match schema.type_def(name) {
        Some(TypeDef::Struct(s) | TypeDef::Error(s)) => {
            s.fields.iter().map(|f| f.name.as_str()).collect()
        }
        Some(TypeDef::Enum(e)) => e.variants.iter().map(|v| v.name.as_str()).collect(),
        Some(TypeDef::Union(u)) => u.variants.iter().map(|v| v.name.as_str()).collect(),
        _ => panic!("keywords.zrpc declares `{name}`"),
    }
}

#[test]
fn every_reserved_word_stands_in_every_position() {
    let schema = corpus();
    let service = &schema.services[0];
    let methods: Vec<&str> = service.methods.iter().map(|m| m.name.as_str()).collect();
    let args: Vec<&str> = service
        .methods
        .iter()
        .flat_map(|m| m.args.iter().map(|a| a.name.as_str()))
        .collect();
    let types: Vec<&str> = schema.types.iter().map(TypeDef::name).collect();
    let mut missing = Vec::new();
    for table in [&PYTHON, &RUBY, &PHP, &RUST] {
        for word in table.all_words() {
            let positions = [
                (
                    "field",
                    members(&schema, "Words"),
                    format!("struct S {{ {word}: i32 }}"),
                ),
                (
                    "error field",
                    members(&schema, "Failure"),
                    format!("error E {{ {word}: i32 }}"),
                ),
                (
                    "enum member",
                    members(&schema, "Variant"),
                    format!("enum E {{ {word} }}"),
                ),
                (
                    "union variant",
                    members(&schema, "Choice"),
                    format!("union U {{ {word}: i32 }}"),
                ),
                ("type", types.clone(), format!("enum {word} {{ A }}")),
                (
                    "method",
                    methods.clone(),
                    format!("service S {{ {word}() }}"),
                ),
                (
                    "argument",
                    args.clone(),
                    format!("service S {{ m({word}: i32) }}"),
                ),
            ];
            for (position, names, snippet) in positions {
                if legal(&snippet) && !names.contains(&word) {
                    missing.push(format!("{} `{word}` as {position}", table.language));
                }
            }
        }
    }
    assert!(missing.is_empty(), "not in keywords.zrpc: {missing:#?}");
}
