//! Defaults and consts as typed values.
//!
//! The model keeps a literal as the IDL spelled it (`{x: 0.0}`, `Red`, `MAX`, `"\0raw"`); a
//! backend needs to know what it *is* for the type it initialises: a `Point` with every field, an
//! enum member, the bytes of a `bytes` string, a float for an integer written where a float is
//! expected. Lowering does that once, with const names inlined, so no backend re-derives it.

use crate::model::{Schema, Type, TypeDef, Value};
use crate::PlanError;

/// A value of a known type, ready to be spelled in any language.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    /// An integer of an integer type (or inside `any`) that fits an `i64`.
    Int(i64),
    /// A `u64` above `i64::MAX`.
    UInt(u64),
    /// A value of an `f32` / `f64` type (integer literals already converted); may be NaN or ±inf.
    Float(f64),
    String(String),
    /// A `bytes` value: the UTF-8 encoding of the IDL string.
    Bytes(Vec<u8>),
    List(Vec<Literal>),
    Map(Vec<(Literal, Literal)>),
    /// A present value of an optional type (`Some(x)` in Rust; the plain value elsewhere).
    Some(Box<Literal>),
    /// A member of the enum declared as `ty`.
    Enum {
        ty: String,
        variant: String,
    },
    /// A struct or error: every field in declaration order, defaults filled in.
    Struct {
        ty: String,
        fields: Vec<FieldValue>,
    },
    /// One variant of the union declared as `ty`.
    Union {
        ty: String,
        variant: String,
        value: Box<Literal>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldValue {
    /// The field's wire name.
    pub name: String,
    pub value: Literal,
}

impl Literal {
    /// `Some(x)` unwrapped to `x`: what every language but Rust writes for a present optional.
    pub fn unwrap_some(&self) -> &Literal {
        match self {
            Literal::Some(inner) => inner.unwrap_some(),
            other => other,
        }
    }

    /// True for values a language must build fresh per use (lists, maps, structs, unions).
    /// Whether a struct or union value occurs anywhere inside (an object in most languages:
    /// PHP cannot build one in a class constant).
    pub fn has_object(&self) -> bool {
        match self {
            Literal::Struct { .. } | Literal::Union { .. } => true,
            Literal::Some(inner) => inner.has_object(),
            Literal::List(items) => items.iter().any(Literal::has_object),
            Literal::Map(entries) => entries
                .iter()
                .any(|(k, v)| k.has_object() || v.has_object()),
            _ => false,
        }
    }

    pub fn is_mutable(&self) -> bool {
        matches!(
            self.unwrap_some(),
            Literal::List(_) | Literal::Map(_) | Literal::Struct { .. } | Literal::Union { .. }
        )
    }
}

/// Limits recursion through const references and nested values of a hand-built model.
const MAX_DEPTH: usize = 128;

/// Lowers `value` written for `ty`; `context` names the default or const in errors.
pub fn lower(
    schema: &Schema,
    ty: &Type,
    value: &Value,
    context: &str,
) -> Result<Literal, PlanError> {
    Lowering { schema, context }.lower(ty, value, 0)
}

struct Lowering<'a> {
    schema: &'a Schema,
    context: &'a str,
}

