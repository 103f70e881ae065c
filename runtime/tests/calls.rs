mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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
    // The fields travel as a map keyed by field name, which every language reads by name.
    assert_eq!(
        remote.details,
        Some(Value::Map(vec![("dividend".into(), 7.0.into())]))
    );
    let details: DivisionByZero = remote.details_as().unwrap().unwrap();
    assert_eq!(details, DivisionByZero { dividend: 7.0 });
}

#[tokio::test]
async fn unknown_method_is_a_name_error() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    match client.call("nosuch", vec![]).await {
        Err(Error::Remote(e)) => {
            assert_eq!(e.name, "NameError");
            assert_eq!(e.message, "nosuch");
        }
        other => panic!("expected NameError, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_arity_names_the_arguments() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let err = client.call("add", vec![Value::from(1)]).await.unwrap_err();
    let Error::Remote(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!(e.name, "TypeError");
    assert!(
        e.message
            .contains("add() takes 2 arguments (a, b) but 1 were given"),
        "{}",
        e.message
    );
    let err = client
        .call("add", vec![1.into(), 2.into(), 3.into()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Remote(ref e) if e.name == "TypeError"),
        "{err:?}"
    );
}

#[tokio::test]
async fn wrong_argument_type_names_the_argument() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let err = client
        .call("add", vec![Value::from(1), Value::from("two")])
        .await
        .unwrap_err();
    let Error::Remote(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!(e.name, "TypeError");
    assert_eq!(
        e.message,
        "add(): argument `b` (position 1) has the wrong type: expected i64, got a string"
    );
    // A struct argument with a missing field.
    let err = client
        .call(
            "translate",
            vec![
                Value::Map(vec![("x".into(), 1.0.into())]),
                1.0.into(),
                1.0.into(),
            ],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Remote(ref e) if e.name == "TypeError" && e.message.contains("argument `p`")),
        "{err:?}"
    );
}

#[tokio::test]
async fn args_that_are_not_an_array_are_a_type_error() {
    use common::raw::{event, name, RawDealer};
    let (server, _) = start(Duration::from_secs(5)).await;
    let mut peer = RawDealer::connect(&server.endpoint()).await;
    peer.send_event(event(
        b"0123456789abcdef0123456789abcdef",
        None,
        "add",
        Value::from(1),
    ))
    .await;
    let reply = peer.recv(Duration::from_secs(5)).await.unwrap();
    assert_eq!(name(&reply), "ERR");
    assert_eq!(reply[2][0].as_str(), Some("TypeError"));
}

#[tokio::test]
async fn oneway_runs_without_waiting() {
    let (server, probe) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    client
        .oneway("log", vec![Value::from("hello")])
        .await
        .unwrap();
    client.oneway_typed("log", &("world",)).await.unwrap();
    assert!(
        common::wait_until(
            || probe.logged.lock().unwrap().len() == 2,
            Duration::from_secs(5)
        )
        .await
    );
    let mut logged = probe.logged.lock().unwrap().clone();
    logged.sort();
    assert_eq!(logged, ["hello", "world"]);
}

/// Oneway calls made just before the last client is dropped (or closed) still reach the
/// server: the socket writes what it was handed before it closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oneway_calls_just_before_the_client_goes_are_delivered() {
    let (server, probe) = start(Duration::from_secs(5)).await;
    for round in 0..20 {
        let client = Client::connect(&server.endpoint()).await.unwrap();
        // Connected first: a oneway made before any connection waits in the client's queue.
        client.call("add", vec![1.into(), 2.into()]).await.unwrap();
        for i in 0..5 {
            client
                .oneway_typed("log", &(format!("{round}-{i}"),))
                .await
                .unwrap();
        }
        if round % 2 == 0 {
            client.close();
        }
    }
    let delivered = common::wait_until(
        || probe.logged.lock().unwrap().len() == 100,
        Duration::from_secs(10),
    )
    .await;
    assert!(
        delivered,
        "{} of 100 oneway calls arrived",
        probe.logged.lock().unwrap().len()
    );
}

/// A function ending with a oneway call, run by `block_on` of a current-thread runtime that is
/// not driven afterwards: the request still leaves before `block_on` returns.
#[test]
fn a_oneway_call_ending_a_block_on_is_sent() {
    let servers = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (server, probe) = servers.block_on(start(Duration::from_secs(5)));
    let endpoint = server.endpoint();
    let calls = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _client = calls.block_on(async {
        let client = Client::connect(&endpoint).await.unwrap();
        client.call("add", vec![1.into(), 2.into()]).await.unwrap();
        client.oneway_typed("log", &("last",)).await.unwrap();
        client
    });
    let arrived = servers.block_on(common::wait_until(
        || probe.logged.lock().unwrap().len() == 1,
        Duration::from_secs(5),
    ));
    assert!(arrived, "the oneway call never reached the server");
}

