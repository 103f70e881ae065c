//! Nothing: the crate holds `tests/ui.rs`, the compile errors of `#[rpc_service]` and
//! `#[derive(zrpc::Type)]` (see its doc).
