//! The calculator service of `calculator.zrpc`: its types and handlers as plain functions over
//! typed values. `calculator-server` wires them onto the runtime; generated dispatch code can
//! call the same functions.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use zrpc::{Args, MethodInfo, MethodKind, RemoteError, Reply, Service};

/// A point on the plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    /// Optional label.
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shape {
    Circle,
    Square,
    Triangle,
}

/// A tagged union: on the wire a one-entry map `{variant: value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Value {
    Int(i64),
    Text(String),
    Point(Point),
}

impl Value {
    pub fn variant_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Text(_) => "text",
            Value::Point(_) => "point",
        }
    }
}

/// Raised when dividing by zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("division by zero")]
pub struct DivisionByZero {
    pub dividend: f64,
}

/// Raised when `add` overflows i64 (the IDL promises an i64 result).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{a} + {b} overflows i64")]
pub struct Overflow {
    pub a: i64,
    pub b: i64,
}

/// Adds two integers.
pub fn add(a: i64, b: i64) -> Result<i64, Overflow> {
    a.checked_add(b).ok_or(Overflow { a, b })
}

/// Divides a by b.
pub fn divide(a: f64, b: f64) -> Result<f64, DivisionByZero> {
    if b == 0.0 {
        Err(DivisionByZero { dividend: a })
    } else {
        Ok(a / b)
    }
}

/// Yields n, n-1, ..., 1.
pub fn countdown(n: u32) -> impl Iterator<Item = u32> + Send + 'static {
    (1..=n).rev()
}

/// Moves a point.
pub fn translate(p: Point, dx: f64, dy: f64) -> Point {
    Point {
        x: p.x + dx,
        y: p.y + dy,
        ..p
    }
}

/// Counts the values by kind.
pub fn classify(values: Vec<Value>) -> BTreeMap<String, u32> {
    let mut counts = BTreeMap::new();
    for value in &values {
        *counts.entry(value.variant_name().to_owned()).or_insert(0) += 1;
    }
    counts
}

/// Echoes raw bytes.
pub fn echo_bytes(data: ByteBuf) -> ByteBuf {
    data
}

/// Sleeps for ms milliseconds, then returns ms (long calls, heartbeats, timeouts).
pub async fn sleep(ms: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    ms
}

/// Names of all shapes.
pub fn shapes() -> Vec<Shape> {
    vec![Shape::Circle, Shape::Square, Shape::Triangle]
}

/// Logs one line (oneway: the caller does not wait).
pub fn log(line: String) {
    tracing::info!(target: "calculator", "{line}");
}

/// The IDL this service implements; its model is served by `_zrpc_model`.
pub const IDL: &str = include_str!("../calculator.zrpc");

