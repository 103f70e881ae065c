//! Names the protocol and the generated code keep for themselves. The IDL validator, the Rust
//! expansion and the runtime all check against these, so a name is refused in one place only if
//! it is refused everywhere.

/// Method names the generated clients use for their own members (see docs/idl.md).
pub const RESERVED_METHOD_NAMES: &[&str] = &["builder", "close", "connect", "new"];
/// Prefixes of the built-in methods every server answers (`_zerorpc_inspect`, `_zrpc_model`).
pub const RESERVED_METHOD_PREFIXES: &[&str] = &["_zerorpc_", "_zrpc_"];
/// Generated code names its own locals and helpers with this prefix; no IDL name may use it.
pub const RESERVED_PREFIX: &str = "_zpc";

/// The classes a backend may generate for a service, as prefix and suffix around the service's
/// class (`Feed` → `FeedClient`, `AsyncFeedClient`); the first is the service's own class. No
/// IDL type may take one of these names (the validator refuses it), and no class the generators
/// derive from other names either (the plan renames those).
pub const SERVICE_CLASS_AFFIXES: &[(&str, &str)] = &[
    ("", ""),
    ("", "Client"),
    ("", "ClientBuilder"),
    ("", "Handler"),
    ("", "Event"),
    ("", "Events"),
    ("", "Publisher"),
    ("", "Pusher"),
    ("", "Subscriber"),
    ("", "Puller"),
    ("Async", "Client"),
    ("Async", "Handler"),
    ("Async", "Publisher"),
    ("Async", "Pusher"),
    ("Async", "Subscriber"),
    ("Async", "Puller"),
];
