//! The zerorpc event: `[header, name, args]` as msgpack, decoded without copying the payload.

use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use bytes::Bytes;

/// Protocol version sent in every header.
pub(crate) const PROTOCOL_VERSION: u8 = 3;

/// Header key carrying a typed error's fields next to a stock `ERR`.
pub(crate) const ZRPC_ERROR_KEY: &str = "zrpc_error";

/// Why bytes are not a well-formed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub(crate) String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

fn err<T>(msg: impl Into<String>) -> Result<T, DecodeError> {
    Err(DecodeError(msg.into()))
}

/// A decoded event. Ranges point into `buf`; `message_id`, `response_to` and `zrpc_error`
/// are raw msgpack values (marker included) so they can be echoed with their exact type.
#[derive(Clone)]
pub struct Event {
    buf: Bytes,
    message_id: Range<usize>,
    response_to: Option<Range<usize>>,
    zrpc_error: Option<Range<usize>>,
    name: Range<usize>,
    args: Range<usize>,
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("name", &self.name())
            .field("message_id", &self.message_id())
            .field("response_to", &self.response_to())
            .field("args_len", &self.args.len())
            .finish()
    }
}

impl Event {
    /// Decodes one event. Never panics; trailing bytes are an error.
    pub fn decode(buf: Bytes) -> Result<Event, DecodeError> {
        let mut rd = Reader::new(&buf);
        if rd.read_array_len()? != 3 {
            return err("event is not a 3-element array");
        }
        let entries = match rd.read_map_len() {
            Ok(n) => n,
            Err(_) => return err("event header is not a map"),
        };
        let mut message_id = None;
        let mut response_to = None;
        let mut zrpc_error = None;
        for _ in 0..entries {
            let key = match rd.peek()? {
                0xa0..=0xbf | 0xd9..=0xdb => Some(rd.read_str()?),
                _ => {
                    rd.skip_value()?;
                    None
                }
            };
            let value = rd.value_span()?;
            match key {
                Some(b"message_id") => message_id = Some(id_span(&buf, value, "message_id")?),
                Some(b"response_to") => response_to = Some(id_span(&buf, value, "response_to")?),
                Some(b"zrpc_error") => zrpc_error = Some(value),
                _ => {}
            }
        }
        let Some(message_id) = message_id else {
            return err("event header has no message_id");
        };
        let name = match rd.peek()? {
            0xa0..=0xbf | 0xd9..=0xdb => rd.str_span()?,
            _ => return err("event name is not a str"),
        };
        if std::str::from_utf8(&buf[name.clone()]).is_err() {
            return err("event name is not valid UTF-8");
        }
        let args = rd.value_span()?;
        if rd.pos != buf.len() {
            return err("trailing bytes after the event");
        }
        Ok(Event {
            buf,
            message_id,
            response_to,
            zrpc_error,
            name,
            args,
        })
    }

    /// Encodes an event with a fresh message id: `response_to` is the raw msgpack of the
    /// channel id (echoed byte for byte), `args` the raw msgpack of the args value.
    pub fn encode(response_to: Option<&[u8]>, name: &str, args: &[u8]) -> Vec<u8> {
        EventWriter::event(response_to, name, args)
    }

    /// The whole encoded event.
    pub fn bytes(&self) -> Bytes {
        self.buf.clone()
    }

    pub fn name(&self) -> &str {
        std::str::from_utf8(&self.buf[self.name.clone()]).unwrap_or_default()
    }

    /// Raw msgpack of the `message_id` value.
    pub fn message_id(&self) -> &[u8] {
        &self.buf[self.message_id.clone()]
    }

    pub(crate) fn message_id_bytes(&self) -> Bytes {
        self.buf.slice(self.message_id.clone())
    }

    /// Raw msgpack of the `response_to` value, if any.
    pub fn response_to(&self) -> Option<&[u8]> {
        self.response_to.clone().map(|r| &self.buf[r])
    }

    /// Raw msgpack of the args value.
    pub fn args(&self) -> &[u8] {
        &self.buf[self.args.clone()]
    }

    pub(crate) fn args_bytes(&self) -> Bytes {
        self.buf.slice(self.args.clone())
    }

    /// Raw msgpack of the `zrpc_error` header value, if any.
    pub(crate) fn zrpc_error(&self) -> Option<&[u8]> {
        self.zrpc_error.clone().map(|r| &self.buf[r])
    }
}

/// Ids must be bin or str: they are echoed byte for byte and used as channel keys.
fn id_span(buf: &[u8], span: Range<usize>, key: &str) -> Result<Range<usize>, DecodeError> {
    match buf.get(span.start) {
        Some(0xa0..=0xbf | 0xc4..=0xc6 | 0xd9..=0xdb) => Ok(span),
        _ => err(format!("header {key} is not bin or str")),
    }
}

