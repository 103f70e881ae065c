//! Events over PUB/SUB and PUSH/PULL: stock zerorpc-python Publisher/Pusher/Subscriber/Puller
//! against the generated Rust senders and receivers (examples/telemetry) and the `zrpc` CLI;
//! four pullers sharing 10 000 events; a slow subscriber; CURVE on both patterns; a failing
//! handler.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value as Json;
use telemetry::{
    Printer, Telemetry, TelemetryPublisher, TelemetryPuller, TelemetryPusher, TelemetrySubscriber,
};
use zrpc::zmtp::curve::{CurveClient, CurveServer, KeyPair};
use zrpc::zmtp::{Options, Security};
use zrpc::{Publisher, Puller, Pusher, Subscriber};
use zrpc_interop_tests::{
    free_endpoint, python, run_with_timeout, wait_for_tcp, workspace_bin, workspace_root,
    ChildGuard,
};

const WAIT: Duration = Duration::from_secs(20);

/// Starts tests/python/stock_events.py; returns it with its stdout.
fn stock(args: &[&str]) -> Option<(ChildGuard, BufReader<ChildStdout>)> {
    let python = python()?;
    let script = workspace_root().join("tests/python/stock_events.py");
    let mut child = ChildGuard::spawn(
        Command::new(python)
            .arg(script)
            .args(args)
            .stdout(Stdio::piped()),
    );
    let stdout = child.take_stdout();
    Some((child, BufReader::new(stdout)))
}

fn read_line(out: &mut BufReader<ChildStdout>) -> String {
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    line.trim().to_owned()
}

fn json_lines(text: &str) -> Vec<Json> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect()
}

fn zrpc(args: &[&str]) -> std::process::Output {
    run_with_timeout(Command::new(workspace_bin("zrpc")).args(args), WAIT)
}

#[tokio::test]
async fn stock_publisher_to_generated_subscriber() {
    let endpoint = free_endpoint();
    let Some((_publisher, mut out)) = stock(&["publisher", &endpoint]) else {
        return;
    };
    assert_eq!(read_line(&mut out), "ready");
    let printer = Printer::default();
    let seen = printer.seen.clone();
    let mut subscriber = TelemetrySubscriber::connect(&endpoint, printer).unwrap();
    tokio::select! {
        () = subscriber.run() => panic!("the subscriber stopped"),
        r = tokio::time::timeout(WAIT, seen.reach(5)) => r.expect("5 events within 20 s"),
    }
}