/// The calculator as a zrpc service: each method decodes its typed arguments, calls the plain
/// handler above and encodes the result; introspection gets the docs and argument names.
pub fn service() -> Service {
    let builder = Service::builder("Calculator")
        .method(
            "add",
            info("Adds two integers.", &["a", "b"], MethodKind::Unary),
            |args: Args| async move {
                let sum = add(args.decode(0, "a")?, args.decode(1, "b")?)
                    .map_err(|e| RemoteError::new("OverflowError", e.to_string()))?;
                Reply::value(&sum)
            },
        )
        .method(
            "divide",
            info("Divides a by b.", &["a", "b"], MethodKind::Unary),
            |args: Args| async move {
                let quotient =
                    divide(args.decode(0, "a")?, args.decode(1, "b")?).map_err(division_by_zero)?;
                Reply::value(&quotient)
            },
        )
        .method(
            "countdown",
            info("Yields n, n-1, ..., 1.", &["n"], MethodKind::Stream),
            |args: Args| async move {
                let n: u32 = args.decode(0, "n")?;
                Ok(Reply::stream(futures::stream::iter(countdown(n))))
            },
        )
        .method(
            "translate",
            info("Moves a point.", &["p", "dx", "dy"], MethodKind::Unary),
            |args: Args| async move {
                let moved = translate(
                    args.decode(0, "p")?,
                    args.decode(1, "dx")?,
                    args.decode(2, "dy")?,
                );
                Reply::value(&moved)
            },
        )
        .method(
            "classify",
            info("Counts the values by kind.", &["values"], MethodKind::Unary),
            |args: Args| async move { Reply::value(&classify(args.decode(0, "values")?)) },
        )
        .method(
            "echo_bytes",
            info("Echoes raw bytes.", &["data"], MethodKind::Unary),
            |args: Args| async move { Reply::value(&echo_bytes(args.decode(0, "data")?)) },
        )
        .method(
            "sleep",
            info(
                "Sleeps for ms milliseconds, then returns ms (long calls, heartbeats, timeouts).",
                &["ms"],
                MethodKind::Unary,
            ),
            |args: Args| async move { Reply::value(&sleep(args.decode(0, "ms")?).await) },
        )
        .method(
            "shapes",
            info("Names of all shapes.", &[], MethodKind::Unary),
            |_args: Args| async move { Reply::value(&shapes()) },
        )
        .method(
            "log",
            info("Logs one line.", &["line"], MethodKind::Oneway),
            |args: Args| async move {
                log(args.decode(0, "line")?);
                Ok(Reply::nil())
            },
        );
    match zrpc_idl::parse_str(IDL, "calculator.zrpc") {
        Ok(schema) => builder.model(&schema).build(),
        Err(diagnostics) => {
            tracing::error!(
                "calculator.zrpc does not parse; serving without a model:\n{diagnostics}"
            );
            builder.build()
        }
    }
}

fn info(doc: &str, args: &[&str], kind: MethodKind) -> MethodInfo {
    MethodInfo::new(kind, args).doc(doc)
}

/// The typed error travels as `ERR ["DivisionByZero", message, ""]` plus its fields.
fn division_by_zero(error: DivisionByZero) -> RemoteError {
    RemoteError::typed("DivisionByZero", error.to_string(), &error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idl_parses_and_lists_the_registered_methods() {
        let schema = zrpc_idl::parse_str(IDL, "calculator.zrpc").unwrap();
        let idl_methods: Vec<&str> = schema.services[0]
            .methods
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        let service = service();
        let served: Vec<&str> = service.methods().iter().map(|(name, _)| *name).collect();
        assert_eq!(idl_methods, served);
    }

    #[test]
    fn divide_by_zero_carries_the_dividend() {
        assert_eq!(divide(7.0, 2.0), Ok(3.5));
        assert_eq!(divide(7.0, 0.0), Err(DivisionByZero { dividend: 7.0 }));
    }

    #[test]
    fn add_reports_overflow() {
        assert_eq!(add(2, 3), Ok(5));
        assert!(add(i64::MAX, 1).is_err());
    }

    #[test]
    fn point_decodes_from_a_map_with_defaults_and_unknown_keys() {
        let wire = rmpv::Value::Map(vec![
            ("y".into(), 2.0.into()),
            ("x".into(), 1.into()),
            ("colour".into(), "red".into()),
        ]);
        let bytes = {
            let mut out = Vec::new();
            rmpv::encode::write_value(&mut out, &wire).unwrap();
            out
        };
        let p: Point = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(
            p,
            Point {
                x: 1.0,
                y: 2.0,
                label: None,
                tags: vec![]
            }
        );
    }

    #[test]
    fn classify_counts_by_variant() {
        let values = vec![
            Value::Int(5),
            Value::Text("a".into()),
            Value::Int(6),
            Value::Point(Point {
                x: 0.0,
                y: 0.0,
                label: None,
                tags: vec![],
            }),
        ];
        let counts = classify(values);
        assert_eq!(counts["int"], 2);
        assert_eq!(counts["text"], 1);
        assert_eq!(counts["point"], 1);
    }

    #[test]
    fn countdown_counts_down_to_one() {
        assert_eq!(countdown(3).collect::<Vec<_>>(), vec![3, 2, 1]);
        assert_eq!(countdown(0).count(), 0);
    }
}