/// The span of the first element of a msgpack array (`None` when empty), the whole array
/// checked as [`array_spans`] does, without collecting the spans.
pub(crate) fn first_element(buf: &[u8]) -> Result<Option<Range<usize>>, DecodeError> {
    let mut rd = Reader::new(buf);
    let len = rd.read_array_len()?;
    let mut first = None;
    for _ in 0..len {
        let span = rd.value_span()?;
        first.get_or_insert(span);
    }
    if rd.pos != buf.len() {
        return err("trailing bytes after the array");
    }
    Ok(first)
}

/// Spans of the elements of a msgpack array (an RPC request's positional args).
pub(crate) fn array_spans(buf: &[u8]) -> Result<Vec<Range<usize>>, DecodeError> {
    let mut rd = Reader::new(buf);
    let len = rd.read_array_len()? as usize;
    let mut spans = Vec::with_capacity(len.min(buf.len()));
    for _ in 0..len {
        spans.push(rd.value_span()?);
    }
    if rd.pos != buf.len() {
        return err("trailing bytes after the array");
    }
    Ok(spans)
}

/// A bounds-checked msgpack cursor.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn peek(&self) -> Result<u8, DecodeError> {
        match self.buf.get(self.pos) {
            Some(b) => Ok(*b),
            None => err("truncated msgpack"),
        }
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = self.peek()?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = match self.pos.checked_add(n) {
            Some(end) if end <= self.buf.len() => end,
            _ => return err("truncated msgpack"),
        };
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn uint(&mut self, width: usize) -> Result<usize, DecodeError> {
        let mut n: u64 = 0;
        for b in self.take(width)? {
            n = (n << 8) | u64::from(*b);
        }
        usize::try_from(n).or_else(|_| err("length too large"))
    }

    fn read_array_len(&mut self) -> Result<u32, DecodeError> {
        let len = match self.byte()? {
            m @ 0x90..=0x9f => usize::from(m & 0x0f),
            0xdc => self.uint(2)?,
            0xdd => self.uint(4)?,
            _ => return err("expected an array"),
        };
        u32::try_from(len).or_else(|_| err("array too long"))
    }

    fn read_map_len(&mut self) -> Result<u32, DecodeError> {
        let len = match self.byte()? {
            m @ 0x80..=0x8f => usize::from(m & 0x0f),
            0xde => self.uint(2)?,
            0xdf => self.uint(4)?,
            _ => return err("expected a map"),
        };
        u32::try_from(len).or_else(|_| err("map too long"))
    }

    fn str_span(&mut self) -> Result<Range<usize>, DecodeError> {
        let len = match self.byte()? {
            m @ 0xa0..=0xbf => usize::from(m & 0x1f),
            0xd9 => self.uint(1)?,
            0xda => self.uint(2)?,
            0xdb => self.uint(4)?,
            _ => return err("expected a str"),
        };
        let start = self.pos;
        self.take(len)?;
        Ok(start..self.pos)
    }

    fn read_str(&mut self) -> Result<&'a [u8], DecodeError> {
        let span = self.str_span()?;
        Ok(&self.buf[span])
    }

    fn value_span(&mut self) -> Result<Range<usize>, DecodeError> {
        let start = self.pos;
        self.skip_value()?;
        Ok(start..self.pos)
    }

    /// Skips one value iteratively, so deep nesting cannot overflow the stack.
    fn skip_value(&mut self) -> Result<(), DecodeError> {
        let mut remaining: u64 = 1;
        while remaining > 0 {
            remaining -= 1;
            let marker = self.byte()?;
            let (skip, children) = match marker {
                0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => (0, 0),
                0x80..=0x8f => (0, 2 * u64::from(marker & 0x0f)),
                0x90..=0x9f => (0, u64::from(marker & 0x0f)),
                0xa0..=0xbf => (usize::from(marker & 0x1f), 0),
                0xc1 => return err("invalid msgpack marker 0xc1"),
                0xc4 | 0xd9 => (self.uint(1)?, 0),
                0xc5 | 0xda => (self.uint(2)?, 0),
                0xc6 | 0xdb => (self.uint(4)?, 0),
                0xc7 => (self.uint(1)? + 1, 0),
                0xc8 => (self.uint(2)? + 1, 0),
                0xc9 => (self.uint(4)? + 1, 0),
                0xca => (4, 0),
                0xcb => (8, 0),
                0xcc | 0xd0 => (1, 0),
                0xcd | 0xd1 => (2, 0),
                0xce | 0xd2 => (4, 0),
                0xcf | 0xd3 => (8, 0),
                0xd4 => (2, 0),
                0xd5 => (3, 0),
                0xd6 => (5, 0),
                0xd7 => (9, 0),
                0xd8 => (17, 0),
                0xdc => (0, self.uint(2)? as u64),
                0xdd => (0, self.uint(4)? as u64),
                0xde => (0, 2 * self.uint(2)? as u64),
                0xdf => (0, 2 * self.uint(4)? as u64),
            };
            self.take(skip)?;
            remaining += children;
        }
        Ok(())
    }
}

