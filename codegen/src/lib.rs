//! Code generation from the zrpc service model.

pub mod naming;
pub mod php;
pub mod python;
pub mod ruby;
pub mod rust;

pub use rust::compile;

pub use zrpc_plan::GeneratedFile;

/// Why a schema could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("rendering template: {0}")]
    Template(#[from] askama::Error),
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    Plan(#[from] zrpc_plan::PlanError),
}
