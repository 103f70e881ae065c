//! The service model: resolved, validated, plain data.
//!
//! Both front ends (the IDL parser and the `#[rpc_service]` macro) lower to these types, and every
//! generator reads only them. No parser or `syn` types appear here, so the model can be built by
//! hand, compared, serialized and sent over the wire (introspection).

mod reserved;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use reserved::{
    RESERVED_METHOD_NAMES, RESERVED_METHOD_PREFIXES, RESERVED_PREFIX, SERVICE_CLASS_AFFIXES,
};

/// A whole resolved schema: the root file plus everything it imports, flattened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// Stem of the IDL file the schema was compiled from (`calculator` for `calculator.zrpc`),
    /// which names generated files; set by `zrpc_codegen::load` and `compile`, `None` for a
    /// service defined in Rust or a schema parsed from a string.
    pub file_stem: Option<String>,
    /// Doc comment of the root file (a `///` block before the first item).
    pub doc: Option<String>,
    /// Namespaces from `namespace LANG NAME` lines, keyed by language (`python` →
    /// `acme.calc`, `ruby` → `Acme::Calc`, `php` → `Acme\Calc`, `rust` → `acme::calc`), so a
    /// new back end needs no change here.
    pub namespaces: BTreeMap<String, String>,
    pub consts: Vec<Const>,
    pub types: Vec<TypeDef>,
    pub services: Vec<Service>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Const {
    pub name: String,
    pub doc: Option<String>,
    pub ty: Type,
    pub value: Value,
}

/// A named type declared in the schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TypeDef {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// Same shape as a struct; may be raised by methods that `throws` it.
    Error(Struct),
    Alias(Alias),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) | TypeDef::Error(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Union(u) => &u.name,
            TypeDef::Alias(a) => &a.name,
        }
    }

    pub fn doc(&self) -> Option<&str> {
        match self {
            TypeDef::Struct(s) | TypeDef::Error(s) => s.doc.as_deref(),
            TypeDef::Enum(e) => e.doc.as_deref(),
            TypeDef::Union(u) => u.doc.as_deref(),
            TypeDef::Alias(a) => a.doc.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Struct {
    pub name: String,
    pub doc: Option<String>,
    pub annotations: Vec<Annotation>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The wire name (map key); generators may escape it, never change it on the wire.
    pub name: String,
    pub doc: Option<String>,
    pub annotations: Vec<Annotation>,
    pub ty: Type,
    pub default: Option<Value>,
}

impl Field {
    /// A field that may be absent on the wire: optional, or with a default.
    pub fn may_be_absent(&self) -> bool {
        self.default.is_some() || matches!(self.ty, Type::Optional(_))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    pub name: String,
    pub doc: Option<String>,
    pub annotations: Vec<Annotation>,
    pub variants: Vec<EnumVariant>,
}

/// An enum variant travels as its name (a msgpack str).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumVariant {
    pub name: String,
    pub doc: Option<String>,
    pub annotations: Vec<Annotation>,
}

/// A tagged union: on the wire a one-entry map `{variant_name: value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Union {
    pub name: String,
    pub doc: Option<String>,
    pub annotations: Vec<Annotation>,
    pub variants: Vec<UnionVariant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnionVariant {
    pub name: String,
    pub doc: Option<String>,
    pub annotations: Vec<Annotation>,
    pub ty: Type,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    pub doc: Option<String>,
    pub annotations: Vec<Annotation>,
    pub ty: Type,
}

/// A type expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Type {
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
    String,
    Bytes,
    /// An untyped msgpack value.
    Any,
    List(Box<Type>),
    Map(Box<Type>, Box<Type>),
    /// `T?`: may be absent or nil.
    Optional(Box<Type>),
    /// A struct, enum, union, error or alias declared in the schema, by name.
    Named(String),
}

impl Type {
    /// The IDL spelling of a builtin scalar, `None` for compound and named types.
    pub fn builtin_name(&self) -> Option<&'static str> {
        Some(match self {
            Type::Bool => "bool",
            Type::I8 => "i8",
            Type::I16 => "i16",
            Type::I32 => "i32",
            Type::I64 => "i64",
            Type::U8 => "u8",
            Type::U16 => "u16",
            Type::U32 => "u32",
            Type::U64 => "u64",
            Type::F32 => "f32",
            Type::F64 => "f64",
            Type::String => "string",
            Type::Bytes => "bytes",
            Type::Any => "any",
            _ => return None,
        })
    }

    /// The builtin scalar named `name` in the IDL.
    pub fn from_builtin_name(name: &str) -> Option<Type> {
        Some(match name {
            "bool" => Type::Bool,
            "i8" => Type::I8,
            "i16" => Type::I16,
            "i32" => Type::I32,
            "i64" => Type::I64,
            "u8" => Type::U8,
            "u16" => Type::U16,
            "u32" => Type::U32,
            "u64" => Type::U64,
            "f32" => Type::F32,
            "f64" => Type::F64,
            "string" => Type::String,
            "bytes" => Type::Bytes,
            "any" => Type::Any,
            _ => return None,
        })
    }

    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            Type::I8
                | Type::I16
                | Type::I32
                | Type::I64
                | Type::U8
                | Type::U16
                | Type::U32
                | Type::U64
        )
    }
}

/// A literal: a default value, a const value or an annotation argument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Bool(bool),
    /// Integers that fit an `i64`.
    Int(i64),
    /// Integers above `i64::MAX` (only valid for `u64`).
    UInt(u64),
    Float(f64),
    String(String),
    List(Vec<Value>),
    Map(Vec<(Value, Value)>),
    /// A bare identifier: an enum variant (`Red`) or a const name.
    Ident(String),
}

/// `@name` or `@name(args)` on an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    pub name: String,
    pub args: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub name: String,
    pub doc: Option<String>,
    pub annotations: Vec<Annotation>,
    pub methods: Vec<Method>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// The wire name (the request's event name).
    pub name: String,
    pub doc: Option<String>,
    pub annotations: Vec<Annotation>,
    /// Positional arguments, in wire order.
    pub args: Vec<Arg>,
    pub returns: Returns,
    /// Names of declared `error` types this method may raise.
    pub throws: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arg {
    pub name: String,
    pub ty: Type,
}

/// What a method sends back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Returns {
    /// No result: `OK [nil]` on the wire.
    Nothing,
    /// `OK [value]`.
    Value(Type),
    /// `STREAM item`* then `STREAM_DONE`.
    Stream(Type),
    /// `oneway`: the caller sends the request and does not wait for any reply.
    Oneway,
}

impl Schema {
    /// The namespace declared for `language` (`python`, `ruby`, `php`, `rust`, ...).
    pub fn namespace(&self, language: &str) -> Option<&str> {
        self.namespaces.get(language).map(String::as_str)
    }

    /// The declared type called `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name() == name)
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }

    /// Follows aliases until a non-alias type.
    pub fn resolve_alias<'a>(&'a self, ty: &'a Type) -> &'a Type {
        let mut current = ty;
        // Bounded: validation rejects alias cycles, but a hand-built model might not.
        for _ in 0..=self.types.len() {
            match current {
                Type::Named(name) => match self.type_def(name) {
                    Some(TypeDef::Alias(alias)) => current = &alias.ty,
                    _ => return current,
                },
                _ => return current,
            }
        }
        current
    }
}
