//! The calculator service of `calculator.zrpc`. `build.rs` generates its types, the
//! [`Calculator`] trait and the typed [`CalculatorClient`] with `zrpc_codegen::compile`; this
//! crate implements the trait for `calculator-server` and calls it from `calculator-client`.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;

include!(concat!(env!("OUT_DIR"), "/calculator.rs"));

/// The server side of the calculator.
#[derive(Debug, Default, Clone, Copy)]
pub struct Calc;

impl Calculator for Calc {
    async fn add(&self, a: i64, b: i64) -> i64 {
        // The IDL declares no error for `add`: saturate rather than wrap around.
        a.saturating_add(b)
    }

    async fn divide(&self, a: f64, b: f64) -> Result<f64, DivisionByZero> {
        if b == 0.0 {
            Err(DivisionByZero { dividend: a })
        } else {
            Ok(a / b)
        }
    }

    async fn countdown(&self, n: u32) -> zrpc::Streaming<u32> {
        futures::stream::iter((1..=n).rev()).boxed()
    }

    async fn translate(&self, p: Point, dx: f64, dy: f64) -> Point {
        Point {
            x: p.x + dx,
            y: p.y + dy,
            ..p
        }
    }

    async fn classify(&self, values: Vec<Value>) -> BTreeMap<String, u32> {
        let mut counts = BTreeMap::new();
        for value in &values {
            *counts.entry(value.variant_name().to_owned()).or_insert(0) += 1;
        }
        counts
    }

    async fn echo_bytes(&self, data: zrpc::Bytes) -> zrpc::Bytes {
        data
    }

    async fn sleep(&self, ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        ms
    }

    async fn shapes(&self) -> Vec<Shape> {
        vec![Shape::Circle, Shape::Square, Shape::Triangle]
    }

    async fn log(&self, line: String) {
        tracing::info!(target: "calculator", "{line}");
    }
}

impl Value {
    /// The variant's wire name, as `classify` counts it.
    pub fn variant_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Text(_) => "text",
            Value::Point(_) => "point",
        }
    }
}

/// The calculator as a zrpc service, ready for `zrpc::Server`.
pub fn service() -> zrpc::Service {
    Calc.into_service()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn divide_by_zero_carries_the_dividend() {
        assert_eq!(Calc.divide(7.0, 2.0).await, Ok(3.5));
        assert_eq!(
            Calc.divide(7.0, 0.0).await,
            Err(DivisionByZero { dividend: 7.0 })
        );
    }

    #[tokio::test]
    async fn add_saturates() {
        assert_eq!(Calc.add(2, 3).await, 5);
        assert_eq!(Calc.add(i64::MAX, 1).await, i64::MAX);
    }

    #[test]
    fn point_decodes_from_a_map_with_defaults_and_unknown_keys() {
        let wire = zrpc::rmpv::Value::Map(vec![
            ("y".into(), 2.0.into()),
            ("x".into(), 1.into()),
            ("colour".into(), "red".into()),
        ]);
        let mut bytes = Vec::new();
        zrpc::rmpv::encode::write_value(&mut bytes, &wire).unwrap();
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

    #[tokio::test]
    async fn classify_counts_by_variant() {
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
        let counts = Calc.classify(values).await;
        assert_eq!(counts["int"], 2);
        assert_eq!(counts["text"], 1);
        assert_eq!(counts["point"], 1);
    }

    #[tokio::test]
    async fn countdown_counts_down_to_one() {
        assert_eq!(Calc.countdown(3).await.collect::<Vec<_>>().await, [3, 2, 1]);
        assert_eq!(Calc.countdown(0).await.count().await, 0);
    }

    #[test]
    fn the_service_model_prints_as_the_idl() {
        let source = include_str!("../calculator.zrpc");
        let idl = zrpc_idl::parse_str(source, "calculator.zrpc").unwrap();
        let printed = zrpc_idl::print(&CalculatorClient::schema());
        let reparsed = zrpc_idl::parse_str(&printed, "printed.zrpc").unwrap();
        assert_eq!(reparsed.services, idl.services, "{printed}");
    }
}
