//! PUB/SUB and PUSH/PULL against libzmq (pyzmq) in both directions, NULL and CURVE.

use std::io::{BufRead, BufReader};
use std::process::{ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use zrpc_interop_tests::{python, ChildGuard};
use zrpc_zmtp::curve::{CurveClient, CurveServer, KeyPair};
use zrpc_zmtp::{Options, Pub, Pull, Push, Security, Sub};

const PEER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pyzmq_events_peer.py");

fn peer(args: &[String]) -> Option<(ChildGuard, BufReader<ChildStdout>)> {
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

async fn line(mut reader: BufReader<ChildStdout>) -> (String, BufReader<ChildStdout>) {
    tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        (line.trim().to_owned(), reader)
    })
    .await
    .unwrap()
}

/// Security for our side, and the key arguments for the pyzmq side, of a CURVE pair.
struct Keys {
    server: KeyPair,
    client: KeyPair,
}

impl Keys {
    fn new() -> Keys {
        Keys {
            server: KeyPair::generate().unwrap(),
            client: KeyPair::generate().unwrap(),
        }
    }

    fn server(&self) -> Options {
        let server = CurveServer::new(self.server.clone());
        Options {
            security: Security::CurveServer(Arc::new(server)),
            ..Options::default()
        }
    }

    fn client(&self) -> Options {
        let client = CurveClient::new(*self.server.public(), self.client.clone());
        Options {
            security: Security::CurveClient(Arc::new(client)),
            ..Options::default()
        }
    }

    fn server_args(&self) -> Vec<String> {
        vec![self.server.secret_z85()]
    }

    fn client_args(&self) -> Vec<String> {
        vec![
            self.server.public_z85(),
            self.client.public_z85(),
            self.client.secret_z85(),
        ]
    }
}

async fn rust_pub_to_pyzmq_sub(curve: bool) {
    let keys = Keys::new();
    let mut publisher = Pub::new(if curve {
        keys.server()
    } else {
        Options::default()
    });
    let bound = publisher.bind("tcp://127.0.0.1:0").await.unwrap();
    let mut args = vec!["sub".to_owned(), bound];
    if curve {
        args.extend(keys.client_args());
    }
    let Some((_child, out)) = peer(&args) else {
        return;
    };
    tokio::time::timeout(Duration::from_secs(10), publisher.wait_for_subscribers(1))
        .await
        .expect("pyzmq subscribes within 10 s");
    for i in 0..5 {
        // The SUB asked for "a" only: libzmq would report the "b" messages.
        publisher.send(vec![Bytes::from(format!("b {i}"))]);
        assert_eq!(publisher.send(vec![Bytes::from(format!("a {i}"))]), 1);
    }
    assert_eq!(line(out).await.0, "ok");
    assert_eq!(publisher.dropped(), 0);
}

async fn pyzmq_pub_to_rust_sub(curve: bool) {
    let keys = Keys::new();
    let mut args = vec!["pub".to_owned(), "tcp://127.0.0.1:0".to_owned()];
    if curve {
        args.extend(keys.server_args());
    }
    let Some((_child, out)) = peer(&args) else {
        return;
    };
    let (bound, _out) = line(out).await;
    let mut subscriber = Sub::new(if curve {
        keys.client()
    } else {
        Options::default()
    });
    subscriber.connect(&bound).unwrap();
    subscriber.subscribe(b"a");
    for _ in 0..5 {
        let message = tokio::time::timeout(Duration::from_secs(10), subscriber.recv())
            .await
            .expect("a message within 10 s")
            .unwrap();
        assert!(message[0].starts_with(b"a "), "{message:?}");
        assert_eq!(message[1], Bytes::from_static(b"second frame"));
    }
}

async fn rust_push_to_pyzmq_pull(curve: bool) {
    let keys = Keys::new();
    let mut args = vec!["pull".to_owned(), "tcp://127.0.0.1:0".to_owned()];
    if curve {
        args.extend(keys.server_args());
    }
    let Some((_child, out)) = peer(&args) else {
        return;
    };
    let (bound, out) = line(out).await;
    let mut pusher = Push::new(if curve {
        keys.client()
    } else {
        Options::default()
    });
    pusher.connect(&bound).unwrap();
    for i in 0..5 {
        pusher
            .send(vec![Bytes::from(format!("job {i}"))])
            .await
            .unwrap();
    }
    assert_eq!(line(out).await.0, "ok");
    pusher.close().await;
}

async fn pyzmq_push_to_rust_pull(curve: bool) {
    let keys = Keys::new();
    let mut puller = Pull::new(if curve {
        keys.server()
    } else {
        Options::default()
    });
    let bound = puller.bind("tcp://127.0.0.1:0").await.unwrap();
    let mut args = vec!["push".to_owned(), bound];
    if curve {
        args.extend(keys.client_args());
    }
    let Some((_child, _out)) = peer(&args) else {
        return;
    };
    let mut got = Vec::new();
    for _ in 0..5 {
        let message = tokio::time::timeout(Duration::from_secs(10), puller.recv())
            .await
            .expect("a message within 10 s")
            .unwrap();
        got.push(message[0].clone());
    }
    got.sort();
    let expected: Vec<Bytes> = (0..5).map(|i| Bytes::from(format!("job {i}"))).collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn rust_pub_to_pyzmq_sub_null() {
    rust_pub_to_pyzmq_sub(false).await;
}

#[tokio::test]
async fn rust_pub_to_pyzmq_sub_curve() {
    rust_pub_to_pyzmq_sub(true).await;
}

#[tokio::test]
async fn pyzmq_pub_to_rust_sub_null() {
    pyzmq_pub_to_rust_sub(false).await;
}

#[tokio::test]
async fn pyzmq_pub_to_rust_sub_curve() {
    pyzmq_pub_to_rust_sub(true).await;
}

#[tokio::test]
async fn rust_push_to_pyzmq_pull_null() {
    rust_push_to_pyzmq_pull(false).await;
}

#[tokio::test]
async fn rust_push_to_pyzmq_pull_curve() {
    rust_push_to_pyzmq_pull(true).await;
}

#[tokio::test]
async fn pyzmq_push_to_rust_pull_null() {
    pyzmq_push_to_rust_pull(false).await;
}

#[tokio::test]
async fn pyzmq_push_to_rust_pull_curve() {
    pyzmq_push_to_rust_pull(true).await;
}
