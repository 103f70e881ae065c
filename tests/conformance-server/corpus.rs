//! The conformance corpus and the values the conformance tests send, in one place for the three
//! users: the harness (`codegen/tests/conformance.rs`), the live server's build script (which
//! writes the echo implementations and the Rust client calls) and the live test
//! (`tests/live.rs`, which writes the Python, Ruby and PHP client calls). Each includes this
//! file with `#[path]`; every value is a [`Literal`] of the plan, so each language spells it
//! with its own backend's `Backend::literal`.

use std::path::{Path, PathBuf};

use zrpc_plan::model::{Method, Returns, Schema, Type, TypeDef};
use zrpc_plan::{FieldValue, Literal, Plan};

/// The corpus under the workspace root `root`: `tests/conformance/*.zrpc`, then the IDL crate's
/// `all_constructs.zrpc` and the inputs of the golden files.
pub fn corpus(root: &Path) -> Vec<PathBuf> {
    let dir = root.join("tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "zrpc"))
        .collect();
    files.sort();
    files.push(root.join("idl/tests/valid/all_constructs.zrpc"));
    // The inputs of the golden files.
    files.push(root.join("examples/calculator/calculator.zrpc"));
    files.push(root.join("codegen/tests/golden/everything.zrpc"));
    files
}

/// `program` (from the workspace's `.venv/bin` when it is there), or `None` when it cannot run
/// here, which fails under `CI=true`.
pub fn tool(root: &Path, program: &str) -> Option<PathBuf> {
    let venv = root.join(".venv/bin").join(program);
    let path = if venv.exists() {
        venv
    } else {
        PathBuf::from(program)
    };
    let runs = std::process::Command::new(&path)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if runs {
        return Some(path);
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "CI=true and `{program}` cannot run; run scripts/setup.sh"
    );
    eprintln!("SKIPPED: `{program}` cannot run here");
    None
}

/// A value of `ty`: defaults where the plan has them, simple values elsewhere; `depth` stops
/// recursive types at their optional / list / map break.
pub fn sample(plan: &Plan, ty: &Type, depth: usize) -> Literal {
    match ty {
        Type::Bool => Literal::Bool(true),
        // -0.0 must keep its sign on every path (NaN comes from the corpus's defaults: the
        // harness compares with each language's `==`, for which NaN is never equal).
        Type::F32 | Type::F64 if depth < 2 => Literal::Float(-0.0),
        Type::F32 | Type::F64 => Literal::Float(1.5),
        Type::String => Literal::String("s é \u{1F600}".into()),
        Type::Bytes => Literal::Bytes(vec![0, 0xff, b'"', b'$', b'#', b'{']),
        Type::Any => Literal::Null,
        Type::List(inner) if depth < 3 => Literal::List(vec![sample(plan, inner, depth + 1)]),
        Type::Map(key, value) if depth < 3 => Literal::Map(vec![(
            sample(plan, key, depth + 1),
            sample(plan, value, depth + 1),
        )]),
        Type::List(_) => Literal::List(vec![]),
        Type::Map(_, _) => Literal::Map(vec![]),
        // A present value where it is the whole argument or result, absent inside values.
        Type::Optional(inner) if depth == 0 => Literal::Some(Box::new(sample(plan, inner, 1))),
        Type::Optional(_) => Literal::Null,
        Type::Named(name) => match plan.schema.type_def(name) {
            Some(TypeDef::Alias(alias)) => sample(plan, &alias.ty, depth),
            Some(TypeDef::Enum(e)) => Literal::Enum {
                ty: e.name.clone(),
                variant: e.variants[0].name.clone(),
            },
            Some(TypeDef::Union(u)) => Literal::Union {
                ty: u.name.clone(),
                variant: u.variants[0].name.clone(),
                value: Box::new(sample(plan, &u.variants[0].ty, depth + 1)),
            },
            Some(TypeDef::Struct(_) | TypeDef::Error(_)) => {
                let planned = plan.structure(name).expect("a planned struct");
                Literal::Struct {
                    ty: name.clone(),
                    fields: planned
                        .fields
                        .iter()
                        .map(|f| FieldValue {
                            name: f.def.name.clone(),
                            value: f
                                .absent_value()
                                .unwrap_or_else(|| sample(plan, &f.def.ty, depth + 1)),
                        })
                        .collect(),
                }
            }
            None => Literal::Null,
        },
        t if t.is_integer() => Literal::Int(7),
        _ => Literal::Null,
    }
}

/// A value of `ty` that differs from [`sample`]'s, if the type has a second value: the echo
/// server raises a method's first declared error when its first argument is this value.
pub fn marked(plan: &Plan, ty: &Type) -> Option<Literal> {
    Some(match plan.resolve(ty) {
        Type::Bool => Literal::Bool(false),
        Type::F32 | Type::F64 => Literal::Float(-2.5),
        Type::String => Literal::String("raise".into()),
        Type::Bytes => Literal::Bytes(b"raise".to_vec()),
        Type::Any => Literal::String("raise".into()),
        // The sample list / map has one entry (or none, past the depth limit).
        Type::List(inner) => Literal::List(vec![sample(plan, inner, 1), sample(plan, inner, 1)]),
        Type::Map(..) => match sample(plan, ty, 0) {
            Literal::Map(entries) if !entries.is_empty() => Literal::Map(vec![]),
            _ => return None,
        },
        Type::Optional(_) => Literal::Null,
        Type::Named(name) => match plan.schema.type_def(name)? {
            TypeDef::Enum(e) => Literal::Enum {
                ty: e.name.clone(),
                variant: e.variants.get(1)?.name.clone(),
            },
            TypeDef::Union(u) => match u.variants.get(1) {
                Some(variant) => Literal::Union {
                    ty: u.name.clone(),
                    variant: variant.name.clone(),
                    value: Box::new(sample(plan, &variant.ty, 1)),
                },
                None => Literal::Union {
                    ty: u.name.clone(),
                    variant: u.variants[0].name.clone(),
                    value: Box::new(marked(plan, &u.variants[0].ty)?),
                },
            },
            TypeDef::Struct(_) | TypeDef::Error(_) => {
                let Literal::Struct { ty, mut fields } = sample(plan, ty, 0) else {
                    return None;
                };
                let planned = plan.structure(&ty)?;
                let (index, value) = planned
                    .fields
                    .iter()
                    .enumerate()
                    .find_map(|(i, f)| Some((i, marked(plan, &f.def.ty)?)))?;
                fields[index].value = value;
                Literal::Struct { ty, fields }
            }
            TypeDef::Alias(_) => return None,
        },
        t if t.is_integer() => Literal::Int(8),
        _ => return None,
    })
}

/// `value` as a constructor call passing only the required fields of every struct inside, so
/// the language's own defaults fill in the rest; `None` when that is `value` itself.
pub fn defaults_omitted(plan: &Plan, value: &Literal) -> Option<Literal> {
    let omitted = omit(plan, value);
    (omitted != *value).then_some(omitted)
}

fn omit(plan: &Plan, value: &Literal) -> Literal {
    match value {
        Literal::Struct { ty, fields } => {
            let planned = plan.structure(ty).expect("a planned struct");
            Literal::Struct {
                ty: ty.clone(),
                fields: planned
                    .fields
                    .iter()
                    .zip(fields)
                    .filter(|(f, given)| f.absent_value().as_ref() != Some(&given.value))
                    .map(|(_, given)| FieldValue {
                        name: given.name.clone(),
                        value: omit(plan, &given.value),
                    })
                    .collect(),
            }
        }
        Literal::Union { ty, variant, value } => Literal::Union {
            ty: ty.clone(),
            variant: variant.clone(),
            value: Box::new(omit(plan, value)),
        },
        Literal::List(items) => Literal::List(items.iter().map(|v| omit(plan, v)).collect()),
        Literal::Map(entries) => Literal::Map(
            entries
                .iter()
                .map(|(k, v)| (omit(plan, k), omit(plan, v)))
                .collect(),
        ),
        Literal::Some(inner) => Literal::Some(Box::new(omit(plan, inner))),
        other => other.clone(),
    }
}

/// `value` with every field that holds its default (or is absent) given another value, so the
/// values a field can take besides its default travel too. Replacement values are not walked
/// again (a recursive type would never end).
pub fn overridden(plan: &Plan, value: &Literal) -> Literal {
    match value {
        Literal::Struct { ty, fields } => {
            let planned = plan.structure(ty).expect("a planned struct");
            Literal::Struct {
                ty: ty.clone(),
                fields: planned
                    .fields
                    .iter()
                    .zip(fields)
                    .map(|(f, given)| FieldValue {
                        name: given.name.clone(),
                        value: if f.absent_value().as_ref() == Some(&given.value) {
                            other_value(plan, &f.def.ty, &given.value)
                        } else {
                            overridden(plan, &given.value)
                        },
                    })
                    .collect(),
            }
        }
        Literal::Union { ty, variant, value } => Literal::Union {
            ty: ty.clone(),
            variant: variant.clone(),
            value: Box::new(overridden(plan, value)),
        },
        Literal::List(items) => Literal::List(items.iter().map(|v| overridden(plan, v)).collect()),
        Literal::Map(entries) => Literal::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), overridden(plan, v)))
                .collect(),
        ),
        Literal::Some(inner) => Literal::Some(Box::new(overridden(plan, inner))),
        other => other.clone(),
    }
}

