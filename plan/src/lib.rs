//! The plan: what every code generator needs to know about a schema, computed once.
//!
//! Between the validated model and the per-language backends sit the facts each language used
//! to re-derive on its own, and got differently: a field's optional-ness through aliases, the
//! constructor order, defaults and consts as typed values ([`Literal`]), the errors a method may
//! raise, docs and deprecation. A backend ([`Backend`]) only spells them: type names, literals,
//! names escaped from its one [`Reserved`] table, encode/decode expressions, and its files,
//! laid out by [`layout`] from the indentation the templates give.

pub mod backend;
pub mod layout;
pub mod literal;
pub mod names;
pub mod reserved;

/// The service model the plan reads.
pub use zrpc_model as model;

pub use backend::{Backend, ClientNames, GenerateError, GenerateOptions, GeneratedFile};
pub use literal::{FieldValue, Literal};
pub use names::{Derive, Derived, Kind, Names, Spelling};
pub use reserved::{Position, Reserved};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use model::{Annotation, Const, Field, Method, Schema, Service, Struct, Type, TypeDef};

/// A schema the generators cannot render.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("{context}: {message}")]
    BadValue { context: String, message: String },
    #[error("unknown type `{0}`")]
    UnknownType(String),
    #[error("`{method}` throws `{error}`, which is not a declared error")]
    NotAnError { method: String, error: String },
}

/// The plan of a whole schema.
pub struct Plan<'a> {
    pub schema: &'a Schema,
    pub consts: Vec<ConstPlan<'a>>,
    /// Structs and errors, in schema order.
    pub structs: Vec<StructPlan<'a>>,
    /// Each language's [`Names`] of the schema, by language, built on first use.
    names: Mutex<HashMap<&'static str, Arc<Names>>>,
}

pub struct ConstPlan<'a> {
    pub def: &'a Const,
    pub value: Literal,
}

pub struct StructPlan<'a> {
    pub def: &'a Struct,
    pub error: bool,
    /// In declaration (wire) order.
    pub fields: Vec<FieldPlan<'a>>,
}

pub struct FieldPlan<'a> {
    pub def: &'a Field,
    /// Optional, directly or through aliases (`type Note = string?`).
    pub optional: bool,
    pub default: Option<Literal>,
}

impl FieldPlan<'_> {
    /// Neither a default nor optional: must be given and must be on the wire.
    pub fn required(&self) -> bool {
        self.default.is_none() && !self.optional
    }

    /// The value of the field when it is absent on the wire or not passed to a constructor.
    pub fn absent_value(&self) -> Option<Literal> {
        match &self.default {
            Some(default) => Some(default.clone()),
            None if self.optional => Some(Literal::Null),
            None => None,
        }
    }
}

impl<'a> StructPlan<'a> {
    /// Constructor order: required fields first (languages with positional defaults need it),
    /// each group in declaration order.
    pub fn constructor_order(&self) -> impl Iterator<Item = &FieldPlan<'a>> {
        let required = self.fields.iter().filter(|f| f.required());
        required.chain(self.fields.iter().filter(|f| !f.required()))
    }
}

