//! The Rust back end: `#[rpc_service]` and `#[derive(zrpc::Type)]` expansions, and IDL → Rust.
//!
//! Both paths meet in one expansion: [`generate`] renders a schema as a trait under
//! `#[zrpc::rpc_service]` plus types with `#[derive(zrpc::Type)]`, which the macros then expand
//! exactly as they would hand-written Rust.
//!
//! # What a user writes
//!
//! ```ignore
//! use serde::{Deserialize, Serialize};
//!
//! /// A struct travels as a map keyed by field name.
//! #[derive(Debug, Clone, Serialize, Deserialize, zrpc::Type)]
//! pub struct Point {
//!     pub x: f64,
//!     pub y: f64,
//!     #[serde(default)] // optional: may be absent on the wire
//!     pub label: Option<String>,
//! }
//!
//! /// Errors are structs too; their fields come back typed on the client.
//! #[derive(Debug, Clone, Serialize, Deserialize, zrpc::Type)]
//! #[zrpc(error)] // ERR message: "division by zero"; override with `message = "..."`
//! pub struct DivisionByZero {
//!     pub dividend: f64,
//! }
//!
//! #[zrpc::rpc_service]
//! pub trait Calculator {
//!     /// Docs go to introspection and the IDL.
//!     async fn add(&self, a: i64, b: i64) -> i64;
//!     async fn divide(&self, a: f64, b: f64) -> Result<f64, DivisionByZero>;
//!     async fn countdown(&self, n: u32) -> zrpc::Streaming<u32>;
//!     async fn reset(&self);
//!     #[oneway]
//!     async fn log(&self, line: String);
//!     #[zrpc(name = "type")] // a wire name that differs from the Rust name
//!     async fn kind(&self) -> String;
//! }
//!
//! // Server: implement the trait (plain `async fn`s), then serve it.
//! let server = zrpc::Server::bind("tcp://127.0.0.1:4242", MyCalc.into_service()).await?;
//!
//! // Client: one async method per trait method.
//! let client = CalculatorClient::connect("tcp://127.0.0.1:4242").await?;
//! let sum: i64 = client.add(1, 2).await?;                       // Result<_, zrpc::Error>
//! match client.divide(1.0, 0.0).await {                          // Result<_, zrpc::CallError<E>>
//!     Err(zrpc::CallError::Service(e)) => println!("{}", e.dividend),
//!     _ => {}
//! }
//! let items = client.countdown(3).await?;                        // Stream<Item = Result<u32, _>>
//! let model = CalculatorClient::schema();                        // the service model
//! ```
//!
//! Enums with unit variants are IDL enums (the variant name on the wire); enums whose variants
//! each hold one value are IDL unions (`{variant: value}`); `zrpc::Bytes` is `bytes` (msgpack
//! bin), `zrpc::Any` is `any`, `Vec`, `BTreeMap`/`HashMap` and `Option` are `list`, `map` and
//! `T?`. A method that throws several errors returns an enum marked `#[zrpc(error)]` whose
//! variants each hold one error struct.
//!
//! From an IDL file, `build.rs` calls `zrpc_codegen::compile` (which parses the IDL and renders
//! it with [`generate`]) and the crate includes the result:
//! `include!(concat!(env!("OUT_DIR"), "/calculator.rs"));`.
//!
//! This crate reads only the service model (`zrpc-model`): no parser, no templates, so the
//! proc-macros and the runtime stay light.

mod derive;
mod docs;
mod events;
mod expand;
mod generate;
mod model;
mod names;
mod service;

pub use derive::derive_type;
pub use expand::rpc_service;
pub use generate::{generate, render, GenerateError};

/// The Rust backend: one `.rs` file with the server trait, the typed client and the types.
pub struct Rust;

impl Rust {
    fn renderer<'a>(plan: &'a zrpc_plan::Plan<'a>) -> generate::Renderer<'a> {
        generate::Renderer::new(plan)
    }

