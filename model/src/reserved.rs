//! Names the protocol and the generated code keep for themselves. The IDL validator, the Rust
//! expansion and the runtime all check against these, so a name is refused in one place only if
//! it is refused everywhere.

/// Method names the generated clients use for their own members (see docs/idl.md).
pub const RESERVED_METHOD_NAMES: &[&str] = &["builder", "close", "connect", "new"];
/// Prefixes of the built-in methods every server answers (`_zerorpc_inspect`, `_zrpc_model`).
pub const RESERVED_METHOD_PREFIXES: &[&str] = &["_zerorpc_", "_zrpc_"];
/// Generated code names its own locals and helpers with this prefix; no IDL name may use it.
pub const RESERVED_PREFIX: &str = "_zpc";
