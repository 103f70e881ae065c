//! Service registration: method name → async handler over positional args.

use std::future::Future;
use std::ops::Range;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use foldhash::{HashMap, HashMapExt};
use futures::stream::{BoxStream, Stream, StreamExt};
use serde::{Deserialize, Serialize};

use crate::codec::array_spans;
use crate::error::RemoteError;
use crate::placement::Placement;
use crate::splice::Encoded;

/// How a method answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodKind {
    /// `OK [value]` or `ERR`.
    Unary,
    /// `STREAM item`* then `STREAM_DONE` (or `ERR`), under `_zpc_more` flow control.
    Stream,
    /// Acknowledged at once with `OK [nil]`; the handler runs after the ack.
    Oneway,
}

/// What introspection shows about a method, and the arity the server enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodInfo {
    pub doc: Option<String>,
    pub args: Vec<String>,
    pub kind: MethodKind,
}

impl MethodInfo {
    pub fn new(kind: MethodKind, args: &[&str]) -> Self {
        MethodInfo {
            doc: None,
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            kind,
        }
    }

    pub fn unary(args: &[&str]) -> Self {
        Self::new(MethodKind::Unary, args)
    }

    pub fn stream(args: &[&str]) -> Self {
        Self::new(MethodKind::Stream, args)
    }

    pub fn oneway(args: &[&str]) -> Self {
        Self::new(MethodKind::Oneway, args)
    }

    pub fn doc(mut self, doc: impl Into<String>) -> Self {
        self.doc = Some(doc.into());
        self
    }
}

/// The positional arguments of one request, decoded lazily one by one.
#[derive(Debug, Clone)]
pub struct Args {
    method: Arc<str>,
    buf: Bytes,
    spans: Vec<Range<usize>>,
    peer_key: Option<[u8; 32]>,
}

impl Args {
    pub(crate) fn parse(method: Arc<str>, buf: Bytes) -> Result<Args, RemoteError> {
        let spans = array_spans(&buf).map_err(|e| {
            RemoteError::type_error(format!("{method}(): arguments must be an array ({e})"))
        })?;
        Ok(Args {
            method,
            buf,
            spans,
            peer_key: None,
        })
    }

    pub(crate) fn with_peer_key(mut self, key: Option<[u8; 32]>) -> Args {
        self.peer_key = key;
        self
    }

    /// The caller's long-term CURVE public key (on a CURVE server; `None` otherwise).
    pub fn peer_public_key(&self) -> Option<&[u8; 32]> {
        self.peer_key.as_ref()
    }

    /// [`Args::peer_public_key`] as 40 Z85 characters, as allow-lists and `zrpc keygen` write it.
    pub fn peer_public_key_z85(&self) -> Option<String> {
        self.peer_key.as_ref().map(crate::curve::encode_key)
    }

    /// Builds args from values, e.g. to call a handler directly in a test.
    pub fn from_values(method: &str, values: &[rmpv::Value]) -> Args {
        let mut buf = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = rmpv::encode::write_value(&mut buf, &rmpv::Value::Array(values.to_vec()));
        let spans = array_spans(&buf).unwrap_or_default();
        Args {
            method: method.into(),
            buf: Bytes::from(buf),
            spans,
            peer_key: None,
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Raw msgpack of argument `index`.
    pub fn raw(&self, index: usize) -> Option<&[u8]> {
        self.spans.get(index).map(|s| &self.buf[s.clone()])
    }

    /// Decodes argument `index`; the error (`TypeError`) names the argument.
    pub fn decode<'a, T: Deserialize<'a>>(
        &'a self,
        index: usize,
        name: &str,
    ) -> Result<T, RemoteError> {
        let raw = self.raw(index).ok_or_else(|| {
            RemoteError::type_error(format!(
                "{}(): missing argument `{name}` (position {index})",
                self.method
            ))
        })?;
        crate::splice::decode_from(&self.buf, |_| rmp_serde::from_slice(raw)).map_err(|e| {
            let expected = short_type_name::<T>();
            let problem = match e {
                // rmp-serde's own wording ("wrong msgpack marker FixStr(3)") means nothing to a caller.
                rmp_serde::decode::Error::TypeMismatch(_) => {
                    format!("expected {expected}, got {}", msgpack_kind(raw))
                }
                other => format!("expected {expected}: {other}"),
            };
            RemoteError::type_error(format!(
                "{}(): argument `{name}` (position {index}) has the wrong type: {problem}",
                self.method
            ))
        })
    }

    /// Argument `index` as an untyped value.
    pub fn value(&self, index: usize) -> Result<rmpv::Value, RemoteError> {
        let mut raw = self.raw(index).ok_or_else(|| {
            RemoteError::type_error(format!(
                "{}(): missing argument at position {index}",
                self.method
            ))
        })?;
        rmpv::decode::read_value(&mut raw).map_err(|e| {
            RemoteError::type_error(format!(
                "{}(): argument at position {index} is not valid msgpack: {e}",
                self.method
            ))
        })
    }

    /// All arguments as untyped values.
    pub fn values(&self) -> Result<Vec<rmpv::Value>, RemoteError> {
        (0..self.len()).map(|i| self.value(i)).collect()
    }
}

pub(crate) type ItemStream = BoxStream<'static, Result<Encoded, RemoteError>>;

/// A handler's answer: one value, or a stream of values.
pub struct Reply(pub(crate) ReplyKind);

pub(crate) enum ReplyKind {
    /// The msgpack encoding of the result.
    Value(Encoded),
    Stream(ItemStream),
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            ReplyKind::Value(v) => f.debug_tuple("Reply::Value").field(&v.len()).finish(),
            ReplyKind::Stream(_) => f.write_str("Reply::Stream"),
        }
    }
}

