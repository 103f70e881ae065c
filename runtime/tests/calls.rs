mod common;

use std::time::Duration;

use common::{start, DivisionByZero, Point};
use zrpc::rmpv::Value;
use zrpc::{Client, Error};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_reply() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let sum = client
        .call("add", vec![Value::from(1), Value::from(2)])
        .await
        .unwrap();
    assert_eq!(sum, Value::from(3));
    let typed: i64 = client.call_typed("add", &(40, 2)).await.unwrap();
    assert_eq!(typed, 42);
    let p = Point {
        x: 1.0,
        y: 2.0,
        label: Some("a".into()),
    };
    let moved: Point = client
        .call_typed("translate", &(&p, 1.5, -2.0))
        .await
        .unwrap();
    assert_eq!(
        moved,
        Point {
            x: 2.5,
            y: 0.0,
            label: Some("a".into())
        }
    );
}

#[tokio::test]
async fn typed_error_carries_details() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let err = client
        .call_typed::<f64, _>("divide", &(7.0, 0.0))
        .await
        .unwrap_err();
    let Error::Remote(remote) = err else {
        panic!("expected a remote error, got {err:?}")
    };
    assert_eq!(remote.name, "DivisionByZero");
    assert_eq!(remote.message, "division by zero");
    let details: DivisionByZero = remote.details_as().unwrap().unwrap();
    assert_eq!(details, DivisionByZero { dividend: 7.0 });
}
