//! A ZMTP 3.1 engine on tokio: ROUTER, DEALER, PUB, SUB, PUSH and PULL sockets speaking NULL or CURVE with libzmq
//! peers, built to face untrusted peers.
//!
//! - Limits are checked from each frame header before memory is spent: message size
//!   ([`Options::max_message_size`]), frames per message ([`Options::max_frames`]); a peer that
//!   exceeds them is disconnected.
//! - Received messages wait in a queue bounded in messages and bytes; when it is full the
//!   connections are not read (TCP pushes back on the peers). A ROUTER or DEALER can instead
//!   hand each message to a tap in its connection's task ([`Router::set_tap`],
//!   [`Dealer::connect_tapped`]): no queue and no task hop. A tapped connection spends tokio's
//!   cooperative budget per message, so one with a backlog lets the others take their turn.
//! - Every peer has its own bounded send queue and writer: a ROUTER drops a message for a peer
//!   whose queue is full rather than delaying the others; a DEALER's `send` waits for room.
//! - A DEALER connects in the background, queues while down and reconnects with backoff; its
//!   [`Link`] tells whether it is up and why the last attempt failed.
//! - CURVE (feature `curve`, on by default): RFC 26 handshake with cookie and vouch, client keys
//!   authorized by a callback that sees each client's long-term public key.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), zrpc_zmtp::Error> {
//! use bytes::Bytes;
//! use zrpc_zmtp::{Dealer, Options, Router};
//!
//! let mut router = Router::new(Options::default());
//! let endpoint = router.bind("tcp://127.0.0.1:0").await?;
//! let mut dealer = Dealer::connect(&endpoint, Options::default())?;
//! dealer.send(vec![Bytes::from("hello")]).await?;
//! let request = router.recv().await.unwrap();
//! router.sender().send(vec![request.peer.id.clone(), Bytes::from("world")]).unwrap();
//! assert_eq!(dealer.recv().await.unwrap(), vec![Bytes::from("world")]);
//! # Ok(())
//! # }
//! ```

mod connection;
#[cfg(feature = "curve")]
pub mod curve;
mod dealer;
mod endpoint;
mod error;
pub mod frame;
mod handshake;
mod options;
mod pipes;
mod pubsub;
mod pushpull;
mod router;
mod topics;
mod wire;

pub use connection::{Peer, Tap};
pub use dealer::{Dealer, DealerSender, Failure, Link};
pub use endpoint::Endpoint;
pub use error::{Error, SendError};
pub use handshake::Security;
pub use options::{Options, SocketType};
pub use pubsub::{Pub, Sub};
pub use pushpull::{Pull, Push};
pub use router::{Received, Router, RouterSender};
pub use topics::MAX_TOPICS;
