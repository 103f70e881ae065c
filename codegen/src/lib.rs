//! Code generation from the zrpc service model: the Python, Ruby and PHP clients, and
//! [`compile`] for `build.rs`. The Rust back end lives in `zrpc-codegen-rust` (re-exported as
//! [`rust`]) so the proc-macros, and with them every user of the runtime, build without the
//! parser or these generators.

mod compile;
pub mod naming;
pub mod php;
pub mod python;
pub mod ruby;

pub use compile::{compile, CompileError};
/// The Rust back end: IDL → Rust source, and the `#[rpc_service]`/`#[derive(Type)]` expansions.
pub use zrpc_codegen_rust as rust;

use std::path::PathBuf;

/// One generated file: a path relative to the output directory and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Why a schema could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("rendering template: {0}")]
    Template(#[from] askama::Error),
    #[error("{0}")]
    Unsupported(String),
}
