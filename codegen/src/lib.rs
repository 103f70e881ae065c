//! Code generation from the zrpc service model.

pub mod naming;
pub mod php;
pub mod python;
pub mod ruby;
pub mod rust;

pub use rust::compile;

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
