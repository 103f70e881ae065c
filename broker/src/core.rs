//! The broker's logic, without sockets: callers and their heartbeats, the queue, the worker
//! registry with capacity and least-loaded dispatch, retries on worker death, stream credit.
//! Inputs are frames and clock ticks; outputs are [`Out`] messages for the I/O layer.
//!
//! Two halves meet here. The *frontend* half knows the callers (`callers`): it heartbeats them
//! and delivers their replies. The *backend* half runs jobs (`jobs`) on workers. In memory
//! mode a request becomes a caller and a job at once; with a store the request goes to the
//! store, and jobs come back from it, possibly from another broker (their `origin`), whose
//! replies then go back through the store's reply subject.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tracing::{debug, info, warn};
use zrpc::Event;

use crate::wire::{self, Announcement};

/// Tunables of a broker.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// Calls that may wait for a worker; past it a caller gets `QueueFull` at once.
    pub queue_limit: usize,
    /// Runs of one call at most (first run included) when its workers die.
    pub max_attempts: u32,
    /// Interval of the broker's `_zpc_hb` to callers (zerorpc's default is 5 s).
    pub heartbeat: Duration,
    /// Larger requests are refused with `MessageTooLarge`.
    pub max_message_size: usize,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            queue_limit: 10_000,
            max_attempts: 3,
            heartbeat: Duration::from_secs(5),
            max_message_size: 16 * 1024 * 1024,
        }
    }
}

/// A caller's channel: its routing id and the raw msgpack of the opening `message_id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ChannelKey {
    pub peer: Bytes,
    pub channel: Bytes,
}

/// A call as the store keeps it: who asked (broker and routing frames) and the request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record {
    pub origin: String,
    pub envelope: Vec<Bytes>,
    pub request: Bytes,
}

/// What the I/O layer must do.
#[derive(Debug)]
pub(crate) enum Out {
    /// `[envelope..., empty, event]` on the frontend; `reply` marks a reply (not a heartbeat).
    Client {
        envelope: Vec<Bytes>,
        event: Vec<u8>,
        reply: bool,
    },
    /// `[worker, tag, empty, event]` on the backend.
    Worker {
        worker: Bytes,
        tag: Bytes,
        event: Bytes,
    },
    /// Store the call; answer with [`Core::stored`].
    Store(Record),
    /// The stored job ended (answered or failed for good): remove it from the store.
    Ack(u64),
    /// Fetch up to this many more jobs from the store.
    Pull(usize),
    /// A reply for a caller of another broker.
    RemoteReply {
        broker: String,
        envelope: Vec<Bytes>,
        event: Bytes,
    },
    /// A caller's `_zpc_more` for its job running on another broker.
    RemoteCredit {
        broker: String,
        origin: String,
        key: ChannelKey,
        event: Bytes,
    },
}

/// Where a caller's job runs, once known (for its stream credit).
#[derive(Debug, Clone, PartialEq)]
enum Exec {
    Unknown,
    Here,
    Broker(String),
}

struct Caller {
    envelope: Vec<Bytes>,
    exec: Exec,
}

struct Job {
    origin: String,
    key: ChannelKey,
    envelope: Vec<Bytes>,
    request: Bytes,
    method: String,
    attempts: u32,
    /// The worker and the tag of the current run.
    running: Option<(Bytes, Bytes)>,
    /// Some reply already reached the caller: the job cannot run again.
    replied: bool,
    /// The store's handle, when the job came from the store.
    stored: Option<u64>,
}

struct Worker {
    capacity: u32,
    heartbeat: Duration,
    last_seen: Instant,
    no_retry: HashSet<String>,
    /// Tags of the runs on this worker.
    running: HashSet<Bytes>,
}

pub(crate) struct Core {
    config: BrokerConfig,
    /// This broker's name in the store (jobs and replies are addressed by it).
    id: String,
    with_store: bool,
    callers: HashMap<ChannelKey, Caller>,
    jobs: HashMap<u64, Job>,
    job_by_channel: HashMap<(String, ChannelKey), u64>,
    queue: VecDeque<u64>,
    workers: HashMap<Bytes, Worker>,
    tags: HashMap<Bytes, u64>,
    next_job: u64,
    next_tag: u64,
    /// Jobs asked from the store and not delivered yet.
    pulling: usize,
    last_caller_heartbeat: Instant,
    out: Vec<Out>,
}