/// Writes events. Message ids are 32 ASCII hex bytes sent as bin, like stock Python.
pub(crate) struct EventWriter;

impl EventWriter {
    /// The length of what [`EventWriter::begin`] writes, so a buffer can be sized exactly
    /// (a buffer filled to its capacity becomes `Bytes` without another allocation).
    pub(crate) fn head_len(
        response_to: Option<&[u8]>,
        zrpc_error: Option<&[u8]>,
        name: &str,
    ) -> usize {
        let str_len = |s: &str| {
            s.len()
                + match s.len() {
                    0..=31 => 1,
                    32..=255 => 2,
                    256..=65535 => 3,
                    _ => 5,
                }
        };
        2 + str_len("message_id")
            + 34
            + str_len("v")
            + 1
            + response_to.map_or(0, |id| str_len("response_to") + id.len())
            + zrpc_error.map_or(0, |d| str_len(ZRPC_ERROR_KEY) + d.len())
            + str_len(name)
    }

    /// Starts an event: array header, header map and name; the caller appends the args value.
    /// Returns the event's message id.
    pub(crate) fn begin(
        buf: &mut Vec<u8>,
        response_to: Option<&[u8]>,
        zrpc_error: Option<&[u8]>,
        name: &str,
    ) -> [u8; 32] {
        let id = next_message_id();
        let entries = 2 + u8::from(response_to.is_some()) + u8::from(zrpc_error.is_some());
        buf.push(0x93);
        buf.push(0x80 | entries);
        write_str(buf, "message_id");
        buf.extend_from_slice(&[0xc4, 32]);
        buf.extend_from_slice(&id);
        write_str(buf, "v");
        buf.push(PROTOCOL_VERSION);
        if let Some(id) = response_to {
            write_str(buf, "response_to");
            buf.extend_from_slice(id);
        }
        if let Some(details) = zrpc_error {
            write_str(buf, ZRPC_ERROR_KEY);
            buf.extend_from_slice(details);
        }
        write_str(buf, name);
        id
    }

    /// A whole event whose args are already encoded.
    pub(crate) fn event(response_to: Option<&[u8]>, name: &str, args: &[u8]) -> Vec<u8> {
        let mut buf =
            Vec::with_capacity(64 + name.len() + args.len() + response_to.map_or(0, <[u8]>::len));
        Self::begin(&mut buf, response_to, None, name);
        buf.extend_from_slice(args);
        buf
    }
}

/// A header field (as raw msgpack) read from the first bytes of an event that was cut short:
/// the transport keeps only the front of an oversized message, and the header comes first.
pub(crate) fn header_field_in_prefix(prefix: &[u8], key: &str) -> Option<Vec<u8>> {
    let mut cursor = prefix;
    if rmp::decode::read_array_len(&mut cursor).ok()? < 3 {
        return None;
    }
    let header = rmpv::decode::read_value(&mut cursor).ok()?;
    let value = header
        .as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))?
        .1
        .clone();
    let mut raw = Vec::new();
    rmpv::encode::write_value(&mut raw, &value).ok()?;
    Some(raw)
}

pub(crate) fn write_str(buf: &mut Vec<u8>, s: &str) {
    // Writing into a Vec cannot fail.
    let _ = rmp::encode::write_str(buf, s);
}

/// 24 random hex digits per process (96 bits) followed by an 8-digit counter.
pub(crate) fn next_message_id() -> [u8; 32] {
    static PREFIX: OnceLock<([u8; 24], AtomicU32)> = OnceLock::new();
    let (prefix, counter) = PREFIX.get_or_init(|| {
        let mut random = [0u8; 16];
        if getrandom::fill(&mut random).is_err() {
            // No OS randomness: fall back to std's randomly keyed hasher.
            use std::hash::BuildHasher;
            let state = std::collections::hash_map::RandomState::new();
            random[..8].copy_from_slice(&state.hash_one(1u8).to_le_bytes());
            random[8..].copy_from_slice(&state.hash_one(std::process::id()).to_le_bytes());
        }
        let mut prefix = [0u8; 24];
        hex_into(&random[..12], &mut prefix);
        let start = u32::from_le_bytes([random[12], random[13], random[14], random[15]]);
        (prefix, AtomicU32::new(start))
    });
    let mut id = [0u8; 32];
    id[..24].copy_from_slice(prefix);
    hex_into(
        &counter.fetch_add(1, Ordering::Relaxed).to_be_bytes(),
        &mut id[24..],
    );
    id
}

