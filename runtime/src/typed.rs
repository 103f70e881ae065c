//! Support for generated code (`#[zrpc::rpc_service]`, `#[derive(zrpc::Type)]`, IDL → Rust):
//! types describe themselves to the service model, and typed errors cross the wire with their
//! fields.
//!
//! The hidden functions are the plumbing of generated code; user code needs only the traits and
//! types.

use std::collections::{BTreeMap, HashMap};

use futures::stream::{BoxStream, Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;

use model::{Schema, Service, Type, TypeDef, Value};
pub use zrpc_model as model;

use crate::{Error, RemoteError, Reply};

/// The IDL's `bytes`: msgpack bin on the wire (a str is accepted too, as PHP sends).
///
/// Cheap to clone (a [`bytes::Bytes`] inside). A value a handler or a client receives is a
/// slice of the message it came in, not a copy; a large value sent is written to the socket
/// from its own buffer, not copied into the message.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(bytes::Bytes);

impl Bytes {
    /// Empty.
    pub fn new() -> Self {
        Self::default()
    }

    /// The bytes as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as a [`bytes::Bytes`] (no copy).
    pub fn into_bytes(self) -> bytes::Bytes {
        self.0
    }

    /// The bytes as a `Vec` (copies unless this value is the buffer's only owner).
    pub fn into_vec(self) -> Vec<u8> {
        self.0.into()
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0[..], f)
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl std::borrow::Borrow<[u8]> for Bytes {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

impl From<bytes::Bytes> for Bytes {
    fn from(bytes: bytes::Bytes) -> Self {
        Bytes(bytes)
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes(bytes.into())
    }
}

impl From<&[u8]> for Bytes {
    fn from(bytes: &[u8]) -> Self {
        Bytes(bytes::Bytes::copy_from_slice(bytes))
    }
}

impl<const N: usize> From<&[u8; N]> for Bytes {
    fn from(bytes: &[u8; N]) -> Self {
        Bytes(bytes::Bytes::copy_from_slice(bytes))
    }
}

impl From<String> for Bytes {
    fn from(text: String) -> Self {
        Bytes(text.into())
    }
}

impl From<&str> for Bytes {
    fn from(text: &str) -> Self {
        Bytes(bytes::Bytes::copy_from_slice(text.as_bytes()))
    }
}

impl From<Bytes> for bytes::Bytes {
    fn from(bytes: Bytes) -> Self {
        bytes.0
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(bytes: Bytes) -> Self {
        bytes.0.into()
    }
}

impl PartialEq<[u8]> for Bytes {
    fn eq(&self, other: &[u8]) -> bool {
        self.0 == other
    }
}

impl PartialEq<Vec<u8>> for Bytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.0 == other
    }
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::splice::offer(&self.0);
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

struct BytesVisitor;

impl<'de> serde::de::Visitor<'de> for BytesVisitor {
    type Value = Bytes;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("bytes")
    }

    fn visit_borrowed_bytes<E: serde::de::Error>(self, v: &'de [u8]) -> Result<Bytes, E> {
        Ok(crate::splice::borrow(v).map_or_else(|| Bytes::from(v), Bytes))
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
        Ok(Bytes::from(v))
    }

    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
        Ok(Bytes::from(v))
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Bytes, E> {
        self.visit_borrowed_bytes(v.as_bytes())
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Bytes, E> {
        Ok(Bytes::from(v))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Bytes, E> {
        Ok(Bytes::from(v))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(byte) = seq.next_element::<u8>()? {
            bytes.push(byte);
        }
        Ok(Bytes::from(bytes))
    }
}

/// The IDL's `any`: an untyped msgpack value.
pub type Any = rmpv::Value;

/// What a `stream<T>` method returns on the server: `STREAM item`* then `STREAM_DONE`.
pub type Streaming<T> = BoxStream<'static, T>;

/// What a `stream<T>` method returns on the client: items, or the error that ended the stream.
pub type ItemStream<T, E = Error> = BoxStream<'static, Result<T, E>>;

/// A Rust type with an IDL spelling. Derive it with `#[derive(zrpc::Type)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no zrpc wire type",
    label = "not a zrpc type",
    note = "derive `zrpc::Type` (next to serde's derives) on structs, enums and unions; \
            use `zrpc::Bytes` for bytes and `zrpc::Any` for untyped values"
)]
pub trait Describe {
    /// The model type of `Self`, defining any named types it uses in `types`.
    fn describe(types: &mut TypeRegistry) -> Type;
}

macro_rules! describe_as {
    ($($rust:ty => $model:ident),* $(,)?) => {
        $(impl Describe for $rust {
            fn describe(_: &mut TypeRegistry) -> Type {
                Type::$model
            }
        })*
    };
}

describe_as! {
    bool => Bool, i8 => I8, i16 => I16, i32 => I32, i64 => I64,
    u8 => U8, u16 => U16, u32 => U32, u64 => U64, f32 => F32, f64 => F64,
    String => String, Bytes => Bytes, Any => Any,
}

impl<T: Describe> Describe for Vec<T> {
    fn describe(types: &mut TypeRegistry) -> Type {
        Type::List(Box::new(T::describe(types)))
    }
}

impl<T: Describe> Describe for Option<T> {
    fn describe(types: &mut TypeRegistry) -> Type {
        Type::Optional(Box::new(T::describe(types)))
    }
}

impl<T: Describe> Describe for Box<T> {
    fn describe(types: &mut TypeRegistry) -> Type {
        T::describe(types)
    }
}

impl<K: Describe, V: Describe, S> Describe for HashMap<K, V, S> {
    fn describe(types: &mut TypeRegistry) -> Type {
        Type::Map(Box::new(K::describe(types)), Box::new(V::describe(types)))
    }
}

impl<K: Describe, V: Describe> Describe for BTreeMap<K, V> {
    fn describe(types: &mut TypeRegistry) -> Type {
        Type::Map(Box::new(K::describe(types)), Box::new(V::describe(types)))
    }
}

/// The named types of a service, collected while describing its methods.
#[derive(Debug, Default)]
pub struct TypeRegistry {
    defs: Vec<TypeDef>,
    /// Names being defined right now, so recursive types terminate.
    defining: Vec<String>,
}

impl TypeRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// `Type::Named(name)`, running `define` the first time `name` is seen. Types a definition
    /// uses are listed before it.
    pub fn define(&mut self, name: &str, define: impl FnOnce(&mut Self) -> TypeDef) -> Type {
        let known = self.defs.iter().any(|def| def.name() == name)
            || self.defining.iter().any(|defining| defining == name);
        if !known {
            self.defining.push(name.to_owned());
            let def = define(self);
            self.defining.pop();
            self.defs.push(def);
        }
        Type::Named(name.to_owned())
    }

    /// The model literal of a field default, `None` for a default of `None` on an optional field.
    pub fn default_value<T: Serialize>(&self, ty: &Type, value: &T) -> Option<Value> {
        let value = crate::error::to_named_value(value).ok()?;
        match (ty, &value) {
            (Type::Optional(_), rmpv::Value::Nil) => None,
            _ => Some(self.literal(ty, value)),
        }
    }

    fn literal(&self, ty: &Type, value: rmpv::Value) -> Value {
        let ty = self.resolve(ty);
        match value {
            rmpv::Value::Nil => Value::Null,
            rmpv::Value::Boolean(flag) => Value::Bool(flag),
            rmpv::Value::Integer(int) => match (int.as_i64(), int.as_u64()) {
                (Some(int), _) => Value::Int(int),
                (None, Some(int)) => Value::UInt(int),
                (None, None) => Value::Null,
            },
            rmpv::Value::F32(float) => Value::Float(float.into()),
            rmpv::Value::F64(float) => Value::Float(float),
            rmpv::Value::String(text) => {
                let text = text.into_str().unwrap_or_default();
                match ty {
                    Type::Named(name) if matches!(self.def(name), Some(TypeDef::Enum(_))) => {
                        Value::Ident(text)
                    }
                    _ => Value::String(text),
                }
            }
            rmpv::Value::Binary(bytes) => Value::String(String::from_utf8_lossy(&bytes).into()),
            rmpv::Value::Array(items) => {
                let item_ty = match ty {
                    Type::List(item) | Type::Optional(item) => (**item).clone(),
                    _ => Type::Any,
                };
                Value::List(
                    items
                        .into_iter()
                        .map(|v| self.literal(&item_ty, v))
                        .collect(),
                )
            }
            rmpv::Value::Map(entries) => {
                let (key_ty, value_ty) = match ty {
                    Type::Map(key, value) => ((**key).clone(), (**value).clone()),
                    _ => (Type::Any, Type::Any),
                };
                Value::Map(
                    entries
                        .into_iter()
                        .map(|(k, v)| (self.literal(&key_ty, k), self.literal(&value_ty, v)))
                        .collect(),
                )
            }
            rmpv::Value::Ext(..) => Value::Null,
        }
    }

    fn def(&self, name: &str) -> Option<&TypeDef> {
        self.defs.iter().find(|def| def.name() == name)
    }

    fn resolve<'a>(&'a self, ty: &'a Type) -> &'a Type {
        match ty {
            Type::Optional(inner) => self.resolve(inner),
            other => other,
        }
    }

    /// A schema of `service` and every type its methods use.
    pub fn into_schema(self, service: Service) -> Schema {
        Schema {
            types: self.defs,
            services: vec![service],
            ..Schema::default()
        }
    }
}

/// A declared error type (`#[derive(zrpc::Type)] #[zrpc(error)]`), or an enum of several.
pub trait ServiceError: Sized {
    /// Defines the error types in `types` and returns their names, for `throws`.
    fn declare(types: &mut TypeRegistry) -> Vec<String>;
    /// `ERR [name, message, traceback]` with the fields in `details`.
    fn to_remote(&self) -> RemoteError;
    /// The typed error behind `error`, if it is one of ours with readable fields.
    fn from_remote(error: &RemoteError) -> Option<Self>;
}

/// What a typed client call of a method that declares errors fails with.
#[derive(Debug, thiserror::Error)]
pub enum CallError<E> {
    /// The method raised one of its declared errors.
    #[error("{0}")]
    Service(E),
    /// The call itself failed, or the server raised an undeclared error.
    #[error(transparent)]
    Rpc(Error),
}

impl<E: ServiceError> From<Error> for CallError<E> {
    fn from(error: Error) -> Self {
        match error {
            Error::Remote(remote) => match E::from_remote(&remote) {
                Some(typed) => CallError::Service(typed),
                None => CallError::Rpc(Error::Remote(remote)),
            },
            other => CallError::Rpc(other),
        }
    }
}

/// serde `deserialize_with` of a field whose default is `T::default()`: nil on the wire is the
/// default too, as in every language (docs/idl.md).
#[doc(hidden)]
pub fn nil_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(deserializer)?.unwrap_or_default())
}