impl<'a> Plan<'a> {
    /// Plans `schema`; fails on defaults or consts no language could write (a hand-built model
    /// that skipped validation), naming the item.
    pub fn new(schema: &'a Schema) -> Result<Plan<'a>, PlanError> {
        let consts = schema
            .consts
            .iter()
            .map(|def| {
                let context = format!("const `{}`", def.name);
                literal::lower(schema, &def.ty, &def.value, &context)
                    .map(|value| ConstPlan { def, value })
            })
            .collect::<Result<_, _>>()?;
        let mut structs = Vec::new();
        for def in &schema.types {
            let (TypeDef::Struct(s) | TypeDef::Error(s)) = def else {
                continue;
            };
            let fields = s
                .fields
                .iter()
                .map(|field| {
                    let context = format!("default of `{}.{}`", s.name, field.name);
                    let default = field
                        .default
                        .as_ref()
                        .map(|value| literal::lower(schema, &field.ty, value, &context))
                        .transpose()?;
                    Ok(FieldPlan {
                        def: field,
                        optional: is_optional(schema, &field.ty),
                        default,
                    })
                })
                .collect::<Result<_, PlanError>>()?;
            structs.push(StructPlan {
                def: s,
                error: matches!(def, TypeDef::Error(_)),
                fields,
            });
        }
        for service in &schema.services {
            for method in &service.methods {
                for error in &method.throws {
                    if !matches!(schema.type_def(error), Some(TypeDef::Error(_))) {
                        return Err(PlanError::NotAnError {
                            method: format!("{}.{}", service.name, method.name),
                            error: error.clone(),
                        });
                    }
                }
            }
        }
        Ok(Plan {
            schema,
            consts,
            structs,
            names: Mutex::default(),
        })
    }

    /// Every name of the schema as `spelling` spells it, built on the first call for its
    /// language and shared by the later ones: a backend's `literal`, `encode`, `decode` are
    /// called once per value, and building the names walks the whole schema.
    pub fn names(&self, spelling: Spelling) -> Arc<Names> {
        let mut built = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            built
                .entry(spelling.reserved.language)
                .or_insert_with(|| Arc::new(Names::new(self.schema, spelling))),
        )
    }

    /// The plan of the struct or error called `name`.
    pub fn structure(&self, name: &str) -> Option<&StructPlan<'a>> {
        self.structs.iter().find(|s| s.def.name == name)
    }

    /// `ty` with aliases followed at the top (not inside lists or maps).
    pub fn resolve<'t>(&'t self, ty: &'t Type) -> &'t Type {
        self.schema.resolve_alias(ty)
    }

    /// Optional directly or through an alias.
    pub fn is_optional(&self, ty: &Type) -> bool {
        is_optional(self.schema, ty)
    }

    /// `T` of `T?` (through aliases); `ty` itself when it is not optional.
    pub fn strip_optional<'t>(&'t self, ty: &'t Type) -> &'t Type {
        match self.resolve(ty) {
            Type::Optional(inner) => inner,
            _ => ty,
        }
    }

    /// The declared (non-alias) type a named type ends in.
    pub fn named_def(&self, ty: &Type) -> Option<&'a TypeDef> {
        match self.schema.resolve_alias(ty) {
            Type::Named(name) => self.schema.type_def(name),
            _ => None,
        }
    }

    /// The error types `method` may raise, in `throws` order.
    pub fn errors(&self, method: &Method) -> Vec<&'a Struct> {
        method
            .throws
            .iter()
            .filter_map(|name| match self.schema.type_def(name) {
                Some(TypeDef::Error(s)) => Some(s),
                _ => None,
            })
            .collect()
    }

    /// Every error any method of `service` may raise, once, in first-use order.
    pub fn service_errors(&self, service: &Service) -> Vec<&'a Struct> {
        let mut errors: Vec<&Struct> = Vec::new();
        for method in &service.methods {
            for error in self.errors(method) {
                if !errors.iter().any(|e| e.name == error.name) {
                    errors.push(error);
                }
            }
        }
        errors
    }
}

fn is_optional(schema: &Schema, ty: &Type) -> bool {
    matches!(schema.resolve_alias(ty), Type::Optional(_))
}

/// `@deprecated` / `@deprecated("reason")`: `Some(reason)` when deprecated.
pub fn deprecation(annotations: &[Annotation]) -> Option<Option<&str>> {
    annotations
        .iter()
        .find(|a| a.name == "deprecated")
        .map(|a| match a.args.first() {
            Some(model::Value::String(reason)) => Some(reason.as_str()),
            _ => None,
        })
}

/// The lines of a doc comment without blank edges or trailing spaces; empty without a doc.
pub fn doc_lines(doc: Option<&str>) -> Vec<&str> {
    let mut lines: Vec<&str> = doc
        .map(|doc| doc.lines().map(str::trim_end).collect())
        .unwrap_or_default();
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|line| line.is_empty()) {
        lines.remove(0);
    }
    lines
}
