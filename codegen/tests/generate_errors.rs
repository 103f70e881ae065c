//! Hand-built models the IDL front end would reject still get an error, never a panic.

use zrpc_codegen::rust::{generate, GenerateError};
use zrpc_idl::model::{Field, Method, Returns, Schema, Service, Struct, Type, TypeDef, Value};

fn with_field(ty: Type, default: Option<Value>) -> Schema {
    Schema {
        types: vec![TypeDef::Struct(Struct {
            name: "S".into(),
            doc: None,
            annotations: vec![],
            fields: vec![Field {
                name: "f".into(),
                doc: None,
                annotations: vec![],
                ty,
                default,
            }],
        })],
        ..Schema::default()
    }
}

#[test]
fn unknown_types_are_reported() {
    let schema = with_field(Type::Named("Missing".into()), None);
    assert!(
        matches!(generate(&schema), Err(GenerateError::UnknownType(name)) if name == "Missing")
    );
}

#[test]
fn defaults_that_do_not_fit_are_reported() {
    let schema = with_field(Type::I32, Some(Value::String("x".into())));
    let error = generate(&schema).unwrap_err();
    assert!(error.to_string().contains(".f`"), "{error}");
    assert!(matches!(generate(&schema), Err(GenerateError::Plan(_))));
}

#[test]
fn non_finite_float_defaults_are_written() {
    let schema = with_field(Type::F64, Some(Value::Float(f64::NAN)));
    assert!(generate(&schema).unwrap().contains("f64::NAN"));
}

#[test]
fn unknown_thrown_errors_are_reported() {
    let schema = Schema {
        services: vec![Service {
            name: "S".into(),
            doc: None,
            annotations: vec![],
            methods: vec![Method {
                name: "m".into(),
                doc: None,
                annotations: vec![],
                args: vec![],
                returns: Returns::Nothing,
                throws: vec!["Nope".into()],
            }],
        }],
        ..Schema::default()
    };
    let error = generate(&schema).unwrap_err();
    assert!(error.to_string().contains("`Nope`"), "{error}");
}

#[test]
fn keyword_names_are_escaped() {
    let schema = with_field(Type::String, None);
    let mut schema = schema;
    schema.namespaces.insert("rust".into(), "acme::type".into());
    let source = generate(&schema).unwrap();
    assert!(source.contains("pub mod r#type {"), "{source}");
}
