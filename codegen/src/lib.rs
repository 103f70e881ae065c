//! Code generation from the zrpc service model.

pub mod rust;

pub use rust::compile;
