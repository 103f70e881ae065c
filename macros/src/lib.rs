//! Procedural macros of zrpc; the work happens in `zrpc-codegen`.
