//! Our Rust client (`zrpc::Client`) → a stock zerorpc 0.6.3 Python server.

use std::process::Command;
use std::time::Duration;

use futures::StreamExt;
use zrpc_interop_tests::{free_endpoint, python, wait_for_tcp, workspace_root, ChildGuard};

fn start_stock_server(heartbeat: &str) -> Option<(ChildGuard, String)> {
    let python = python()?;
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(
        Command::new(python)
            .arg(workspace_root().join("tests/python/stock_server.py"))
            .args([&endpoint, heartbeat]),
    );
    wait_for_tcp(&endpoint, Duration::from_secs(20));
    Some((server, endpoint))
}

async fn client(endpoint: &str, heartbeat: Duration) -> zrpc::Client {
    zrpc::Client::builder(endpoint)
        .timeout(Duration::from_secs(10))
        .heartbeat(heartbeat)
        .connect()
        .await
        .unwrap()
}

#[tokio::test]
async fn rust_client_calls_stock_server() {
    let Some((_server, ep)) = start_stock_server("5") else {
        return;
    };
    let client = client(&ep, Duration::from_secs(5)).await;
    let sum = client.call("add", vec![2.into(), 3.into()]).await.unwrap();
    assert_eq!(sum, rmpv::Value::from(5));
    let typed: i64 = client.call_typed("add", &(40, 2)).await.unwrap();
    assert_eq!(typed, 42);
    let echoed = client
        .call("echo", vec![rmpv::Value::Binary(vec![0, 255])])
        .await
        .unwrap();
    assert_eq!(echoed, rmpv::Value::Binary(vec![0, 255]));
}

#[tokio::test]
async fn rust_client_reads_stock_stream() {
    let Some((_server, ep)) = start_stock_server("5") else {
        return;
    };
    let client = client(&ep, Duration::from_secs(5)).await;
    // More than the 100-event window: needs our `_zpc_more` credit grants.
    let items: Vec<rmpv::Value> = client
        .stream("count", vec![250.into()])
        .await
        .unwrap()
        .map(|item| item.unwrap())
        .collect()
        .await;
    let expected: Vec<rmpv::Value> = (0..250).map(rmpv::Value::from).collect();
    assert_eq!(items, expected);
}

#[tokio::test]
async fn rust_client_gets_stock_errors() {
    let Some((_server, ep)) = start_stock_server("5") else {
        return;
    };
    let client = client(&ep, Duration::from_secs(5)).await;
    match client.call("divide", vec![1.into(), 0.into()]).await {
        Err(zrpc::Error::Remote(error)) => {
            assert_eq!(error.name, "ZeroDivisionError");
            assert_eq!(error.message, "division by zero");
            let traceback = error.traceback.unwrap_or_default();
            assert!(traceback.contains("Traceback"), "{traceback}");
        }
        other => panic!("expected a remote ZeroDivisionError, got {other:?}"),
    }
    match client.call("no_such_method", vec![]).await {
        Err(zrpc::Error::Remote(error)) => assert_eq!(error.name, "NameError"),
        other => panic!("expected a remote NameError, got {other:?}"),
    }
}

#[tokio::test]
async fn rust_client_long_call_heartbeats_with_stock_server() {
    let Some((_server, ep)) = start_stock_server("1") else {
        return;
    };
    let client = client(&ep, Duration::from_secs(1)).await;
    // 3.5 s: the stock server kills calls whose client stops heartbeating after ~3 intervals.
    let slept = client.call("slow", vec![3.5.into()]).await.unwrap();
    assert_eq!(slept, rmpv::Value::F64(3.5));
}