fn encode_item<T: Serialize + ?Sized>(value: &T) -> Result<Encoded, RemoteError> {
    Encoded::encode(value)
        .map_err(|e| RemoteError::type_error(format!("cannot serialize the result: {e}")))
}

impl Reply {
    /// `OK [value]`; structs are encoded as maps keyed by field name.
    pub fn value<T: Serialize + ?Sized>(value: &T) -> Result<Reply, RemoteError> {
        encode_item(value).map(|v| Reply(ReplyKind::Value(v)))
    }

    /// `OK [nil]`, for methods without a result.
    pub fn nil() -> Reply {
        Reply(ReplyKind::Value(Encoded::from(vec![0xc0])))
    }

    /// A stream of items; requires `MethodKind::Stream`.
    pub fn stream<S, T>(items: S) -> Reply
    where
        S: Stream<Item = T> + Send + 'static,
        T: Serialize,
    {
        Reply(ReplyKind::Stream(
            items.map(|item| encode_item(&item)).boxed(),
        ))
    }

    /// A stream that may fail part way: an `Err` item ends it with `ERR`.
    pub fn try_stream<S, T>(items: S) -> Reply
    where
        S: Stream<Item = Result<T, RemoteError>> + Send + 'static,
        T: Serialize,
    {
        Reply(ReplyKind::Stream(
            items.map(|item| item.and_then(|i| encode_item(&i))).boxed(),
        ))
    }
}

pub(crate) type HandlerFuture = Pin<Box<dyn Future<Output = Result<Reply, RemoteError>> + Send>>;
pub(crate) type Handler = Arc<dyn Fn(Args) -> HandlerFuture + Send + Sync>;

pub(crate) struct Method {
    pub(crate) name: Arc<str>,
    pub(crate) info: MethodInfo,
    pub(crate) handler: Handler,
    /// Where the server polls the handler first (learned per server run of the service).
    pub(crate) placement: Arc<Placement>,
}

/// A named set of methods, ready to be served.
#[derive(Clone)]
pub struct Service {
    pub(crate) inner: Arc<ServiceInner>,
}

pub(crate) struct ServiceInner {
    pub(crate) name: String,
    /// In registration order (introspection lists them so).
    pub(crate) methods: Vec<Method>,
    index: HashMap<String, usize>,
    /// Precomputed OK payloads of the argument-less built-ins.
    pub(crate) builtins: HashMap<&'static str, Vec<u8>>,
}

/// Builds a [`Service`].
pub struct ServiceBuilder {
    name: String,
    methods: Vec<Method>,
    model: Option<Vec<u8>>,
}

impl Service {
    pub fn builder(name: impl Into<String>) -> ServiceBuilder {
        ServiceBuilder {
            name: name.into(),
            methods: Vec::new(),
            model: None,
        }
    }

    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Registered methods with their info, in registration order.
    pub fn methods(&self) -> Vec<(&str, &MethodInfo)> {
        self.inner
            .methods
            .iter()
            .map(|m| (&*m.name, &m.info))
            .collect()
    }
}

impl ServiceInner {
    pub(crate) fn method(&self, name: &str) -> Option<&Method> {
        self.index.get(name).map(|&i| &self.methods[i])
    }
}

impl ServiceBuilder {
    /// Registers `name`. Panics on a duplicate or a reserved (`_zerorpc_`, `_zrpc_`, `_zpc`) name:
    /// both are programming errors.
    pub fn method<F, Fut>(mut self, name: impl Into<String>, info: MethodInfo, handler: F) -> Self
    where
        F: Fn(Args) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Reply, RemoteError>> + Send + 'static,
    {
        let name = name.into();
        assert!(!is_reserved(&name), "method name `{name}` is reserved");
        assert!(
            !self.methods.iter().any(|m| *m.name == *name),
            "method `{name}` registered twice"
        );
        self.methods.push(Method {
            name: name.into(),
            info,
            handler: Arc::new(move |args| Box::pin(handler(args))),
            placement: Arc::default(),
        });
        self
    }

    /// Registers a handler that blocks (file or database I/O, heavy CPU): it runs on tokio's
    /// blocking pool, never on the async workers or the server's I/O thread, so it cannot
    /// delay heartbeats or other calls wherever the server places its handlers.
    pub fn blocking_method<F>(self, name: impl Into<String>, info: MethodInfo, handler: F) -> Self
    where
        F: Fn(Args) -> Result<Reply, RemoteError> + Send + Sync + 'static,
    {
        let handler = Arc::new(handler);
        self.method(name, info, move |args| {
            let handler = handler.clone();
            async move {
                match tokio::task::spawn_blocking(move || handler(args)).await {
                    Ok(reply) => reply,
                    Err(_) => Err(RemoteError::new("Panic", "the handler panicked")),
                }
            }
        })
    }

