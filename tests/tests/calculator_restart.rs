//! Process-level failures: the server dies mid-call (SIGKILL), then comes back on the same port.

use std::process::Command;
use std::time::{Duration, Instant};

use zrpc_interop_tests::{free_endpoint, wait_for_tcp, workspace_bin, ChildGuard};

fn start_calculator(endpoint: &str) -> ChildGuard {
    let server = ChildGuard::spawn(Command::new(workspace_bin("calculator-server")).args([
        "--bind",
        endpoint,
        "--heartbeat",
        "1",
    ]));
    wait_for_tcp(endpoint, Duration::from_secs(10));
    server
}

#[tokio::test]
async fn killed_server_gives_lost_remote_then_client_recovers_after_restart() {
    let endpoint = free_endpoint();
    let mut server = start_calculator(&endpoint);
    let client = zrpc::Client::builder(&endpoint)
        .timeout(Duration::from_secs(30))
        .heartbeat(Duration::from_secs(1))
        .connect()
        .await
        .unwrap();
    assert_eq!(
        client.call("add", vec![1.into(), 2.into()]).await.unwrap(),
        rmpv::Value::from(3)
    );

    let long_call = {
        let client = client.clone();
        tokio::spawn(async move { client.call("sleep", vec![20_000.into()]).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.kill();
    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(10), long_call)
        .await
        .expect("the call must end by heartbeat loss, well before its 20 s sleep")
        .unwrap();
    assert!(
        matches!(outcome, Err(zrpc::Error::LostRemote(_))),
        "expected LostRemote, got {outcome:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    let _restarted = start_calculator(&endpoint);
    // The client reconnects by itself; calls made while it does may fail, so retry a bounded
    // number of times.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let attempt = tokio::time::timeout(
            Duration::from_secs(5),
            client.call("add", vec![20.into(), 22.into()]),
        )
        .await;
        match attempt {
            Ok(Ok(value)) => {
                assert_eq!(value, rmpv::Value::from(42));
                break;
            }
            other => assert!(
                Instant::now() < deadline,
                "client did not recover after restart: {other:?}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
