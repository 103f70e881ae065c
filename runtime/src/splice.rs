//! Zero-copy `bytes` values (`zrpc::Bytes`) through serde, which only hands out `&[u8]`.
//!
//! - Decoding: while [`decode_from`] runs, a `zrpc::Bytes` that msgpack lends as a slice of the
//!   received message becomes a `bytes::Bytes` slice of that message (no copy).
//! - Encoding: while [`Encoded::encode`] runs, each `zrpc::Bytes` of at least [`SPLICE_MIN`]
//!   bytes offers its buffer; when rmp writes exactly that memory, the encoder keeps a reference
//!   instead of copying it, and the socket writes it from where it is (vectored writes).

use std::cell::RefCell;
use std::io;

use bytes::Bytes;
use serde::Serialize;

/// Smaller binaries are copied: below this a separate write piece costs more than the copy.
/// The socket's writer uses the same bound.
pub(crate) const SPLICE_MIN: usize = 16 * 1024;

thread_local! {
    /// The message being decoded on this thread.
    static SOURCE: RefCell<Option<Bytes>> = const { RefCell::new(None) };
    /// Buffers offered while an [`Encoded::encode`] runs on this thread (`None` otherwise).
    static OFFERED: RefCell<Option<Vec<Bytes>>> = const { RefCell::new(None) };
}

/// Restores the previous value of a thread-local when dropped (also on panic).
struct Restore<T: 'static> {
    key: &'static std::thread::LocalKey<RefCell<Option<T>>>,
    previous: Option<Option<T>>,
}

impl<T: 'static> Drop for Restore<T> {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            self.key.with(|cell| *cell.borrow_mut() = previous);
        }
    }
}

/// Runs `decode` over `source`; `zrpc::Bytes` values it decodes borrow from `source`.
pub(crate) fn decode_from<T>(source: &Bytes, decode: impl FnOnce(&[u8]) -> T) -> T {
    let previous = SOURCE.with(|cell| cell.replace(Some(source.clone())));
    let _restore = Restore {
        key: &SOURCE,
        previous: Some(previous),
    };
    decode(source)
}

/// `borrowed` as a slice of the message being decoded, if it lies inside it.
pub(crate) fn borrow(borrowed: &[u8]) -> Option<Bytes> {
    SOURCE.with(|cell| {
        let source = cell.borrow();
        let source = source.as_ref()?;
        within(source, borrowed).then(|| source.slice_ref(borrowed))
    })
}

/// Offers `buffer` to the encoder running on this thread, if any.
pub(crate) fn offer(buffer: &Bytes) {
    if buffer.len() < SPLICE_MIN {
        return;
    }
    OFFERED.with(|cell| {
        if let Some(offered) = cell.borrow_mut().as_mut() {
            offered.push(buffer.clone());
        }
    });
}

fn within(outer: &[u8], inner: &[u8]) -> bool {
    let outer = outer.as_ptr_range();
    let inner = inner.as_ptr_range();
    outer.start <= inner.start && inner.end <= outer.end
}

/// A msgpack encoding whose large `zrpc::Bytes` are referenced, not copied: `bytes` with each
/// spliced buffer inserted at its offset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Encoded {
    bytes: Vec<u8>,
    spliced: Vec<(usize, Bytes)>,
}

impl From<Vec<u8>> for Encoded {
    fn from(bytes: Vec<u8>) -> Self {
        Encoded {
            bytes,
            spliced: Vec::new(),
        }
    }
}

impl Encoded {
    /// Encodes `value` (structs as maps keyed by field name).
    pub(crate) fn encode<T: Serialize + ?Sized>(
        value: &T,
    ) -> Result<Encoded, rmp_serde::encode::Error> {
        let previous = OFFERED.with(|cell| cell.replace(Some(Vec::new())));
        let _restore = Restore {
            key: &OFFERED,
            previous: Some(previous),
        };
        // Most values are small: one allocation, no regrowth through rmp's many small writes.
        let mut writer = Splicer {
            encoded: Encoded::from(Vec::with_capacity(64)),
        };
        value.serialize(&mut rmp_serde::Serializer::new(&mut writer).with_struct_map())?;
        Ok(writer.encoded)
    }

