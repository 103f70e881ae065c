//! The engine against libzmq (pyzmq) in both directions, tcp and ipc, NULL and CURVE.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use zrpc_interop_tests::{python, ChildGuard};
use zrpc_zmtp::curve::{CurveClient, CurveServer, KeyPair};
use zrpc_zmtp::{Dealer, Failure, Options, Router, Security};

const PEER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pyzmq_peer.py");

fn peer(args: &[&str]) -> Option<(ChildGuard, BufReader<std::process::ChildStdout>)> {
    let python = python()?;
    let mut child = ChildGuard::spawn(
        Command::new(python)
            .arg(PEER)
            .args(args)
            .stdout(Stdio::piped()),
    );
    let stdout = child.take_stdout();
    Some((child, BufReader::new(stdout)))
}

fn line(reader: &mut BufReader<std::process::ChildStdout>) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    line.trim().to_owned()
}

fn curve_server(keys: &KeyPair, allowed: Option<[u8; 32]>) -> Security {
    let mut server = CurveServer::new(keys.clone());
    if let Some(allowed) = allowed {
        server = server.authorize(Arc::new(move |key: &[u8; 32]| *key == allowed));
    }
    Security::CurveServer(Arc::new(server))
}

fn curve_client(server: &KeyPair, keys: &KeyPair) -> Security {
    Security::CurveClient(Arc::new(CurveClient::new(*server.public(), keys.clone())))
}

/// A Rust ROUTER echoing whatever arrives, with the public key of the sender checked.
async fn echo_router(
    security: Security,
    endpoint: &str,
) -> (String, tokio::task::JoinHandle<Vec<Option<[u8; 32]>>>) {
    let mut router = Router::new(Options {
        security,
        ..Options::default()
    });
    let bound = router.bind(endpoint).await.unwrap();
    let task = tokio::spawn(async move {
        let sender = router.sender();
        let mut keys = Vec::new();
        while let Ok(Some(message)) =
            tokio::time::timeout(Duration::from_secs(10), router.recv()).await
        {
            keys.push(message.peer.public_key);
            let mut frames = vec![message.peer.id.clone()];
            frames.extend(message.frames);
            sender.send(frames).unwrap();
            if keys.len() == 5 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        router.close().await;
        keys
    });
    (bound, task)
}

async fn pyzmq_dealer_against_rust_router(endpoint: &str, curve: bool) {
    let server = KeyPair::generate().unwrap();
    let client = KeyPair::generate().unwrap();
    let security = if curve {
        curve_server(&server, Some(*client.public()))
    } else {
        Security::Null
    };
    let (bound, task) = echo_router(security, endpoint).await;
    let mut args = vec!["dealer".to_owned(), bound];
    if curve {
        args.extend([
            server.public_z85(),
            client.public_z85(),
            client.secret_z85(),
        ]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let Some((_child, mut out)) = peer(&args) else {
        return;
    };
    let result = tokio::task::spawn_blocking(move || line(&mut out))
        .await
        .unwrap();
    assert_eq!(result, "ok");
    let keys = task.await.unwrap();
    assert_eq!(keys.len(), 5);
    let expected = curve.then(|| *client.public());
    assert!(keys.iter().all(|k| *k == expected));
}

async fn rust_dealer_against_pyzmq_router(endpoint: &str, curve: bool) {
    let server = KeyPair::generate().unwrap();
    let client = KeyPair::generate().unwrap();
    let mut args = vec!["router".to_owned(), endpoint.to_owned()];
    if curve {
        args.extend([server.secret_z85(), client.public_z85()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let Some((_child, mut out)) = peer(&args) else {
        return;
    };
    let bound = line(&mut out);
    let security = if curve {
        curve_client(&server, &client)
    } else {
        Security::Null
    };
    let mut dealer = Dealer::connect(
        &bound,
        Options {
            security,
            ..Options::default()
        },
    )
    .unwrap();
    for i in 0..5 {
        let message = vec![
            Bytes::new(),
            Bytes::from(format!("hello {i}")),
            Bytes::from(vec![7u8; 70_000]),
        ];
        if i % 2 == 0 {
            dealer.send(message.clone()).await.unwrap();
        } else {
            // The last frame in pieces (large ones written from their own buffers): libzmq
            // receives one frame.
            let mut pieces = message[..2].to_vec();
            pieces.extend([
                Bytes::from(vec![7u8; 20_000]),
                Bytes::from(vec![7u8; 100]),
                Bytes::from(vec![7u8; 49_900]),
            ]);
            dealer.sender().send_pieces(pieces, 3).await.unwrap();
        }
        let reply = tokio::time::timeout(Duration::from_secs(10), dealer.recv())
            .await
            .expect("an echo within 10 s")
            .unwrap();
        assert_eq!(reply, message);
    }
    assert_eq!(
        tokio::task::spawn_blocking(move || line(&mut out))
            .await
            .unwrap(),
        "ok"
    );
}

fn ipc_endpoint(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("zmtp-interop-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    format!("ipc://{}/sock", dir.display())
}

#[tokio::test]
async fn pyzmq_dealer_to_rust_router_tcp_null() {
    pyzmq_dealer_against_rust_router("tcp://127.0.0.1:0", false).await;
}

#[tokio::test]
async fn pyzmq_dealer_to_rust_router_ipc_null() {
    pyzmq_dealer_against_rust_router(&ipc_endpoint("a"), false).await;
}

#[tokio::test]
async fn pyzmq_dealer_to_rust_router_tcp_curve() {
    pyzmq_dealer_against_rust_router("tcp://127.0.0.1:0", true).await;
}

#[tokio::test]
async fn pyzmq_dealer_to_rust_router_ipc_curve() {
    pyzmq_dealer_against_rust_router(&ipc_endpoint("b"), true).await;
}

#[tokio::test]
async fn rust_dealer_to_pyzmq_router_tcp_null() {
    rust_dealer_against_pyzmq_router("tcp://127.0.0.1:0", false).await;
}

#[tokio::test]
async fn rust_dealer_to_pyzmq_router_ipc_null() {
    rust_dealer_against_pyzmq_router(&ipc_endpoint("c"), false).await;
}

#[tokio::test]
async fn rust_dealer_to_pyzmq_router_tcp_curve() {
    rust_dealer_against_pyzmq_router("tcp://127.0.0.1:0", true).await;
}

#[tokio::test]
async fn rust_dealer_to_pyzmq_router_ipc_curve() {
    rust_dealer_against_pyzmq_router(&ipc_endpoint("d"), true).await;
}

/// A libzmq CURVE server refusing our key (ZAP): the DEALER's link says so.
#[tokio::test]
async fn rust_dealer_refused_by_pyzmq_zap() {
    let server = KeyPair::generate().unwrap();
    let allowed = KeyPair::generate().unwrap();
    let rogue = KeyPair::generate().unwrap();
    let Some((_child, mut out)) = peer(&[
        "router",
        "tcp://127.0.0.1:0",
        &server.secret_z85(),
        &allowed.public_z85(),
    ]) else {
        return;
    };
    let bound = line(&mut out);
    let dealer = Dealer::connect(
        &bound,
        Options {
            security: curve_client(&server, &rogue),
            ..Options::default()
        },
    )
    .unwrap();
    let mut link = dealer.link();
    let failure = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(failure) = link.borrow_and_update().failure.clone() {
                return failure;
            }
            link.changed().await.unwrap();
        }
    })
    .await
    .unwrap();
    assert!(matches!(failure, Failure::Refused(_)), "{failure:?}");
}
