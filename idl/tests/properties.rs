//! Property tests: the front end never panics, and printing a valid model then parsing the text
//! gives the model back.

use proptest::prelude::*;
use zrpc_idl::model::{
    Alias, Annotation, Arg, Const, Enum, EnumVariant, Field, Method, Returns, Schema, Service,
    Struct, Type, TypeDef, Union, UnionVariant, Value,
};

/// Fragments that steer random text into the grammar's corners.
fn idl_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("struct ".to_owned()),
        Just("enum ".to_owned()),
        Just("union ".to_owned()),
        Just("error ".to_owned()),
        Just("service ".to_owned()),
        Just("type ".to_owned()),
        Just("const ".to_owned()),
        Just("import \"x.zrpc\"\n".to_owned()),
        Just("namespace python a.b\n".to_owned()),
        Just("oneway ".to_owned()),
        Just("throws ".to_owned()),
        Just("stream<".to_owned()),
        Just("list<".to_owned()),
        Just("map<".to_owned()),
        Just("/// doc\n".to_owned()),
        Just("// c\n".to_owned()),
        Just("/* c */".to_owned()),
        Just("@a(1, \"x\") ".to_owned()),
        Just("-> ".to_owned()),
        "[{}()<>:,=?\\n\\[\\]\" -]".prop_map(|s| s.to_owned()),
        "[A-Za-z_][A-Za-z0-9_]{0,6}",
        "-?[0-9]{1,25}(\\.[0-9]{1,3})?",
        "\\PC{0,3}",
    ];
    prop::collection::vec(token, 0..60).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn parser_and_validator_never_panic(source in idl_soup()) {
        if let Err(diagnostics) = zrpc_idl::parse_str(&source, "soup.zrpc") {
            // Rendering must not panic either, and always names the file.
            let text = diagnostics.to_string();
            prop_assert!(text.contains("soup.zrpc"));
            // Messages speak the user's language, never the grammar's (only the message lines
            // are checked: the quoted source may contain anything).
            for message in diagnostics.messages() {
                let words = message.split('`').step_by(2).collect::<String>();
                for internal in ["EOI", "ident", "type_expr", "WHITESPACE", "valid syntax", "_decl"] {
                    prop_assert!(!words.contains(internal), "`{}` in: {}", internal, message);
                }
            }
        }
        if let Ok(formatted) = zrpc_idl::format_str(&source, "soup.zrpc") {
            // Formatting is idempotent.
            let again = zrpc_idl::format_str(&formatted, "soup.zrpc").ok();
            prop_assert_eq!(again.as_deref(), Some(formatted.as_str()), "{}", source);
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(source in "\\PC{0,200}") {
        let _ = zrpc_idl::parse_str(&source, "any.zrpc");
    }

    #[test]
    fn print_then_parse_round_trips(recipe in schema_recipe()) {
        let schema = build(&recipe);
        let printed = zrpc_idl::print(&schema);
        let parsed = zrpc_idl::parse_str(&printed, "printed.zrpc");
        prop_assert!(parsed.is_ok(), "{}\n{}", parsed.unwrap_err(), printed);
        let parsed = parsed.unwrap();
        prop_assert_eq!(&parsed, &schema, "{}", printed);
        prop_assert_eq!(zrpc_idl::print(&parsed), printed);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn formatting_keeps_comments_and_the_schema(
        recipe in schema_recipe(),
        spots in prop::collection::vec((any::<u16>(), any::<bool>()), 0..12),
    ) {
        let schema = build(&recipe);
        let mut lines: Vec<String> = zrpc_idl::print(&schema).lines().map(str::to_owned).collect();
        let mut inserted = Vec::new();
        for (n, (spot, own_line)) in spots.iter().enumerate() {
            let at = usize::from(*spot) % (lines.len() + 1);
            let comment = format!("// note {n}");
            let is_doc = |i: usize| lines.get(i).is_some_and(|l| l.trim_start().starts_with("///"));
            if *own_line && at > 0 && is_doc(at - 1) && is_doc(at) {
                // Inside a doc block: that splits the doc, which is a syntax error.
                continue;
            }
            if *own_line || at == lines.len() {
                lines.insert(at, comment.clone());
            } else if lines[at].trim_start().starts_with("///") {
                // The end of a doc line is part of the doc.
                continue;
            } else {
                lines[at].push_str(&format!(" {comment}"));
            }
            inserted.push(comment);
        }
        let source = lines.join("\n") + "\n";
        // A comment may change what a doc belongs to (a comment line where a blank line set the
        // file doc apart); compare with the commented source's own schema.
        let commented = zrpc_idl::parse_str(&source, "commented.zrpc");
        prop_assert!(commented.is_ok(), "{}\n{}", commented.unwrap_err(), source);
        let formatted = zrpc_idl::format_str(&source, "commented.zrpc");
        prop_assert!(formatted.is_ok(), "{}\n{}", formatted.unwrap_err(), source);
        let formatted = formatted.unwrap();
        for comment in &inserted {
            prop_assert!(formatted.contains(comment.as_str()), "lost `{}`:\n{}", comment, formatted);
        }
        let again = zrpc_idl::format_str(&formatted, "commented.zrpc").ok();
        prop_assert_eq!(again.as_deref(), Some(formatted.as_str()));
        let reparsed = zrpc_idl::parse_str(&formatted, "commented.zrpc");
        prop_assert!(reparsed.is_ok(), "{}", formatted);
        prop_assert_eq!(reparsed.unwrap(), commented.unwrap());
    }
}

/// Random choices from which `build` makes a valid schema; proptest shrinks the choices.
#[derive(Debug, Clone)]
struct Recipe {
    doc: Option<String>,
    python: Option<String>,
    types: Vec<TypeRecipe>,
    consts: Vec<(Option<String>, Vec<u8>, u64)>,
    services: Vec<ServiceRecipe>,
}

#[derive(Debug, Clone)]
struct TypeRecipe {
    kind: u8,
    doc: Option<String>,
    annotations: Vec<(String, u64)>,
    members: Vec<MemberRecipe>,
}

#[derive(Debug, Clone)]
struct MemberRecipe {
    name: String,
    doc: Option<String>,
    ty: Vec<u8>,
    default: Option<u64>,
    annotated: bool,
}

/// Name, doc, argument types, kind, result type, thrown errors.
type MethodRecipe = (String, Option<String>, Vec<Vec<u8>>, u8, Vec<u8>, Vec<u8>);

#[derive(Debug, Clone)]
struct ServiceRecipe {
    doc: Option<String>,
    methods: Vec<MethodRecipe>,
}

fn doc() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        prop::collection::vec("[ A-Za-z0-9,.`'\"/\\\\(){}<>@#*-]{0,24}", 1..4).prop_map(|lines| {
            lines
                .iter()
                .map(|l| l.trim_end())
                .collect::<Vec<_>>()
                .join("\n")
        }),
    )
}