/// A value of `ty` other than `value`: a present one for an optional, a sample or the marker
/// otherwise (`value` itself when the type has no other). Never nil: a field with a default
/// takes its default when it is nil on the wire (docs/idl.md).
fn other_value(plan: &Plan, ty: &Type, value: &Literal) -> Literal {
    let candidates = [
        plan.is_optional(ty)
            .then(|| Literal::Some(Box::new(sample(plan, plan.strip_optional(ty), 1)))),
        Some(sample(plan, ty, 1)),
        marked(plan, ty),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|candidate| candidate != value && *candidate != Literal::Null)
        .unwrap_or_else(|| value.clone())
}

/// `ty` with every alias replaced by what it names, at every depth: two types are the same
/// type in every language exactly when these are equal.
pub fn canonical(schema: &Schema, ty: &Type) -> Type {
    match schema.resolve_alias(ty) {
        Type::List(item) => Type::List(Box::new(canonical(schema, item))),
        Type::Map(key, value) => Type::Map(
            Box::new(canonical(schema, key)),
            Box::new(canonical(schema, value)),
        ),
        Type::Optional(inner) => Type::Optional(Box::new(canonical(schema, inner))),
        other => other.clone(),
    }
}

/// How many items an echoed stream yields.
pub const STREAM_ITEMS: usize = 3;

