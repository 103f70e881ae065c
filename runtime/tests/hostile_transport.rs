//! Attacks on the transport and the protocol while good callers keep calling: frame headers
//! declaring huge sizes, endless frames, clients that never read, garbage floods, floods of a
//! slow handler's calls, streams granted huge credit, and hostile servers against the client. Each attack must leave the
//! process alive, its memory bounded, and the good callers answered quickly.
//!
//! Bounds asserted (generous, for a loaded 2-core machine): RSS grows by less than 256 MiB
//! during an attack; the good callers' 99th percentile stays under 300 ms (measured figures
//! are printed; on a quiet machine they are a few ms).
mod common;

use std::time::{Duration, Instant};

use common::raw::{event, RawRouter};
use common::test_service;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use zrpc::rmpv::Value;
use zrpc::{Client, Error, Server};

const RSS_BOUND: u64 = 256 * 1024 * 1024;
const P99_BOUND: Duration = Duration::from_millis(300);

fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn frame(more: bool, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 9);
    let flags = u8::from(more);
    if body.len() > 255 {
        out.push(flags | 0x02);
        out.extend_from_slice(&(body.len() as u64).to_be_bytes());
    } else {
        out.push(flags);
        out.push(body.len() as u8);
    }
    out.extend_from_slice(body);
    out
}

/// A raw TCP peer that completed the ZMTP NULL handshake as a DEALER.
async fn raw_dealer(endpoint: &str) -> TcpStream {
    let address = endpoint.trim_start_matches("tcp://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    let mut greeting = [0u8; 64];
    greeting[0] = 0xff;
    greeting[9] = 0x7f;
    greeting[10] = 3;
    greeting[11] = 1;
    greeting[12..16].copy_from_slice(b"NULL");
    stream.write_all(&greeting).await.unwrap();
    let mut ready = vec![5u8];
    ready.extend_from_slice(b"READY");
    ready.push(11);
    ready.extend_from_slice(b"Socket-Type");
    ready.extend_from_slice(&6u32.to_be_bytes());
    ready.extend_from_slice(b"DEALER");
    stream.write_all(&[0x04, ready.len() as u8]).await.unwrap();
    stream.write_all(&ready).await.unwrap();
    // The server's greeting (64) and READY command.
    let mut peer = [0u8; 64];
    stream.read_exact(&mut peer).await.unwrap();
    let mut header = [0u8; 2];
    stream.read_exact(&mut header).await.unwrap();
    let mut body = vec![0u8; usize::from(header[1])];
    stream.read_exact(&mut body).await.unwrap();
    stream
}

fn request(i: u64, method: &str, args: Value) -> Vec<u8> {
    let id = format!("{i:032x}");
    let mut out = frame(true, b"");
    out.extend(frame(false, &event(id.as_bytes(), None, method, args)));
    out
}

/// What the good callers call during an attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GoodCall {
    /// `add(1, 2)`: quick, soon finished inline on the server's I/O thread.
    Add,
    /// `block(2)`: slow, always run on the server's runtime, here one of its own, so that the
    /// good callers' tasks do not queue behind its blocked workers.
    Block,
}

impl GoodCall {
    fn request(self) -> (&'static str, Vec<Value>, Value) {
        match self {
            GoodCall::Add => ("add", vec![1.into(), 2.into()], Value::from(3)),
            GoodCall::Block => ("block", vec![2.into()], Value::from(2)),
        }
    }
}

