mod common;

use std::time::Duration;

use common::raw::{event, name, RawDealer};
use common::start;
use futures::StreamExt;
use zrpc::rmpv::Value;
use zrpc::{Client, Error};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_items_arrive_in_order() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let mut items = client
        .stream_typed::<u32, _>("countdown", &(10_000u32,))
        .await
        .unwrap();
    let mut expected = 10_000u32;
    while let Some(item) = items.next().await {
        assert_eq!(item.unwrap(), expected);
        expected -= 1;
    }
    assert_eq!(expected, 0);
}

#[tokio::test]
async fn untyped_stream_and_call_on_a_stream() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let items: Vec<Value> = client
        .stream("countdown", vec![Value::from(3)])
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, vec![Value::from(3), Value::from(2), Value::from(1)]);
    // `call` collects a stream into an array; an empty stream is an empty array.
    assert_eq!(
        client
            .call("countdown", vec![Value::from(2)])
            .await
            .unwrap(),
        Value::Array(vec![2.into(), 1.into()])
    );
    assert_eq!(
        client
            .call("countdown", vec![Value::from(0)])
            .await
            .unwrap(),
        Value::Array(vec![])
    );
    let collected: Vec<u32> = client.call_typed("countdown", &(250u32,)).await.unwrap();
    assert_eq!(collected.len(), 250);
}

#[tokio::test]
async fn an_error_ends_the_stream() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let items: Vec<Result<u32, Error>> = client
        .stream_typed("fail_after", &(2u32,))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert_eq!(*items[0].as_ref().unwrap(), 0);
    assert_eq!(*items[1].as_ref().unwrap(), 1);
    assert!(
        matches!(&items[2], Err(Error::Remote(e)) if e.name == "KeyError" && e.message == "stream broke")
    );
}

/// The server sends one item on the implicit credit, then exactly as many as `_zpc_more` grants.
#[tokio::test]
async fn the_server_honours_credit() {
    let (server, _) = start(Duration::from_secs(5)).await;
    let mut peer = RawDealer::connect(&server.endpoint()).await;
    let id = b"c0ffee00c0ffee00c0ffee00c0ffee00";
    let channel = Value::Binary(id.to_vec());
    peer.send_event(event(id, None, "countdown", Value::Array(vec![50.into()])))
        .await;
    let first = peer.recv_all(Duration::from_millis(300)).await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(name(&first[0]), "STREAM");
    assert_eq!(first[0][2], Value::from(50));

    peer.send_event(event(
        b"c0ffee00c0ffee00c0ffee00c0ffee01",
        Some(channel.clone()),
        "_zpc_more",
        Value::Array(vec![2.into()]),
    ))
    .await;
    let next = peer.recv_all(Duration::from_millis(300)).await;
    assert_eq!(
        next.iter()
            .map(|e| e[2].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![49, 48]
    );

    peer.send_event(event(
        b"c0ffee00c0ffee00c0ffee00c0ffee02",
        Some(channel),
        "_zpc_more",
        Value::Array(vec![100.into()]),
    ))
    .await;
    let rest = peer.recv_all(Duration::from_millis(300)).await;
    assert_eq!(rest.len(), 48);
    assert_eq!(name(&rest[46]), "STREAM");
    assert_eq!(name(&rest[47]), "STREAM_DONE");
    assert_eq!(rest[47][2], Value::Nil);
}
