//! The Rust back end: `#[rpc_service]` and `#[derive(zrpc::Type)]` expansions, and IDL → Rust.
//!
//! Both paths meet in one expansion: [`generate`] renders a schema as a trait under
//! `#[zrpc::rpc_service]` plus types with `#[derive(zrpc::Type)]`, which the macros then expand
//! exactly as they would hand-written Rust.
//!
//! # What a user writes
//!
//! ```ignore
//! use serde::{Deserialize, Serialize};
//!
//! /// A struct travels as a map keyed by field name.
//! #[derive(Debug, Clone, Serialize, Deserialize, zrpc::Type)]
//! pub struct Point {
//!     pub x: f64,
//!     pub y: f64,
//!     #[serde(default)] // optional: may be absent on the wire
//!     pub label: Option<String>,
//! }
//!
//! /// Errors are structs too; their fields come back typed on the client.
//! #[derive(Debug, Clone, Serialize, Deserialize, zrpc::Type)]
//! #[zrpc(error)] // ERR message: "division by zero"; override with `message = "..."`
//! pub struct DivisionByZero {
//!     pub dividend: f64,
//! }
//!
//! #[zrpc::rpc_service]
//! pub trait Calculator {
//!     /// Docs go to introspection and the IDL.
//!     async fn add(&self, a: i64, b: i64) -> i64;
//!     async fn divide(&self, a: f64, b: f64) -> Result<f64, DivisionByZero>;
//!     async fn countdown(&self, n: u32) -> zrpc::Streaming<u32>;
//!     async fn reset(&self);
//!     #[oneway]
//!     async fn log(&self, line: String);
//!     #[zrpc(name = "type")] // a wire name that differs from the Rust name
//!     async fn kind(&self) -> String;
//! }
//!
//! // Server: implement the trait (plain `async fn`s), then serve it.
//! let server = zrpc::Server::bind("tcp://127.0.0.1:4242", MyCalc.into_service()).await?;
//!
//! // Client: one async method per trait method.
//! let client = CalculatorClient::connect("tcp://127.0.0.1:4242").await?;
//! let sum: i64 = client.add(1, 2).await?;                       // Result<_, zrpc::Error>
//! match client.divide(1.0, 0.0).await {                          // Result<_, zrpc::CallError<E>>
//!     Err(zrpc::CallError::Service(e)) => println!("{}", e.dividend),
//!     _ => {}
//! }
//! let items = client.countdown(3).await?;                        // Stream<Item = Result<u32, _>>
//! let model = CalculatorClient::schema();                        // the service model
//! ```
//!
//! Enums with unit variants are IDL enums (the variant name on the wire); enums whose variants
//! each hold one value are IDL unions (`{variant: value}`); `zrpc::Bytes` is `bytes` (msgpack
//! bin), `zrpc::Any` is `any`, `Vec`, `BTreeMap`/`HashMap` and `Option` are `list`, `map` and
//! `T?`. A method that throws several errors returns an enum marked `#[zrpc(error)]` whose
//! variants each hold one error struct.
//!
//! From an IDL file, `build.rs` calls `zrpc_codegen::compile` (which parses the IDL and renders
//! it with [`generate`]) and the crate includes the result:
//! `include!(concat!(env!("OUT_DIR"), "/calculator.rs"));`.
//!
//! This crate reads only the service model (`zrpc-model`): no parser, no templates, so the
//! proc-macros and the runtime stay light.

mod derive;
mod docs;
mod expand;
mod generate;
mod names;
mod service;

pub use derive::derive_type;
pub use expand::rpc_service;
pub use generate::{generate, GenerateError};
