//! The Rust back end: `#[rpc_service]` and `#[derive(zrpc::Type)]` expansions, and IDL → Rust.
//!
//! Both paths meet in one expansion: [`generate`] renders a schema as a trait under
//! `#[zrpc::rpc_service]` plus types with `#[derive(zrpc::Type)]`, which the macros then expand
//! exactly as they would hand-written Rust.

mod compile;
mod derive;
mod docs;
mod expand;
mod generate;
mod names;
mod service;

pub use compile::{compile, CompileError};
pub use derive::derive_type;
pub use expand::rpc_service;
pub use generate::{generate, GenerateError};
