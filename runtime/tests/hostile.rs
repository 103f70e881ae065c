//! Malformed and hostile input never takes the server (or a client) down.
mod common;

use std::time::Duration;

use common::raw::{encode, event, name, RawDealer, RawRouter};
use common::test_service;
use zrpc::rmpv::Value;
use zrpc::{Client, Error, Server};

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect(),
    )
}

/// Everything a broken or malicious peer might send.
fn garbage() -> Vec<Vec<Vec<u8>>> {
    let id = Value::Binary(b"ffffffffffffffffffffffffffffffff".to_vec());
    let header = map(vec![("message_id", id.clone()), ("v", 3.into())]);
    let array = |items: Vec<Value>| encode(&Value::Array(items));
    let mut deep = vec![0x91u8; 100_000];
    deep.push(0xc0);
    vec![
        vec![b"garbage".to_vec()],
        vec![Vec::new(), b"\xc1\xc1\xc1".to_vec()],
        vec![Vec::new(), Vec::new()],
        vec![
            Vec::new(),
            b"a".to_vec(),
            b"b".to_vec(),
            Vec::new(),
            b"c".to_vec(),
        ],
        vec![Vec::new(), encode(&Value::from(42))],
        vec![Vec::new(), array(vec![header.clone(), "add".into()])],
        vec![
            Vec::new(),
            array(vec![Value::from(1), "add".into(), Value::Array(vec![])]),
        ],
        vec![
            Vec::new(),
            array(vec![
                map(vec![("message_id", 7.into()), ("v", 3.into())]),
                "add".into(),
                Value::Array(vec![]),
            ]),
        ],
        vec![
            Vec::new(),
            array(vec![
                map(vec![("v", "three".into())]),
                "add".into(),
                Value::Array(vec![]),
            ]),
        ],
        vec![
            Vec::new(),
            array(vec![
                map(vec![
                    ("message_id", id.clone()),
                    ("response_to", Value::Array(vec![])),
                ]),
                "add".into(),
                Value::Array(vec![]),
            ]),
        ],
        vec![
            Vec::new(),
            array(vec![
                header.clone(),
                Value::Binary(b"add".to_vec()),
                Value::Array(vec![1.into(), 2.into()]),
            ]),
        ],
        vec![
            Vec::new(),
            array(vec![header.clone(), Value::from(5), Value::Array(vec![])]),
        ],
        vec![
            Vec::new(),
            event(
                b"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                Some(Value::Binary(b"no such channel".to_vec())),
                "_zpc_more",
                Value::Array(vec![5.into()]),
            ),
        ],
        vec![
            Vec::new(),
            event(
                b"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                Some(Value::from("unknown")),
                "OK",
                Value::Array(vec![1.into()]),
            ),
        ],
        vec![Vec::new(), deep.clone()],
        vec![Vec::new(), {
            let mut truncated = event(
                b"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                None,
                "add",
                Value::Array(vec![1.into(), 2.into()]),
            );
            truncated.truncate(truncated.len() - 1);
            truncated
        }],
        vec![Vec::new(), {
            let mut trailing = event(
                b"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                None,
                "add",
                Value::Array(vec![1.into(), 2.into()]),
            );
            trailing.push(0x00);
            trailing
        }],
        vec![Vec::new(), vec![0xdd, 0xff, 0xff, 0xff, 0xff]],
        vec![Vec::new(), vec![0x93, 0xdf, 0xff, 0xff, 0xff, 0xff]],
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_never_disturbs_good_clients() {
    let server = Server::builder(test_service(Default::default()))
        .bind("tcp://127.0.0.1:0")
        .start()
        .await
        .unwrap();
    let endpoint = server.endpoint();
    let good = {
        let endpoint = endpoint.clone();
        tokio::spawn(async move {
            let client = Client::connect(&endpoint).await.unwrap();
            for i in 0..300i64 {
                let sum: i64 = client.call_typed("add", &(i, 1)).await.unwrap();
                assert_eq!(sum, i + 1);
            }
        })
    };
    let mut attackers = Vec::new();
    for _ in 0..3 {
        let endpoint = endpoint.clone();
        attackers.push(tokio::spawn(async move {
            let mut peer = RawDealer::connect(&endpoint).await;
            for _ in 0..20 {
                for frames in garbage() {
                    peer.send_frames(frames).await;
                }
            }
            // The same peer is still served afterwards.
            peer.send_event(event(
                b"12341234123412341234123412341234",
                None,
                "add",
                Value::Array(vec![20.into(), 22.into()]),
            ))
            .await;
            peer.recv_all(Duration::from_millis(300)).await
        }));
    }
    good.await.unwrap();
    for attacker in attackers {
        let replies = attacker.await.unwrap();
        // Garbage is dropped without an answer; the good request is answered.
        assert_eq!(replies.len(), 1, "{replies:?}");
        assert_eq!(name(&replies[0]), "OK");
        assert_eq!(replies[0][2], Value::Array(vec![42.into()]));
    }
    let client = Client::connect(&endpoint).await.unwrap();
    assert_eq!(
        client.call("add", vec![1.into(), 2.into()]).await.unwrap(),
        Value::from(3)
    );
}

#[tokio::test]
async fn a_request_without_delimiter_is_answered_with_one() {
    let server = Server::bind("tcp://127.0.0.1:0", test_service(Default::default()))
        .await
        .unwrap();
    let mut peer = RawDealer::connect(&server.endpoint()).await;
    peer.send_frames(vec![event(
        b"11111111111111111111111111111111",
        None,
        "add",
        Value::Array(vec![2.into(), 3.into()]),
    )])
    .await;
    let reply = peer.recv(Duration::from_secs(5)).await.unwrap();
    assert_eq!(name(&reply), "OK");
    assert_eq!(reply[2], Value::Array(vec![5.into()]));
}

#[tokio::test]
async fn a_str_message_id_is_echoed_as_str() {
    let server = Server::bind("tcp://127.0.0.1:0", test_service(Default::default()))
        .await
        .unwrap();
    let mut peer = RawDealer::connect(&server.endpoint()).await;
    let header = map(vec![
        ("v", 3.into()),
        ("message_id", "6f2baa6b-8304-4bea-a2ee-000000000001".into()),
        ("trace", "kept and ignored".into()),
    ]);
    peer.send_event(encode(&Value::Array(vec![
        header,
        "add".into(),
        Value::Array(vec![1.into(), 1.into()]),
    ])))
    .await;
    let reply = peer.recv(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        common::raw::header_get(&reply, "response_to"),
        Some(&Value::from("6f2baa6b-8304-4bea-a2ee-000000000001"))
    );
    let id = common::raw::header_get(&reply, "message_id").unwrap();
    assert!(matches!(id, Value::Binary(b) if b.len() == 32 && b.iter().all(u8::is_ascii_hexdigit)));
}

#[tokio::test]
async fn oversize_requests_are_refused() {
    let server = Server::builder(test_service(Default::default()))
        .bind("tcp://127.0.0.1:0")
        .max_message_size(64 * 1024)
        .start()
        .await
        .unwrap();
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let big = Value::Binary(vec![7; 100 * 1024]);
    let err = client.call("echo", vec![big]).await.unwrap_err();
    assert!(
        matches!(err, Error::Remote(ref e) if e.name == "MessageTooLarge"),
        "{err:?}"
    );
    let small = Value::Binary(vec![7; 1024]);
    assert_eq!(
        client.call("echo", vec![small.clone()]).await.unwrap(),
        small
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_calls_per_peer_are_bounded() {
    let server = Server::builder(test_service(Default::default()))
        .bind("tcp://127.0.0.1:0")
        .max_in_flight_per_peer(4)
        .start()
        .await
        .unwrap();
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call("sleep", vec![Value::from(300)]).await })
        })
        .collect();
    let mut ok = 0;
    let mut busy = 0;
    for call in calls {
        match call.await.unwrap() {
            Ok(_) => ok += 1,
            Err(Error::Remote(e)) if e.name == "ServerBusy" => busy += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((ok, busy), (4, 6));
    // Another peer is not affected by this one's limit, and the limit frees up.
    let other = Client::connect(&server.endpoint()).await.unwrap();
    assert_eq!(
        other.call("add", vec![1.into(), 1.into()]).await.unwrap(),
        Value::from(2)
    );
    assert_eq!(
        client.call("add", vec![1.into(), 1.into()]).await.unwrap(),
        Value::from(2)
    );
}

/// A fake server answering garbage, stray replies and finally the right reply.
#[tokio::test]
async fn the_client_ignores_garbage_and_stray_replies() {
    let mut router = RawRouter::bind().await;
    let client = Client::connect(&router.1).await.unwrap();
    let call = tokio::spawn(async move { client.call("add", vec![1.into(), 2.into()]).await });
    let (peer, request) = router.recv(Duration::from_secs(5)).await.unwrap();
    let id = common::raw::header_get(&request, "message_id")
        .unwrap()
        .clone();
    let reply_id = b"99999999999999999999999999999999";
    for frames in garbage() {
        router.send(&peer, frames).await;
    }
    // Same bytes as the id, but as str: must not be taken as our channel.
    let Value::Binary(raw_id) = &id else { panic!() };
    let as_str = Value::from(String::from_utf8(raw_id.clone()).unwrap());
    router
        .send(
            &peer,
            vec![
                Vec::new(),
                event(reply_id, Some(as_str), "OK", Value::Array(vec![666.into()])),
            ],
        )
        .await;
    router
        .send(
            &peer,
            vec![
                Vec::new(),
                event(reply_id, Some(id), "OK", Value::Array(vec![3.into()])),
            ],
        )
        .await;
    assert_eq!(call.await.unwrap().unwrap(), Value::from(3));
}

/// Channels are keyed by (peer, id): two peers reusing one id do not disturb each other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_message_id_from_two_peers_makes_two_channels() {
    let server = Server::bind("tcp://127.0.0.1:0", test_service(Default::default()))
        .await
        .unwrap();
    let id = b"5555555555555555555555555555aaaa";
    let mut first = RawDealer::connect(&server.endpoint()).await;
    let mut second = RawDealer::connect(&server.endpoint()).await;
    first
        .send_event(event(id, None, "sleep", Value::Array(vec![300.into()])))
        .await;
    second
        .send_event(event(id, None, "sleep", Value::Array(vec![200.into()])))
        .await;
    let a = first.recv(Duration::from_secs(5)).await.unwrap();
    let b = second.recv(Duration::from_secs(5)).await.unwrap();
    assert_eq!((name(&a), name(&b)), ("OK", "OK"));
    assert_eq!((a[2][0].as_u64(), b[2][0].as_u64()), (Some(300), Some(200)));
    assert!(first.recv(Duration::from_millis(200)).await.is_none());
    assert!(second.recv(Duration::from_millis(200)).await.is_none());
}
