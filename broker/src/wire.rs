//! The events the broker writes itself, and the worker announcement it reads.

use std::time::Duration;

use zrpc::{Event, WORKER_ANNOUNCE};

/// `_zpc_hb [0]` on a channel.
pub(crate) fn heartbeat(channel: &[u8]) -> Vec<u8> {
    Event::encode(Some(channel), "_zpc_hb", &[0x91, 0x00])
}

/// `ERR [name, message, nil]` on a channel.
pub(crate) fn error(channel: &[u8], name: &str, message: &str) -> Vec<u8> {
    let mut args = Vec::with_capacity(8 + name.len() + message.len());
    args.push(0x93);
    // Writing into a Vec cannot fail.
    let _ = rmp::encode::write_str(&mut args, name);
    let _ = rmp::encode::write_str(&mut args, message);
    args.push(0xc0);
    Event::encode(Some(channel), "ERR", &args)
}

/// True for the events that end a call: `OK`, `ERR`, `STREAM_DONE`.
pub(crate) fn is_final(name: &str) -> bool {
    matches!(name, "OK" | "ERR" | "STREAM_DONE")
}

/// The error name inside `ERR [name, ...]`, if readable.
pub(crate) fn error_name(event: &Event) -> Option<String> {
    let mut args = event.args();
    let len = rmp::decode::read_array_len(&mut args).ok()?;
    if len == 0 {
        return None;
    }
    let value = rmpv::decode::read_value(&mut args).ok()?;
    value.as_str().map(str::to_owned)
}

/// What a worker says about itself in `_zrpc_worker [{..}]` (see docs/broker.md).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Announcement {
    pub concurrency: u32,
    pub heartbeat: Duration,
    pub service: String,
    pub no_retry: Vec<String>,
}

/// Longest heartbeat interval a worker may announce, so a typo cannot keep a dead worker.
const MAX_WORKER_HEARTBEAT: Duration = Duration::from_secs(60);
/// Most calls a worker may take at once.
const MAX_CONCURRENCY: u32 = 100_000;

impl Announcement {
    pub(crate) fn parse(event: &Event) -> Result<Announcement, String> {
        if event.name() != WORKER_ANNOUNCE {
            return Err(format!(
                "expected {WORKER_ANNOUNCE}, got {:?}",
                event.name()
            ));
        }
        let mut args = event.args();
        let value = rmpv::decode::read_value(&mut args).map_err(|e| e.to_string())?;
        let info = value
            .as_array()
            .and_then(|items| items.first())
            .and_then(|info| info.as_map())
            .ok_or("args are not [map]")?;
        let field = |name: &str| {
            info.iter()
                .find(|(key, _)| key.as_str() == Some(name))
                .map(|(_, value)| value)
        };
        let concurrency = field("concurrency")
            .and_then(|v| v.as_u64())
            .ok_or("concurrency is missing or not an unsigned integer")?;
        let heartbeat_ms = field("heartbeat_ms")
            .and_then(|v| v.as_u64())
            .filter(|ms| *ms > 0)
            .ok_or("heartbeat_ms is missing or not a positive integer")?;
        let service = field("service")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let no_retry = match field("no_retry") {
            None => Vec::new(),
            Some(list) => list
                .as_array()
                .ok_or("no_retry is not an array")?
                .iter()
                .map(|m| {
                    m.as_str()
                        .map(str::to_owned)
                        .ok_or("no_retry holds a non-string")
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Announcement {
            concurrency: u32::try_from(concurrency.min(u64::from(MAX_CONCURRENCY)))
                .unwrap_or(MAX_CONCURRENCY),
            heartbeat: Duration::from_millis(heartbeat_ms).min(MAX_WORKER_HEARTBEAT),
            service,
            no_retry,
        })
    }
}
