//! A service defined as a Rust trait, served and called over real sockets through the generated
//! client: every method kind, typed errors with fields, introspection and the IDL round trip.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use zrpc::{Bytes, CallError, Streaming};

/// A point on the plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, zrpc::Type)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    /// Optional label.
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default = "Point::default_scale")]
    pub scale: f64,
}

impl Point {
    fn default_scale() -> f64 {
        1.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, zrpc::Type)]
pub enum Shape {
    Circle,
    Square,
}

/// One value of several kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, zrpc::Type)]
pub enum Value {
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "text")]
    Text(String),
    #[serde(rename = "point")]
    Point(Point),
}

/// Raised when dividing by zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, zrpc::Type)]
#[zrpc(error)]
pub struct DivisionByZero {
    pub dividend: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, zrpc::Type)]
#[zrpc(error, message = "integer overflow")]
pub struct Overflow {
    pub limit: i64,
    #[serde(with = "serde_bytes")]
    pub context: Vec<u8>,
}

/// What `checked_div` may raise.
#[derive(Debug, Clone, PartialEq, zrpc::Type)]
#[zrpc(error)]
pub enum CheckedDivError {
    DivisionByZero(DivisionByZero),
    Overflow(Overflow),
}

/// A calculator defined in Rust.
#[zrpc::rpc_service]
pub trait Calculator {
    /// Adds two integers.
    async fn add(&self, a: i64, b: i64) -> i64;
    /// Divides a by b.
    async fn divide(&self, a: f64, b: f64) -> Result<f64, DivisionByZero>;
    /// Integer division that reports overflow too.
    async fn checked_div(&self, a: i64, b: i64) -> Result<i64, CheckedDivError>;
    /// Yields n, n-1, ..., 1.
    async fn countdown(&self, n: u32) -> Streaming<u32>;
    /// Like countdown, refusing to count down from zero.
    async fn checked_countdown(&self, n: u32) -> Result<Streaming<u32>, DivisionByZero>;
    /// Moves a point.
    async fn translate(&self, p: Point, dx: f64, dy: f64) -> Point;
    /// Counts the values by kind.
    async fn classify(&self, values: Vec<Value>) -> HashMap<String, u32>;
    /// Echoes raw bytes.
    async fn echo_bytes(&self, data: Bytes) -> Bytes;
    /// Names of all shapes.
    async fn shapes(&self) -> Vec<Shape>;
    /// Forgets the log.
    async fn reset(&self);
    /// Records a line; the caller does not wait.
    #[oneway]
    async fn log(&self, line: String);
    /// Lines logged so far.
    async fn lines(&self) -> Vec<String>;
    /// A method named with a Rust keyword.
    async fn r#match(&self, r#type: String) -> String;
    /// A wire name Rust cannot spell.
    #[zrpc(name = "self")]
    async fn myself(&self) -> String;
    #[deprecated(note = "use add")]
    async fn plus(&self, a: i64, b: i64) -> i64;
    /// Compiled out: no trait method, client method, registration or model entry.
    #[cfg(any())]
    async fn never(&self) -> i64;
    /// Arguments named like the generated code's locals.
    async fn shadow(&self, args: Vec<String>, service: String, types: u8) -> String;
}

#[derive(Default)]
struct Calc {
    lines: Mutex<Vec<String>>,
}

impl Calculator for Calc {
    async fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    async fn divide(&self, a: f64, b: f64) -> Result<f64, DivisionByZero> {
        if b == 0.0 {
            return Err(DivisionByZero { dividend: a });
        }
        Ok(a / b)
    }

    async fn checked_div(&self, a: i64, b: i64) -> Result<i64, CheckedDivError> {
        if b == 0 {
            return Err(DivisionByZero { dividend: a as f64 }.into());
        }
        a.checked_div(b).ok_or_else(|| {
            Overflow {
                limit: i64::MAX,
                context: b"checked_div".to_vec(),
            }
            .into()
        })
    }

