//! The calculator example every version must compile, checked fact by fact.

use std::path::Path;

use zrpc_idl::model::{Returns, Type, TypeDef, Value};

fn calculator() -> zrpc_idl::Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/calculator/calculator.zrpc");
    zrpc_idl::load(&path).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn calculator_file_doc_and_namespaces() {
    let schema = calculator().schema;
    assert_eq!(
        schema.doc.as_deref(),
        Some("A calculator, used by the README, the examples and the cross-language tests.")
    );
    assert_eq!(schema.namespace("python"), Some("calculator"));
    assert_eq!(schema.namespace("ruby"), Some("Calculator"));
    assert_eq!(schema.namespace("php"), Some("Example\\Calculator"));
    assert_eq!(schema.namespace("rust"), None);
}

#[test]
fn calculator_types() {
    let schema = calculator().schema;
    let names: Vec<&str> = schema.types.iter().map(TypeDef::name).collect();
    assert_eq!(names, ["Point", "Shape", "Value", "DivisionByZero"]);
    let Some(TypeDef::Struct(point)) = schema.type_def("Point") else {
        panic!("Point is not a struct");
    };
    assert_eq!(point.doc.as_deref(), Some("A point on the plane."));
    let label = &point.fields[2];
    assert_eq!(label.name, "label");
    assert_eq!(label.doc.as_deref(), Some("Optional label."));
    assert_eq!(label.ty, Type::Optional(Box::new(Type::String)));
    let tags = &point.fields[3];
    assert_eq!(tags.ty, Type::List(Box::new(Type::String)));
    assert_eq!(tags.default, Some(Value::List(vec![])));
    assert!(tags.may_be_absent() && label.may_be_absent() && !point.fields[0].may_be_absent());
    let Some(TypeDef::Union(value)) = schema.type_def("Value") else {
        panic!("Value is not a union");
    };
    assert_eq!(value.variants[2].ty, Type::Named("Point".into()));
    let Some(TypeDef::Error(error)) = schema.type_def("DivisionByZero") else {
        panic!("DivisionByZero is not an error");
    };
    assert_eq!(error.fields[0].ty, Type::F64);
}

#[test]
fn calculator_methods() {
    let schema = calculator().schema;
    let service = schema.service("Calculator").expect("service Calculator");
    let names: Vec<&str> = service.methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "add",
            "divide",
            "countdown",
            "translate",
            "classify",
            "echo_bytes",
            "sleep",
            "shapes",
            "log"
        ]
    );
    let divide = &service.methods[1];
    assert_eq!(divide.doc.as_deref(), Some("Divides a by b."));
    assert_eq!(divide.returns, Returns::Value(Type::F64));
    assert_eq!(divide.throws, ["DivisionByZero"]);
    assert_eq!(divide.args[1].name, "b");
    assert_eq!(service.methods[2].returns, Returns::Stream(Type::U32));
    assert_eq!(
        service.methods[4].returns,
        Returns::Value(Type::Map(Box::new(Type::String), Box::new(Type::U32)))
    );
    assert_eq!(service.methods[8].returns, Returns::Oneway);
    assert_eq!(service.methods[8].doc, None);
}

#[test]
fn calculator_load_lists_its_file() {
    let loaded = calculator();
    assert_eq!(loaded.files.len(), 1);
    assert!(loaded.files[0].ends_with("calculator.zrpc"));
}

#[test]
fn calculator_round_trips_through_the_printer() {
    let schema = calculator().schema;
    let printed = zrpc_idl::print(&schema);
    let reparsed = zrpc_idl::parse_str(&printed, "printed.zrpc").unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(reparsed, schema);
    assert_eq!(zrpc_idl::print(&reparsed), printed);
}

#[test]
fn calculator_parse_str_matches_load() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/calculator/calculator.zrpc");
    let source = std::fs::read_to_string(&path).unwrap();
    let schema = zrpc_idl::parse_str(&source, "calculator.zrpc").unwrap();
    assert_eq!(schema, calculator().schema);
}