impl Core {
    pub(crate) fn new(config: BrokerConfig, id: String, with_store: bool, now: Instant) -> Core {
        Core {
            config,
            id,
            with_store,
            callers: HashMap::new(),
            jobs: HashMap::new(),
            job_by_channel: HashMap::new(),
            queue: VecDeque::new(),
            workers: HashMap::new(),
            tags: HashMap::new(),
            next_job: 0,
            next_tag: 0,
            pulling: 0,
            last_caller_heartbeat: now,
            out: Vec::new(),
        }
    }

    /// The messages to send, in order.
    pub(crate) fn drain(&mut self) -> std::vec::Drain<'_, Out> {
        self.out.drain(..)
    }

    /// Calls waiting for a worker.
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }

    /// A message from a caller: `[peer, (more routing frames,) empty, event]`.
    pub(crate) fn on_frontend(&mut self, mut frames: Vec<Bytes>) {
        let Some(payload) = frames.pop() else { return };
        if frames.len() >= 2 {
            frames.pop();
        }
        if frames.is_empty() {
            return;
        }
        let envelope = frames;
        let size = payload.len();
        let event = match Event::decode(payload) {
            Ok(event) => event,
            Err(e) => {
                warn!(
                    "zrpc broker: dropping an undecodable event from a caller ({size} bytes): {e}"
                );
                return;
            }
        };
        if let Some(channel) = event.response_to() {
            let key = ChannelKey {
                peer: envelope[0].clone(),
                channel: Bytes::copy_from_slice(channel),
            };
            if event.name() == "_zpc_more" {
                self.on_credit(&key, &event);
            }
            // The broker heartbeats its callers itself; theirs need no answer.
            return;
        }
        let key = ChannelKey {
            peer: envelope[0].clone(),
            channel: Bytes::copy_from_slice(event.message_id()),
        };
        if size > self.config.max_message_size {
            let message = format!(
                "request of {size} bytes exceeds the broker limit of {} bytes",
                self.config.max_message_size
            );
            self.reply_error(envelope, &key.channel, "MessageTooLarge", &message);
            return;
        }
        if self.callers.contains_key(&key) {
            debug!("zrpc broker: dropping a request that reuses an open channel id");
            return;
        }
        if !self.with_store && self.queue.len() >= self.config.queue_limit {
            let message = format!(
                "the broker queue is full ({} calls waiting for a worker)",
                self.config.queue_limit
            );
            self.reply_error(envelope, &key.channel, "QueueFull", &message);
            return;
        }
        self.callers.insert(
            key.clone(),
            Caller {
                envelope: envelope.clone(),
                exec: Exec::Unknown,
            },
        );
        let request = event.bytes();
        if self.with_store {
            self.out.push(Out::Store(Record {
                origin: self.id.clone(),
                envelope,
                request,
            }));
        } else {
            let origin = self.id.clone();
            self.add_job(
                origin,
                key,
                envelope,
                request,
                event.name().to_owned(),
                None,
            );
            self.dispatch();
        }
    }

    /// The store kept the caller's request (`Ok`), or did not (`Err((name, message))`).
    pub(crate) fn stored(&mut self, record: &Record, result: Result<(), (String, String)>) {
        let Err((name, message)) = result else { return };
        let Some(peer) = record.envelope.first() else {
            return;
        };
        let Ok(event) = Event::decode(record.request.clone()) else {
            return;
        };
        let key = ChannelKey {
            peer: peer.clone(),
            channel: Bytes::copy_from_slice(event.message_id()),
        };
        if self.callers.remove(&key).is_some() {
            self.reply_error(record.envelope.clone(), &key.channel, &name, &message);
        }
    }

    /// A job fetched from the store; `handle` is passed back in [`Out::Ack`].
    pub(crate) fn job_from_store(&mut self, record: Record, handle: u64) {
        self.pulling = self.pulling.saturating_sub(1);
        let (Some(peer), Ok(event)) = (
            record.envelope.first(),
            Event::decode(record.request.clone()),
        ) else {
            warn!("zrpc broker: dropping a malformed job from the store");
            self.out.push(Out::Ack(handle));
            return;
        };
        let key = ChannelKey {
            peer: peer.clone(),
            channel: Bytes::copy_from_slice(event.message_id()),
        };
        if self
            .job_by_channel
            .contains_key(&(record.origin.clone(), key.clone()))
        {
            // Redelivered while still here (the store's ack deadline passed): one run is enough.
            return;
        }
        let method = event.name().to_owned();
        self.add_job(
            record.origin,
            key,
            record.envelope,
            record.request,
            method,
            Some(handle),
        );
        self.dispatch();
    }

    /// The store took back jobs asked for but not delivered.
    pub(crate) fn pull_ended(&mut self, undelivered: usize) {
        self.pulling = self.pulling.saturating_sub(undelivered);
    }

    /// A reply from another broker for one of this broker's callers.
    pub(crate) fn remote_reply(&mut self, from: &str, envelope: Vec<Bytes>, event: Bytes) {
        let (Some(peer), Ok(decoded)) = (envelope.first(), Event::decode(event.clone())) else {
            return;
        };
        let Some(channel) = decoded.response_to() else {
            return;
        };
        let key = ChannelKey {
            peer: peer.clone(),
            channel: Bytes::copy_from_slice(channel),
        };
        self.deliver(&key, from, decoded.name(), event.to_vec());
    }

    /// Stream credit from a caller of another broker, for a job running here.
    pub(crate) fn remote_credit(&mut self, origin: String, key: ChannelKey, event: Bytes) {
        if let Some(id) = self.job_by_channel.get(&(origin, key)) {
            if let Some(Job {
                running: Some((worker, tag)),
                ..
            }) = self.jobs.get(id)
            {
                self.out.push(Out::Worker {
                    worker: worker.clone(),
                    tag: tag.clone(),
                    event,
                });
            }
        }
    }

    /// A message from a worker: `[worker, empty, announcement]` or `[worker, tag, empty, event]`.
    pub(crate) fn on_backend(&mut self, mut frames: Vec<Bytes>, now: Instant) {
        let Some(payload) = frames.pop() else { return };
        if frames.len() < 2 {
            return;
        }
        let worker_id = frames[0].clone();
        if let Some(worker) = self.workers.get_mut(&worker_id) {
            worker.last_seen = now;
        }
        let event = match Event::decode(payload) {
            Ok(event) => event,
            Err(e) => {
                warn!("zrpc broker: dropping an undecodable event from a worker: {e}");
                return;
            }
        };
        match frames.len() {
            2 => self.on_announcement(worker_id, &event, now),
            3 => self.on_worker_event(&worker_id, frames[1].clone(), event),
            n => debug!("zrpc broker: dropping a worker message with {n} routing frames"),
        }
    }

    fn on_announcement(&mut self, worker_id: Bytes, event: &Event, now: Instant) {
        let announcement = match Announcement::parse(event) {
            Ok(announcement) => announcement,
            Err(e) => {
                warn!("zrpc broker: ignoring a malformed worker announcement: {e}");
                return;
            }
        };
        match self.workers.get_mut(&worker_id) {
            Some(worker) => {
                worker.capacity = announcement.concurrency;
                worker.heartbeat = announcement.heartbeat;
                worker.no_retry = announcement.no_retry.into_iter().collect();
            }
            None => {
                info!(
                    "zrpc broker: worker {} joined ({}, {} calls at once)",
                    hex(&worker_id),
                    announcement.service,
                    announcement.concurrency
                );
                self.workers.insert(
                    worker_id,
                    Worker {
                        capacity: announcement.concurrency,
                        heartbeat: announcement.heartbeat,
                        last_seen: now,
                        no_retry: announcement.no_retry.into_iter().collect(),
                        running: HashSet::new(),
                    },
                );
            }
        }
        self.dispatch();
    }

    fn on_worker_event(&mut self, worker_id: &Bytes, tag: Bytes, event: Event) {
        let name = event.name().to_owned();
        if name == "_zpc_hb" {
            return;
        }
        let Some(&id) = self.tags.get(&tag) else {
            debug!("zrpc broker: dropping {name} for a run that was given up");
            return;
        };
        let ended = wire::is_final(&name);
        if name == "ERR" && wire::error_name(&event).as_deref() == Some("ServerShuttingDown") {
            // The worker is leaving and refused the call before running it: run it elsewhere.
            self.end_run(worker_id, &tag);
            if let Some(job) = self.jobs.get_mut(&id) {
                job.attempts = job.attempts.saturating_sub(1);
                if let Some(worker) = self.workers.get_mut(worker_id) {
                    worker.capacity = 0;
                }
                self.queue.push_front(id);
            }
            self.dispatch();
            return;
        }
        if ended {
            self.end_run(worker_id, &tag);
        }
        let Some(job) = self.jobs.get_mut(&id) else {
            return;
        };
        job.replied = true;
        let (origin, key, envelope) = (job.origin.clone(), job.key.clone(), job.envelope.clone());
        if ended {
            self.finish_job(id);
        }
        let bytes = event.bytes();
        if origin == self.id {
            let here = self.id.clone();
            self.deliver(&key, &here, &name, bytes.to_vec());
        } else {
            self.out.push(Out::RemoteReply {
                broker: origin,
                envelope,
                event: bytes,
            });
        }
        if ended {
            self.dispatch();
        }
    }

    /// Sends a reply to one of this broker's callers; `exec` is the broker that ran the job.
    fn deliver(&mut self, key: &ChannelKey, exec: &str, name: &str, event: Vec<u8>) {
        let ended = wire::is_final(name);
        let caller = if ended {
            self.callers.remove(key)
        } else {
            self.callers.get_mut(key).map(|caller| {
                if caller.exec == Exec::Unknown {
                    caller.exec = if exec == self.id {
                        Exec::Here
                    } else {
                        Exec::Broker(exec.to_owned())
                    };
                }
                Caller {
                    envelope: caller.envelope.clone(),
                    exec: caller.exec.clone(),
                }
            })
        };
        match caller {
            Some(caller) => self.out.push(Out::Client {
                envelope: caller.envelope,
                event,
                reply: true,
            }),
            None => info!("zrpc broker: dropping {name} for a caller that is gone"),
        }
    }

    fn on_credit(&mut self, key: &ChannelKey, event: &Event) {
        let Some(caller) = self.callers.get(key) else {
            return;
        };
        let event = event.bytes();
        match caller.exec.clone() {
            Exec::Here => {
                let here = self.id.clone();
                self.remote_credit(here, key.clone(), event);
            }
            Exec::Broker(broker) => self.out.push(Out::RemoteCredit {
                broker,
                origin: self.id.clone(),
                key: key.clone(),
                event,
            }),
            Exec::Unknown => {}
        }
    }

    /// Heartbeats callers and drops silent workers, re-running or failing their calls.
    pub(crate) fn tick(&mut self, now: Instant) {
        if now.duration_since(self.last_caller_heartbeat) >= self.config.heartbeat {
            self.last_caller_heartbeat = now;
            for (key, caller) in &self.callers {
                self.out.push(Out::Client {
                    envelope: caller.envelope.clone(),
                    event: wire::heartbeat(&key.channel),
                    reply: false,
                });
            }
        }
        let lost: Vec<Bytes> = self
            .workers
            .iter()
            .filter(|(_, w)| now.duration_since(w.last_seen) > 2 * w.heartbeat)
            .map(|(id, _)| id.clone())
            .collect();
        for id in lost {
            self.drop_worker(&id);
        }
        self.dispatch();
    }

    fn drop_worker(&mut self, worker_id: &Bytes) {
        let Some(worker) = self.workers.remove(worker_id) else {
            return;
        };
        warn!(
            "zrpc broker: worker {} lost (silent for more than {:?}) with {} calls running",
            hex(worker_id),
            2 * worker.heartbeat,
            worker.running.len()
        );
        let mut retry = Vec::new();
        for tag in worker.running {
            let Some(id) = self.tags.remove(&tag) else {
                continue;
            };
            let Some(job) = self.jobs.get_mut(&id) else {
                continue;
            };
            job.running = None;
            let why = if job.replied {
                Some("it had already sent part of its reply".to_owned())
            } else if worker.no_retry.contains(&job.method) {
                Some(format!("{} is marked not to be retried", job.method))
            } else if job.attempts >= self.config.max_attempts {
                Some(format!("it was tried {} times", job.attempts))
            } else {
                None
            };
            match why {
                None => retry.push(id),
                Some(why) => {
                    let message = format!(
                        "the worker running {} was lost and the call is not re-run: {why}",
                        job.method
                    );
                    let (origin, key, envelope) =
                        (job.origin.clone(), job.key.clone(), job.envelope.clone());
                    self.finish_job(id);
                    let event = wire::error(&key.channel, "WorkerLost", &message);
                    if origin == self.id {
                        let here = self.id.clone();
                        self.deliver(&key, &here, "ERR", event);
                    } else {
                        self.out.push(Out::RemoteReply {
                            broker: origin,
                            envelope,
                            event: Bytes::from(event),
                        });
                    }
                }
            }
        }
        // Oldest first at the head of the queue.
        retry.sort_unstable();
        for id in retry.into_iter().rev() {
            self.queue.push_front(id);
        }
    }

    fn add_job(
        &mut self,
        origin: String,
        key: ChannelKey,
        envelope: Vec<Bytes>,
        request: Bytes,
        method: String,
        stored: Option<u64>,
    ) {
        let id = self.next_job;
        self.next_job += 1;
        self.job_by_channel
            .insert((origin.clone(), key.clone()), id);
        self.jobs.insert(
            id,
            Job {
                origin,
                key,
                envelope,
                request,
                method,
                attempts: 0,
                running: None,
                replied: false,
                stored,
            },
        );
        self.queue.push_back(id);
    }

    fn finish_job(&mut self, id: u64) {
        if let Some(job) = self.jobs.remove(&id) {
            self.job_by_channel.remove(&(job.origin, job.key));
            if let Some(handle) = job.stored {
                self.out.push(Out::Ack(handle));
            }
        }
    }

    fn end_run(&mut self, worker_id: &Bytes, tag: &Bytes) {
        if let Some(id) = self.tags.remove(tag) {
            if let Some(job) = self.jobs.get_mut(&id) {
                job.running = None;
            }
        }
        if let Some(worker) = self.workers.get_mut(worker_id) {
            worker.running.remove(tag);
        }
    }

    /// Gives queued jobs to the least-loaded workers with room, then asks the store for more.
    fn dispatch(&mut self) {
        while !self.queue.is_empty() {
            let Some(worker_id) = self
                .workers
                .iter()
                .filter(|(_, w)| (w.running.len() as u64) < u64::from(w.capacity))
                .min_by_key(|(_, w)| w.running.len())
                .map(|(id, _)| id.clone())
            else {
                break;
            };
            let Some(id) = self.queue.pop_front() else {
                break;
            };
            let Some(job) = self.jobs.get_mut(&id) else {
                continue;
            };
            let tag = Bytes::copy_from_slice(&self.next_tag.to_be_bytes());
            self.next_tag += 1;
            job.attempts += 1;
            job.running = Some((worker_id.clone(), tag.clone()));
            self.tags.insert(tag.clone(), id);
            if let Some(worker) = self.workers.get_mut(&worker_id) {
                worker.running.insert(tag.clone());
            }
            self.out.push(Out::Worker {
                worker: worker_id,
                tag,
                event: job.request.clone(),
            });
        }
        if self.with_store {
            let free: usize = self
                .workers
                .values()
                .map(|w| (w.capacity as usize).saturating_sub(w.running.len()))
                .sum();
            let wanted = free.saturating_sub(self.queue.len() + self.pulling);
            if wanted > 0 {
                self.pulling += wanted;
                self.out.push(Out::Pull(wanted));
            }
        }
    }

    fn reply_error(&mut self, envelope: Vec<Bytes>, channel: &[u8], name: &str, message: &str) {
        self.out.push(Out::Client {
            envelope,
            event: wire::error(channel, name, message),
            reply: true,
        });
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str) -> Vec<u8> {
        Event::encode(None, method, &[0x92, 0x01, 0x02])
    }

    fn from_caller(peer: &str, event: Vec<u8>) -> Vec<Bytes> {
        vec![
            Bytes::copy_from_slice(peer.as_bytes()),
            Bytes::new(),
            Bytes::from(event),
        ]
    }

    fn announce(worker: &str, concurrency: u32, no_retry: &[&str]) -> Vec<Bytes> {
        let info = rmpv::Value::Map(vec![
            ("concurrency".into(), concurrency.into()),
            ("heartbeat_ms".into(), 100.into()),
            ("service".into(), "Test".into()),
            (
                "no_retry".into(),
                rmpv::Value::Array(no_retry.iter().map(|m| (*m).into()).collect()),
            ),
        ]);
        let mut args = Vec::new();
        rmpv::encode::write_value(&mut args, &rmpv::Value::Array(vec![info])).unwrap();
        let event = Event::encode(None, zrpc::WORKER_ANNOUNCE, &args);
        vec![
            Bytes::copy_from_slice(worker.as_bytes()),
            Bytes::new(),
            Bytes::from(event),
        ]
    }

    fn core(queue_limit: usize) -> (Core, Instant) {
        let now = Instant::now();
        let config = BrokerConfig {
            queue_limit,
            ..BrokerConfig::default()
        };
        (Core::new(config, "local".into(), false, now), now)
    }

    /// (worker, tag, request) of every call sent to a worker.
    fn dispatched(core: &mut Core) -> Vec<(Bytes, Bytes, Bytes)> {
        core.drain()
            .filter_map(|out| match out {
                Out::Worker { worker, tag, event } => Some((worker, tag, event)),
                _ => None,
            })
            .collect()
    }

    fn errors(core: &mut Core) -> Vec<String> {
        core.drain()
            .filter_map(|out| match out {
                Out::Client {
                    event, reply: true, ..
                } => {
                    let event = Event::decode(Bytes::from(event)).unwrap();
                    (event.name() == "ERR").then(|| wire::error_name(&event).unwrap())
                }
                _ => None,
            })
            .collect()
    }

    fn reply(worker: &Bytes, tag: &Bytes, request: &Bytes) -> Vec<Bytes> {
        let request = Event::decode(request.clone()).unwrap();
        let ok = Event::encode(Some(request.message_id()), "OK", &[0x91, 0x03]);
        vec![worker.clone(), tag.clone(), Bytes::new(), Bytes::from(ok)]
    }

    #[test]
    fn past_the_limit_a_call_gets_queue_full_and_the_queue_drains_when_a_worker_joins() {
        let (mut core, now) = core(2);
        for _ in 0..3 {
            core.on_frontend(from_caller("c", request("add")));
        }
        assert_eq!(errors(&mut core), ["QueueFull"]);
        assert_eq!(core.queued(), 2);
        core.on_backend(announce("w", 8, &[]), now);
        assert_eq!(dispatched(&mut core).len(), 2);
        assert_eq!(core.queued(), 0);
    }

    #[test]
    fn calls_go_to_the_least_loaded_worker_with_room() {
        let (mut core, now) = core(100);
        core.on_backend(announce("a", 2, &[]), now);
        core.on_backend(announce("b", 1, &[]), now);
        for _ in 0..4 {
            core.on_frontend(from_caller("c", request("add")));
        }
        let sent = dispatched(&mut core);
        let to = |w: &str| sent.iter().filter(|(id, ..)| id == w.as_bytes()).count();
        assert_eq!((to("a"), to("b")), (2, 1));
        assert_eq!(core.queued(), 1);
        // An answer frees room: the waiting call goes out.
        let (worker, tag, request) = sent[0].clone();
        core.on_backend(reply(&worker, &tag, &request), now);
        assert_eq!(dispatched(&mut core).len(), 1);
    }

    #[test]
    fn a_dead_workers_calls_run_elsewhere_and_its_late_answers_are_dropped() {
        let (mut core, now) = core(100);
        core.on_backend(announce("a", 1, &[]), now);
        core.on_frontend(from_caller("c", request("add")));
        let (dead, old_tag, request) = dispatched(&mut core).remove(0);
        core.on_backend(announce("b", 1, &[]), now + Duration::from_millis(150));
        core.tick(now + Duration::from_millis(250));
        let (worker, tag, rerun) = dispatched(&mut core).remove(0);
        assert_eq!((worker.as_ref(), &rerun), (&b"b"[..], &request));
        assert_ne!(tag, old_tag);
        core.on_backend(
            reply(&dead, &old_tag, &request),
            now + Duration::from_millis(260),
        );
        assert!(
            core.drain().next().is_none(),
            "a late answer must be dropped"
        );
        core.on_backend(
            reply(&worker, &tag, &request),
            now + Duration::from_millis(270),
        );
        let replies: Vec<_> = core.drain().collect();
        assert!(matches!(
            replies.as_slice(),
            [Out::Client { reply: true, .. }]
        ));
    }

    #[test]
    fn no_retry_methods_fail_with_worker_lost() {
        let (mut core, now) = core(100);
        core.on_backend(announce("a", 1, &["transfer"]), now);
        core.on_frontend(from_caller("c", request("transfer")));
        assert_eq!(dispatched(&mut core).len(), 1);
        core.tick(now + Duration::from_millis(250));
        assert_eq!(errors(&mut core), ["WorkerLost"]);
        assert_eq!(core.queued(), 0);
    }
}