/// Calls `call` in a loop until `stop`; returns the latencies.
async fn good_caller(
    endpoint: String,
    call: GoodCall,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<Duration> {
    let client = Client::builder(&endpoint)
        .timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap();
    // One call to connect before measuring.
    client.call("add", vec![1.into(), 1.into()]).await.unwrap();
    let (method, args, expected) = call.request();
    let mut latencies = Vec::new();
    while !*stop.borrow() {
        let started = Instant::now();
        let result = client.call(method, args.clone()).await.unwrap();
        assert_eq!(result, expected);
        latencies.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    latencies
}

/// Runs `attack` against a fresh server while two good callers call `add`; checks the bounds.
async fn under_attack<F, Fut>(name: &str, attack: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    under_attack_calling(name, GoodCall::Add, attack).await;
}

/// Runs `attack` against a fresh server while two good callers make `call`; checks the bounds.
async fn under_attack_calling<F, Fut>(name: &str, call: GoodCall, attack: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let bind = Server::bind("tcp://127.0.0.1:0", test_service(Default::default()));
    let handlers = (call == GoodCall::Block).then(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    });
    let server = match &handlers {
        Some(runtime) => runtime.spawn(bind).await.unwrap(),
        None => bind.await,
    }
    .unwrap();
    let endpoint = server.endpoint();
    let before = rss();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let callers: Vec<_> = (0..2)
        .map(|_| tokio::spawn(good_caller(endpoint.clone(), call, stop.clone())))
        .collect();
    attack(endpoint.clone()).await;
    // Let the server chew on what the attack left for a moment, still measuring.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop_tx.send(true).unwrap();
    let mut latencies = Vec::new();
    for caller in callers {
        latencies.extend(caller.await.unwrap());
    }
    let grown = rss().saturating_sub(before);
    latencies.sort();
    assert!(!latencies.is_empty());
    let p99 = latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)];
    eprintln!(
        "{name}: {} good calls, p99 {p99:?}, RSS grew {} MiB",
        latencies.len(),
        grown >> 20
    );
    assert!(p99 < P99_BOUND, "{name}: p99 {p99:?}");
    assert!(grown < RSS_BOUND, "{name}: RSS grew {grown} bytes");
    // Still serving.
    let client = Client::connect(&endpoint).await.unwrap();
    assert_eq!(
        client.call("add", vec![2.into(), 2.into()]).await.unwrap(),
        Value::from(4)
    );
    drop(server);
    if let Some(runtime) = handlers {
        runtime.shutdown_background();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frame_headers_declaring_64_gib_and_1_tib() {
    under_attack("huge frame headers", |endpoint| async move {
        let mut peers = Vec::new();
        for size in [64u64 << 30, 1 << 40] {
            for _ in 0..4 {
                let mut peer = raw_dealer(&endpoint).await;
                let mut header = vec![0x02u8];
                header.extend_from_slice(&size.to_be_bytes());
                peer.write_all(&header).await.unwrap();
                // Some of the declared data, then silence.
                peer.write_all(&vec![0x90u8; 1 << 20]).await.unwrap();
                peers.push(peer);
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_message_of_5_million_empty_frames() {
    under_attack("5M empty frames", |endpoint| async move {
        let mut peer = raw_dealer(&endpoint).await;
        let chunk: Vec<u8> = [0x01u8, 0x00].repeat(500_000);
        for _ in 0..10 {
            // The server hangs up after 64 frames; the rest may not be written.
            if peer.write_all(&chunk).await.is_err() {
                break;
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_sending_200k_requests_and_never_reading() {
    under_attack("never-reading client", |endpoint| async move {
        let mut peer = raw_dealer(&endpoint).await;
        let mut batch = Vec::new();
        for i in 0..200_000u64 {
            batch.extend(request(i, "add", Value::Array(vec![1.into(), 2.into()])));
            if batch.len() > 1 << 20 {
                peer.write_all(&batch).await.unwrap();
                batch.clear();
            }
        }
        peer.write_all(&batch).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(peer);
    })
    .await;
}

/// Calls of a slow handler run on the server's runtime: the flood must wait its turn with the
/// good callers' calls of that handler, not queue there ahead of them up to the in-flight limit
/// (1024 calls, half a second of work for two workers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_flooding_a_slow_handler_and_never_reading() {
    let attack = |endpoint: String| async move {
        let mut peer = raw_dealer(&endpoint).await;
        let mut batch = Vec::new();
        for i in 0..4_000u64 {
            batch.extend(request(i, "block", Value::Array(vec![1.into()])));
        }
        peer.write_all(&batch).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(peer);
    };
    under_attack_calling("4k calls of a 1 ms handler", GoodCall::Block, attack).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_undecodable_messages() {
    under_attack("1M garbage messages", |endpoint| async move {
        let mut peer = raw_dealer(&endpoint).await;
        let mut one = frame(true, b"");
        one.extend(frame(false, b"\xc1\xc1"));
        let chunk = one.repeat(100_000);
        for _ in 0..10 {
            peer.write_all(&chunk).await.unwrap();
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_granted_huge_credit_and_never_read() {
    under_attack("8 streams x 1M credit, unread", |endpoint| async move {
        let mut peer = raw_dealer(&endpoint).await;
        for i in 0..8u64 {
            peer.write_all(&request(
                i,
                "countdown",
                Value::Array(vec![1_000_000.into()]),
            ))
            .await
            .unwrap();
            let id = format!("{i:032x}");
            let grant = event(
                b"ffffffffffffffffffffffffffffffff",
                Some(Value::Binary(id.into_bytes())),
                "_zpc_more",
                Value::Array(vec![1_000_000.into()]),
            );
            let mut more = frame(true, b"");
            more.extend(frame(false, &grant));
            peer.write_all(&more).await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        drop(peer);
    })
    .await;
}

/// A server answering with more than the client accepts: that call fails, the client lives.
#[tokio::test]
async fn an_oversized_reply_fails_the_call_not_the_client() {
    let mut router = RawRouter::bind().await;
    let client = Client::builder(&router.1)
        .timeout(Duration::from_secs(5))
        .max_reply_size(1 << 20)
        .connect()
        .await
        .unwrap();
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call("echo", vec![Value::from("x")]).await }
    });
    let (peer, request) = router.recv(Duration::from_secs(5)).await.unwrap();
    let id = common::raw::header_get(&request, "message_id")
        .unwrap()
        .clone();
    let huge = Value::Binary(vec![7u8; 4 << 20]);
    let reply = event(
        b"00000000000000000000000000000000",
        Some(id),
        "OK",
        Value::Array(vec![huge]),
    );
    router.send(&peer, vec![Vec::new(), reply]).await;
    let err = call.await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Protocol(m) if m.contains("exceeds the client limit")),
        "{err:?}"
    );
}

/// A unary call answered by one STREAM item and then only heartbeats: an error within the
/// timeout, not a hang.
#[tokio::test]
async fn a_stream_item_answering_a_unary_call_then_silence() {
    let mut router = RawRouter::bind().await;
    let client = Client::builder(&router.1)
        .timeout(Duration::from_millis(800))
        .heartbeat(Duration::from_millis(200))
        .connect()
        .await
        .unwrap();
    let started = Instant::now();
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call("add", vec![1.into(), 2.into()]).await }
    });
    let (peer, request) = router.recv(Duration::from_secs(5)).await.unwrap();
    let id = common::raw::header_get(&request, "message_id")
        .unwrap()
        .clone();
    let item = event(
        b"00000000000000000000000000000001",
        Some(id.clone()),
        "STREAM",
        Value::from(3),
    );
    router.send(&peer, vec![Vec::new(), item]).await;
    for i in 0..20u8 {
        let beat = event(
            &[b'2'; 32],
            Some(id.clone()),
            "_zpc_hb",
            Value::Array(vec![i.into()]),
        );
        router.send(&peer, vec![Vec::new(), beat]).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let result = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(result, Err(Error::Timeout { .. })), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
}
