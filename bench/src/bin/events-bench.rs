//! `events-bench`: events/s over PUSH/PULL and PUB/SUB in one run, alternating rounds of
//! - raw engine sockets (`zrpc::zmtp` Push/Pull, Pub/Sub) carrying pre-encoded event bytes;
//! - zrpc `Pusher`/`Puller` and `Publisher`/`Subscriber` (encoding and decoding each event).
//!
//! PUB never waits, so the publishers keep at most `--window` events ahead of their subscriber
//! (below the high-water mark: nothing is dropped, which the bench checks). Prints the median
//! events/s per setup and the median per-round ratio of zrpc to raw.

use std::time::Instant;

use bytes::Bytes;
use clap::Parser;
use tokio::sync::watch;
use zrpc::zmtp::{Options, Pub, Pull, Push, Sub};
use zrpc::{Publisher, Puller, Pusher, Subscriber};
use zrpc_bench::Samples;

#[derive(Parser)]
#[command(name = "events-bench")]
struct Args {
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Events per measurement.
    #[arg(long, default_value_t = 50_000)]
    events: u64,
    /// Most events a publisher keeps ahead of its subscriber.
    #[arg(long, default_value_t = 500)]
    window: u64,
}

const RAW_PUSH: &str = "raw PUSH -> PULL";
const ZRPC_PUSH: &str = "zrpc Pusher -> Puller";
const RAW_PUB: &str = "raw PUB -> SUB";
const ZRPC_PUB: &str = "zrpc Publisher -> Subscriber";

/// The bytes of one event as zrpc and zerorpc send it, for the raw sockets.
fn sample_event() -> Bytes {
    let mut buf = Vec::new();
    let value = zrpc::rmpv::Value::Array(vec![
        zrpc::rmpv::Value::Map(vec![
            (
                "message_id".into(),
                zrpc::rmpv::Value::Binary(vec![b'0'; 32]),
            ),
            ("v".into(), 3.into()),
        ]),
        "tick".into(),
        zrpc::rmpv::Value::Array(vec![1.into()]),
    ]);
    zrpc::rmpv::encode::write_value(&mut buf, &value).expect("writing into a Vec");
    Bytes::from(buf)
}

async fn raw_push(events: u64) -> anyhow::Result<f64> {
    let mut push = Push::new(Options::default());
    let endpoint = push.bind("tcp://127.0.0.1:0").await?;
    let mut pull = Pull::new(Options::default());
    pull.connect(&endpoint)?;
    let event = sample_event();
    let started = Instant::now();
    let receiver = tokio::spawn(async move {
        for _ in 0..events {
            pull.recv().await;
        }
    });
    for _ in 0..events {
        push.send(vec![event.clone()]).await?;
    }
    receiver.await?;
    Ok(events as f64 / started.elapsed().as_secs_f64())
}

async fn zrpc_push(events: u64) -> anyhow::Result<f64> {
    let mut pusher = Pusher::new();
    let endpoint = pusher.bind("tcp://127.0.0.1:0").await?;
    let mut puller = Puller::new();
    puller.connect(&endpoint)?;
    let started = Instant::now();
    let receiver = tokio::spawn(async move {
        for _ in 0..events {
            if let Some(event) = puller.recv().await {
                let _: u64 = event.args.decode(0, "n").unwrap_or_default();
            }
        }
    });
    for n in 0..events {
        pusher.push("tick", &(n,)).await?;
    }
    receiver.await?;
    Ok(events as f64 / started.elapsed().as_secs_f64())
}

/// Publishes `events` with `publish`, keeping at most `window` ahead of `received`.
async fn paced(
    events: u64,
    window: u64,
    received: watch::Receiver<u64>,
    mut publish: impl FnMut(u64),
) -> anyhow::Result<()> {
    for n in 0..events {
        if n % 64 == 0 {
            let mut seen = received.clone();
            seen.wait_for(|&r| r + window >= n).await?;
        }
        publish(n);
    }
    Ok(())
}

async fn raw_pub(events: u64, window: u64) -> anyhow::Result<f64> {
    let mut publisher = Pub::new(Options::default());
    let endpoint = publisher.bind("tcp://127.0.0.1:0").await?;
    let mut subscriber = Sub::new(Options::default());
    subscriber.connect(&endpoint)?;
    subscriber.subscribe(b"");
    publisher.wait_for_subscribers(1).await;
    let event = sample_event();
    let (tx, rx) = watch::channel(0);
    let started = Instant::now();
    let receiver = tokio::spawn(async move {
        for n in 1..=events {
            subscriber.recv().await;
            if n % 32 == 0 || n == events {
                tx.send_replace(n);
            }
        }
    });
    paced(events, window, rx, |_| {
        publisher.send(vec![event.clone()]);
    })
    .await?;
    receiver.await?;
    anyhow::ensure!(publisher.dropped() == 0, "raw PUB dropped events");
    Ok(events as f64 / started.elapsed().as_secs_f64())
}

async fn zrpc_pub(events: u64, window: u64) -> anyhow::Result<f64> {
    let mut publisher = Publisher::new();
    let endpoint = publisher.bind("tcp://127.0.0.1:0").await?;
    let mut subscriber = Subscriber::new();
    subscriber.connect(&endpoint)?;
    publisher.wait_for_subscribers(1).await;
    let (tx, rx) = watch::channel(0);
    let started = Instant::now();
    let receiver = tokio::spawn(async move {
        for n in 1..=events {
            if let Some(event) = subscriber.recv().await {
                let _: u64 = event.args.decode(0, "n").unwrap_or_default();
            }
            if n % 32 == 0 || n == events {
                tx.send_replace(n);
            }
        }
    });
    let mut failed = None;
    paced(events, window, rx, |n| {
        if let Err(e) = publisher.publish("tick", &(n,)) {
            failed = Some(e);
        }
    })
    .await?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    receiver.await?;
    anyhow::ensure!(publisher.dropped() == 0, "zrpc Publisher dropped events");
    Ok(events as f64 / started.elapsed().as_secs_f64())
}

fn main() -> anyhow::Result<()> {
    let options = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut samples = Samples::default();
    for round in 1..=options.rounds {
        runtime.block_on(async {
            samples.record(RAW_PUSH, raw_push(options.events).await?);
            samples.record(ZRPC_PUSH, zrpc_push(options.events).await?);
            samples.record(RAW_PUB, raw_pub(options.events, options.window).await?);
            samples.record(ZRPC_PUB, zrpc_pub(options.events, options.window).await?);
            anyhow::Ok(())
        })?;
        eprintln!("round {round}/{} done", options.rounds);
    }
    println!("{}", samples.table("events/s", 0));
    println!(
        "zrpc / raw, median of per-round ratios: PUSH/PULL {:.2}, PUB/SUB {:.2}",
        samples.ratio(ZRPC_PUSH, RAW_PUSH),
        samples.ratio(ZRPC_PUB, RAW_PUB)
    );
    Ok(())
}
