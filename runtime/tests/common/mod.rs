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