/// What the echo implementation of a method does.
pub struct Echo {
    /// The argument returned (or streamed) because its type is the result (item) type.
    pub returns_arg: Option<usize>,
    /// Otherwise the value returned (or streamed): a sample of the result type.
    pub value: Option<(Type, Literal)>,
    /// The method's first declared error, raised when the first argument is `marker` (or
    /// always, when there is no marker: no argument, or a type with one value).
    pub raises: Option<Raise>,
}

pub struct Raise {
    /// The error type's name.
    pub error: String,
    pub value: Literal,
    pub marker: Option<Literal>,
}

/// The echo behaviour of `method`.
pub fn echo(plan: &Plan, method: &Method) -> Echo {
    let result = match &method.returns {
        Returns::Value(ty) | Returns::Stream(ty) => Some(ty),
        Returns::Nothing | Returns::Oneway => None,
    };
    let returns_arg = result.and_then(|ty| {
        let wanted = canonical(plan.schema, ty);
        method
            .args
            .iter()
            .position(|arg| canonical(plan.schema, &arg.ty) == wanted)
    });
    let value = match (result, returns_arg) {
        (Some(ty), None) => Some((ty.clone(), sample(plan, ty, 0))),
        _ => None,
    };
    let raises = method.throws.first().map(|error| Raise {
        error: error.clone(),
        value: sample(plan, &Type::Named(error.clone()), 0),
        marker: method.args.first().and_then(|arg| marked(plan, &arg.ty)),
    });
    Echo {
        returns_arg,
        value,
        raises,
    }
}

