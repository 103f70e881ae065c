//! `build.rs` entry point: an IDL file to Rust in `OUT_DIR`.

use std::fmt;
use std::path::{Path, PathBuf};

use zrpc_codegen_rust::{generate, GenerateError};

/// Why [`compile`] failed. `Debug` prints the rendered diagnostics too, so
/// `fn main() -> Result<(), CompileError>` in `build.rs` shows them as the compiler would.
#[derive(thiserror::Error)]
pub enum CompileError {
    #[error("{0}")]
    Idl(#[from] zrpc_idl::Diagnostics),
    #[error(transparent)]
    Generate(#[from] GenerateError),
    #[error("OUT_DIR is not set: call zrpc_codegen::compile from a build script")]
    NoOutDir,
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl fmt::Debug for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Compiles the IDL file at `path` (and its imports) to `$OUT_DIR/<file stem>.rs`, telling Cargo
/// to rerun the build script when any of those files changes. Returns the written path.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), zrpc_codegen::CompileError> {
///     zrpc_codegen::compile("calculator.zrpc")?;
///     Ok(())
/// }
/// ```
///
/// and in the crate: `include!(concat!(env!("OUT_DIR"), "/calculator.rs"));`
pub fn compile(path: impl AsRef<Path>) -> Result<PathBuf, CompileError> {
    let path = path.as_ref();
    let out_dir = std::env::var_os("OUT_DIR").ok_or(CompileError::NoOutDir)?;
    println!("cargo:rerun-if-changed={}", path.display());
    let loaded = zrpc_idl::load(path)?;
    for file in loaded.files.iter().filter(|file| file.as_path() != path) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let source = generate(&loaded.schema)?;
    let stem = path.file_stem().unwrap_or(path.as_os_str());
    let out = Path::new(&out_dir).join(stem).with_extension("rs");
    std::fs::write(&out, source).map_err(|source| CompileError::Write {
        path: out.clone(),
        source,
    })?;
    Ok(out)
}
