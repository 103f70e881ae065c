//! One connection's byte stream: buffered frame reading with limits, batched writing.

use std::io::{self, IoSlice};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::error::Error;
use crate::frame::{self, Decoded, Frame};

/// Read-ahead chunk: the buffer grows with the bytes that actually arrive, never by the size a
/// header declares.
const READ_CHUNK: usize = 64 * 1024;
/// Least free room a read is given, and the least a new chunk holds.
const MIN_ROOM: usize = 4 * 1024;
const NEW_CHUNK: usize = 16 * 1024;

pub(crate) struct Reader<R> {
    io: R,
    buf: BytesMut,
    max_frame: usize,
}

/// Bytes kept from the front of an oversized message frame, so the receiver can still name
/// the request it refuses (a zerorpc event starts with its header).
pub(crate) const OVERSIZED_PREFIX: usize = 4096;

/// What the reader returns.
pub(crate) enum Read {
    Frame(Frame),
    /// A message frame over the limit: its first bytes; the rest was read and thrown away
    /// without being kept.
    Oversized {
        more: bool,
        size: u64,
        prefix: Bytes,
    },
}

impl<R: AsyncRead + Unpin> Reader<R> {
    pub(crate) fn new(io: R, max_frame: usize) -> Self {
        Reader {
            io,
            buf: BytesMut::with_capacity(NEW_CHUNK),
            max_frame,
        }
    }

    pub(crate) fn set_max_frame(&mut self, max_frame: usize) {
        self.max_frame = max_frame;
    }

    async fn fill(&mut self, need: usize) -> Result<(), Error> {
        // The frames split off keep their chunk alive, so making room means a new chunk: it is
        // taken only when the free room is short, not at every read.
        let room = need.clamp(MIN_ROOM, READ_CHUNK);
        if self.buf.capacity() - self.buf.len() < room {
            self.buf.reserve(room.max(NEW_CHUNK));
        }
        if self.io.read_buf(&mut self.buf).await? == 0 {
            return Err(Error::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        Ok(())
    }

    /// Whether [`Reader::read`] would return without reading the socket (an oversized frame
    /// being skipped aside).
    pub(crate) fn frame_buffered(&self) -> bool {
        frame::decodable(&self.buf, self.max_frame)
    }

    /// Exactly `n` raw bytes (the greeting).
    pub(crate) async fn raw(&mut self, n: usize) -> Result<Bytes, Error> {
        while self.buf.len() < n {
            self.fill(n - self.buf.len()).await?;
        }
        Ok(self.buf.split_to(n).freeze())
    }

    pub(crate) async fn frame(&mut self) -> Result<Frame, Error> {
        loop {
            match frame::decode(&mut self.buf, self.max_frame)
                .map_err(|e| Error::Protocol(e.to_string()))?
            {
                Decoded::Frame(frame) => return Ok(frame),
                Decoded::Need(n) => self.fill(n).await?,
            }
        }
    }

    /// The next frame; an oversized message frame is skipped (its bytes read and dropped as
    /// they arrive, never buffered) and reported with its first bytes. An oversized command
    /// frame is an error.
    pub(crate) async fn read(&mut self) -> Result<Read, Error> {
        loop {
            match frame::decode(&mut self.buf, self.max_frame) {
                Ok(Decoded::Frame(frame)) => return Ok(Read::Frame(frame)),
                Ok(Decoded::Need(n)) => self.fill(n).await?,
                Err(frame::FrameError::TooLarge { size, .. })
                    if self.buf.first().is_some_and(|f| f & 0x04 == 0) =>
                {
                    return self.skip(size).await;
                }
                Err(e) => return Err(Error::Protocol(e.to_string())),
            }
        }
    }

    async fn skip(&mut self, size: u64) -> Result<Read, Error> {
        let flags = self.buf[0];
        self.buf.advance(if flags & 0x02 != 0 { 9 } else { 2 });
        let keep = OVERSIZED_PREFIX.min(size as usize);
        while self.buf.len() < keep {
            self.fill(keep - self.buf.len()).await?;
        }
        let prefix = self.buf.split_to(keep).freeze();
        let mut left = size - keep as u64;
        while left > 0 {
            if self.buf.is_empty() {
                self.fill(READ_CHUNK).await?;
            }
            let n = (self.buf.len() as u64).min(left);
            self.buf.advance(n as usize);
            left -= n;
        }
        Ok(Read::Oversized {
            more: flags & 0x01 != 0,
            size,
            prefix,
        })
    }

    /// The next command frame (during the handshake, nothing else may arrive).
    pub(crate) async fn command(&mut self) -> Result<Bytes, Error> {
        match self.frame().await? {
            Frame::Command(body) => Ok(body),
            Frame::Message { .. } => Err(Error::Protocol(
                "message frame before the handshake completed".into(),
            )),
        }
    }
}

/// Bodies at least this large are written from their own buffer instead of being copied.
const ZERO_COPY_MIN: usize = 16 * 1024;

/// Outgoing bytes of one batch: small frames copied into `head`, large bodies kept as they are.
#[derive(Default)]
pub(crate) struct Batch {
    head: BytesMut,
    chunks: Vec<Bytes>,
}

impl Batch {
    pub(crate) fn len(&self) -> usize {
        self.head.len() + self.chunks.iter().map(Bytes::len).sum::<usize>()
    }

    #[cfg(feature = "curve")]
    pub(crate) fn head(&mut self) -> &mut BytesMut {
        &mut self.head
    }

    /// A plain frame.
    pub(crate) fn frame(&mut self, more: bool, command: bool, body: &Bytes) {
        frame::put_header(&mut self.head, more, command, body.len());
        self.body(body);
    }

    /// A plain message frame whose body is `pieces` one after the other.
    pub(crate) fn frame_pieces(&mut self, more: bool, pieces: &[Bytes]) {
        let size = pieces.iter().map(Bytes::len).sum();
        frame::put_header(&mut self.head, more, false, size);
        for piece in pieces {
            self.body(piece);
        }
    }

    fn body(&mut self, body: &Bytes) {
        if body.len() >= ZERO_COPY_MIN {
            if !self.head.is_empty() {
                self.chunks.push(self.head.split().freeze());
            }
            self.chunks.push(body.clone());
        } else {
            self.head.extend_from_slice(body);
        }
    }

    pub(crate) async fn write_to<W: AsyncWrite + Unpin>(&mut self, io: &mut W) -> io::Result<()> {
        if self.chunks.is_empty() {
            io.write_all(&self.head).await?;
            self.head.clear();
            return Ok(());
        }
        if !self.head.is_empty() {
            self.chunks.push(self.head.split().freeze());
        }
        let mut first = 0;
        while first < self.chunks.len() {
            let slices: Vec<IoSlice<'_>> = self.chunks[first..]
                .iter()
                .take(64)
                .map(|c| IoSlice::new(c))
                .collect();
            let mut written = io.write_vectored(&slices).await?;
            if written == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            while written > 0 {
                let chunk = &mut self.chunks[first];
                if written >= chunk.len() {
                    written -= chunk.len();
                    first += 1;
                } else {
                    chunk.advance(written);
                    written = 0;
                }
            }
        }
        self.chunks.clear();
        Ok(())
    }
}
