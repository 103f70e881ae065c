//! Schemas for the generator tests, built by hand as the model the IDL front end produces.

use zrpc_idl::model::*;

fn namespaces(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(lang, path)| (lang.to_string(), path.to_string()))
        .collect()
}

fn doc(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn field(name: &str, ty: Type, default: Option<Value>, doc: Option<String>) -> Field {
    Field {
        name: name.to_owned(),
        doc,
        annotations: vec![],
        ty,
        default,
    }
}

fn named(name: &str) -> Type {
    Type::Named(name.to_owned())
}

fn opt(ty: Type) -> Type {
    Type::Optional(Box::new(ty))
}

fn list(ty: Type) -> Type {
    Type::List(Box::new(ty))
}

fn map(key: Type, value: Type) -> Type {
    Type::Map(Box::new(key), Box::new(value))
}

fn method(name: &str, doc_text: Option<&str>, args: &[(&str, Type)], returns: Returns) -> Method {
    Method {
        name: name.to_owned(),
        doc: doc_text.map(str::to_owned),
        annotations: vec![],
        args: args
            .iter()
            .map(|(name, ty)| Arg {
                name: (*name).to_owned(),
                ty: ty.clone(),
            })
            .collect(),
        returns,
        throws: vec![],
    }
}

fn variant(name: &str) -> EnumVariant {
    EnumVariant {
        name: name.to_owned(),
        doc: None,
        annotations: vec![],
    }
}

fn union_variant(name: &str, ty: Type) -> UnionVariant {
    UnionVariant {
        name: name.to_owned(),
        doc: None,
        annotations: vec![],
        ty,
    }
}

/// Every construct with names that are Python keywords or builtins, defaults of every kind,
/// consts, aliases, nested containers and a dotted namespace.
pub fn edge_cases() -> Schema {
    let mut raise = method(
        "raise",
        Some("A method named like a keyword.\n\nWith a \"quoted\" second paragraph."),
        &[("class", named("Class")), ("from", opt(named("Color")))],
        Returns::Value(opt(named("Class"))),
    );
    raise.throws = vec!["Failure".to_owned()];
    raise.annotations = vec![Annotation {
        name: "deprecated".to_owned(),
        args: vec![Value::String("use lambda".to_owned())],
    }];
    Schema {
        file_stem: None,
        doc: None,
        namespaces: namespaces(&[("python", "acme.def")]),
        consts: vec![
            Const {
                name: "max_items".to_owned(),
                doc: doc("Upper bound."),
                ty: Type::U32,
                value: Value::Int(100),
            },
            Const {
                name: "GREETING".to_owned(),
                doc: None,
                ty: Type::String,
                value: Value::String("hi \"you\"\n".to_owned()),
            },
        ],
        types: vec![
            TypeDef::Enum(Enum {
                name: "Color".to_owned(),
                doc: doc("Colors."),
                annotations: vec![],
                variants: vec![variant("Red"), variant("DarkGreen"), variant("None")],
            }),
            TypeDef::Alias(Alias {
                name: "Ids".to_owned(),
                doc: doc("Many ids."),
                annotations: vec![],
                ty: list(named("UserId")),
            }),
            TypeDef::Alias(Alias {
                name: "UserId".to_owned(),
                doc: None,
                annotations: vec![],
                ty: Type::I64,
            }),
            TypeDef::Struct(Struct {
                name: "Class".to_owned(),
                doc: None,
                annotations: vec![],
                fields: vec![
                    field("type", Type::String, None, None),
                    field("self", opt(Type::Bytes), None, None),
                    field(
                        "list",
                        list(map(Type::String, opt(named("Class")))),
                        Some(Value::List(vec![])),
                        None,
                    ),
                    field("ratio", Type::F64, Some(Value::Int(1)), None),
                    field(
                        "color",
                        named("Color"),
                        Some(Value::Ident("DarkGreen".to_owned())),
                        None,
                    ),
                    field(
                        "fields",
                        map(Type::I32, named("Color")),
                        Some(Value::Map(vec![])),
                        None,
                    ),
                    field(
                        "names",
                        list(Type::String),
                        Some(Value::List(vec![Value::String("a".to_owned())])),
                        None,
                    ),
                    field("owner", named("UserId"), None, None),
                    field("ids", named("Ids"), Some(Value::List(vec![])), None),
                    field("anything", Type::Any, None, None),
                    field("choice", opt(named("Choice")), None, None),
                    field(
                        "data",
                        Type::Bytes,
                        Some(Value::String("raw".to_owned())),
                        None,
                    ),
                ],
            }),
            TypeDef::Struct(Struct {
                name: "Empty".to_owned(),
                doc: None,
                annotations: vec![],
                fields: vec![],
            }),
            TypeDef::Union(Union {
                name: "Choice".to_owned(),
                doc: doc("One of several."),
                annotations: vec![],
                variants: vec![
                    union_variant("none", Type::Bool),
                    union_variant("nested", list(opt(named("Class")))),
                    union_variant("empty", named("Empty")),
                ],
            }),
            TypeDef::Error(Struct {
                name: "Failure".to_owned(),
                doc: None,
                annotations: vec![],
                fields: vec![
                    field("message", Type::String, None, None),
                    field(
                        "codes",
                        list(Type::I32),
                        Some(Value::List(vec![Value::Int(1)])),
                        None,
                    ),
                    field("color", opt(named("Color")), None, None),
                ],
            }),
        ],
        services: vec![Service {
            name: "Lambda".to_owned(),
            doc: doc("Service named like a keyword."),
            annotations: vec![],
            methods: vec![
                raise,
                method("close", None, &[], Returns::Nothing),
                method(
                    "import",
                    None,
                    &[("self", map(Type::String, list(named("Choice"))))],
                    Returns::Stream(named("Choice")),
                ),
                method(
                    "echoAny",
                    None,
                    &[("value", Type::Any)],
                    Returns::Stream(Type::Any),
                ),
                method(
                    "ids",
                    None,
                    &[("ids", named("Ids"))],
                    Returns::Value(named("Ids")),
                ),
            ],
        }],
    }
}