    /// The encoding's first byte.
    pub(crate) fn first(&self) -> Option<u8> {
        match self.spliced.first() {
            Some((0, spliced)) => spliced.first().copied(),
            _ => self.bytes.first().copied(),
        }
    }

    /// Bytes that [`Encoded::finish_into`] appends to its `head` argument: all of them when
    /// nothing is spliced.
    pub(crate) fn head_len(&self) -> usize {
        self.spliced.first().map_or(self.bytes.len(), |(at, _)| *at)
    }

    pub(crate) fn len(&self) -> usize {
        self.bytes.len() + self.spliced.iter().map(|(_, b)| b.len()).sum::<usize>()
    }

    /// Appends the encoding to `head`, which becomes the first of the pieces pushed onto
    /// `out`; returns how many were pushed. Without spliced buffers that is `head` alone.
    pub(crate) fn finish_into(self, mut head: Vec<u8>, out: &mut Vec<Bytes>) -> usize {
        let mut at = 0;
        let mut pieces = 0;
        for (offset, spliced) in self.spliced {
            head.extend_from_slice(&self.bytes[at..offset]);
            at = offset;
            out.push(Bytes::from(std::mem::take(&mut head)));
            out.push(spliced);
            pieces += 2;
        }
        head.extend_from_slice(&self.bytes[at..]);
        if !head.is_empty() || pieces == 0 {
            out.push(Bytes::from(head));
            pieces += 1;
        }
        pieces
    }
}

/// The writer under rmp-serde: copies what it is given, except memory an offered buffer holds.
struct Splicer {
    encoded: Encoded,
}

impl io::Write for Splicer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() >= SPLICE_MIN {
            let offered = OFFERED.with(|cell| {
                let offered = cell.borrow();
                offered
                    .as_ref()?
                    .iter()
                    .find(|b| within(b, buf))
                    .map(|b| b.slice_ref(buf))
            });
            if let Some(spliced) = offered {
                let offset = self.encoded.bytes.len();
                self.encoded.spliced.push((offset, spliced));
                return Ok(buf.len());
            }
        }
        self.encoded.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(encoded: Encoded) -> Vec<u8> {
        let mut pieces = Vec::new();
        encoded.finish_into(b"head".to_vec(), &mut pieces);
        pieces.concat()
    }

    #[test]
    fn large_bytes_are_spliced_small_ones_copied() {
        let big = crate::Bytes::from(vec![7u8; SPLICE_MIN]);
        let small = crate::Bytes::from(vec![1u8; 10]);
        let value = (1, big.clone(), small.clone(), big.clone());
        let encoded = Encoded::encode(&value).unwrap();
        assert_eq!(encoded.spliced.len(), 2);
        let plain = rmp_serde::to_vec_named(&value).unwrap();
        assert_eq!(encoded.len(), plain.len());
        assert_eq!(encoded.first(), plain.first().copied());
        let mut expected = b"head".to_vec();
        expected.extend_from_slice(&plain);
        assert_eq!(joined(encoded), expected);
        // Without an encoder running, nothing is offered and everything is copied.
        assert_eq!(rmp_serde::to_vec_named(&value).unwrap(), plain);
    }

    #[test]
    fn decoding_borrows_from_the_source() {
        let data = crate::Bytes::from(vec![9u8; 100]);
        let source = Bytes::from(rmp_serde::to_vec(&(data,)).unwrap());
        let (decoded,): (crate::Bytes,) =
            decode_from(&source, |raw| rmp_serde::from_slice(raw).unwrap());
        assert!(within(&source, &decoded));
        // Outside `decode_from`, decoded bytes are copied.
        let (copied,): (crate::Bytes,) = rmp_serde::from_slice(&source).unwrap();
        assert!(!within(&source, &copied));
        assert_eq!(decoded, copied);
    }
}
