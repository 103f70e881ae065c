//! Trait → IDL: prints the IDL of a service defined in Rust.
//!
//! `cargo run -p zrpc-macros --example trait_to_idl`

use serde::{Deserialize, Serialize};

/// A greeting card.
#[derive(Debug, Clone, Serialize, Deserialize, zrpc::Type)]
pub struct Card {
    pub to: String,
    /// Printed under the greeting.
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub stickers: Vec<Sticker>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, zrpc::Type)]
pub enum Sticker {
    Star,
    Heart,
}

/// Raised for an empty name.
#[derive(Debug, Clone, Serialize, Deserialize, zrpc::Type)]
#[zrpc(error)]
pub struct EmptyName {
    pub field: String,
}

/// Writes greetings.
#[zrpc::rpc_service]
pub trait Greeter {
    /// Greets someone by name.
    async fn greet(&self, name: String) -> Result<String, EmptyName>;
    /// Writes a card, one line at a time.
    async fn card(&self, card: Card) -> zrpc::Streaming<String>;
    /// Forgets every greeting.
    #[oneway]
    async fn forget(&self);
}

fn main() {
    print!("{}", zrpc_idl::print(&GreeterClient::schema()));
}
