//! ZMTP 3 frames: decoding with every limit checked from the header, before memory is spent,
//! and encoding.

use bytes::{Buf, BufMut, Bytes, BytesMut};

const MORE: u8 = 0x01;
const LONG: u8 = 0x02;
const COMMAND: u8 = 0x04;

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A message frame; `more` says another frame of the same message follows.
    Message { more: bool, body: Bytes },
    /// A command frame (READY, PING, ERROR, the CURVE handshake, MESSAGE under CURVE...).
    Command(Bytes),
}

/// What [`decode`] found in the buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    Frame(Frame),
    /// The buffer lacks this many bytes of the next frame (header included).
    Need(usize),
}

/// A frame the decoder refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("frame of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge { size: u64, limit: usize },
    #[error("reserved frame flag bits set ({0:#04x})")]
    BadFlags(u8),
    #[error("a command frame cannot have the MORE flag")]
    MoreOnCommand,
}

/// The header at the front of `buf`: flags, header length and body size (checked against
/// `max_size`), or the bytes still missing from the header.
fn head(buf: &[u8], max_size: usize) -> Result<Result<(u8, usize, usize), usize>, FrameError> {
    let Some(&flags) = buf.first() else {
        return Ok(Err(2));
    };
    if flags & !(MORE | LONG | COMMAND) != 0 {
        return Err(FrameError::BadFlags(flags));
    }
    if flags & COMMAND != 0 && flags & MORE != 0 {
        return Err(FrameError::MoreOnCommand);
    }
    let header = if flags & LONG != 0 { 9 } else { 2 };
    if buf.len() < header {
        return Ok(Err(header - buf.len()));
    }
    let size = if flags & LONG != 0 {
        u64::from_be_bytes([
            buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7], buf[8],
        ])
    } else {
        u64::from(buf[1])
    };
    if size > max_size as u64 {
        return Err(FrameError::TooLarge {
            size,
            limit: max_size,
        });
    }
    // Fits in usize: at most `max_size`.
    Ok(Ok((flags, header, size as usize)))
}

/// Decodes one frame from the front of `buf`. The declared size is checked against `max_size`
/// before anything is allocated; the body is split off `buf` without copying.
pub fn decode(buf: &mut BytesMut, max_size: usize) -> Result<Decoded, FrameError> {
    let (flags, header, size) = match head(buf, max_size)? {
        Ok(head) => head,
        Err(missing) => return Ok(Decoded::Need(missing)),
    };
    if buf.len() < header + size {
        return Ok(Decoded::Need(header + size - buf.len()));
    }
    buf.advance(header);
    let body = buf.split_to(size).freeze();
    Ok(Decoded::Frame(if flags & COMMAND != 0 {
        Frame::Command(body)
    } else {
        Frame::Message {
            more: flags & MORE != 0,
            body,
        }
    }))
}

/// Whether [`decode`] would return at once: `buf` starts with a whole frame, or with a header
/// it refuses.
pub(crate) fn decodable(buf: &[u8], max_size: usize) -> bool {
    match head(buf, max_size) {
        Ok(Ok((_, header, size))) => buf.len() >= header + size,
        Ok(Err(_)) => false,
        Err(_) => true,
    }
}

/// Writes a frame header for a body of `size` bytes.
pub fn put_header(dst: &mut BytesMut, more: bool, command: bool, size: usize) {
    let mut flags = 0;
    if more {
        flags |= MORE;
    }
    if command {
        flags |= COMMAND;
    }
    if size > 255 {
        dst.put_u8(flags | LONG);
        dst.put_u64(size as u64);
    } else {
        dst.put_u8(flags);
        dst.put_u8(size as u8);
    }
}

/// Encodes a whole frame.
pub fn encode(dst: &mut BytesMut, more: bool, command: bool, body: &[u8]) {
    put_header(dst, more, command, body.len());
    dst.extend_from_slice(body);
}

/// Encodes a command: name length, name, data.
pub fn command(name: &str, data: &[u8]) -> BytesMut {
    let mut body = BytesMut::with_capacity(1 + name.len() + data.len());
    body.put_u8(name.len() as u8);
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(data);
    body
}