/// The value of a field with the default `default`, which nil on the wire also stands for.
#[doc(hidden)]
pub fn nil_or<'de, D, T>(deserializer: D, default: fn() -> T) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(deserializer)?.unwrap_or_else(default))
}

/// The `RemoteError` of a typed error named `name`: its fields as a map in `details`.
#[doc(hidden)]
pub fn remote_error<T: Serialize + std::fmt::Display>(name: &str, error: &T) -> RemoteError {
    let mut remote = RemoteError::new(name, error.to_string());
    remote.details = crate::error::to_named_value(error).ok();
    remote
}

/// One argument in its wire form, for a call with more arguments than serde's tuples hold
/// (16): the client sends them as a slice of values, the same msgpack array.
#[doc(hidden)]
pub fn argument<T: Serialize + ?Sized>(value: &T) -> Result<rmpv::Value, Error> {
    crate::error::to_named_value(value).map_err(|e| Error::Encode(format!("arguments: {e}")))
}

/// The typed error named `name` from `error`'s details.
#[doc(hidden)]
pub fn decode_details<T: DeserializeOwned>(name: &str, error: &RemoteError) -> Option<T> {
    if error.name != name {
        return None;
    }
    from_any(error.details.as_ref()?).ok()
}

fn from_any<T: DeserializeOwned>(value: &rmpv::Value) -> Result<T, Error> {
    let mut bytes = Vec::new();
    rmpv::encode::write_value(&mut bytes, value)
        .map_err(|error| Error::Decode(error.to_string()))?;
    rmp_serde::from_slice(&bytes).map_err(|error| Error::Decode(error.to_string()))
}

/// `OK [value]`.
#[doc(hidden)]
pub fn reply_value<T: Serialize>(value: &T) -> Result<Reply, RemoteError> {
    Reply::value(value)
}

/// A stream reply.
#[doc(hidden)]
pub fn reply_stream<T: Serialize + Send + 'static>(
    items: Streaming<T>,
) -> Result<Reply, RemoteError> {
    Ok(Reply::stream(items))
}

/// The items of a typed stream, with the method's error type.
#[doc(hidden)]
pub fn item_stream<T, E>(
    items: impl Stream<Item = Result<T, Error>> + Send + 'static,
) -> ItemStream<T, E>
where
    T: Send + 'static,
    E: From<Error> + Send + 'static,
{
    items.map(|item| item.map_err(E::from)).boxed()
}
