//! An in-process test service and helpers shared by the integration tests.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::stream;
use serde::{Deserialize, Serialize};
use zrpc::{Args, MethodInfo, RemoteError, Reply, Server, Service};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DivisionByZero {
    pub dividend: f64,
}

/// Observations the tests make about handlers.
#[derive(Default)]
pub struct Probe {
    pub cancelled: AtomicBool,
    pub finished: AtomicBool,
    pub logged: std::sync::Mutex<Vec<String>>,
}

/// Sets `cancelled` when dropped before `finished` was set: a handler future dropped mid-way.
struct CancelGuard(Arc<Probe>);

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if !self.0.finished.load(Ordering::SeqCst) {
            self.0.cancelled.store(true, Ordering::SeqCst);
        }
    }
}

pub fn test_service(probe: Arc<Probe>) -> Service {
    let slow_probe = probe.clone();
    let log_probe = probe;
    Service::builder("TestService")
        .method(
            "add",
            MethodInfo::unary(&["a", "b"]).doc("Adds two integers."),
            |args: Args| async move {
                let a: i64 = args.decode(0, "a")?;
                let b: i64 = args.decode(1, "b")?;
                Reply::value(&(a + b))
            },
        )
        .method(
            "echo",
            MethodInfo::unary(&["value"]),
            |args: Args| async move { Reply::value(&args.value(0)?) },
        )
        .method(
            "divide",
            MethodInfo::unary(&["a", "b"]).doc("Divides a by b."),
            |args: Args| async move {
                let a: f64 = args.decode(0, "a")?;
                let b: f64 = args.decode(1, "b")?;
                if b == 0.0 {
                    return Err(RemoteError::typed(
                        "DivisionByZero",
                        "division by zero",
                        &DivisionByZero { dividend: a },
                    ));
                }
                Reply::value(&(a / b))
            },
        )
        .method(
            "translate",
            MethodInfo::unary(&["p", "dx", "dy"]),
            |args: Args| async move {
                let mut p: Point = args.decode(0, "p")?;
                p.x += args.decode::<f64>(1, "dx")?;
                p.y += args.decode::<f64>(2, "dy")?;
                Reply::value(&p)
            },
        )
        .method(
            "countdown",
            MethodInfo::stream(&["n"]),
            |args: Args| async move {
                let n: u32 = args.decode(0, "n")?;
                Ok(Reply::stream(stream::iter((1..=n).rev())))
            },
        )
        .method(
            "fail_after",
            MethodInfo::stream(&["n"]),
            |args: Args| async move {
                let n: u32 = args.decode(0, "n")?;
                let items = (0..=n).map(move |i| {
                    if i < n {
                        Ok(i)
                    } else {
                        Err(RemoteError::new("KeyError", "stream broke"))
                    }
                });
                Ok(Reply::try_stream(stream::iter(items)))
            },
        )
        .method("sleep", MethodInfo::unary(&["ms"]), move |args: Args| {
            let probe = slow_probe.clone();
            async move {
                let ms: u64 = args.decode(0, "ms")?;
                let guard = CancelGuard(probe.clone());
                tokio::time::sleep(Duration::from_millis(ms)).await;
                probe.finished.store(true, Ordering::SeqCst);
                drop(guard);
                Reply::value(&ms)
            }
        })
        .method(
            "block",
            MethodInfo::unary(&["ms"]),
            |args: Args| async move {
                // Burns the handler's thread: heartbeats must still flow from the I/O thread.
                let ms: u64 = args.decode(0, "ms")?;
                std::thread::sleep(Duration::from_millis(ms));
                Reply::value(&ms)
            },
        )
        .method("log", MethodInfo::oneway(&["line"]), move |args: Args| {
            let probe = log_probe.clone();
            async move {
                let line: String = args.decode(0, "line")?;
                probe.logged.lock().unwrap().push(line);
                Ok(Reply::nil())
            }
        })
        .build()
}