fn member() -> impl Strategy<Value = MemberRecipe> {
    (
        "[a-z][a-z0-9_]{0,6}",
        doc(),
        prop::collection::vec(any::<u8>(), 1..6),
        prop::option::of(any::<u64>()),
        any::<bool>(),
    )
        .prop_map(|(name, doc, ty, default, annotated)| MemberRecipe {
            name,
            doc,
            ty,
            default,
            annotated,
        })
}

fn schema_recipe() -> impl Strategy<Value = Recipe> {
    let type_recipe = (
        any::<u8>(),
        doc(),
        prop::collection::vec(("[a-z][a-z_]{0,6}", any::<u64>()), 0..3),
        prop::collection::vec(member(), 0..6),
    )
        .prop_map(|(kind, doc, annotations, members)| TypeRecipe {
            kind,
            doc,
            annotations,
            members,
        });
    let method = (
        "[a-z][a-z0-9_]{0,8}",
        doc(),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 1..5), 0..4),
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 1..5),
        prop::collection::vec(any::<u8>(), 0..3),
    );
    let service = (doc(), prop::collection::vec(method, 0..6))
        .prop_map(|(doc, methods)| ServiceRecipe { doc, methods });
    (
        doc(),
        prop::option::of("[a-z]{1,5}(\\.[a-z]{1,5}){0,2}"),
        prop::collection::vec(type_recipe, 0..8),
        prop::collection::vec(
            (
                doc(),
                prop::collection::vec(any::<u8>(), 1..4),
                any::<u64>(),
            ),
            0..4,
        ),
        prop::collection::vec(service, 0..3),
    )
        .prop_map(|(doc, python, types, consts, services)| Recipe {
            doc,
            python,
            types,
            consts,
            services,
        })
}

/// What the types declared so far offer to later ones (only earlier types are referenced, so
/// there are no cycles).
#[derive(Default)]
struct Declared {
    /// Name and variant names of each enum.
    enums: Vec<(String, Vec<String>)>,
    /// Names of structs, unions and aliases to non-optional types.
    others: Vec<String>,
    errors: Vec<String>,
}

const SCALARS: [Type; 14] = [
    Type::Bool,
    Type::I8,
    Type::I16,
    Type::I32,
    Type::I64,
    Type::U8,
    Type::U16,
    Type::U32,
    Type::U64,
    Type::F32,
    Type::F64,
    Type::String,
    Type::Bytes,
    Type::Any,
];

