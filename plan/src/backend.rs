//! The contract every language backend implements.

use std::path::PathBuf;

use crate::model::Type;
use crate::{Literal, Plan, Reserved};

/// One generated file: a path relative to the output directory and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// What a generation run knows beyond the schema.
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// The IDL file's stem (`calculator` for `calculator.zrpc`), when generating from a file:
    /// names the Rust module file and the Ruby entry file.
    pub idl_stem: Option<String>,
}

/// A generator for one language. The CLI and `build.rs` drive every language through this
/// trait alone, so adding a language adds an implementation and nothing else.
pub trait Backend {
    /// `python`, `ruby`, `php`, `rust`: the `--lang` value and the namespace key.
    fn language(&self) -> &'static str;

    /// The one reserved-name table of the language.
    fn reserved(&self) -> &'static Reserved;

    /// How the language spells `ty` in a declaration (annotation, native type, Rust type).
    fn type_name(&self, plan: &Plan, ty: &Type) -> String;

    /// `value`, planned for `ty`, as an expression of the language (every [`Literal`] kind).
    fn literal(&self, plan: &Plan, ty: &Type, value: &Literal) -> String;

    /// The expression turning the language value `expr` of type `ty` into its wire form
    /// (`expr` itself where serialization needs no conversion, as in Rust with serde).
    fn encode(&self, plan: &Plan, ty: &Type, expr: &str) -> String;

    /// The expression turning the wire value `expr` into a language value of type `ty`.
    fn decode(&self, plan: &Plan, ty: &Type, expr: &str) -> String;

    /// The path other code imports the generated package by: Python `acme.calc`, Ruby
    /// `Acme::Calc`, PHP `Acme\Calc`, Rust the module path inside the generated file (empty
    /// without `namespace rust`).
    fn package(&self, plan: &Plan) -> String;

    /// Every file of the generated package / module, laid out.
    fn generate(
        &self,
        plan: &Plan,
        options: &GenerateOptions,
    ) -> Result<Vec<GeneratedFile>, GenerateError>;
}

/// Why a backend could not render a schema.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Plan(#[from] crate::PlanError),
    #[error("rendering a template: {0}")]
    Template(String),
    #[error("{0}")]
    Unsupported(String),
}