fn hex_into(bytes: &[u8], out: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = HEX[usize::from(b >> 4)];
        out[2 * i + 1] = HEX[usize::from(b & 0x0f)];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_captured_stock_request() {
        let mut raw = vec![0x93, 0x82, 0xaa];
        raw.extend_from_slice(b"message_id");
        raw.extend_from_slice(&[0xc4, 0x20]);
        raw.extend_from_slice(b"000010010123456789abcdef01234567");
        raw.extend_from_slice(&[0xa1, b'v', 0x03, 0xa3, b'a', b'd', b'd', 0x92, 0x01, 0x02]);
        assert_eq!(raw.len(), 57);
        let event = Event::decode(Bytes::from(raw)).unwrap();
        assert_eq!(event.name(), "add");
        assert_eq!(
            &event.message_id()[2..],
            b"000010010123456789abcdef01234567"
        );
        assert_eq!(event.message_id()[0], 0xc4);
        assert_eq!(event.response_to(), None);
        assert_eq!(event.args(), &[0x92, 0x01, 0x02]);
        assert_eq!(array_spans(event.args()).unwrap(), vec![1..2, 2..3]);
    }

    #[test]
    fn echoes_response_to_with_its_type() {
        let str_id = [0xa3, b'a', b'b', b'c'];
        let raw = EventWriter::event(Some(&str_id), "OK", &[0x91, 0x03]);
        let event = Event::decode(Bytes::from(raw)).unwrap();
        assert_eq!(event.response_to(), Some(&str_id[..]));
        assert_eq!(event.name(), "OK");
        assert_eq!(event.message_id().len(), 34);
    }

    #[test]
    fn message_ids_are_unique_hex() {
        let a = next_message_id();
        let b = next_message_id();
        assert_ne!(a, b);
        assert!(a.iter().all(u8::is_ascii_hexdigit));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use rmpv::Value;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Nil),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("NaN never equals itself", |f| !f.is_nan())
                .prop_map(Value::from),
            ".{0,40}".prop_map(Value::from),
            proptest::collection::vec(any::<u8>(), 0..300).prop_map(Value::Binary),
            (any::<i8>(), proptest::collection::vec(any::<u8>(), 0..20))
                .prop_map(|(t, d)| Value::Ext(t, d)),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::vec((".{0,10}".prop_map(Value::from), inner), 0..8)
                    .prop_map(Value::Map),
            ]
        })
    }

    fn encode(v: &Value) -> Vec<u8> {
        let mut buf = Vec::new();
        rmpv::encode::write_value(&mut buf, v).unwrap();
        buf
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = Event::decode(Bytes::from(bytes.clone()));
            let _ = array_spans(&bytes);
        }

        #[test]
        fn decoding_corrupted_events_never_panics(
            args in value(),
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut raw = EventWriter::event(None, "method", &encode(&args));
            for (index, byte) in flips {
                let i = index.index(raw.len());
                raw[i] = byte;
            }
            let _ = Event::decode(Bytes::from(raw.clone()));
            raw.truncate(cut.index(raw.len()));
            let _ = Event::decode(Bytes::from(raw));
        }

        #[test]
        fn events_round_trip(
            name in ".{0,300}",
            response_to in proptest::option::of(prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Binary),
                ".{0,40}".prop_map(Value::from),
            ]),
            details in proptest::option::of(value()),
            args in value(),
        ) {
            let response_to = response_to.map(|r| encode(&r));
            let details = details.map(|d| encode(&d));
            let mut raw = Vec::new();
            let id = EventWriter::begin(&mut raw, response_to.as_deref(), details.as_deref(), &name);
            prop_assert_eq!(raw.len(), EventWriter::head_len(response_to.as_deref(), details.as_deref(), &name));
            raw.extend_from_slice(&encode(&args));
            let event = Event::decode(Bytes::from(raw)).unwrap();
            prop_assert_eq!(event.name(), name.as_str());
            prop_assert_eq!(&event.message_id()[2..], &id[..]);
            prop_assert_eq!(event.response_to(), response_to.as_deref());
            prop_assert_eq!(event.zrpc_error(), details.as_deref());
            prop_assert_eq!(rmpv::decode::read_value(&mut event.args()).unwrap(), args.clone());
            if let Value::Array(items) = &args {
                let spans = array_spans(event.args()).unwrap();
                prop_assert_eq!(spans.len(), items.len());
                for (span, item) in spans.iter().zip(items) {
                    prop_assert_eq!(&rmpv::decode::read_value(&mut &event.args()[span.clone()]).unwrap(), item);
                }
            }
        }
    }
}
