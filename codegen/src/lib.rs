//! Code generation from the zrpc service model.
