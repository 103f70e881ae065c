//! ZMTP 3.1 heartbeats: a ROUTER answers every PING with a PONG carrying its context, whether
//! or not the connection is tapped, and goes on delivering messages.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use zrpc_zmtp::{Options, Router};

/// A NULL greeting of a client (ZMTP 3.0).
fn greeting() -> Vec<u8> {
    let mut g = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 0];
    g.extend_from_slice(b"NULL");
    g.resize(32, 0);
    g.push(0); // as-server
    g.resize(64, 0);
    g
}

/// A short command frame.
fn command(name: &[u8], data: &[u8]) -> Vec<u8> {
    let mut body = vec![name.len() as u8];
    body.extend_from_slice(name);
    body.extend_from_slice(data);
    let mut frame = vec![0x04, body.len() as u8];
    frame.extend_from_slice(&body);
    frame
}

/// The next frame: (flags, body); only short frames are expected here.
async fn frame(stream: &mut TcpStream) -> (u8, Vec<u8>) {
    let mut head = [0u8; 2];
    stream.read_exact(&mut head).await.unwrap();
    assert_eq!(
        head[0] & 0x02,
        0,
        "a long frame where a short one was expected"
    );
    let mut body = vec![0u8; head[1] as usize];
    stream.read_exact(&mut body).await.unwrap();
    (head[0], body)
}

/// Connects by hand as a DEALER and completes the NULL handshake.
async fn handshake(endpoint: &str) -> TcpStream {
    let mut stream = TcpStream::connect(endpoint.trim_start_matches("tcp://"))
        .await
        .unwrap();
    stream.write_all(&greeting()).await.unwrap();
    let mut ready = b"\x0bSocket-Type\x00\x00\x00\x06".to_vec();
    ready.extend_from_slice(b"DEALER");
    stream.write_all(&command(b"READY", &ready)).await.unwrap();
    let mut theirs = [0u8; 64];
    stream.read_exact(&mut theirs).await.unwrap();
    assert_eq!(&theirs[12..16], b"NULL");
    let (flags, body) = frame(&mut stream).await;
    assert_eq!(flags, 0x04);
    assert!(body.starts_with(b"\x05READY"));
    stream
}

/// Binds `router`, pings it three times, then sends the message "hi".
async fn ping_pong(router: &mut Router) {
    let endpoint = router.bind("tcp://127.0.0.1:0").await.unwrap();
    let mut stream = handshake(&endpoint).await;
    for context in [&b"ctx-1"[..], b"", b"0123456789abcdef"] {
        let mut ping = vec![0, 10]; // TTL
        ping.extend_from_slice(context);
        stream.write_all(&command(b"PING", &ping)).await.unwrap();
        let reply = tokio::time::timeout(Duration::from_secs(5), frame(&mut stream))
            .await
            .expect("no PONG");
        let mut pong = b"\x04PONG".to_vec();
        pong.extend_from_slice(context);
        assert_eq!(reply, (0x04, pong));
    }
    stream.write_all(&[0x00, 2, b'h', b'i']).await.unwrap();
    // Kept open until the message is taken.
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(stream);
    });
}

#[tokio::test]
async fn a_router_answers_ping_with_pong() {
    let mut router = Router::new(Options::default());
    ping_pong(&mut router).await;
    let received = tokio::time::timeout(Duration::from_secs(5), router.recv())
        .await
        .expect("the message after the heartbeats")
        .unwrap();
    assert_eq!(received.frames.last().unwrap().as_ref(), b"hi");
}

#[tokio::test]
async fn a_tapped_router_answers_ping_with_pong() {
    let mut router = Router::new(Options::default());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    router.set_tap(Arc::new(move |message| {
        let _ = tx.send(message.frames);
        false
    }));
    ping_pong(&mut router).await;
    let frames = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("the message after the heartbeats")
        .unwrap();
    assert_eq!(frames.last().unwrap().as_ref(), b"hi");
}