/// A type from a list of choices; never optional at the top (callers add that).
fn build_type(choices: &mut std::slice::Iter<'_, u8>, declared: &Declared, depth: u8) -> Type {
    let choice = choices.next().copied().unwrap_or(0);
    match choice % 20 {
        n @ 0..=13 => SCALARS[usize::from(n)].clone(),
        14 | 15 if depth < 3 => Type::List(Box::new(build_type(choices, declared, depth + 1))),
        16 if depth < 3 => {
            let key_choice = choices.next().copied().unwrap_or(0);
            let key = match (key_choice % 3, declared.enums.first()) {
                (0, _) => Type::String,
                (1, Some((name, _))) => Type::Named(name.clone()),
                _ => Type::U32,
            };
            let value = build_type(choices, declared, depth + 1);
            let value = if choice % 2 == 0 {
                Type::Optional(Box::new(value))
            } else {
                value
            };
            Type::Map(Box::new(key), Box::new(value))
        }
        17 if !declared.enums.is_empty() => {
            let index = usize::from(choices.next().copied().unwrap_or(0)) % declared.enums.len();
            Type::Named(declared.enums[index].0.clone())
        }
        18 | 19 if !declared.others.is_empty() => {
            let index = usize::from(choices.next().copied().unwrap_or(0)) % declared.others.len();
            Type::Named(declared.others[index].clone())
        }
        _ => Type::String,
    }
}

/// A literal that fits `ty`, or `None` when the type takes no simple default.
fn fitting_value(ty: &Type, seed: u64, declared: &Declared) -> Option<Value> {
    let signed = |bits: u32| {
        let range = 1i128 << bits;
        let v = i128::from(seed) % range - range / 2;
        Value::Int(v as i64)
    };
    Some(match ty {
        Type::Bool => Value::Bool(seed % 2 == 0),
        Type::I8 => signed(8),
        Type::I16 => signed(16),
        Type::I32 => signed(32),
        Type::I64 => Value::Int(seed as i64),
        Type::U8 => Value::Int((seed % 256) as i64),
        Type::U16 => Value::Int((seed % 65536) as i64),
        Type::U32 => Value::Int((seed % (1 << 32)) as i64),
        Type::U64 => i64::try_from(seed).map_or(Value::UInt(seed), Value::Int),
        Type::F32 | Type::F64 => Value::Float((seed % 1_000_000) as f64 / 64.0 - 5000.0),
        Type::String | Type::Bytes => Value::String(format!("s{seed}\"\\\n\t\u{1}é")),
        Type::Any => Value::Null,
        Type::List(item) => match fitting_value(item, seed / 3, declared) {
            Some(v) if seed % 2 == 0 => Value::List(vec![v]),
            _ => Value::List(Vec::new()),
        },
        Type::Map(..) => Value::Map(Vec::new()),
        Type::Optional(inner) if seed % 3 == 0 => {
            fitting_value(inner, seed, declared).unwrap_or(Value::Null)
        }
        Type::Optional(_) => Value::Null,
        Type::Named(name) => {
            let (_, variants) = declared.enums.iter().find(|(n, _)| n == name)?;
            Value::Ident(variants[(seed as usize) % variants.len()].clone())
        }
    })
}

fn annotation(name: &str, seed: u64) -> Annotation {
    let args = match seed % 4 {
        0 => Vec::new(),
        1 => vec![Value::String(format!("v{seed}"))],
        2 => vec![Value::Int(seed as i64), Value::Bool(true)],
        _ => vec![
            Value::Ident("Word".into()),
            Value::List(vec![Value::Float(0.5)]),
        ],
    };
    Annotation {
        name: name.to_owned(),
        args,
    }
}

/// Makes names unique within one scope by appending an index.
fn unique(name: &str, index: usize) -> String {
    format!("{name}{index}")
}

