//! A tapped ROUTER: every message reaches the tap in its connection's task, with its peer, and
//! none reaches `recv`; a connection with a backlog gives the others their turn.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use zrpc_zmtp::{Dealer, Options, Received, Router};

type Seen = Arc<Mutex<Vec<(Bytes, Vec<Bytes>)>>>;

/// A ROUTER whose tap spends `work` on each message (spinning, as a handler would), then
/// records its peer id and frames.
async fn tapped_router(work: Duration) -> (Router, String, Seen) {
    let seen: Seen = Arc::default();
    let mut router = Router::new(Options::default());
    let record = seen.clone();
    router.set_tap(Arc::new(move |message: Received| {
        let started = std::time::Instant::now();
        while started.elapsed() < work {
            std::hint::spin_loop();
        }
        record
            .lock()
            .unwrap()
            .push((message.peer.id.clone(), message.frames));
        false
    }));
    let endpoint = router.bind("tcp://127.0.0.1:0").await.unwrap();
    (router, endpoint, seen)
}

async fn wait_for(seen: &Seen, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while seen.lock().unwrap().len() < count {
        assert!(tokio::time::Instant::now() < deadline, "tap saw too little");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn the_tap_takes_every_message_with_its_peer() {
    let (mut router, endpoint, seen) = tapped_router(Duration::ZERO).await;
    let mut a = Dealer::connect(&endpoint, Options::default()).unwrap();
    let b = Dealer::connect(&endpoint, Options::default()).unwrap();
    a.send(vec![Bytes::from("a"), Bytes::from("1")])
        .await
        .unwrap();
    b.send(vec![Bytes::from("b")]).await.unwrap();
    wait_for(&seen, 2).await;
    let messages = seen.lock().unwrap().clone();
    let from_a = messages.iter().find(|(_, f)| f[0] == "a").unwrap();
    let from_b = messages.iter().find(|(_, f)| f[0] == "b").unwrap();
    assert_eq!(from_a.1, vec![Bytes::from("a"), Bytes::from("1")]);
    assert_ne!(from_a.0, from_b.0, "each connection has its own peer id");
    // The peer id routes a reply back through the sender.
    router
        .sender()
        .send(vec![from_a.0.clone(), Bytes::from("reply")])
        .unwrap();
    assert_eq!(a.recv().await.unwrap(), vec![Bytes::from("reply")]);
    // Nothing is queued for `recv`.
    let queued = tokio::time::timeout(Duration::from_millis(100), router.recv()).await;
    assert!(queued.is_err(), "a tapped router queues nothing");
}

/// Runs `peer` on a thread of its own with a DEALER connected to `endpoint`.
fn dealer_thread<F, Fut>(endpoint: &str, options: Options, peer: F) -> std::thread::JoinHandle<()>
where
    F: FnOnce(Dealer) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let endpoint = endpoint.to_owned();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let dealer = Dealer::connect(&endpoint, options).unwrap();
            peer(dealer).await;
        });
    })
}

/// One connection keeps a backlog of messages in its socket (its peer queued them all at once,
/// the tap works on each): a message from another connection is taken after a turn of the
/// backlog, not after all of it.
#[tokio::test]
async fn a_flooding_connection_takes_turns() {
    const FLOOD: usize = 100_000;
    let (_router, endpoint, seen) = tapped_router(Duration::from_micros(2)).await;
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let other = dealer_thread(&endpoint, Options::default(), |dealer| async move {
        let _ = tokio::task::spawn_blocking(move || go_rx.recv()).await;
        dealer.send(vec![Bytes::from_static(b"o")]).await.unwrap();
        dealer.close().await;
    });
    // All queued before the connection is up, then written back to back.
    let queue = Options {
        send_hwm: FLOOD,
        ..Options::default()
    };
    let flooder = dealer_thread(&endpoint, queue, |dealer| async move {
        let sender = dealer.sender();
        for _ in 0..FLOOD {
            sender.try_send(vec![Bytes::from_static(b"f")]).unwrap();
        }
        dealer.close().await;
    });
    // Once the backlog is being read, the other connection sends its message.
    wait_for(&seen, 1000).await;
    go_tx.send(()).unwrap();
    wait_for(&seen, FLOOD + 1).await;
    let position = {
        let messages = seen.lock().unwrap();
        messages.iter().position(|(_, f)| f[0] == "o").unwrap()
    };
    assert!(
        position < FLOOD / 4,
        "the other connection's message was taken at {position} of {}",
        FLOOD + 1
    );
    other.join().unwrap();
    flooder.join().unwrap();
}