/// One call a client makes, and what must come back.
pub struct Call {
    pub service: usize,
    pub method: usize,
    /// A label for failure messages: `Service.method (how)`.
    pub label: String,
    /// One value per argument.
    pub args: Vec<Literal>,
    /// Whether some argument is written with its defaults omitted (a constructor call with
    /// only the required fields), which only languages with keyword construction can write.
    pub defaults_omitted: bool,
    pub expect: Expect,
}

pub enum Expect {
    /// `OK [value]` of the method's result type.
    Value(Type, Literal),
    /// Every item of the stream.
    Stream(Type, Vec<Literal>),
    /// `OK [nil]` of a method without result.
    Nothing,
    /// A oneway call: nothing comes back; the server records it.
    Oneway,
    /// The typed error `error` with these fields.
    Raises { error: String, value: Literal },
}

/// Every call of every method of every service of the plan: with sample arguments, with the
/// same arguments constructed from their defaults, and with the marker that raises the
/// method's declared error.
pub fn calls(plan: &Plan) -> Vec<Call> {
    let mut calls = Vec::new();
    for (s, service) in plan.schema.services.iter().enumerate() {
        for (m, method) in service.methods.iter().enumerate() {
            let echo = echo(plan, method);
            let args: Vec<Literal> = method
                .args
                .iter()
                .map(|arg| sample(plan, &arg.ty, 0))
                .collect();
            let returned = |args: &[Literal]| match (echo.returns_arg, &echo.value) {
                (Some(index), _) => (method.args[index].ty.clone(), args[index].clone()),
                (None, Some((ty, value))) => (ty.clone(), value.clone()),
                (None, None) => (Type::Any, Literal::Null),
            };
            let success = |args: &[Literal]| match &method.returns {
                Returns::Value(_) => {
                    let (ty, value) = returned(args);
                    Expect::Value(ty, value)
                }
                Returns::Stream(_) => {
                    let (ty, value) = returned(args);
                    Expect::Stream(ty, vec![value; STREAM_ITEMS])
                }
                Returns::Nothing => Expect::Nothing,
                Returns::Oneway => Expect::Oneway,
            };
            let raise = echo.raises.as_ref().map(|raise| Expect::Raises {
                error: raise.error.clone(),
                value: raise.value.clone(),
            });
            let label = |how: &str| format!("{}.{} ({how})", service.name, method.name);
            let marker = echo.raises.as_ref().and_then(|r| r.marker.clone());
            let always_raises = echo.raises.is_some() && marker.is_none();
            let expect = |args: &[Literal]| match &raise {
                Some(Expect::Raises { error, value }) if always_raises => Expect::Raises {
                    error: error.clone(),
                    value: value.clone(),
                },
                _ => success(args),
            };
            let omitted: Vec<Literal> = args
                .iter()
                .map(|arg| defaults_omitted(plan, arg).unwrap_or_else(|| arg.clone()))
                .collect();
            if omitted != args {
                calls.push(Call {
                    service: s,
                    method: m,
                    label: label("defaults"),
                    args: omitted,
                    defaults_omitted: true,
                    expect: expect(&args),
                });
            }
            calls.push(Call {
                service: s,
                method: m,
                label: label("sample"),
                expect: expect(&args),
                args: args.clone(),
                defaults_omitted: false,
            });
            let others: Vec<Literal> = args.iter().map(|arg| overridden(plan, arg)).collect();
            if others != args {
                calls.push(Call {
                    service: s,
                    method: m,
                    label: label("other values"),
                    expect: expect(&others),
                    args: others,
                    defaults_omitted: false,
                });
            }
            if let (Some(marker), Some(Expect::Raises { error, value })) = (marker, &raise) {
                let mut marked = args.clone();
                marked[0] = marker;
                calls.push(Call {
                    service: s,
                    method: m,
                    label: label("raises"),
                    args: marked,
                    defaults_omitted: false,
                    expect: Expect::Raises {
                        error: error.clone(),
                        value: value.clone(),
                    },
                });
            }
        }
    }
    calls
}