/// Splits a command body into its name and data.
pub fn parse_command(body: &Bytes) -> Option<(&[u8], Bytes)> {
    let len = usize::from(*body.first()?);
    let name = body.get(1..1 + len)?;
    Some((name, body.slice(1 + len..)))
}

/// Collects the frames of one message, enforcing the message size and frame count limits.
#[derive(Debug)]
pub struct Assembler {
    frames: Vec<Bytes>,
    size: usize,
    max_size: usize,
    max_frames: usize,
}

impl Assembler {
    pub fn new(max_size: usize, max_frames: usize) -> Self {
        Assembler {
            frames: Vec::new(),
            size: 0,
            max_size,
            max_frames,
        }
    }

    /// Adds a frame; returns the message once its last frame arrived.
    pub fn push(&mut self, more: bool, body: Bytes) -> Result<Option<Vec<Bytes>>, String> {
        self.size += body.len();
        if self.size > self.max_size {
            return Err(format!(
                "message larger than the limit of {} bytes",
                self.max_size
            ));
        }
        if self.frames.len() >= self.max_frames {
            return Err(format!("message of more than {} frames", self.max_frames));
        }
        self.frames.push(body);
        if more {
            return Ok(None);
        }
        self.size = 0;
        Ok(Some(std::mem::take(&mut self.frames)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn huge_declared_size_is_refused_from_the_header() {
        let mut buf = BytesMut::from(&[0x02u8, 0, 0, 0, 0x10, 0, 0, 0, 0][..]);
        assert_eq!(
            decode(&mut buf, 16 << 20),
            Err(FrameError::TooLarge {
                size: 64 << 30,
                limit: 16 << 20
            })
        );
    }

    #[test]
    fn partial_frames_ask_for_the_rest() {
        let mut buf = BytesMut::from(&[0x00u8, 5, b'a'][..]);
        assert_eq!(decode(&mut buf, 100), Ok(Decoded::Need(4)));
        let mut buf = BytesMut::from(&[0x02u8, 0, 0][..]);
        assert_eq!(decode(&mut buf, 100), Ok(Decoded::Need(6)));
    }

    #[test]
    fn frame_count_is_capped() {
        let mut assembler = Assembler::new(1 << 20, 3);
        for _ in 0..3 {
            assert_eq!(assembler.push(true, Bytes::new()), Ok(None));
        }
        assert!(assembler.push(true, Bytes::new()).is_err());
    }

    fn frame() -> impl Strategy<Value = (bool, bool, Vec<u8>)> {
        (
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec(any::<u8>(), 0..600),
        )
            .prop_map(|(more, command, body)| (more && !command, command, body))
    }

    proptest! {
        #[test]
        fn encode_then_decode_round_trips(frames in proptest::collection::vec(frame(), 1..8), cut in 0usize..4000) {
            let mut wire = BytesMut::new();
            for (more, command, body) in &frames {
                encode(&mut wire, *more, *command, body);
            }
            // Deliver the bytes in two pieces, as a socket might.
            let cut = cut.min(wire.len());
            let rest = wire.split_off(cut);
            let mut buf = wire;
            let mut pending = Some(rest);
            let mut decoded = Vec::new();
            loop {
                match decode(&mut buf, 1000).unwrap() {
                    Decoded::Frame(frame) => decoded.push(frame),
                    Decoded::Need(_) => match pending.take() {
                        Some(rest) => buf.unsplit(rest),
                        None => break,
                    },
                }
            }
            prop_assert!(buf.is_empty());
            let expected: Vec<Frame> = frames.into_iter().map(|(more, command, body)| if command {
                Frame::Command(Bytes::from(body))
            } else {
                Frame::Message { more, body: Bytes::from(body) }
            }).collect();
            prop_assert_eq!(decoded, expected);
        }

        #[test]
        fn arbitrary_bytes_never_panic_nor_exceed_the_limit(bytes in proptest::collection::vec(any::<u8>(), 0..2000), limit in 0usize..300) {
            let mut buf = BytesMut::from(&bytes[..]);
            while let Ok(Decoded::Frame(frame)) = decode(&mut buf, limit) {
                let len = match &frame { Frame::Message { body, .. } | Frame::Command(body) => body.len() };
                prop_assert!(len <= limit);
            }
        }
    }
}
