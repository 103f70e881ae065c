//! Code generation from the zrpc service model.

mod case;
pub mod php;
pub mod ruby;
