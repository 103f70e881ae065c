//! Valid files: every construct, imports (diamond), file docs, printing and formatting.

use std::path::Path;

use zrpc_idl::model::{Annotation, Returns, Type, TypeDef, Value};

fn load(path: &str) -> zrpc_idl::Loaded {
    zrpc_idl::load(Path::new(path)).unwrap_or_else(|d| panic!("{d}"))
}

fn all_constructs() -> zrpc_idl::model::Schema {
    load("tests/valid/all_constructs.zrpc").schema
}

#[test]
fn file_doc_namespaces_and_consts() {
    let schema = all_constructs();
    assert_eq!(
        schema.doc.as_deref(),
        Some("Every construct of the language, once.\nSecond line of the file doc.")
    );
    assert_eq!(schema.namespace("python"), Some("acme.store"));
    assert_eq!(schema.namespace("ruby"), Some("Acme::Store"));
    assert_eq!(schema.namespace("php"), Some("Acme\\Store"));
    assert_eq!(schema.namespace("rust"), Some("acme::store"));
    let consts: Vec<(&str, &Value)> = schema
        .consts
        .iter()
        .map(|c| (c.name.as_str(), &c.value))
        .collect();
    assert_eq!(
        consts,
        [
            ("MAX_ITEMS", &Value::Int(100)),
            ("GREETING", &Value::String("hi \"there\"\n".into())),
            ("RATIO", &Value::Float(-1500.0)),
            (
                "PRIMES",
                &Value::List(vec![
                    Value::Int(2),
                    Value::Int(3),
                    Value::Int(5),
                    Value::Int(7)
                ])
            ),
            ("BIG", &Value::UInt(u64::MAX)),
            ("MASK", &Value::Int(255)),
        ]
    );
    assert_eq!(
        schema.consts[0].doc.as_deref(),
        Some("The most items a page holds.")
    );
    assert_eq!(schema.consts[3].ty, Type::List(Box::new(Type::U8)));
}

#[test]
fn imported_declarations_come_first_and_namespaces_stay_the_roots() {
    let schema = all_constructs();
    assert_eq!(schema.types[0].name(), "Base");
    assert_eq!(schema.types[0].doc(), Some("The base record."));
    assert_eq!(schema.namespace("python"), Some("acme.store"));
}

#[test]
fn aliases_enums_and_annotations() {
    let schema = all_constructs();
    let Some(TypeDef::Alias(user_id)) = schema.type_def("UserId") else {
        panic!("UserId")
    };
    assert_eq!(user_id.ty, Type::I64);
    assert_eq!(user_id.doc.as_deref(), Some("An identifier."));
    let Some(TypeDef::Alias(names)) = schema.type_def("Names") else {
        panic!("Names")
    };
    assert_eq!(
        names.ty,
        Type::Map(
            Box::new(Type::String),
            Box::new(Type::List(Box::new(Type::String)))
        )
    );
    let Some(TypeDef::Enum(color)) = schema.type_def("Color") else {
        panic!("Color")
    };
    assert_eq!(
        color.annotations,
        [Annotation {
            name: "since".into(),
            args: vec![Value::String("1.2".into())]
        }]
    );
    let variants: Vec<&str> = color.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(variants, ["Red", "Green", "Blue"]);
    assert_eq!(color.variants[0].doc.as_deref(), Some("Pure red."));
    assert_eq!(color.variants[1].annotations[0].name, "deprecated");
    assert!(color.variants[1].annotations[0].args.is_empty());
}

