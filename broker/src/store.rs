//! The queue in NATS JetStream (`--store nats://HOST:PORT`).
//!
//! Calls are published to the work-queue stream `ZRPC_CALLS` (subject `zrpc.calls`) with their
//! zerorpc `message_id` as `Nats-Msg-Id`, so a call stored twice within the stream's duplicate
//! window is kept once. Every broker on the store pulls from the one durable consumer
//! `zrpc-brokers`, only as many jobs as its workers have room for, and acknowledges a job when
//! its worker answered (or it failed for good); a broker that dies leaves its jobs
//! unacknowledged, so the store hands them to a broker again after the ack deadline. Replies
//! and stream credit for another broker's callers travel on plain NATS subjects
//! `zrpc.broker.<id>.reply` / `.credit`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_nats::jetstream::{self, consumer::PullConsumer, AckKind};
use bytes::Bytes;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::{debug, warn};

use crate::core::{ChannelKey, Out, Record};
use crate::BrokerError;

const STREAM: &str = "ZRPC_CALLS";
const SUBJECT: &str = "zrpc.calls";
const CONSUMER: &str = "zrpc-brokers";
/// A job not acknowledged for this long goes to a broker again (running jobs are kept alive
/// by progress acks every third of it).
const ACK_WAIT: Duration = Duration::from_secs(30);
/// How long one pull waits for jobs before asking again.
const PULL_WAIT: Duration = Duration::from_secs(1);

/// What the store tells the core.
pub(crate) enum StoreEvent {
    Stored(Record, Result<(), (String, String)>),
    Job(Record, u64),
    PullEnded(usize),
    Reply {
        from: String,
        envelope: Vec<Bytes>,
        event: Bytes,
    },
    Credit {
        origin: String,
        key: ChannelKey,
        event: Bytes,
    },
}

/// Jobs taken from the store and not acknowledged yet, by handle.
type Held = Arc<Mutex<HashMap<u64, jetstream::Message>>>;

pub(crate) struct Store {
    id: String,
    commands: mpsc::UnboundedSender<Out>,
    tasks: Vec<JoinHandle<()>>,
}