pub async fn start(heartbeat: Duration) -> (Server, Arc<Probe>) {
    let probe = Arc::new(Probe::default());
    let server = Server::builder(test_service(probe.clone()))
        .bind("tcp://127.0.0.1:0")
        .heartbeat(heartbeat)
        .start()
        .await
        .unwrap();
    (server, probe)
}

pub async fn wait_until(mut condition: impl FnMut() -> bool, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    condition()
}

/// Raw ZMTP peers (the engine's own sockets) and hand-made events, to drive the server and
/// client byte by byte.
pub mod raw {
    use std::time::Duration;

    use bytes::Bytes;
    use zrpc::rmpv::Value;
    use zrpc_zmtp::{Dealer, Options, Router};

    pub fn encode(value: &Value) -> Vec<u8> {
        let mut buf = Vec::new();
        zrpc::rmpv::encode::write_value(&mut buf, value).unwrap();
        buf
    }

    pub fn decode(bytes: &[u8]) -> Value {
        zrpc::rmpv::decode::read_value(&mut &bytes[..]).unwrap()
    }

    /// `[{message_id: bin id, v: 3, (response_to)}, name, args]`.
    pub fn event(id: &[u8], response_to: Option<Value>, name: &str, args: Value) -> Vec<u8> {
        let mut header = vec![
            (Value::from("message_id"), Value::Binary(id.to_vec())),
            (Value::from("v"), Value::from(3)),
        ];
        if let Some(r) = response_to {
            header.push((Value::from("response_to"), r));
        }
        encode(&Value::Array(vec![
            Value::Map(header),
            Value::from(name),
            args,
        ]))
    }

    pub fn header_get<'a>(event: &'a Value, key: &str) -> Option<&'a Value> {
        event[0]
            .as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    pub fn name(event: &Value) -> &str {
        event[1].as_str().unwrap_or_default()
    }

    pub struct RawDealer(pub Dealer);

    impl RawDealer {
        pub async fn connect(endpoint: &str) -> RawDealer {
            RawDealer(Dealer::connect(endpoint, Options::default()).unwrap())
        }

        pub async fn send_frames(&mut self, frames: Vec<Vec<u8>>) {
            let frames: Vec<Bytes> = frames.into_iter().map(Bytes::from).collect();
            self.0.send(frames).await.unwrap();
        }

        /// Sends `[empty, event]`, as a DEALER should.
        pub async fn send_event(&mut self, event: Vec<u8>) {
            self.send_frames(vec![Vec::new(), event]).await;
        }

        /// The next event (last frame), or `None` after `wait`.
        pub async fn recv(&mut self, wait: Duration) -> Option<Value> {
            let frames = tokio::time::timeout(wait, self.0.recv())
                .await
                .ok()?
                .unwrap();
            assert!(
                frames.len() >= 2 && frames[frames.len() - 2].is_empty(),
                "replies carry the empty delimiter"
            );
            Some(decode(frames.last().unwrap()))
        }

        /// Every event until `quiet` passes without one.
        pub async fn recv_all(&mut self, quiet: Duration) -> Vec<Value> {
            let mut events = Vec::new();
            while let Some(e) = self.recv(quiet).await {
                events.push(e);
            }
            events
        }
    }

    pub struct RawRouter(pub Router, pub String);

    impl RawRouter {
        pub async fn bind() -> RawRouter {
            let mut socket = Router::new(Options::default());
            let endpoint = socket.bind("tcp://127.0.0.1:0").await.unwrap();
            RawRouter(socket, endpoint)
        }

        /// `(routing id, event)` of the next message.
        pub async fn recv(&mut self, wait: Duration) -> Option<(Bytes, Value)> {
            let message = tokio::time::timeout(wait, self.0.recv())
                .await
                .ok()?
                .unwrap();
            Some((
                message.peer.id.clone(),
                decode(message.frames.last().unwrap()),
            ))
        }

        pub async fn send(&mut self, peer: &Bytes, frames: Vec<Vec<u8>>) {
            let mut all = vec![peer.clone()];
            all.extend(frames.into_iter().map(Bytes::from));
            self.0.sender().send(all).unwrap();
        }
    }
}
