//! Arbitrary bytes through the frame decoder and the message assembler: no panic, no frame
//! over the limit, no message over the frame cap.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use zrpc_zmtp::frame::{decode, Assembler, Decoded, Frame};

fuzz_target!(|data: &[u8]| {
    let limit = 1024;
    let mut buf = BytesMut::from(data);
    let mut assembler = Assembler::new(4096, 8);
    while let Ok(Decoded::Frame(frame)) = decode(&mut buf, limit) {
        match frame {
            Frame::Message { more, body } => {
                assert!(body.len() <= limit);
                match assembler.push(more, body) {
                    Ok(Some(message)) => assert!(message.len() <= 8),
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
            Frame::Command(body) => assert!(body.len() <= limit),
        }
    }
});