    async fn countdown(&self, n: u32) -> Streaming<u32> {
        futures::stream::iter((1..=n).rev()).boxed()
    }

    async fn checked_countdown(&self, n: u32) -> Result<Streaming<u32>, DivisionByZero> {
        if n == 0 {
            return Err(DivisionByZero { dividend: 0.0 });
        }
        Ok(self.countdown(n).await)
    }

    async fn translate(&self, p: Point, dx: f64, dy: f64) -> Point {
        Point {
            x: p.x + dx,
            y: p.y + dy,
            ..p
        }
    }

    async fn classify(&self, values: Vec<Value>) -> HashMap<String, u32> {
        let mut counts = HashMap::new();
        for value in values {
            let kind = match value {
                Value::Int(_) => "int",
                Value::Text(_) => "text",
                Value::Point(_) => "point",
            };
            *counts.entry(kind.to_owned()).or_insert(0) += 1;
        }
        counts
    }

    async fn echo_bytes(&self, data: Bytes) -> Bytes {
        data
    }

    async fn shapes(&self) -> Vec<Shape> {
        vec![Shape::Circle, Shape::Square]
    }

    async fn reset(&self) {
        self.lines.lock().unwrap().clear();
    }

    async fn log(&self, line: String) {
        self.lines.lock().unwrap().push(line);
    }

    async fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    async fn r#match(&self, r#type: String) -> String {
        format!("matched {type}", type = r#type)
    }

    async fn myself(&self) -> String {
        "me".to_owned()
    }