impl Store {
    pub(crate) async fn connect(
        url: &str,
        queue_limit: usize,
        inputs: mpsc::Sender<StoreEvent>,
    ) -> Result<Store, BrokerError> {
        let fail = |reason: String| BrokerError::Store {
            url: url.to_owned(),
            reason,
        };
        let client = async_nats::connect(url)
            .await
            .map_err(|e| fail(format!("cannot connect: {e}")))?;
        let js = jetstream::new(client.clone());
        let stream = js
            .get_or_create_stream(jetstream::stream::Config {
                name: STREAM.into(),
                subjects: vec![SUBJECT.into()],
                retention: jetstream::stream::RetentionPolicy::WorkQueue,
                discard: jetstream::stream::DiscardPolicy::New,
                max_messages: i64::try_from(queue_limit).unwrap_or(i64::MAX),
                duplicate_window: Duration::from_secs(120),
                ..Default::default()
            })
            .await
            .map_err(|e| fail(format!("cannot create stream {STREAM}: {e}")))?;
        let consumer: PullConsumer = stream
            .get_or_create_consumer(
                CONSUMER,
                jetstream::consumer::pull::Config {
                    durable_name: Some(CONSUMER.into()),
                    ack_wait: ACK_WAIT,
                    max_ack_pending: -1,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| fail(format!("cannot create consumer {CONSUMER}: {e}")))?;
        let id = random_id();
        let replies = client
            .subscribe(format!("zrpc.broker.{id}.reply"))
            .await
            .map_err(|e| fail(format!("cannot subscribe: {e}")))?;
        let credits = client
            .subscribe(format!("zrpc.broker.{id}.credit"))
            .await
            .map_err(|e| fail(format!("cannot subscribe: {e}")))?;
        let held: Held = Arc::default();
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let worker = Worker {
            id: id.clone(),
            client,
            js,
            consumer,
            held: held.clone(),
            inputs: inputs.clone(),
            next_handle: Arc::default(),
        };
        let tasks = vec![
            tokio::spawn(worker.run(commands_rx)),
            tokio::spawn(listen(replies, inputs.clone(), decode_reply)),
            tokio::spawn(listen(credits, inputs, decode_credit)),
            tokio::spawn(keep_alive(held)),
        ];
        Ok(Store {
            id,
            commands,
            tasks,
        })
    }

    pub(crate) fn broker_id(&self) -> &str {
        &self.id
    }

    pub(crate) fn send(&self, out: Out) {
        let _ = self.commands.send(out);
    }

    pub(crate) async fn close(self) {
        for task in self.tasks {
            task.abort();
        }
    }
}

struct Worker {
    id: String,
    client: async_nats::Client,
    js: jetstream::Context,
    consumer: PullConsumer,
    held: Held,
    inputs: mpsc::Sender<StoreEvent>,
    next_handle: Arc<AtomicU64>,
}

impl Worker {
    async fn run(self, mut commands: mpsc::UnboundedReceiver<Out>) {
        while let Some(command) = commands.recv().await {
            match command {
                Out::Store(record) => self.store(record).await,
                // Apart, so waiting for jobs never delays storing calls.
                Out::Pull(n) => {
                    let puller = Puller {
                        consumer: self.consumer.clone(),
                        held: self.held.clone(),
                        inputs: self.inputs.clone(),
                        next_handle: self.next_handle.clone(),
                    };
                    tokio::spawn(puller.pull(n));
                }
                Out::Ack(handle) => {
                    let message = lock(&self.held).remove(&handle);
                    if let Some(message) = message {
                        tokio::spawn(async move {
                            if let Err(e) = message.double_ack().await {
                                warn!(
                                    "zrpc broker: store ack failed (the call may run again): {e}"
                                );
                            }
                        });
                    }
                }
                Out::RemoteReply {
                    broker,
                    envelope,
                    event,
                } => {
                    let payload = encode(&[
                        rmpv::Value::from(self.id.as_str()),
                        frames_value(&envelope),
                        rmpv::Value::Binary(event.to_vec()),
                    ]);
                    self.publish_core(format!("zrpc.broker.{broker}.reply"), payload)
                        .await;
                }
                Out::RemoteCredit {
                    broker,
                    origin,
                    key,
                    event,
                } => {
                    let payload = encode(&[
                        rmpv::Value::from(origin.as_str()),
                        rmpv::Value::Binary(key.peer.to_vec()),
                        rmpv::Value::Binary(key.channel.to_vec()),
                        rmpv::Value::Binary(event.to_vec()),
                    ]);
                    self.publish_core(format!("zrpc.broker.{broker}.credit"), payload)
                        .await;
                }
                Out::Client { .. } | Out::Worker { .. } => {}
            }
        }
    }

    async fn publish_core(&self, subject: String, payload: Vec<u8>) {
        if let Err(e) = self.client.publish(subject, payload.into()).await {
            warn!("zrpc broker: cannot forward to another broker: {e}");
        }
    }