    /// `tokens` as a formatted Rust item of `kind` (`type`, `const`), without the declaration.
    fn pretty(item: proc_macro2::TokenStream, prefix: &str) -> Option<String> {
        let file: syn::File = syn::parse2(item).ok()?;
        let text = prettyplease::unparse(&file);
        let text = text.trim().strip_prefix(prefix)?.strip_suffix(';')?;
        Some(text.trim().to_owned())
    }
}

impl zrpc_plan::Backend for Rust {
    fn language(&self) -> &'static str {
        "rust"
    }

    fn reserved(&self) -> &'static zrpc_plan::Reserved {
        &zrpc_plan::reserved::RUST
    }

    fn type_name(&self, plan: &zrpc_plan::Plan, ty: &zrpc_model::Type) -> String {
        let Ok(tokens) = Self::renderer(plan).rust_type(ty) else {
            return zrpc_plan::literal::type_text(ty);
        };
        Self::pretty(quote::quote!(type T = #tokens;), "type T =")
            .unwrap_or_else(|| tokens.to_string())
    }

    fn literal(
        &self,
        plan: &zrpc_plan::Plan,
        ty: &zrpc_model::Type,
        value: &zrpc_plan::Literal,
    ) -> String {
        let renderer = Self::renderer(plan);
        match (renderer.rust_type(ty), renderer.value(ty, value)) {
            (Ok(ty), Ok(value)) => Self::pretty(quote::quote!(const C: #ty = #value;), "const C: ")
                .and_then(|text| text.split_once(" = ").map(|(_, v)| v.to_owned()))
                .unwrap_or_else(|| value.to_string()),
            _ => format!("{value:?}"),
        }
    }

    /// serde's derives convert: the value is its own wire form.
    fn encode(&self, _plan: &zrpc_plan::Plan, _ty: &zrpc_model::Type, expr: &str) -> String {
        expr.to_owned()
    }

    /// serde's derives convert: the value decodes as itself.
    fn decode(&self, _plan: &zrpc_plan::Plan, _ty: &zrpc_model::Type, expr: &str) -> String {
        expr.to_owned()
    }

    /// The modules `namespace rust` nests the items in, as the generated file spells them.
    fn package(&self, plan: &zrpc_plan::Plan) -> String {
        plan.schema
            .namespace("rust")
            .map_or_else(String::new, |path| {
                path.split("::")
                    .map(|module| names::escape(module).0.to_string())
                    .collect::<Vec<_>>()
                    .join("::")
            })
    }

    /// `<Service>Client` (the trait expansion's name) and its methods, named like the trait's.
    fn client_names(
        &self,
        plan: &zrpc_plan::Plan,
        service: &zrpc_model::Service,
    ) -> zrpc_plan::ClientNames {
        let renderer = Self::renderer(plan);
        zrpc_plan::ClientNames {
            namespace: self.package(plan),
            class: renderer.client_class(service),
            methods: service
                .methods
                .iter()
                .map(|method| renderer.method_name(service, method))
                .collect(),
        }
    }

    /// `<IDL file stem>.rs`, as `compile` writes it (a server compiled from an IDL file serves
    /// the stem in its model); for a service defined in Rust, the Rust namespace's last segment
    /// or the first service in snake case.
    fn generate(
        &self,
        plan: &zrpc_plan::Plan,
        options: &zrpc_plan::GenerateOptions,
    ) -> Result<Vec<zrpc_plan::GeneratedFile>, zrpc_plan::GenerateError> {
        let schema = plan.schema;
        let contents =
            render(plan).map_err(|e| zrpc_plan::GenerateError::Unsupported(e.to_string()))?;
        let stem = options
            .idl_stem
            .clone()
            .or_else(|| schema.file_stem.clone())
            .or_else(|| {
                let namespace = schema.namespace("rust")?;
                namespace.rsplit("::").next().map(str::to_owned)
            })
            .or_else(|| {
                let service = schema.services.first()?;
                Some(heck::ToSnakeCase::to_snake_case(service.name.as_str()))
            })
            .unwrap_or_else(|| "schema".to_owned());
        Ok(vec![zrpc_plan::GeneratedFile {
            path: std::path::PathBuf::from(stem).with_extension("rs"),
            contents,
        }])
    }
}
