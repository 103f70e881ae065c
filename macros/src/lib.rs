//! Procedural macros of zrpc; the work happens in `zrpc-codegen-rust`. Use them through the `zrpc`
//! crate: `#[zrpc::rpc_service]` and `#[derive(zrpc::Type)]`.

use proc_macro::TokenStream;

/// Turns a trait of `async fn`s into a zrpc service: the trait (methods become `Send` futures,
/// plus `into_service`), a typed client `<Trait>Client` and the service model.
///
/// Methods take `&self` and owned arguments of types that implement `zrpc::Describe` and serde's
/// traits. A method returns `T`, `()`, `Result<T, E>` where `E` is a `#[zrpc(error)]` type, or
/// `zrpc::Streaming<T>` (server streaming); `#[oneway]` marks a method the caller does not wait
/// for, and `#[zrpc(name = "...")]` sets a wire name different from the Rust name.
#[proc_macro_attribute]
pub fn rpc_service(attr: TokenStream, item: TokenStream) -> TokenStream {
    zrpc_codegen_rust::rpc_service(attr.into(), item.into()).into()
}

/// Describes a struct, enum (unit variants), union (one-value variants) or error
/// (`#[zrpc(error)]`) to the service model. The wire format is serde's: derive `Serialize` and
/// `Deserialize` next to it.
#[proc_macro_derive(Type, attributes(zrpc))]
pub fn derive_type(input: TokenStream) -> TokenStream {
    zrpc_codegen_rust::derive_type(input.into()).into()
}
