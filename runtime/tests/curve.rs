//! CURVE between the Rust client and server: the key matrix (allowed, unknown, wrong server
//! key, no CURVE), the caller's key in handlers, allow-list reloads, and a capture of the
//! loopback traffic showing no plaintext.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use zrpc::curve::{AllowList, KeyPair};
use zrpc::rmpv::Value;
use zrpc::{Args, Client, Error, MethodInfo, Reply, Server, Service};

const TIMEOUT: Duration = Duration::from_secs(3);

fn service() -> Service {
    Service::builder("Vault")
        .method("whoami", MethodInfo::unary(&[]), |args: Args| async move {
            Reply::value(&args.peer_public_key_z85())
        })
        .method(
            "echo",
            MethodInfo::unary(&["text"]),
            |args: Args| async move { Reply::value(&args.decode::<String>(0, "text")?) },
        )
        .build()
}

async fn curve_server(keys: &KeyPair, allowed: AllowList) -> Server {
    Server::builder(service())
        .bind("tcp://127.0.0.1:0")
        .curve(keys.clone())
        .curve_allow(allowed)
        .start()
        .await
        .unwrap()
}

async fn client(endpoint: &str, server_key: Option<&KeyPair>, keys: &KeyPair) -> Client {
    let mut builder = Client::builder(endpoint).timeout(TIMEOUT);
    if let Some(server_key) = server_key {
        builder = builder
            .curve(&server_key.public_z85(), keys.clone())
            .unwrap();
    }
    builder.connect().await.unwrap()
}

/// The call fails with `Unreachable` naming `why`, before the call's timeout.
async fn refused(client: &Client, why: &str) {
    let started = Instant::now();
    let err = client.call("whoami", vec![]).await.unwrap_err();
    assert!(
        matches!(&err, Error::Unreachable { reason, .. } if reason.contains(why)),
        "{err:?}"
    );
    assert!(
        started.elapsed() <= TIMEOUT + Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_matrix() {
    let server_keys = KeyPair::generate().unwrap();
    let allowed = KeyPair::generate().unwrap();
    let unknown = KeyPair::generate().unwrap();
    let server = curve_server(&server_keys, AllowList::from_keys([*allowed.public()])).await;
    let endpoint = server.endpoint();

    let good = client(&endpoint, Some(&server_keys), &allowed).await;
    let me = good.call("whoami", vec![]).await.unwrap();
    assert_eq!(me, Value::from(allowed.public_z85()));

    let stranger = client(&endpoint, Some(&server_keys), &unknown).await;
    refused(&stranger, "refused by the server").await;

    let impostor = KeyPair::generate().unwrap();
    let wrong_server = client(&endpoint, Some(&impostor), &allowed).await;
    refused(&wrong_server, "handshake failed").await;

    let plain = client(&endpoint, None, &allowed).await;
    refused(&plain, "mechanism").await;

    // The good client was never disturbed.
    assert_eq!(good.call("whoami", vec![]).await.unwrap(), me);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allow_list_file_reloads() {
    let dir = std::env::temp_dir().join(format!("zrpc-curve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("allowed");
    let server_keys = KeyPair::generate().unwrap();
    let late = KeyPair::generate().unwrap();
    std::fs::write(&file, "# nobody yet\n").unwrap();
    let list = AllowList::load(&file).unwrap();
    let server = curve_server(&server_keys, list.clone()).await;
    let c = client(&server.endpoint(), Some(&server_keys), &late).await;
    refused(&c, "refused").await;
    std::fs::write(&file, format!("{}  # late\n", late.public_z85())).unwrap();
    assert_eq!(list.reload().unwrap(), 1);
    let started = Instant::now();
    loop {
        match c.call("whoami", vec![]).await {
            Ok(me) => {
                assert_eq!(me, Value::from(late.public_z85()));
                break;
            }
            Err(e) => assert!(started.elapsed() < Duration::from_secs(10), "{e:?}"),
        }
    }
    std::fs::write(&file, "not a key\n").unwrap();
    assert!(list.reload().is_err());
    assert_eq!(list.len(), 1, "a bad file keeps the keys in force");
}

/// Forwards one connection to `target`, recording the bytes going both ways.
async fn recording_proxy(target: String) -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let target = target.trim_start_matches("tcp://").to_owned();
            let Ok(outbound) = TcpStream::connect(target).await else {
                return;
            };
            let (mut ri, mut wi) = inbound.into_split();
            let (mut ro, mut wo) = outbound.into_split();
            let (a, b) = (record.clone(), record.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                while let Ok(n @ 1..) = ri.read(&mut buf).await {
                    a.lock().unwrap().extend_from_slice(&buf[..n]);
                    if wo.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                while let Ok(n @ 1..) = ro.read(&mut buf).await {
                    b.lock().unwrap().extend_from_slice(&buf[..n]);
                    if wi.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (format!("tcp://{address}"), seen)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_plaintext_on_the_wire_under_curve() {
    let secret = "attack at dawn, the password is hunter2";
    let server_keys = KeyPair::generate().unwrap();
    let me = KeyPair::generate().unwrap();
    for curve in [false, true] {
        let server = if curve {
            curve_server(&server_keys, AllowList::from_keys([*me.public()])).await
        } else {
            Server::bind("tcp://127.0.0.1:0", service()).await.unwrap()
        };
        let (endpoint, seen) = recording_proxy(server.endpoint()).await;
        let c = client(&endpoint, curve.then_some(&server_keys), &me).await;
        let back = c.call("echo", vec![secret.into()]).await.unwrap();
        assert_eq!(back, Value::from(secret));
        let seen = seen.lock().unwrap().clone();
        assert!(seen.len() > 200, "the proxy saw the traffic");
        let plain = contains(&seen, secret.as_bytes()) || contains(&seen, b"echo");
        // The capture is meaningful: without CURVE the same call is readable.
        assert_eq!(plain, !curve, "curve={curve}");
    }
}
