//! A generated client against a stock zerorpc 0.6.3 Python server (`tests/python/stock_server.py`):
//! the trait only describes the remote methods; no zrpc code runs on the server side.

use std::process::Command;
use std::time::Duration;

use futures::TryStreamExt;
use zrpc_interop_tests::{free_endpoint, python, wait_for_tcp, workspace_root, ChildGuard};

/// The `Arith` service of the stock server, as seen from Rust.
#[zrpc::rpc_service]
pub trait Arith {
    async fn add(&self, a: i64, b: i64) -> i64;
    async fn divide(&self, a: f64, b: f64) -> f64;
    async fn count(&self, n: u32) -> zrpc::Streaming<u32>;
    async fn echo(&self, value: zrpc::Any) -> zrpc::Any;
}

#[tokio::test]
async fn generated_client_calls_a_stock_zerorpc_server() {
    let Some(python) = python() else {
        return;
    };
    let endpoint = free_endpoint();
    let _server = ChildGuard::spawn(
        Command::new(python)
            .arg(workspace_root().join("tests/python/stock_server.py"))
            .args([&endpoint, "5"]),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(20));
    let client = ArithClient::builder(&endpoint)
        .timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap();

    assert_eq!(client.add(40, 2).await.unwrap(), 42);
    assert_eq!(client.divide(1.0, 4.0).await.unwrap(), 0.25);
    match client.divide(1.0, 0.0).await {
        Err(zrpc::Error::Remote(error)) => assert_eq!(error.name, "ZeroDivisionError"),
        other => panic!("expected ZeroDivisionError, got {other:?}"),
    }
    let counted: Vec<u32> = client
        .count(150)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(counted, (0..150).collect::<Vec<_>>());
    let value = zrpc::Any::Map(vec![("k".into(), zrpc::Any::Binary(vec![0, 255]))]);
    assert_eq!(client.echo(value.clone()).await.unwrap(), value);
}