#[test]
fn struct_fields_defaults_and_keyword_names() {
    let schema = all_constructs();
    let Some(TypeDef::Struct(item)) = schema.type_def("Item") else {
        panic!("Item")
    };
    let field = |name: &str| {
        item.fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(item.fields[0].name, "id");
    assert_eq!(item.fields[0].doc.as_deref(), Some("The id."));
    assert_eq!(item.fields[0].ty, Type::Named("UserId".into()));
    assert_eq!(field("name").default, Some(Value::String("unnamed".into())));
    assert_eq!(field("type").default, Some(Value::Ident("GREETING".into())));
    assert_eq!(field("class").default, Some(Value::Ident("Red".into())));
    let labels = field("labels");
    assert_eq!(
        labels.ty,
        Type::Optional(Box::new(Type::List(Box::new(Type::String))))
    );
    assert_eq!(labels.default, Some(Value::Null));
    assert_eq!(
        labels.annotations[0].args,
        [Value::String("use tags".into())]
    );
    assert_eq!(field("ratio").default, Some(Value::Float(1.0)));
    assert_eq!(field("count").default, Some(Value::Int(255)));
    assert_eq!(
        field("attrs").default,
        Some(Value::Map(vec![
            (Value::String("k".into()), Value::Int(1)),
            (
                Value::String("n".into()),
                Value::List(vec![Value::Bool(true), Value::Bool(false)])
            ),
        ]))
    );
    assert_eq!(
        field("origin").default,
        Some(Value::Map(vec![(Value::Ident("id".into()), Value::Int(7))]))
    );
    assert_eq!(field("blob").ty, Type::Bytes);
    assert!(!field("blob").may_be_absent());
    assert_eq!(
        field("next").ty,
        Type::Optional(Box::new(Type::Named("Item".into())))
    );
    assert_eq!(
        field("children").ty,
        Type::List(Box::new(Type::Named("Item".into())))
    );
}

#[test]
fn unions_and_errors() {
    let schema = all_constructs();
    let Some(TypeDef::Union(shape)) = schema.type_def("Shape") else {
        panic!("Shape")
    };
    let variants: Vec<(&str, &Type)> = shape
        .variants
        .iter()
        .map(|v| (v.name.as_str(), &v.ty))
        .collect();
    assert_eq!(
        variants,
        [
            ("circle", &Type::F64),
            ("square", &Type::F64),
            ("named", &Type::String)
        ]
    );
    assert_eq!(shape.variants[0].doc.as_deref(), Some("A radius."));
    let Some(TypeDef::Error(not_found)) = schema.type_def("NotFound") else {
        panic!("NotFound")
    };
    assert_eq!(not_found.fields.len(), 2);
    assert_eq!(
        not_found.doc.as_deref(),
        Some("Raised when an item is missing.")
    );
    let Some(TypeDef::Error(forbidden)) = schema.type_def("Forbidden") else {
        panic!("Forbidden")
    };
    assert!(forbidden.fields.is_empty());
}

#[test]
fn every_kind_of_method() {
    let schema = all_constructs();
    let store = schema.service("Store").expect("Store");
    assert_eq!(store.doc.as_deref(), Some("The store."));
    assert_eq!(
        store.annotations[0],
        Annotation {
            name: "version".into(),
            args: vec![Value::Int(2)]
        }
    );
    let names: Vec<&str> = store.methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "get",
            "put",
            "list_items",
            "clear",
            "log",
            "fetch",
            "ping",
            "oneway",
            "throws"
        ]
    );
    let m = |name: &str| store.methods.iter().find(|m| m.name == name).unwrap();
    assert_eq!(m("get").throws, ["NotFound"]);
    assert_eq!(m("get").doc.as_deref(), Some("Fetches one item."));
    assert_eq!(m("put").throws, ["NotFound", "Forbidden"]);
    assert_eq!(m("put").args.len(), 2);
    assert_eq!(
        m("list_items").returns,
        Returns::Stream(Type::Named("Item".into()))
    );
    assert_eq!(m("clear").returns, Returns::Nothing);
    assert_eq!(m("log").returns, Returns::Oneway);
    assert_eq!(
        m("fetch").returns,
        Returns::Value(Type::Optional(Box::new(Type::Named("Item".into()))))
    );
    let annotations: Vec<&str> = m("fetch")
        .annotations
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(annotations, ["deprecated", "internal"]);
    assert_eq!(m("oneway").returns, Returns::Nothing);
    assert_eq!(m("throws").returns, Returns::Value(Type::I64));
}

#[test]
fn print_then_parse_gives_the_same_model() {
    let schema = all_constructs();
    let printed = zrpc_idl::print(&schema);
    let reparsed =
        zrpc_idl::parse_str(&printed, "printed.zrpc").unwrap_or_else(|d| panic!("{d}\n{printed}"));
    assert_eq!(reparsed, schema);
    assert_eq!(zrpc_idl::print(&reparsed), printed);
}

#[test]
fn diamond_imports_read_each_file_once() {
    let loaded = load("tests/valid/imports/root.zrpc");
    let files: Vec<String> = loaded
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "tests/valid/imports/root.zrpc",
            "tests/valid/imports/left.zrpc",
            "tests/valid/imports/base.zrpc",
            "tests/valid/imports/right.zrpc",
        ]
    );
    let types: Vec<&str> = loaded.schema.types.iter().map(TypeDef::name).collect();
    assert_eq!(types, ["Base", "Left", "Right"]);
    // Namespaces and docs of imported files do not leak into the root's schema.
    assert_eq!(loaded.schema.namespace("python"), None);
    assert_eq!(loaded.schema.doc, None);
    let both = &loaded.schema.services[0].methods[0];
    assert_eq!(both.returns, Returns::Value(Type::Named("Base".into())));
}

#[test]
fn parse_str_resolves_imports_next_to_the_named_file() {
    let schema = zrpc_idl::parse_str(
        "import \"base.zrpc\"\nstruct Wrapper { base: Base }\n",
        "tests/valid/imports/virtual.zrpc",
    )
    .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(schema.types.len(), 2);
}