#[tokio::test]
async fn stock_clients_get_an_ack_for_oneway_methods() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    assert_eq!(
        client.call("log", vec![Value::from("x")]).await.unwrap(),
        Value::Nil
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_callers() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let shared = Client::connect(&server.endpoint()).await.unwrap();
    let mut tasks = Vec::new();
    for caller in 0..100i64 {
        // Half share one connection, half have their own.
        let client = if caller % 2 == 0 {
            shared.clone()
        } else {
            Client::connect(&server.endpoint()).await.unwrap()
        };
        tasks.push(tokio::spawn(async move {
            for i in 0..20i64 {
                let sum: i64 = client.call_typed("add", &(caller, i)).await.unwrap();
                assert_eq!(sum, caller + i);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn untyped_values_round_trip() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let value = Value::Map(vec![
        ("bin".into(), Value::Binary(vec![0, 1, 255])),
        ("str".into(), "text".into()),
        (
            "list".into(),
            Value::Array(vec![Value::Nil, true.into(), 1.5.into(), (-7).into()]),
        ),
    ]);
    assert_eq!(
        client.call("echo", vec![value.clone()]).await.unwrap(),
        value
    );
}

/// Clients leaving while others' replies are being sent: the server must keep answering.
/// (The zeromq crate handles a departure under a blocking lock that its senders also take; a
/// reply sent from another runtime's thread could then freeze the server for good.)
#[test]
fn clients_leaving_while_others_call() {
    // A frozen runtime cannot time itself out: watch it from this thread.
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(leave_while_others_call());
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("the calls did not all succeed: a panic above, or the server froze");
}

async fn leave_while_others_call() {
    let heartbeat = Duration::from_millis(500);
    let (server, _) = start(heartbeat).await;
    let endpoint = server.endpoint();
    let connect = move || {
        Client::builder(endpoint.clone())
            .heartbeat(heartbeat)
            .timeout(Duration::from_secs(10))
            .connect()
    };
    let steady = connect().await.unwrap();
    let churning = Arc::new(AtomicBool::new(true));
    let mut tasks = Vec::new();
    for caller in 0..50i64 {
        let client = steady.clone();
        let churning = churning.clone();
        tasks.push(tokio::spawn(async move {
            let mut i = 0i64;
            while churning.load(Ordering::Relaxed) {
                let sum: i64 = client.call_typed("add", &(caller, i)).await.unwrap();
                assert_eq!(sum, caller + i);
                i += 1;
            }
        }));
    }
    for wave in 0..40i64 {
        let mut leavers = Vec::new();
        for n in 0..25i64 {
            let client = connect().await.unwrap();
            leavers.push(tokio::spawn(async move {
                for i in 0..3i64 {
                    let sum: i64 = client.call_typed("add", &(wave * n, i)).await.unwrap();
                    assert_eq!(sum, wave * n + i);
                }
                // The client is dropped here: the server sees it leave while replies to the
                // others are in flight.
            }));
        }
        for leaver in leavers {
            leaver.await.unwrap();
        }
    }
    churning.store(false, Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
}

/// A client made outside any tokio runtime lives on the shared client I/O thread; callers on
/// plain threads, with another executor, share it (requests sent by each caller, replies routed
/// by that thread).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_made_outside_tokio_serves_callers_on_plain_threads() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let endpoint = server.endpoint();
    let outcome = std::thread::spawn(move || {
        let client = futures::executor::block_on(Client::connect(&endpoint)).unwrap();
        let callers: Vec<_> = (0..4i64)
            .map(|caller| {
                let client = client.clone();
                std::thread::spawn(move || {
                    for i in 0..200i64 {
                        let sum: i64 =
                            futures::executor::block_on(client.call_typed("add", &(caller, i)))
                                .unwrap();
                        assert_eq!(sum, caller + i);
                    }
                })
            })
            .collect();
        callers.into_iter().all(|caller| caller.join().is_ok())
    });
    let all_answered = tokio::task::spawn_blocking(move || outcome.join())
        .await
        .unwrap()
        .unwrap();
    assert!(all_answered);
}