fn build(recipe: &Recipe) -> Schema {
    let mut declared = Declared::default();
    let mut types = Vec::new();
    for (index, t) in recipe.types.iter().enumerate() {
        let name = format!("T{index}");
        let annotations: Vec<Annotation> = t
            .annotations
            .iter()
            .map(|(n, s)| annotation(n, *s))
            .collect();
        let fields = |declared: &Declared| -> Vec<Field> {
            t.members
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let base = build_type(&mut m.ty.iter(), declared, 0);
                    let ty = if m.ty.len() % 3 == 0 {
                        Type::Optional(Box::new(base))
                    } else {
                        base
                    };
                    Field {
                        name: unique(&m.name, i),
                        doc: m.doc.clone(),
                        annotations: if m.annotated {
                            vec![annotation("note", 1)]
                        } else {
                            Vec::new()
                        },
                        default: m
                            .default
                            .and_then(|seed| fitting_value(&ty, seed, declared)),
                        ty,
                    }
                })
                .collect()
        };
        let def = match t.kind % 5 {
            0 => TypeDef::Struct(Struct {
                name: name.clone(),
                doc: t.doc.clone(),
                annotations,
                fields: fields(&declared),
            }),
            1 => TypeDef::Error(Struct {
                name: name.clone(),
                doc: t.doc.clone(),
                annotations,
                fields: fields(&declared),
            }),
            2 => {
                let variants: Vec<EnumVariant> = (0..t.members.len().max(1))
                    .map(|i| EnumVariant {
                        name: format!("V{i}"),
                        doc: t.members.get(i).and_then(|m| m.doc.clone()),
                        annotations: Vec::new(),
                    })
                    .collect();
                TypeDef::Enum(Enum {
                    name: name.clone(),
                    doc: t.doc.clone(),
                    annotations,
                    variants,
                })
            }
            3 => {
                let mut variants: Vec<UnionVariant> = t
                    .members
                    .iter()
                    .enumerate()
                    .map(|(i, m)| UnionVariant {
                        name: unique(&m.name, i),
                        doc: m.doc.clone(),
                        annotations: Vec::new(),
                        ty: build_type(&mut m.ty.iter(), &declared, 0),
                    })
                    .collect();
                if variants.is_empty() {
                    variants.push(UnionVariant {
                        name: "only".into(),
                        doc: None,
                        annotations: Vec::new(),
                        ty: Type::I64,
                    });
                }
                TypeDef::Union(Union {
                    name: name.clone(),
                    doc: t.doc.clone(),
                    annotations,
                    variants,
                })
            }
            _ => {
                let ty = build_type(
                    &mut t
                        .members
                        .first()
                        .map(|m| m.ty.as_slice())
                        .unwrap_or(&[0])
                        .iter(),
                    &declared,
                    0,
                );
                TypeDef::Alias(Alias {
                    name: name.clone(),
                    doc: t.doc.clone(),
                    annotations,
                    ty,
                })
            }
        };
        match &def {
            TypeDef::Enum(e) => declared
                .enums
                .push((name, e.variants.iter().map(|v| v.name.clone()).collect())),
            TypeDef::Error(_) => declared.errors.push(name),
            // An alias may stand for an enum or a map; only use it where anything goes.
            TypeDef::Alias(_) => {}
            _ => declared.others.push(name),
        }
        types.push(def);
    }
    let consts = recipe
        .consts
        .iter()
        .enumerate()
        .filter_map(|(i, (doc, ty, seed))| {
            let ty = build_type(&mut ty.iter(), &declared, 0);
            let value = fitting_value(&ty, *seed, &declared)?;
            Some(Const {
                name: format!("C{i}"),
                doc: doc.clone(),
                ty,
                value,
            })
        })
        .collect();
    let services = recipe
        .services
        .iter()
        .enumerate()
        .map(|(s, service)| Service {
            name: format!("S{s}"),
            doc: service.doc.clone(),
            annotations: Vec::new(),
            methods: service
                .methods
                .iter()
                .enumerate()
                .map(|(i, (name, doc, args, kind, ret, throws))| {
                    let returns = match kind % 4 {
                        0 => Returns::Nothing,
                        1 => Returns::Oneway,
                        2 => Returns::Stream(build_type(&mut ret.iter(), &declared, 0)),
                        _ => Returns::Value(build_type(&mut ret.iter(), &declared, 0)),
                    };
                    let mut thrown: Vec<String> = Vec::new();
                    if returns != Returns::Oneway && !declared.errors.is_empty() {
                        for t in throws {
                            let error = &declared.errors[usize::from(*t) % declared.errors.len()];
                            if !thrown.contains(error) {
                                thrown.push(error.clone());
                            }
                        }
                    }
                    Method {
                        name: unique(name, i),
                        doc: doc.clone(),
                        annotations: if kind % 8 > 5 {
                            vec![annotation("deprecated", u64::from(*kind))]
                        } else {
                            Vec::new()
                        },
                        args: args
                            .iter()
                            .enumerate()
                            .map(|(a, ty)| Arg {
                                name: format!("a{a}"),
                                ty: build_type(&mut ty.iter(), &declared, 0),
                            })
                            .collect(),
                        returns,
                        throws: thrown,
                    }
                })
                .collect(),
        })
        .collect();
    Schema {
        file_stem: None,
        doc: recipe.doc.clone(),
        namespaces: recipe
            .python
            .iter()
            .map(|path| ("python".to_owned(), path.clone()))
            .collect(),
        consts,
        types,
        services,
    }
}