    async fn plus(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    async fn shadow(&self, args: Vec<String>, service: String, types: u8) -> String {
        format!("{} {service} {types}", args.join(","))
    }
}

async fn serve() -> (zrpc::Server, CalculatorClient) {
    let server = zrpc::Server::bind("tcp://127.0.0.1:0", Calc::default().into_service())
        .await
        .unwrap();
    let client = CalculatorClient::builder(&server.endpoint())
        .timeout(Duration::from_secs(10))
        .heartbeat(Duration::from_secs(1))
        .connect()
        .await
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn unary_methods_round_trip_through_the_generated_client() {
    let (_server, client) = serve().await;
    assert_eq!(client.add(2, 3).await.unwrap(), 5);
    assert_eq!(client.divide(1.0, 4.0).await.unwrap(), 0.25);
    let p = Point {
        x: 1.0,
        y: 2.0,
        label: Some("a".into()),
        tags: vec!["t".into()],
        scale: 2.0,
    };
    let moved = client.translate(p.clone(), 1.0, -1.0).await.unwrap();
    assert_eq!(
        moved,
        Point {
            x: 2.0,
            y: 1.0,
            ..p
        }
    );
    let counts = client
        .classify(vec![
            Value::Int(1),
            Value::Text("x".into()),
            Value::Int(2),
            Value::Point(moved),
        ])
        .await
        .unwrap();
    assert_eq!(
        counts,
        HashMap::from([("int".into(), 2), ("text".into(), 1), ("point".into(), 1)])
    );
    let data = Bytes::from(vec![0, 159, 146, 150, 255]);
    assert_eq!(client.echo_bytes(data.clone()).await.unwrap(), data);
    assert_eq!(
        client.shapes().await.unwrap(),
        vec![Shape::Circle, Shape::Square]
    );
    client.reset().await.unwrap();
    assert_eq!(client.r#match("x".into()).await.unwrap(), "matched x");
    assert_eq!(client.myself().await.unwrap(), "me");
    #[allow(deprecated)]
    let sum = client.plus(1, 1).await.unwrap();
    assert_eq!(sum, 2);
    let shadowed = client
        .shadow(vec!["a".into(), "b".into()], "s".into(), 3)
        .await;
    assert_eq!(shadowed.unwrap(), "a,b s 3");
}

#[tokio::test]
async fn declared_errors_come_back_typed_with_their_fields() {
    let (_server, client) = serve().await;
    match client.divide(3.0, 0.0).await {
        Err(CallError::Service(error)) => assert_eq!(error, DivisionByZero { dividend: 3.0 }),
        other => panic!("expected DivisionByZero, got {other:?}"),
    }
    match client.checked_div(i64::MIN, -1).await {
        Err(CallError::Service(CheckedDivError::Overflow(error))) => {
            assert_eq!(error.limit, i64::MAX);
            assert_eq!(error.to_string(), "integer overflow");
            assert_eq!(error.context, b"checked_div");
        }
        other => panic!("expected Overflow, got {other:?}"),
    }
    match client.checked_div(1, 0).await {
        Err(CallError::Service(CheckedDivError::DivisionByZero(error))) => {
            assert_eq!(error.dividend, 1.0)
        }
        other => panic!("expected DivisionByZero, got {other:?}"),
    }
    assert_eq!(client.checked_div(7, 2).await.unwrap(), 3);
}

#[tokio::test]
async fn declared_errors_travel_as_a_plain_zerorpc_err() {
    let (_server, client) = serve().await;
    let untyped = client.client();
    let args = vec![rmpv::Value::from(3.0), rmpv::Value::from(0.0)];
    match untyped.call("divide", args).await {
        Err(zrpc::Error::Remote(error)) => {
            assert_eq!(error.name, "DivisionByZero");
            assert_eq!(error.message, "division by zero");
            let fields = error.details.expect("fields in zrpc_error");
            assert_eq!(
                fields,
                rmpv::Value::Map(vec![("dividend".into(), 3.0.into())])
            );
        }
        other => panic!("expected ERR DivisionByZero, got {other:?}"),
    }
}

#[tokio::test]
async fn streams_arrive_as_futures_streams() {
    let (_server, client) = serve().await;
    let items: Vec<u32> = client
        .countdown(4)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, vec![4, 3, 2, 1]);
    let empty: Vec<_> = client.countdown(0).await.unwrap().collect().await;
    assert!(empty.is_empty());
    let items: Vec<u32> = client
        .checked_countdown(2)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, vec![2, 1]);
    let refused = match client.checked_countdown(0).await {
        Ok(stream) => stream
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .find_map(Result::err),
        Err(error) => Some(error),
    };
    assert!(
        matches!(refused, Some(CallError::Service(DivisionByZero { .. }))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn oneway_calls_reach_the_server() {
    let (_server, client) = serve().await;
    client.log("first".into()).await.unwrap();
    client.log("second".into()).await.unwrap();
    let mut lines = Vec::new();
    for _ in 0..100 {
        lines = client.lines().await.unwrap();
        if lines.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(lines, vec!["first", "second"]);
}

#[tokio::test]
async fn bad_arguments_get_an_err_naming_the_argument() {
    let (_server, client) = serve().await;
    let untyped = client.client();
    match untyped.call("add", vec![1.into()]).await {
        Err(zrpc::Error::Remote(error)) => {
            assert_eq!(error.name, "TypeError");
            assert_eq!(
                error.message,
                "add() takes 2 arguments (a, b) but 1 were given"
            );
        }
        other => panic!("expected TypeError, got {other:?}"),
    }
    match untyped.call("add", vec![1.into(), "two".into()]).await {
        Err(zrpc::Error::Remote(error)) => {
            assert_eq!(error.name, "TypeError");
            assert!(error.message.contains("`b`"), "{}", error.message);
        }
        other => panic!("expected TypeError, got {other:?}"),
    }
    let bad_point = rmpv::Value::Map(vec![("x".into(), 1.0.into())]);
    match untyped
        .call("translate", vec![bad_point, 0.0.into(), 0.0.into()])
        .await
    {
        Err(zrpc::Error::Remote(error)) => {
            assert_eq!(error.name, "TypeError");
            assert!(error.message.contains("`p`"), "{}", error.message);
        }
        other => panic!("expected TypeError, got {other:?}"),
    }
    // The server keeps serving after bad input.
    assert_eq!(client.add(1, 1).await.unwrap(), 2);
}

#[tokio::test]
async fn defaults_are_applied_to_absent_fields() {
    let (_server, client) = serve().await;
    let sparse = rmpv::Value::Map(vec![("x".into(), 1.0.into()), ("y".into(), 2.0.into())]);
    let moved = client
        .client()
        .call_typed::<Point, _>("translate", &(sparse, 0.0, 0.0))
        .await
        .unwrap();
    assert_eq!(moved.label, None);
    assert!(moved.tags.is_empty());
    assert_eq!(moved.scale, 1.0);
}

#[tokio::test]
async fn introspection_serves_the_model_arg_names_and_docs() {
    let (_server, client) = serve().await;
    let untyped = client.client();
    let model = untyped
        .call_typed::<zrpc::typed::model::Schema, _>("_zrpc_model", &())
        .await
        .unwrap();
    assert_eq!(model, CalculatorClient::schema());
    let inspect = untyped.call("_zerorpc_inspect", vec![]).await.unwrap();
    let add = entry(entry(&inspect, "methods"), "add");
    assert_eq!(entry(add, "doc").as_str(), Some("Adds two integers."));
    let arg_names: Vec<_> = entry(add, "args")
        .as_array()
        .unwrap()
        .iter()
        .map(|arg| entry(arg, "name").as_str().unwrap())
        .collect();
    assert_eq!(arg_names, ["a", "b"]);
}

fn entry<'a>(map: &'a rmpv::Value, key: &str) -> &'a rmpv::Value {
    map.as_map()
        .and_then(|entries| entries.iter().find(|(k, _)| k.as_str() == Some(key)))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no `{key}` in {map}"))
}

#[test]
fn the_model_describes_methods_and_types() {
    use zrpc::typed::model::{Returns, Type, TypeDef};
    let schema = CalculatorClient::schema();
    let service = &schema.services[0];
    assert_eq!(service.name, "Calculator");
    assert_eq!(
        service.doc.as_deref(),
        Some("A calculator defined in Rust.")
    );
    let divide = service.methods.iter().find(|m| m.name == "divide").unwrap();
    assert_eq!(divide.throws, vec!["DivisionByZero"]);
    assert_eq!(
        divide
            .args
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    let checked = service
        .methods
        .iter()
        .find(|m| m.name == "checked_div")
        .unwrap();
    assert_eq!(checked.throws, vec!["DivisionByZero", "Overflow"]);
    let log = service.methods.iter().find(|m| m.name == "log").unwrap();
    assert_eq!(log.returns, Returns::Oneway);
    let countdown = service
        .methods
        .iter()
        .find(|m| m.name == "countdown")
        .unwrap();
    assert_eq!(countdown.returns, Returns::Stream(Type::U32));
    assert!(service.methods.iter().any(|m| m.name == "match"));
    assert!(service.methods.iter().any(|m| m.name == "self"));
    assert!(!service.methods.iter().any(|m| m.name == "never"));
    let Some(TypeDef::Struct(point)) = schema.type_def("Point") else {
        panic!("Point is a struct");
    };
    let scale = point.fields.iter().find(|f| f.name == "scale").unwrap();
    assert_eq!(scale.default, Some(zrpc::typed::model::Value::Float(1.0)));
    let Some(TypeDef::Error(overflow)) = schema.type_def("Overflow") else {
        panic!("Overflow is an error");
    };
    assert_eq!(overflow.fields[1].ty, Type::Bytes);
    assert!(matches!(schema.type_def("Value"), Some(TypeDef::Union(_))));
    assert!(matches!(schema.type_def("Shape"), Some(TypeDef::Enum(_))));
}

#[test]
fn trait_model_survives_print_and_parse() {
    let schema = CalculatorClient::schema();
    let text = zrpc_idl::print(&schema);
    let parsed = zrpc_idl::parse_str(&text, "calculator.zrpc")
        .unwrap_or_else(|diagnostics| panic!("{diagnostics}\n{text}"));
    assert_eq!(parsed, schema, "{text}");
}
