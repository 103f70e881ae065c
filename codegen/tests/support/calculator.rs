//! The calculator schema of `examples/calculator/calculator.zrpc`, built by hand so the
//! generators can be tested without the IDL front end.

use zrpc_idl::model::*;

fn field(name: &str, doc: Option<&str>, ty: Type, default: Option<Value>) -> Field {
    Field {
        name: name.into(),
        doc: doc.map(Into::into),
        annotations: vec![],
        ty,
        default,
    }
}

fn method(name: &str, doc: Option<&str>, args: &[(&str, Type)], returns: Returns) -> Method {
    Method {
        name: name.into(),
        doc: doc.map(Into::into),
        annotations: vec![],
        args: args
            .iter()
            .map(|(name, ty)| Arg {
                name: (*name).into(),
                ty: ty.clone(),
            })
            .collect(),
        returns,
        throws: vec![],
    }
}

fn named(name: &str) -> Type {
    Type::Named(name.into())
}

pub fn calculator_schema() -> Schema {
    let variant = |name: &str, ty: Type| UnionVariant {
        name: name.into(),
        doc: None,
        annotations: vec![],
        ty,
    };
    let shape = |name: &str| EnumVariant {
        name: name.into(),
        doc: None,
        annotations: vec![],
    };
    let mut divide = method(
        "divide",
        Some("Divides a by b."),
        &[("a", Type::F64), ("b", Type::F64)],
        Returns::Value(Type::F64),
    );
    divide.throws = vec!["DivisionByZero".into()];
    Schema {
        doc: Some("A calculator, used by the README, the examples and the cross-language tests.".into()),
        namespaces: Namespaces {
            python: Some("calculator".into()),
            ruby: Some("Calculator".into()),
            php: Some("Example\\Calculator".into()),
            rust: None,
        },
        consts: vec![],
        types: vec![
            TypeDef::Struct(Struct {
                name: "Point".into(),
                doc: Some("A point on the plane.".into()),
                annotations: vec![],
                fields: vec![
                    field("x", None, Type::F64, None),
                    field("y", None, Type::F64, None),
                    field("label", Some("Optional label."), Type::Optional(Box::new(Type::String)), None),
                    field("tags", None, Type::List(Box::new(Type::String)), Some(Value::List(vec![]))),
                ],
            }),
            TypeDef::Enum(Enum {
                name: "Shape".into(),
                doc: None,
                annotations: vec![],
                variants: vec![shape("Circle"), shape("Square"), shape("Triangle")],
            }),
            TypeDef::Union(Union {
                name: "Value".into(),
                doc: None,
                annotations: vec![],
                variants: vec![
                    variant("int", Type::I64),
                    variant("text", Type::String),
                    variant("point", named("Point")),
                ],
            }),
            TypeDef::Error(Struct {
                name: "DivisionByZero".into(),
                doc: Some("Raised when dividing by zero.".into()),
                annotations: vec![],
                fields: vec![field("dividend", None, Type::F64, None)],
            }),
        ],
        services: vec![Service {
            name: "Calculator".into(),
            doc: None,
            annotations: vec![],
            methods: vec![
                method("add", Some("Adds two integers."), &[("a", Type::I64), ("b", Type::I64)], Returns::Value(Type::I64)),
                divide,
                method("countdown", Some("Yields n, n-1, ..., 1."), &[("n", Type::U32)], Returns::Stream(Type::U32)),
                method(
                    "translate",
                    Some("Moves a point."),
                    &[("p", named("Point")), ("dx", Type::F64), ("dy", Type::F64)],
                    Returns::Value(named("Point")),
                ),
                method(
                    "classify",
                    Some("Counts the values by kind."),
                    &[("values", Type::List(Box::new(named("Value"))))],
                    Returns::Value(Type::Map(Box::new(Type::String), Box::new(Type::U32))),
                ),
                method("echo_bytes", Some("Echoes raw bytes."), &[("data", Type::Bytes)], Returns::Value(Type::Bytes)),
                method(
                    "sleep",
                    Some("Sleeps for ms milliseconds, then returns ms (long calls, heartbeats, timeouts)."),
                    &[("ms", Type::U64)],
                    Returns::Value(Type::U64),
                ),
                method("shapes", Some("Names of all shapes."), &[], Returns::Value(Type::List(Box::new(named("Shape"))))),
                method("log", None, &[("line", Type::String)], Returns::Oneway),
            ],
        }],
    }
}
