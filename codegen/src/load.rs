//! Reading an IDL file for generation.

use std::path::Path;

/// [`zrpc_idl::load`], with the schema's `file_stem` set from `path`: the stem names generated
/// files (`calculator.rs`, Ruby's `calculator.rb`), and a server compiled from the file serves
/// it with the rest of the model, so generating from the server names files the same way.
pub fn load(path: &Path) -> Result<zrpc_idl::Loaded, zrpc_idl::Diagnostics> {
    let mut loaded = zrpc_idl::load(path)?;
    loaded.schema.file_stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned());
    Ok(loaded)
}