#[test]
fn stock_publisher_to_cli_subscribe() {
    let endpoint = free_endpoint();
    let Some((_publisher, mut out)) = stock(&["publisher", &endpoint]) else {
        return;
    };
    assert_eq!(read_line(&mut out), "ready");
    let output = zrpc(&[
        "subscribe",
        &endpoint,
        "reading",
        "--connect",
        "--count",
        "3",
    ]);
    assert!(output.status.success(), "{output:?}");
    let events = json_lines(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(events.len(), 3);
    for event in events {
        assert_eq!(event["event"], "reading");
        assert_eq!(event["args"][0], "kitchen");
        assert!(event["args"][1].is_f64(), "{event}");
    }
}

#[tokio::test]
async fn stock_pusher_to_generated_puller() {
    let endpoint = free_endpoint();
    let printer = Printer::default();
    let seen = printer.seen.clone();
    let mut puller = TelemetryPuller::bind(&endpoint, printer).await.unwrap();
    let Some((_pusher, _out)) = stock(&["pusher", &endpoint, "100"]) else {
        return;
    };
    tokio::select! {
        () = puller.run() => panic!("the puller stopped"),
        r = tokio::time::timeout(WAIT, seen.reach(101)) => r.expect("101 events within 20 s"),
    }
}

#[test]
fn stock_pusher_to_cli_pull() {
    let endpoint = free_endpoint();
    let mut pull = ChildGuard::spawn(
        Command::new(workspace_bin("zrpc"))
            .args(["pull", &endpoint, "--count", "11"])
            .stdout(Stdio::piped()),
    );
    let stdout = pull.take_stdout();
    wait_for_tcp(&endpoint, WAIT);
    let Some((_pusher, _out)) = stock(&["pusher", &endpoint, "10"]) else {
        return;
    };
    let lines: Vec<String> = BufReader::new(stdout).lines().map(Result::unwrap).collect();
    let events = json_lines(&lines.join("\n"));
    assert_eq!(events.len(), 11);
    assert_eq!(
        events[3],
        serde_json::json!({"event": "reading", "args": ["kitchen", 3.0]})
    );
    assert_eq!(
        events[10],
        serde_json::json!({"event": "offline", "args": ["kitchen", "done"]})
    );
}

/// A stock receiver bound at a fresh endpoint, ready.
fn stock_receiver(mode: &str, count: &str) -> Option<(String, ChildGuard, BufReader<ChildStdout>)> {
    let endpoint = free_endpoint();
    let (child, mut out) = stock(&[mode, &endpoint, count])?;
    assert_eq!(read_line(&mut out), "ready");
    Some((endpoint, child, out))
}

fn expected_readings(n: usize) -> Vec<Json> {
    (0..n)
        .map(|i| serde_json::json!({"event": "reading", "args": ["kitchen", i as f64]}))
        .collect()
}

#[tokio::test]
async fn generated_publisher_to_stock_subscriber() {
    let Some((endpoint, _child, mut out)) = stock_receiver("subscriber", "5") else {
        return;
    };
    let publisher = TelemetryPublisher::connect(&endpoint).unwrap();
    tokio::time::timeout(WAIT, publisher.inner().wait_for_subscribers(1))
        .await
        .expect("the stock subscriber subscribes");
    for i in 0..5 {
        assert_eq!(
            publisher.reading("kitchen".into(), f64::from(i)).unwrap(),
            1
        );
    }
    let lines = tokio::task::spawn_blocking(move || {
        (0..5).map(|_| read_line(&mut out)).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert_eq!(json_lines(&lines.join("\n")), expected_readings(5));
    publisher.close().await;
}

#[tokio::test]
async fn generated_pusher_to_stock_puller() {
    let Some((endpoint, _child, mut out)) = stock_receiver("puller", "5") else {
        return;
    };
    let pusher = TelemetryPusher::connect(&endpoint).unwrap();
    for i in 0..5 {
        pusher
            .reading("kitchen".into(), f64::from(i))
            .await
            .unwrap();
    }
    let lines = tokio::task::spawn_blocking(move || {
        (0..5).map(|_| read_line(&mut out)).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert_eq!(json_lines(&lines.join("\n")), expected_readings(5));
    pusher.close().await;
}

#[test]
fn cli_publish_and_push_to_stock_receivers() {
    for (mode, command) in [("subscriber", "publish"), ("puller", "push")] {
        let Some((endpoint, _child, mut out)) = stock_receiver(mode, "1") else {
            return;
        };
        let output = zrpc(&[command, &endpoint, "offline", "kitchen", "unplugged"]);
        assert!(output.status.success(), "{command}: {output:?}");
        let line: Json = serde_json::from_str(&read_line(&mut out)).unwrap();
        assert_eq!(
            line,
            serde_json::json!({"event": "offline", "args": ["kitchen", "unplugged"]})
        );
    }
}

#[test]
fn cli_publish_without_subscriber_says_so() {
    let output = zrpc(&["publish", &free_endpoint(), "offline", "--wait", "0.2"]);
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("no subscriber"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_pullers_share_ten_thousand_events_exactly_once() {
    const EVENTS: u32 = 10_000;
    let mut pusher = Pusher::new();
    let endpoint = pusher.bind("tcp://127.0.0.1:0").await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut pullers = Vec::new();
    for which in 0..4 {
        let mut puller = Puller::new();
        puller.connect(&endpoint).unwrap();
        let tx = tx.clone();
        pullers.push(tokio::spawn(async move {
            while let Some(event) = puller.recv().await {
                let id: u32 = event.args.decode(0, "id").unwrap();
                if tx.send((which, id)).is_err() {
                    return;
                }
            }
        }));
    }
    tokio::time::timeout(WAIT, async {
        while pusher.peer_count() < 4 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("4 pullers connect");
    for id in 0..EVENTS {
        pusher.push("job", &(id,)).await.unwrap();
    }
    let mut seen = HashSet::new();
    let mut shares = [0u32; 4];
    while seen.len() < EVENTS as usize {
        let (which, id) = tokio::time::timeout(WAIT, rx.recv())
            .await
            .expect("every event arrives")
            .unwrap();
        assert!(seen.insert(id), "event {id} delivered twice");
        shares[which] += 1;
    }
    // Nothing more arrives: exactly once.
    assert!(tokio::time::timeout(Duration::from_millis(300), rx.recv())
        .await
        .is_err());
    assert!(
        shares.iter().all(|&s| s > 0),
        "every puller got a share: {shares:?}"
    );
    for puller in pullers {
        puller.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_subscriber_neither_slows_nor_grows_the_publisher() {
    const EVENTS: u64 = 20_000;
    const HWM: usize = 100;
    let mut publisher = Publisher::with_options(Options {
        send_hwm: HWM,
        ..Options::default()
    });
    let endpoint = publisher.bind("tcp://127.0.0.1:0").await.unwrap();
    // Subscribed, connected, never read.
    let mut slow = Subscriber::with_options(Options {
        recv_hwm: 10,
        ..Options::default()
    });
    slow.connect(&endpoint).unwrap();
    let mut fast = Subscriber::new();
    fast.connect(&endpoint).unwrap();
    tokio::time::timeout(WAIT, publisher.wait_for_subscribers(2))
        .await
        .expect("both subscribe");
    let (count_tx, count_rx) = tokio::sync::watch::channel(0u64);
    let reader = tokio::spawn(async move {
        let mut count = 0;
        while let Some(event) = fast.recv().await {
            let _: (String,) = (event.args.decode(0, "padding").unwrap(),);
            count += 1;
            count_tx.send_replace(count);
        }
    });
    let padding = "x".repeat(1000);
    for sent in 0..EVENTS {
        // Paced by the fast subscriber only (it must see every event); the slow one's queue
        // fills and its events are dropped instead of piling up in the publisher.
        if sent % 50 == 0 {
            let mut seen = count_rx.clone();
            tokio::time::timeout(WAIT, seen.wait_for(|&n| n + 50 >= sent))
                .await
                .expect("the fast subscriber keeps up")
                .unwrap();
        }
        publisher.publish("tick", &(&padding,)).unwrap();
    }
    let mut seen = count_rx.clone();
    tokio::time::timeout(WAIT, seen.wait_for(|&n| n == EVENTS))
        .await
        .expect("the fast subscriber got every event")
        .unwrap();
    // The slow subscriber's queue holds at most HWM events; the rest (less what the kernel
    // buffers took) were dropped and counted.
    let dropped = publisher.dropped();
    assert!(dropped > EVENTS / 2, "dropped {dropped} of {EVENTS}");
    assert!(dropped <= EVENTS, "dropped {dropped} of {EVENTS}");
    reader.abort();
    drop(slow);
}

fn curve_pair() -> (Options, Options) {
    let server = KeyPair::generate().unwrap();
    let client = KeyPair::generate().unwrap();
    let server_options = Options {
        security: Security::CurveServer(Arc::new(CurveServer::new(server.clone()))),
        ..Options::default()
    };
    let client_options = Options {
        security: Security::CurveClient(Arc::new(CurveClient::new(*server.public(), client))),
        ..Options::default()
    };
    (server_options, client_options)
}

#[tokio::test]
async fn curve_on_both_patterns() {
    // PUB/SUB: the publisher is the CURVE server.
    let (server, client) = curve_pair();
    let mut publisher = Publisher::with_options(server);
    let endpoint = publisher.bind("tcp://127.0.0.1:0").await.unwrap();
    let mut subscriber = Subscriber::with_options(client);
    subscriber.connect(&endpoint).unwrap();
    tokio::time::timeout(WAIT, publisher.wait_for_subscribers(1))
        .await
        .expect("the CURVE subscriber subscribes");
    publisher.publish("reading", &("kitchen", 1.5)).unwrap();
    let event = tokio::time::timeout(WAIT, subscriber.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.name, "reading");
    assert_eq!(event.args.decode::<f64>(1, "value").unwrap(), 1.5);

    // PUSH/PULL: the puller is the CURVE server.
    let (server, client) = curve_pair();
    let mut puller = Puller::with_options(server);
    let endpoint = puller.bind("tcp://127.0.0.1:0").await.unwrap();
    let mut pusher = Pusher::with_options(client);
    pusher.connect(&endpoint).unwrap();
    pusher.push("offline", &("kitchen", "done")).await.unwrap();
    let event = tokio::time::timeout(WAIT, puller.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.name, "offline");

    // A plain pusher cannot reach a CURVE puller.
    let mut plain = Pusher::new();
    plain.connect(&endpoint).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(plain.peer_count(), 0);
}

#[test]
fn cli_push_and_pull_over_curve() {
    let dir = std::env::temp_dir().join(format!("zrpc-events-curve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let certificate = dir.join("puller");
    let _ = std::fs::remove_file(certificate.with_extension("key"));
    let _ = std::fs::remove_file(certificate.with_extension("pub"));
    let keygen = zrpc(&["keygen", "--out", certificate.to_str().unwrap()]);
    assert!(keygen.status.success(), "{keygen:?}");
    let public = std::fs::read_to_string(certificate.with_extension("pub")).unwrap();
    let public = public
        .lines()
        .map(str::trim)
        .find(|line| line.len() == 40)
        .expect("a Z85 public key line");
    let endpoint = free_endpoint();
    // The puller binds as the CURVE server; the pusher is its client.
    let mut pull = ChildGuard::spawn(
        Command::new(workspace_bin("zrpc"))
            .args(["pull", &endpoint, "--count", "2", "--curve-key"])
            .arg(certificate.with_extension("key"))
            .stdout(Stdio::piped()),
    );
    let stdout = pull.take_stdout();
    wait_for_tcp(&endpoint, WAIT);
    let push = zrpc(&[
        "push",
        &endpoint,
        "offline",
        "vault",
        "sealed",
        "--curve-server-key",
        public,
    ]);
    assert!(push.status.success(), "{push:?}");
    let line = BufReader::new(stdout).lines().next().unwrap().unwrap();
    assert_eq!(
        serde_json::from_str::<Json>(&line).unwrap(),
        serde_json::json!({"event": "offline", "args": ["vault", "sealed"]})
    );
    // Without the key the pusher finds no puller it can talk to.
    let plain = zrpc(&["push", &endpoint, "offline", "x", "y", "--wait", "0.5"]);
    assert_eq!(plain.status.code(), Some(3), "{plain:?}");
}

/// A telemetry handler that passes readings on and panics on every offline event.
struct Failing {
    readings: tokio::sync::mpsc::UnboundedSender<f64>,
}

impl Telemetry for Failing {
    async fn reading(&self, _sensor: String, value: f64) {
        let _ = self.readings.send(value);
    }

    async fn offline(&self, _sensor: String, reason: String) {
        panic!("boom: {reason}");
    }
}

/// What the runtime logs through `tracing`, captured.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_failing_handler_is_logged_and_run_goes_on() {
    let logs = Logs::default();
    let writer = logs.clone();
    let _logging = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .finish(),
    );
    let (readings, mut handled) = tokio::sync::mpsc::unbounded_channel();
    let endpoint = free_endpoint();
    let mut puller = TelemetryPuller::bind(&endpoint, Failing { readings })
        .await
        .unwrap();
    let pusher = TelemetryPusher::connect(&endpoint).unwrap();
    pusher
        .offline("kitchen".into(), "first".into())
        .await
        .unwrap();
    pusher.reading("kitchen".into(), 1.5).await.unwrap();
    pusher
        .offline("kitchen".into(), "second".into())
        .await
        .unwrap();
    pusher.reading("kitchen".into(), 2.5).await.unwrap();
    let both = async { (handled.recv().await, handled.recv().await) };
    tokio::select! {
        () = puller.run() => panic!("the puller stopped"),
        got = tokio::time::timeout(WAIT, both) => {
            assert_eq!(got.expect("both readings within 20 s"), (Some(1.5), Some(2.5)));
        }
    }
    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        logs.contains("event `offline`: the handler panicked"),
        "no log line for the failing handler: {logs}"
    );
    pusher.close().await;
}