impl Lowering<'_> {
    fn error(&self, message: String) -> PlanError {
        PlanError::BadValue {
            context: self.context.to_owned(),
            message,
        }
    }

    fn lower(&self, ty: &Type, value: &Value, depth: usize) -> Result<Literal, PlanError> {
        if depth > MAX_DEPTH {
            return Err(self.error("the value nests too deeply".to_owned()));
        }
        let ty = self.schema.resolve_alias(ty);
        if let Value::Ident(name) = value {
            if !self.is_variant_of(ty, name) {
                if let Some(constant) = self.schema.consts.iter().find(|c| &c.name == name) {
                    return self.lower(ty, &constant.value, depth + 1);
                }
            }
        }
        let mismatch = || {
            self.error(format!(
                "{} does not fit the type {}",
                describe(value),
                type_text(ty)
            ))
        };
        Ok(match (ty, value) {
            (Type::Optional(_), Value::Null) => Literal::Null,
            (Type::Optional(inner), value) => {
                Literal::Some(Box::new(self.lower(inner, value, depth + 1)?))
            }
            (Type::Any, value) => self.untyped(value, depth)?,
            (Type::Bool, Value::Bool(b)) => Literal::Bool(*b),
            (ty, Value::Int(i)) if ty.is_integer() => {
                if !fits(ty, i128::from(*i)) {
                    return Err(mismatch());
                }
                Literal::Int(*i)
            }
            (Type::U64, Value::UInt(u)) => Literal::UInt(*u),
            (Type::F32 | Type::F64, Value::Int(i)) => Literal::Float(*i as f64),
            (Type::F32 | Type::F64, Value::UInt(u)) => Literal::Float(*u as f64),
            (Type::F32 | Type::F64, Value::Float(f)) => Literal::Float(*f),
            (Type::String, Value::String(s)) => Literal::String(s.clone()),
            (Type::Bytes, Value::String(s)) => Literal::Bytes(s.as_bytes().to_vec()),
            (Type::List(item), Value::List(items)) => Literal::List(
                items
                    .iter()
                    .map(|v| self.lower(item, v, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            (Type::Map(key, val), Value::Map(entries)) => Literal::Map(
                entries
                    .iter()
                    .map(|(k, v)| {
                        Ok((
                            self.lower(key, k, depth + 1)?,
                            self.lower(val, v, depth + 1)?,
                        ))
                    })
                    .collect::<Result<_, PlanError>>()?,
            ),
            (Type::Named(name), value) => self.named(name, value, depth).ok_or_else(mismatch)??,
            _ => return Err(mismatch()),
        })
    }

    fn is_variant_of(&self, ty: &Type, name: &str) -> bool {
        match self.schema.resolve_alias(ty) {
            Type::Optional(inner) => self.is_variant_of(inner, name),
            Type::Named(ty) => matches!(
                self.schema.type_def(ty),
                Some(TypeDef::Enum(e)) if e.variants.iter().any(|v| v.name == name)
            ),
            _ => false,
        }
    }

    /// `None` when the value has the wrong shape for the declared type.
    fn named(&self, name: &str, value: &Value, depth: usize) -> Option<Result<Literal, PlanError>> {
        match (self.schema.type_def(name)?, value) {
            (TypeDef::Enum(e), Value::Ident(v) | Value::String(v)) => {
                let variant = e.variants.iter().find(|variant| &variant.name == v)?;
                Some(Ok(Literal::Enum {
                    ty: e.name.clone(),
                    variant: variant.name.clone(),
                }))
            }
            (TypeDef::Struct(s) | TypeDef::Error(s), Value::Map(entries)) => {
                let mut given = Vec::new();
                for (key, value) in entries {
                    let (Value::Ident(key) | Value::String(key)) = key else {
                        return None;
                    };
                    if !s.fields.iter().any(|f| &f.name == key) {
                        return Some(Err(self.error(format!("`{}` has no field `{key}`", s.name))));
                    }
                    given.push((key, value));
                }
                let fields = s.fields.iter().map(|field| {
                    let value = match given.iter().find(|(key, _)| *key == &field.name) {
                        Some((_, value)) => self.lower(&field.ty, value, depth + 1)?,
                        None => match &field.default {
                            Some(default) => self.lower(&field.ty, default, depth + 1)?,
                            None if self.optional(&field.ty) => Literal::Null,
                            None => {
                                return Err(self.error(format!(
                                    "the required field `{}.{}` is missing",
                                    s.name, field.name
                                )))
                            }
                        },
                    };
                    Ok(FieldValue {
                        name: field.name.clone(),
                        value,
                    })
                });
                Some(
                    fields
                        .collect::<Result<_, _>>()
                        .map(|fields| Literal::Struct {
                            ty: s.name.clone(),
                            fields,
                        }),
                )
            }
            (TypeDef::Union(u), Value::Map(entries)) if entries.len() == 1 => {
                let (Value::Ident(key) | Value::String(key), value) = &entries[0] else {
                    return None;
                };
                let variant = u.variants.iter().find(|v| &v.name == key)?;
                Some(
                    self.lower(&variant.ty, value, depth + 1)
                        .map(|value| Literal::Union {
                            ty: u.name.clone(),
                            variant: variant.name.clone(),
                            value: Box::new(value),
                        }),
                )
            }
            _ => None,
        }
    }

    fn optional(&self, ty: &Type) -> bool {
        matches!(self.schema.resolve_alias(ty), Type::Optional(_))
    }

    /// A value of type `any`: taken as the msgpack data it spells.
    fn untyped(&self, value: &Value, depth: usize) -> Result<Literal, PlanError> {
        if depth > MAX_DEPTH {
            return Err(self.error("the value nests too deeply".to_owned()));
        }
        Ok(match value {
            Value::Null => Literal::Null,
            Value::Bool(b) => Literal::Bool(*b),
            Value::Int(i) => Literal::Int(*i),
            Value::UInt(u) => Literal::UInt(*u),
            Value::Float(f) => Literal::Float(*f),
            Value::String(s) => Literal::String(s.clone()),
            Value::List(items) => Literal::List(
                items
                    .iter()
                    .map(|v| self.untyped(v, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Map(entries) => Literal::Map(
                entries
                    .iter()
                    .map(|(k, v)| Ok((self.untyped(k, depth + 1)?, self.untyped(v, depth + 1)?)))
                    .collect::<Result<_, PlanError>>()?,
            ),
            Value::Ident(name) => match self.schema.consts.iter().find(|c| &c.name == name) {
                Some(constant) => self.lower(&constant.ty, &constant.value, depth + 1)?,
                None => return Err(self.error(format!("`{name}` is not a const"))),
            },
        })
    }
}

fn fits(ty: &Type, i: i128) -> bool {
    let (min, max): (i128, i128) = match ty {
        Type::I8 => (i8::MIN.into(), i8::MAX.into()),
        Type::I16 => (i16::MIN.into(), i16::MAX.into()),
        Type::I32 => (i32::MIN.into(), i32::MAX.into()),
        Type::I64 => (i64::MIN.into(), i64::MAX.into()),
        Type::U8 => (0, u8::MAX.into()),
        Type::U16 => (0, u16::MAX.into()),
        Type::U32 => (0, u32::MAX.into()),
        Type::U64 => (0, u64::MAX.into()),
        _ => return false,
    };
    (min..=max).contains(&i)
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "`null`".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Int(i) => format!("`{i}`"),
        Value::UInt(u) => format!("`{u}`"),
        Value::Float(f) => format!("`{f}`"),
        Value::String(_) => "a string".to_owned(),
        Value::List(_) => "a list".to_owned(),
        Value::Map(_) => "a map".to_owned(),
        Value::Ident(name) => format!("`{name}`"),
    }
}

/// The IDL spelling of a type, for messages.
pub fn type_text(ty: &Type) -> String {
    match ty {
        Type::List(item) => format!("list<{}>", type_text(item)),
        Type::Map(k, v) => format!("map<{}, {}>", type_text(k), type_text(v)),
        Type::Optional(inner) => format!("{}?", type_text(inner)),
        Type::Named(name) => name.clone(),
        other => other.builtin_name().unwrap_or("?").to_owned(),
    }
}
