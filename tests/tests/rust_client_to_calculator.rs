//! Our Rust client → the `calculator-server` binary: typed values and typed errors end to end.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use calculator::{DivisionByZero, Point, Shape, Value};
use futures::StreamExt;
use zrpc_interop_tests::{free_endpoint, wait_for_tcp, workspace_bin, ChildGuard};

async fn calculator() -> (ChildGuard, zrpc::Client) {
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(
        Command::new(workspace_bin("calculator-server")).args(["--bind", &endpoint]),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(10));
    let client = zrpc::Client::builder(&endpoint)
        .timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn division_by_zero_carries_its_fields() {
    let (_server, client) = calculator().await;
    let quotient: f64 = client.call_typed("divide", &(7.0, 2.0)).await.unwrap();
    assert_eq!(quotient, 3.5);
    match client.call_typed::<f64, _>("divide", &(7.0, 0.0)).await {
        Err(zrpc::Error::Remote(error)) => {
            assert_eq!(error.name, "DivisionByZero");
            assert_eq!(error.message, "division by zero");
            let fields: DivisionByZero = error.details_as().unwrap().unwrap();
            assert_eq!(fields, DivisionByZero { dividend: 7.0 });
        }
        other => panic!("expected DivisionByZero, got {other:?}"),
    }
}

#[tokio::test]
async fn structs_unions_enums_bytes_and_streams() {
    let (_server, client) = calculator().await;
    let p = Point {
        x: 1.0,
        y: 2.0,
        label: Some("p".into()),
        tags: vec!["a".into()],
    };
    let moved: Point = client
        .call_typed("translate", &(&p, 1.0, -1.0))
        .await
        .unwrap();
    assert_eq!(
        moved,
        Point {
            x: 2.0,
            y: 1.0,
            ..p.clone()
        }
    );
    let counts: BTreeMap<String, u32> = client
        .call_typed(
            "classify",
            &(vec![
                Value::Int(1),
                Value::Text("t".into()),
                Value::Point(p),
            ],),
        )
        .await
        .unwrap();
    assert_eq!(
        counts,
        BTreeMap::from([
            ("int".to_owned(), 1),
            ("point".to_owned(), 1),
            ("text".to_owned(), 1)
        ])
    );
    let shapes: Vec<Shape> = client.call_typed("shapes", &()).await.unwrap();
    assert_eq!(shapes, vec![Shape::Circle, Shape::Square, Shape::Triangle]);
    let echoed = client
        .call("echo_bytes", vec![rmpv::Value::Binary(vec![0, 255, 7])])
        .await
        .unwrap();
    assert_eq!(echoed, rmpv::Value::Binary(vec![0, 255, 7]));
    let items: Vec<u32> = client
        .stream_typed::<u32, _>("countdown", &(250u32,))
        .await
        .unwrap()
        .map(|item| item.unwrap())
        .collect()
        .await;
    assert_eq!(items, (1..=250).rev().collect::<Vec<u32>>());
    client
        .oneway("log", vec!["from the interop test".into()])
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_arguments_are_type_errors_and_the_server_keeps_serving() {
    let (_server, client) = calculator().await;
    match client.call("add", vec!["two".into(), 3.into()]).await {
        Err(zrpc::Error::Remote(error)) => {
            assert_eq!(error.name, "TypeError");
            assert!(error.message.contains("`a`"), "{}", error.message);
        }
        other => panic!("expected TypeError, got {other:?}"),
    }
    // `add` declares no error: it saturates instead of overflowing.
    let max: i64 = client.call_typed("add", &(i64::MAX, 1)).await.unwrap();
    assert_eq!(max, i64::MAX);
    let sum: i64 = client.call_typed("add", &(2, 3)).await.unwrap();
    assert_eq!(sum, 5);
}