    /// Attaches the full service model, served by `_zrpc_model`.
    pub fn model(mut self, schema: &zrpc_model::Schema) -> Self {
        self.model = rmp_serde::to_vec_named(schema).ok();
        self
    }

    pub fn build(self) -> Service {
        let builtins = builtin_payloads(&self.name, &self.methods, self.model);
        Service {
            inner: Arc::new(ServiceInner {
                name: self.name,
                index: self
                    .methods
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (m.name.to_string(), i))
                    .collect(),
                methods: self.methods,
                builtins,
            }),
        }
    }
}

fn is_reserved(name: &str) -> bool {
    zrpc_model::RESERVED_METHOD_PREFIXES
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || name.starts_with(zrpc_model::RESERVED_PREFIX)
}

fn builtin_payloads(
    name: &str,
    methods: &[Method],
    model: Option<Vec<u8>>,
) -> HashMap<&'static str, Vec<u8>> {
    use rmpv::Value;
    let names: Vec<Value> = methods.iter().map(|m| Value::from(&*m.name)).collect();
    let described: Vec<(Value, Value)> = methods
        .iter()
        .map(|m| {
            let args = m
                .info
                .args
                .iter()
                .map(|a| Value::Map(vec![("name".into(), a.as_str().into())]))
                .collect();
            let doc = m.info.doc.as_deref().map_or(Value::Nil, Value::from);
            (
                Value::from(&*m.name),
                Value::Map(vec![
                    ("args".into(), Value::Array(args)),
                    ("doc".into(), doc),
                ]),
            )
        })
        .collect();
    let inspect = Value::Map(vec![
        ("name".into(), name.into()),
        ("methods".into(), Value::Map(described)),
    ]);
    let encode = |v: &Value| {
        let mut buf = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = rmpv::encode::write_value(&mut buf, v);
        buf
    };
    let mut out = HashMap::new();
    out.insert("_zerorpc_name", encode(&Value::from(name)));
    out.insert(
        "_zerorpc_ping",
        encode(&Value::Array(vec!["pong".into(), name.into()])),
    );
    out.insert("_zerorpc_list", encode(&Value::Array(names)));
    out.insert("_zerorpc_inspect", encode(&inspect));
    if let Some(model) = model {
        out.insert("_zrpc_model", model);
    }
    out
}

/// Answers the built-ins that take a method name. `None`: not such a built-in.
pub(crate) fn builtin_with_arg(
    service: &ServiceInner,
    method: &str,
    args: &Bytes,
) -> Option<Result<Vec<u8>, RemoteError>> {
    use rmpv::Value;
    if method != "_zerorpc_help" && method != "_zerorpc_args" {
        return None;
    }
    let parsed = Args::parse(method.into(), args.clone()).and_then(|a| {
        if a.len() != 1 {
            return Err(RemoteError::type_error(format!(
                "{method}() takes 1 argument (method) but {} were given",
                a.len()
            )));
        }
        a.decode::<String>(0, "method")
    });
    let target = match parsed {
        Ok(t) => t,
        Err(e) => return Some(Err(e)),
    };
    let Some(m) = service.method(&target) else {
        return Some(Err(RemoteError::new("KeyError", format!("'{target}'"))));
    };
    let value = if method == "_zerorpc_help" {
        m.info.doc.as_deref().map_or(Value::Nil, Value::from)
    } else {
        let args = m
            .info
            .args
            .iter()
            .map(|a| Value::from(a.as_str()))
            .collect();
        Value::Array(vec![Value::Array(args), Value::Nil, Value::Nil, Value::Nil])
    };
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut buf, &value);
    Some(Ok(buf))
}

/// `alloc::vec::Vec<calculator::Point>` → `Vec<Point>`: the Rust type as a caller would name it.
fn short_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut short = String::with_capacity(full.len());
    let mut segment = String::new();
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            segment.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            segment.clear();
        } else {
            short.push_str(&segment);
            segment.clear();
            short.push(c);
        }
    }
    short.push_str(&segment);
    short
}

/// What kind of msgpack value starts `raw`, in words.
fn msgpack_kind(raw: &[u8]) -> &'static str {
    match raw.first() {
        None => "nothing",
        Some(0x00..=0x7f | 0xcc..=0xd3 | 0xe0..=0xff) => "an integer",
        Some(0xca | 0xcb) => "a float",
        Some(0xa0..=0xbf | 0xd9..=0xdb) => "a string",
        Some(0xc4..=0xc6) => "bytes",
        Some(0x90..=0x9f | 0xdc | 0xdd) => "a list",
        Some(0x80..=0x8f | 0xde | 0xdf) => "a map",
        Some(0xc0) => "nil",
        Some(0xc2 | 0xc3) => "a boolean",
        Some(_) => "an extension value",
    }
}