    /// Publishes a call; the core hears back once the store has it (or not).
    async fn store(&self, record: Record) {
        let payload = encode(&[
            rmpv::Value::from(record.origin.as_str()),
            frames_value(&record.envelope),
            rmpv::Value::Binary(record.request.to_vec()),
        ]);
        let dedupe = zrpc::Event::decode(record.request.clone())
            .map(|event| hex(event.message_id()))
            .unwrap_or_default();
        let publish = jetstream::message::PublishMessage::build()
            .payload(payload.into())
            .message_id(dedupe);
        let sent = self.js.send_publish(SUBJECT, publish).await;
        let inputs = self.inputs.clone();
        // The acknowledgement is awaited apart, so publishes are pipelined.
        tokio::spawn(async move {
            let result = match sent {
                Ok(ack) => ack.await.map(|_| ()).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            let result = result.map_err(|reason| {
                if reason.contains("maximum messages") {
                    (
                        crate::QUEUE_FULL.to_owned(),
                        "the broker queue (store) is full".to_owned(),
                    )
                } else {
                    warn!("zrpc broker: cannot store a call: {reason}");
                    (
                        "StoreUnavailable".to_owned(),
                        format!("the broker could not store the call: {reason}"),
                    )
                }
            });
            let _ = inputs.send(StoreEvent::Stored(record, result)).await;
        });
    }
}

struct Puller {
    consumer: PullConsumer,
    held: Held,
    inputs: mpsc::Sender<StoreEvent>,
    next_handle: Arc<AtomicU64>,
}

impl Puller {
    /// Takes up to `n` jobs; reports how many were asked for and not delivered.
    async fn pull(self, n: usize) {
        let mut delivered = 0;
        match self
            .consumer
            .fetch()
            .max_messages(n)
            .expires(PULL_WAIT)
            .messages()
            .await
        {
            Ok(mut messages) => {
                while let Some(message) = messages.next().await {
                    let message = match message {
                        Ok(message) => message,
                        Err(e) => {
                            debug!("zrpc broker: pull from the store: {e}");
                            break;
                        }
                    };
                    delivered += 1;
                    let record = match decode_record(&message.payload) {
                        Some(record) => record,
                        None => {
                            warn!("zrpc broker: dropping a malformed job from the store");
                            let _ = message.ack_with(AckKind::Term).await;
                            continue;
                        }
                    };
                    let handle = self.next_handle.fetch_add(1, Ordering::Relaxed);
                    lock(&self.held).insert(handle, message);
                    let job = StoreEvent::Job(record, handle);
                    if self.inputs.send(job).await.is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                warn!("zrpc broker: cannot pull from the store: {e}");
                tokio::time::sleep(PULL_WAIT).await;
            }
        }
        let ended = StoreEvent::PullEnded(n.saturating_sub(delivered));
        let _ = self.inputs.send(ended).await;
    }
}

/// Tells the store the jobs held here are still being worked on.
async fn keep_alive(held: Held) {
    let mut ticker = tokio::time::interval(ACK_WAIT / 3);
    loop {
        ticker.tick().await;
        let messages: Vec<_> = lock(&held).values().cloned().collect();
        for message in messages {
            let _ = message.ack_with(AckKind::Progress).await;
        }
    }
}

async fn listen(
    mut subscriber: async_nats::Subscriber,
    inputs: mpsc::Sender<StoreEvent>,
    decode: fn(&[u8]) -> Option<StoreEvent>,
) {
    while let Some(message) = subscriber.next().await {
        match decode(&message.payload) {
            Some(event) => {
                if inputs.send(event).await.is_err() {
                    return;
                }
            }
            None => warn!("zrpc broker: dropping a malformed message from another broker"),
        }
    }
}

fn decode_record(payload: &[u8]) -> Option<Record> {
    let items = decode_array(payload)?;
    let [origin, envelope, request] = items.as_slice() else {
        return None;
    };
    Some(Record {
        origin: origin.as_str()?.to_owned(),
        envelope: frames(envelope)?,
        request: Bytes::copy_from_slice(request.as_slice()?),
    })
}

fn decode_reply(payload: &[u8]) -> Option<StoreEvent> {
    let items = decode_array(payload)?;
    let [from, envelope, event] = items.as_slice() else {
        return None;
    };
    Some(StoreEvent::Reply {
        from: from.as_str()?.to_owned(),
        envelope: frames(envelope)?,
        event: Bytes::copy_from_slice(event.as_slice()?),
    })
}

fn decode_credit(payload: &[u8]) -> Option<StoreEvent> {
    let items = decode_array(payload)?;
    let [origin, peer, channel, event] = items.as_slice() else {
        return None;
    };
    Some(StoreEvent::Credit {
        origin: origin.as_str()?.to_owned(),
        key: ChannelKey {
            peer: Bytes::copy_from_slice(peer.as_slice()?),
            channel: Bytes::copy_from_slice(channel.as_slice()?),
        },
        event: Bytes::copy_from_slice(event.as_slice()?),
    })
}

fn decode_array(mut payload: &[u8]) -> Option<Vec<rmpv::Value>> {
    match rmpv::decode::read_value(&mut payload).ok()? {
        rmpv::Value::Array(items) => Some(items),
        _ => None,
    }
}

fn frames(value: &rmpv::Value) -> Option<Vec<Bytes>> {
    value
        .as_array()?
        .iter()
        .map(|frame| frame.as_slice().map(Bytes::copy_from_slice))
        .collect()
}

fn frames_value(frames: &[Bytes]) -> rmpv::Value {
    rmpv::Value::Array(
        frames
            .iter()
            .map(|f| rmpv::Value::Binary(f.to_vec()))
            .collect(),
    )
}

fn encode(items: &[rmpv::Value]) -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut buf, &rmpv::Value::Array(items.to_vec()));
    buf
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 64 random bits in hex: this broker's name on the store.
fn random_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        bytes = u64::from(std::process::id()).to_le_bytes();
    }
    hex(&bytes)
}
