//! Heartbeats, timeouts, lost peers, restarts.
mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::raw::{event, header_get, name, RawDealer, RawRouter};
use common::{start, test_service, Probe};
use zrpc::rmpv::Value;
use zrpc::{Client, Error, Server};

const HB: Duration = Duration::from_millis(200);

async fn client(endpoint: &str) -> Client {
    Client::builder(endpoint)
        .heartbeat(HB)
        .connect()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_longer_than_three_heartbeats_succeeds() {
    let (server, _) = start(HB).await;
    let client = client(&server.endpoint()).await;
    let ms: u64 = client.call_typed("sleep", &(1000u64,)).await.unwrap();
    assert_eq!(ms, 1000);
}

/// A handler that blocks its thread does not stop the server's heartbeats.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_handler_does_not_starve_heartbeats() {
    let (server, _) = start(HB).await;
    let client = client(&server.endpoint()).await;
    let ms: u64 = client.call_typed("block", &(1000u64,)).await.unwrap();
    assert_eq!(ms, 1000);
}

#[tokio::test]
async fn the_server_heartbeats_open_channels() {
    let (server, _) = start(HB).await;
    let mut peer = RawDealer::connect(&server.endpoint()).await;
    let id = b"aaaaaaaabbbbbbbbccccccccdddddddd";
    peer.send_event(event(id, None, "sleep", Value::Array(vec![700.into()])))
        .await;
    let mut names = Vec::new();
    while let Some(e) = peer.recv(Duration::from_secs(2)).await {
        assert_eq!(
            header_get(&e, "response_to"),
            Some(&Value::Binary(id.to_vec()))
        );
        assert_eq!(header_get(&e, "v"), Some(&Value::from(3)));
        names.push(name(&e).to_owned());
        if name(&e) == "_zpc_hb" {
            assert_eq!(e[2], Value::Array(vec![0.into()]));
        }
        if name(&e) == "OK" {
            break;
        }
        // Keep the server from declaring us lost.
        peer.send_event(event(
            b"aaaaaaaabbbbbbbbccccccccdddddde0",
            Some(Value::Binary(id.to_vec())),
            "_zpc_hb",
            Value::Array(vec![0.into()]),
        ))
        .await;
    }
    assert_eq!(names.last().map(String::as_str), Some("OK"));
    assert!(
        names.iter().filter(|n| *n == "_zpc_hb").count() >= 2,
        "{names:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_client_has_its_handler_cancelled() {
    let (server, probe) = start(HB).await;
    let mut peer = RawDealer::connect(&server.endpoint()).await;
    peer.send_event(event(
        b"0000000000000000000000000000dead",
        None,
        "sleep",
        Value::Array(vec![30_000.into()]),
    ))
    .await;
    let started = Instant::now();
    // Never heard from, the client is given twice zerorpc's default interval (10 s).
    assert!(
        common::wait_until(
            || probe.cancelled.load(Ordering::SeqCst),
            Duration::from_secs(13)
        )
        .await
    );
    assert!(
        started.elapsed() >= Duration::from_secs(10),
        "cancelled too early: {:?}",
        started.elapsed()
    );
    // Only heartbeats came back, never a reply.
    let events = peer.recv_all(Duration::from_millis(100)).await;
    assert!(events.iter().all(|e| name(e) == "_zpc_hb"), "{events:?}");
}

#[tokio::test]
async fn timeout_on_the_first_reply() {
    let (server, _) = start(HB).await;
    let client = Client::builder(server.endpoint())
        .heartbeat(HB)
        .timeout(Duration::from_millis(300))
        .connect()
        .await
        .unwrap();
    let started = Instant::now();
    let err = client
        .call("sleep", vec![Value::from(3000)])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { ref method, .. } if method == "sleep"),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    // The connection is still good.
    assert_eq!(
        client.call("add", vec![1.into(), 1.into()]).await.unwrap(),
        Value::from(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_stopped_mid_call_is_a_lost_remote() {
    let (server, _) = start(HB).await;
    let client = client(&server.endpoint()).await;
    let call = tokio::spawn(async move { client.call("sleep", vec![Value::from(10_000)]).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.abort().await;
    let result = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(result, Err(Error::LostRemote(_))), "{result:?}");
}

/// A server that stops heartbeating but keeps the connection open is detected too.
#[tokio::test]
async fn a_hung_server_is_a_lost_remote() {
    let mut router = RawRouter::bind().await;
    let client = client(&router.1).await;
    let started = Instant::now();
    let call = tokio::spawn(async move { client.call("add", vec![1.into(), 2.into()]).await });
    let (_, request) = router.recv(Duration::from_secs(5)).await.unwrap();
    assert_eq!(name(&request), "add");
    // Never heard from, the server is given twice zerorpc's default interval (10 s).
    let result = tokio::time::timeout(Duration::from_secs(13), call)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(result, Err(Error::LostRemote(_))), "{result:?}");
    assert!(started.elapsed() >= Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_recovers_after_a_server_restart() {
    let probe = std::sync::Arc::new(Probe::default());
    let server = Server::builder(test_service(probe.clone()))
        .bind("tcp://127.0.0.1:0")
        .heartbeat(HB)
        .start()
        .await
        .unwrap();
    let endpoint = server.endpoint();
    let client = Client::builder(&endpoint)
        .heartbeat(HB)
        .timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap();
    assert_eq!(
        client.call("add", vec![1.into(), 2.into()]).await.unwrap(),
        Value::from(3)
    );
    server.abort().await;
    // Let the client see the connection drop (a call sent into the dying connection is lost:
    // that is `server_stopped_mid_call_is_a_lost_remote`).
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A call made while the server is down completes once it is back.
    let waiting = {
        let client = client.clone();
        tokio::spawn(async move { client.call("add", vec![2.into(), 2.into()]).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let server = Server::builder(test_service(probe))
        .bind(endpoint.as_str())
        .heartbeat(HB)
        .start()
        .await
        .unwrap();
    assert_eq!(waiting.await.unwrap().unwrap(), Value::from(4));
    for i in 0..10 {
        assert_eq!(
            client.call("add", vec![i.into(), 1.into()]).await.unwrap(),
            Value::from(i + 1)
        );
    }
    drop(server);
}

#[tokio::test]
async fn calls_to_a_missing_server_fail_clearly_and_do_not_pile_up() {
    let router = RawRouter::bind().await;
    let endpoint = router.1.clone();
    drop(router);
    let client = Client::builder(&endpoint)
        .heartbeat(HB)
        .timeout(Duration::from_millis(300))
        .max_queued(2)
        .connect()
        .await
        .unwrap();
    let a = tokio::spawn({
        let c = client.clone();
        async move { c.call("add", vec![]).await }
    });
    let b = tokio::spawn({
        let c = client.clone();
        async move { c.call("add", vec![]).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let third = client.call("add", vec![]).await.unwrap_err();
    assert!(matches!(third, Error::QueueFull(2)), "{third:?}");
    // Nothing ever connected: unreachable (not a timeout), within the call's timeout.
    for call in [a, b] {
        let err = call.await.unwrap().unwrap_err();
        assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
    }
    // Failed calls leave the queue.
    let started = Instant::now();
    let err = client.call("add", vec![]).await.unwrap_err();
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_calls() {
    let (server, _) = start(HB).await;
    let client = client(&server.endpoint()).await;
    let call = {
        let client = client.clone();
        tokio::spawn(async move { client.call_typed::<u64, _>("sleep", &(500u64,)).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.shutdown().await;
    assert_eq!(call.await.unwrap().unwrap(), 500);
}

/// A graceful shutdown ends as soon as the last call does, not on the server's next liveness
/// check (one heartbeat interval, 5 s by default, later).
#[tokio::test]
async fn graceful_shutdown_ends_with_the_last_call() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = client(&server.endpoint()).await;
    let call = {
        let client = client.clone();
        tokio::spawn(async move { client.call_typed::<u64, _>("sleep", &(300u64,)).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    server.shutdown().await;
    let took = started.elapsed();
    assert_eq!(call.await.unwrap().unwrap(), 300);
    assert!(took < Duration::from_secs(2), "shutdown took {took:?}");
}

/// More calls than the server's runtime takes at once, so that some wait their turn in the
/// server: a graceful shutdown still runs every one, oneway calls included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_runs_the_calls_waiting_for_the_runtime() {
    let (server, probe) = start(HB).await;
    let client = client(&server.endpoint()).await;
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call_typed::<u64, _>("block", &(5u64,)).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    for i in 0..50 {
        client
            .oneway("log", vec![Value::from(i.to_string())])
            .await
            .unwrap();
    }
    // Answered after the server has read the oneway calls sent before it.
    let sum: i64 = client.call_typed("add", &(1, 2)).await.unwrap();
    assert_eq!(sum, 3);
    server.shutdown().await;
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 5);
    }
    let logged = || probe.logged.lock().unwrap().len() == 50;
    assert!(
        common::wait_until(logged, Duration::from_secs(5)).await,
        "{}",
        probe.logged.lock().unwrap().len()
    );
}

/// The server's whole runtime is one thread, and the handler blocks it: heartbeats come from
/// the server's I/O thread, so the client does not declare it lost, and the call completes.
#[tokio::test]
async fn heartbeats_survive_a_blocked_single_threaded_server_runtime() {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server_thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let (server, _) = start(HB).await;
            ready_tx.send(server.endpoint()).unwrap();
            let _ = stop_rx.await;
            server.abort().await;
        });
    });
    let endpoint = ready_rx.recv().unwrap();
    let client = client(&endpoint).await;
    let started = Instant::now();
    let ms: u64 = client.call_typed("block", &(1200u64,)).await.unwrap();
    assert_eq!(ms, 1200);
    assert!(started.elapsed() >= Duration::from_millis(1200));
    stop_tx.send(()).unwrap();
    server_thread.join().unwrap();
}

/// Everything on the server's I/O thread: calls, streams and long calls with heartbeats work.
#[tokio::test]
async fn handlers_on_the_io_thread() {
    let server = Server::builder(test_service(Default::default()))
        .bind("tcp://127.0.0.1:0")
        .heartbeat(HB)
        .handlers_on_io_thread(true)
        .start()
        .await
        .unwrap();
    let client = client(&server.endpoint()).await;
    let sum: i64 = client.call_typed("add", &(2, 3)).await.unwrap();
    assert_eq!(sum, 5);
    let ms: u64 = client.call_typed("sleep", &(1000u64,)).await.unwrap();
    assert_eq!(ms, 1000);
    let items: Vec<u32> = client.call_typed("countdown", &(1000u32,)).await.unwrap();
    assert_eq!(items.len(), 1000);
    server.shutdown().await;
}