#[test]
fn doc_block_placement_decides_between_file_and_item() {
    let item_doc = zrpc_idl::parse_str("/// Item doc.\nstruct A {}\n", "a.zrpc").unwrap();
    assert_eq!(item_doc.doc, None);
    assert_eq!(item_doc.types[0].doc(), Some("Item doc."));
    let file_doc = zrpc_idl::parse_str("/// File doc.\n\nstruct A {}\n", "a.zrpc").unwrap();
    assert_eq!(file_doc.doc.as_deref(), Some("File doc."));
    assert_eq!(file_doc.types[0].doc(), None);
    let both =
        zrpc_idl::parse_str("/// File doc.\n\n/// Item doc.\nstruct A {}\n", "a.zrpc").unwrap();
    assert_eq!(both.doc.as_deref(), Some("File doc."));
    assert_eq!(both.types[0].doc(), Some("Item doc."));
    let only = zrpc_idl::parse_str("/// Only a doc.\n", "a.zrpc").unwrap();
    assert_eq!(only.doc.as_deref(), Some("Only a doc."));
    let ruler = zrpc_idl::parse_str("//// not a doc\nstruct A {}\n", "a.zrpc").unwrap();
    assert_eq!(ruler.types[0].doc(), None);
}

#[test]
fn empty_source_is_an_empty_schema() {
    assert_eq!(
        zrpc_idl::parse_str("", "empty.zrpc").unwrap(),
        Default::default()
    );
    assert_eq!(zrpc_idl::print(&Default::default()), "");
}

#[test]
fn diagnostics_collect_every_error() {
    let errors = zrpc_idl::parse_str(
        "struct A { x: Nope, y: Nope2 }\nservice S { close() }\n",
        "x.zrpc",
    )
    .unwrap_err();
    assert_eq!(errors.len(), 3);
    let messages: Vec<&str> = errors.messages().collect();
    assert_eq!(
        messages,
        [
            "unknown type `Nope`",
            "unknown type `Nope2`",
            "method name `close` is reserved"
        ]
    );
    let text = errors.to_string();
    assert!(text.contains("x.zrpc:1:15"), "{text}");
    assert!(text.contains("struct A { x: Nope, y: Nope2 }"), "{text}");
}

#[test]
fn format_keeps_imports_and_normalizes_layout() {
    let source = "import \"base.zrpc\"\nstruct   Wrapper{base:Base,\n  n : i64 = 1,}\n";
    let formatted = zrpc_idl::format_str(source, "w.zrpc").unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        formatted,
        "import \"base.zrpc\"\n\nstruct Wrapper { base: Base, n: i64 = 1 }\n"
    );
    assert_eq!(
        zrpc_idl::format_str(&formatted, "w.zrpc").unwrap(),
        formatted
    );
}

#[test]
fn format_keeps_comments_next_to_their_items() {
    let source = "// Header.\nnamespace python acme   // ns\n\n/* block\n   comment */\nstruct A {   // brace\n    // before x\n    x: i64 // after x\n    y: string = \"a // no\" /* b1 */ // b2\n    // end of A\n} // after A\n\nservice S { m() } // after S\n\n// The end.\n";
    let expected = "// Header.\nnamespace python acme // ns\n\n/* block\n   comment */\nstruct A {\n    // brace\n    // before x\n    x: i64 // after x\n    y: string = \"a // no\" /* b1 */ // b2\n    // end of A\n} // after A\n\nservice S {\n    m()\n} // after S\n\n// The end.\n";
    let formatted = zrpc_idl::format_str(source, "c.zrpc").unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(formatted, expected);
    assert_eq!(
        zrpc_idl::format_str(&formatted, "c.zrpc").unwrap(),
        formatted
    );
}

#[test]
fn format_moves_a_comment_inside_a_member_before_it() {
    let source = "service S {\n    add(a: i64, // first\n        b: /* second */ i64)\n}\n\nconst C: list<i64> = [1, /* one */ 2]\n";
    let formatted = zrpc_idl::format_str(source, "c.zrpc").unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        formatted,
        "/* one */\nconst C: list<i64> = [1, 2]\n\nservice S {\n    // first\n    /* second */\n    add(a: i64, b: i64)\n}\n"
    );
    assert_eq!(
        zrpc_idl::format_str(&formatted, "c.zrpc").unwrap(),
        formatted
    );
    // `//` inside a string is not a comment.
    assert_eq!(
        zrpc_idl::format_str("const URL: string = \"http://x\"\n", "c.zrpc").unwrap(),
        "const URL: string = \"http://x\"\n"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for depth in [100, 5_000, 100_000] {
        let types = format!(
            "struct A {{ x: {}i64{} }}\n",
            "list<".repeat(depth),
            ">".repeat(depth)
        );
        let values = format!(
            "const A: any = {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let comments = format!("{}{}\n", "/*".repeat(depth), "*/".repeat(depth));
        for source in [types, values] {
            let errors = zrpc_idl::parse_str(&source, "deep.zrpc").unwrap_err();
            let message = errors.messages().next().unwrap().to_owned();
            assert!(message.starts_with("nested too deeply"), "{message}");
        }
        // Comments may nest as deep as the parser manages; either way, no crash.
        let _ = zrpc_idl::parse_str(&comments, "deep.zrpc");
    }
}
