//! Tokens for a checked service trait: the trait itself, the server adapter, the typed client and
//! the service model.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ItemTrait, TraitItem};

use super::docs;
use super::service::{self, ArgDef, MethodDef, MethodKind, ServiceDef};

/// Expands `#[rpc_service]`. On errors the trait is still emitted (minus our attributes), so the
/// user sees the real problem rather than a cascade of missing items.
pub fn rpc_service(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut item = match syn::parse2::<ItemTrait>(item) {
        Ok(item) => item,
        Err(error) => {
            let mut error = error;
            error.combine(syn::Error::new(
                Span::call_site(),
                "`#[zrpc::rpc_service]` applies to a trait of `async fn` methods",
            ));
            return error.to_compile_error();
        }
    };
    let mut errors = service::Errors::default();
    let model = parse_attr(attr, &mut errors);
    let parsed = service::parse(&item);
    let def = match parsed {
        Ok(def) => def,
        Err(error) => {
            errors.push(error);
            strip_our_attrs(&mut item);
            let error = errors.finish().err().map(|e| e.to_compile_error());
            return quote!(#error #item);
        }
    };
    if let Err(error) = errors.finish() {
        strip_our_attrs(&mut item);
        let error = error.to_compile_error();
        return quote!(#error #item);
    }
    Generator::new(&def, model.as_ref()).generate()
}

/// `#[rpc_service(model = path)]`: `path()` returns the model to serve instead of the one
/// described from the Rust types. Code generated from an IDL file passes its own `schema`, so a
/// server serves exactly the validated model (namespaces, consts, aliases, docs).
fn parse_attr(attr: TokenStream, errors: &mut service::Errors) -> Option<syn::Path> {
    let mut model = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("model") && model.is_none() {
            model = Some(meta.value()?.parse::<syn::Path>()?);
            Ok(())
        } else {
            Err(meta.error(
                "`#[zrpc::rpc_service]` takes no arguments other than `model = path::to::schema`",
            ))
        }
    });
    if let Err(error) = syn::parse::Parser::parse2(parser, attr) {
        errors.push(error);
    }
    model
}

fn strip_our_attrs(item: &mut ItemTrait) {
    for trait_item in &mut item.items {
        if let TraitItem::Fn(method) = trait_item {
            method
                .attrs
                .retain(|attr| !attr.path().is_ident("oneway") && !attr.path().is_ident("zrpc"));
            for input in &mut method.sig.inputs {
                if let syn::FnArg::Typed(arg) = input {
                    // Already reported if not ours; keeping them would only add noise.
                    arg.attrs.clear();
                }
            }
        }
    }
}

struct Generator<'a> {
    def: &'a ServiceDef,
    /// The function returning the model to serve, when given (`model = ..`).
    model: Option<&'a syn::Path>,
    client: Ident,
    builder: Ident,
    /// Locals of generated bodies; mixed-site hygiene keeps them apart from user argument names.
    service: Ident,
    args: Ident,
    types: Ident,
    builder_local: Ident,
    methods: Ident,
}

impl<'a> Generator<'a> {
    fn new(def: &'a ServiceDef, model: Option<&'a syn::Path>) -> Self {
        Generator {
            def,
            model,
            client: format_ident!("{}Client", def.ident),
            builder: format_ident!("{}ClientBuilder", def.ident),
            service: Ident::new("service", Span::mixed_site()),
            args: Ident::new("args", Span::mixed_site()),
            types: Ident::new("types", Span::mixed_site()),
            builder_local: Ident::new("builder", Span::mixed_site()),
            methods: Ident::new("methods", Span::mixed_site()),
        }
    }

    fn generate(&self) -> TokenStream {
        let service_trait = self.service_trait();
        let client = self.client();
        let events = crate::events::events(self.def);
        quote! {
            #service_trait
            #client
            #events
        }
    }

    fn service_trait(&self) -> TokenStream {
        let ServiceDef {
            vis,
            ident,
            attrs,
            supertraits,
            ..
        } = self.def;
        let methods = self.def.methods.iter().map(|method| {
            let MethodDef {
                ident, attrs, args, ..
            } = method;
            let names = args.iter().map(|arg| &arg.ident);
            let types = args.iter().map(|arg| &arg.ty);
            let output = match &method.kind {
                MethodKind::Unary(Some(ty)) => quote!(#ty),
                MethodKind::Stream(item) => quote!(::zrpc::typed::Streaming<#item>),
                MethodKind::Unary(None) | MethodKind::Oneway => quote!(()),
            };
            let output = match &method.error {
                Some(error) => quote!(::std::result::Result<#output, #error>),
                None => output,
            };
            quote! {
                #(#attrs)*
                fn #ident(&self, #(#names: #types),*)
                    -> impl ::std::future::Future<Output = #output> + ::std::marker::Send;
            }
        });
        let registrations = self
            .def
            .methods
            .iter()
            .map(|method| self.registration(method));
        let name = self.def.ident.to_string();
        let client = &self.client;
        let service = &self.service;
        let builder = &self.builder_local;
        let supertraits = supertraits.iter().map(|bound| quote!(#bound +));
        quote! {
            #(#attrs)*
            #vis trait #ident: #(#supertraits)* ::std::marker::Send + ::std::marker::Sync + 'static {
                #(#methods)*

                /// Registers every method of this service with the runtime, ready to serve.
                #[allow(deprecated)]
                fn into_service(self) -> ::zrpc::Service
                where
                    Self: ::std::marker::Sized,
                {
                    let #service = ::std::sync::Arc::new(self);
                    let #builder = ::zrpc::Service::builder(#name);
                    #(#registrations)*
                    #builder.model(&#client::schema()).build()
                }
            }
        }
    }

    /// `.method(..)` registering one method: decode the positional args, call, encode the reply.
    fn registration(&self, method: &MethodDef) -> TokenStream {
        let Generator { service, args, .. } = self;
        let ident = &method.ident;
        let wire = &method.wire_name;
        let doc = docs::option_tokens(method.doc.as_deref());
        let arg_names = method.args.iter().map(|arg| &arg.wire_name);
        let kind = match method.kind {
            MethodKind::Unary(_) => quote!(Unary),
            MethodKind::Stream(_) => quote!(Stream),
            MethodKind::Oneway => quote!(Oneway),
        };
        let decoded = method.args.iter().enumerate().map(|(index, arg)| {
            let ArgDef {
                ident,
                wire_name,
                ty,
                ..
            } = arg;
            quote_spanned! {ty.span()=>
                let #ident = #args.decode::<#ty>(#index, #wire_name)?;
            }
        });
        let arg_idents = method.args.iter().map(|arg| &arg.ident);
        let call = quote!(Self::#ident(&#service, #(#arg_idents),*).await);
        let reply = match (&method.kind, &method.error) {
            (MethodKind::Stream(_), None) => quote!(::zrpc::typed::reply_stream(#call)),
            (MethodKind::Stream(_), Some(_)) => quote! {
                match #call {
                    ::std::result::Result::Ok(stream) => ::zrpc::typed::reply_stream(stream),
                    ::std::result::Result::Err(error) => ::std::result::Result::Err(
                        ::zrpc::typed::ServiceError::to_remote(&error),
                    ),
                }
            },
            (_, None) => quote!(::zrpc::typed::reply_value(&#call)),
            (_, Some(_)) => quote! {
                match #call {
                    ::std::result::Result::Ok(value) => ::zrpc::typed::reply_value(&value),
                    ::std::result::Result::Err(error) => ::std::result::Result::Err(
                        ::zrpc::typed::ServiceError::to_remote(&error),
                    ),
                }
            },
        };
        let builder = &self.builder_local;
        let cfgs = cfgs(method);
        quote! {
            #(#cfgs)*
            let #builder = #builder.method(
                #wire,
                ::zrpc::MethodInfo {
                    doc: #doc,
                    args: ::std::vec![#(#arg_names.to_owned()),*],
                    kind: ::zrpc::MethodKind::#kind,
                },
                {
                    let #service = ::std::sync::Arc::clone(&#service);
                    move |#args: ::zrpc::Args| {
                        let #service = ::std::sync::Arc::clone(&#service);
                        async move {
                            #(#decoded)*
                            #reply
                        }
                    }
                },
            );
        }
    }

    fn client(&self) -> TokenStream {
        let Generator {
            client, builder, ..
        } = self;
        let vis = &self.def.vis;
        let service = &self.def.ident;
        let client_doc = format!(" Typed client of the [`{service}`] service.");
        let builder_doc = format!(" Configures a [`{client}`] before connecting.");
        let methods = self
            .def
            .methods
            .iter()
            .map(|method| self.client_method(method));
        let schema = self.schema();
        quote! {
            #[doc = #client_doc]
            #[derive(Clone)]
            #vis struct #client {
                client: ::zrpc::Client,
            }

            impl #client {
                /// Connects to a server of this service at `endpoint` (e.g. `tcp://127.0.0.1:4242`).
                pub async fn connect(endpoint: &str) -> ::std::result::Result<Self, ::zrpc::Error> {
                    ::zrpc::Client::connect(endpoint).await.map(Self::from_client)
                }

                /// A builder to set the timeout and heartbeat before connecting.
                pub fn builder(endpoint: &str) -> #builder {
                    #builder {
                        builder: ::zrpc::Client::builder(endpoint),
                    }
                }

                /// Wraps a connected untyped client.
                pub fn from_client(client: ::zrpc::Client) -> Self {
                    Self { client }
                }

                /// The untyped client underneath, for calls outside this service.
                pub fn client(&self) -> &::zrpc::Client {
                    &self.client
                }

                /// The service model: methods, argument names, docs and every type they use (for a
                /// service generated from an IDL file, that file's whole validated model).
                #schema

                #(#methods)*
            }

            #[doc = #builder_doc]
            #vis struct #builder {
                builder: ::zrpc::ClientBuilder,
            }

            impl #builder {
                /// How long a call waits for its reply.
                pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                    Self {
                        builder: self.builder.timeout(timeout),
                    }
                }

                /// How often heartbeats are sent while a call or stream is open.
                pub fn heartbeat(self, interval: ::std::time::Duration) -> Self {
                    Self {
                        builder: self.builder.heartbeat(interval),
                    }
                }

                /// Connects with these settings.
                pub async fn connect(self) -> ::std::result::Result<#client, ::zrpc::Error> {
                    self.builder.connect().await.map(#client::from_client)
                }
            }
        }
    }

    fn client_method(&self, method: &MethodDef) -> TokenStream {
        let MethodDef {
            ident, attrs, args, ..
        } = method;
        let wire = &method.wire_name;
        let names: Vec<&Ident> = args.iter().map(|arg| &arg.ident).collect();
        let types = args.iter().map(|arg| &arg.ty);
        // serde serializes tuples of up to 16 elements; longer argument lists go as a slice of
        // values, the same msgpack array.
        let encoded = if names.len() <= 16 {
            quote!(&(#(#names,)*))
        } else {
            quote!(&[#(::zrpc::typed::argument(&#names)?),*][..])
        };
        let error = match &method.error {
            Some(error) => quote!(::zrpc::typed::CallError<#error>),
            None => quote!(::zrpc::Error),
        };
        let (output, body) = match &method.kind {
            MethodKind::Unary(value) => {
                let value = value.clone().map_or_else(|| quote!(()), |ty| quote!(#ty));
                let call = quote!(self.client.call_typed::<#value, _>(#wire, #encoded).await);
                let body = match method.error {
                    // `?` turns the untyped error into the typed one.
                    Some(_) => quote!(::std::result::Result::Ok(#call?)),
                    None => call,
                };
                (value, body)
            }
            MethodKind::Stream(item) => (
                quote!(::zrpc::typed::ItemStream<#item, #error>),
                quote!(::std::result::Result::Ok(::zrpc::typed::item_stream(
                    self.client.stream_typed::<#item, _>(#wire, #encoded).await?
                ))),
            ),
            MethodKind::Oneway => (
                quote!(()),
                quote!(self.client.oneway_typed(#wire, #encoded).await),
            ),
        };
        // The service decides the arity; clippy counts `&self` too.
        let many = (names.len() >= 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            #(#attrs)*
            #many
            pub async fn #ident(&self, #(#names: #types),*) -> ::std::result::Result<#output, #error> {
                #body
            }
        }
    }

    fn schema(&self) -> TokenStream {
        if let Some(model) = self.model {
            return quote! {
                pub fn schema() -> ::zrpc::typed::model::Schema {
                    #model()
                }
            };
        }
        let types = &self.types;
        let methods_local = &self.methods;
        let methods = self.def.methods.iter().map(|method| {
            let wire = &method.wire_name;
            let doc = docs::option_tokens(method.doc.as_deref());
            let args = method.args.iter().map(|arg| {
                let name = &arg.wire_name;
                let ty = describe(&arg.ty, types);
                quote! {
                    ::zrpc::typed::model::Arg {
                        name: #name.to_owned(),
                        ty: #ty,
                    }
                }
            });
            let returns = match &method.kind {
                MethodKind::Unary(None) => quote!(Nothing),
                MethodKind::Unary(Some(ty)) => {
                    let ty = describe(ty, types);
                    quote!(Value(#ty))
                }
                MethodKind::Stream(item) => {
                    let ty = describe(item, types);
                    quote!(Stream(#ty))
                }
                MethodKind::Oneway => quote!(Oneway),
            };
            let throws = match &method.error {
                Some(error) => quote_spanned! {error.span()=>
                    <#error as ::zrpc::typed::ServiceError>::declare(&mut #types)
                },
                None => quote!(::std::vec::Vec::new()),
            };
            let annotations = match &method.deprecated {
                Some(note) => {
                    let args = note
                        .iter()
                        .map(|note| quote!(::zrpc::typed::model::Value::String(#note.to_owned())));
                    quote! {
                        ::std::vec![::zrpc::typed::model::Annotation {
                            name: "deprecated".to_owned(),
                            args: ::std::vec![#(#args),*],
                        }]
                    }
                }
                None => quote!(::std::vec::Vec::new()),
            };
            let cfgs = cfgs(method);
            quote! {
                #(#cfgs)*
                #methods_local.push(::zrpc::typed::model::Method {
                    name: #wire.to_owned(),
                    doc: #doc,
                    annotations: #annotations,
                    args: ::std::vec![#(#args),*],
                    returns: ::zrpc::typed::model::Returns::#returns,
                    throws: #throws,
                });
            }
        });
        let name = self.def.ident.to_string();
        let doc = docs::option_tokens(self.def.doc.as_deref());
        quote! {
            pub fn schema() -> ::zrpc::typed::model::Schema {
                let mut #types = ::zrpc::typed::TypeRegistry::new();
                let mut #methods_local = ::std::vec::Vec::new();
                #(#methods)*
                #types.into_schema(::zrpc::typed::model::Service {
                    name: #name.to_owned(),
                    doc: #doc,
                    annotations: ::std::vec::Vec::new(),
                    methods: #methods_local,
                })
            }
        }
    }
}

/// The `#[cfg]`s of a method, repeated on everything generated for it.
fn cfgs(method: &MethodDef) -> impl Iterator<Item = &syn::Attribute> {
    method
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
}

/// `<T as Describe>::describe(types)`, spanned so a missing impl points at the user's type.
fn describe(ty: &syn::Type, types: &Ident) -> TokenStream {
    quote_spanned! {ty.span()=>
        <#ty as ::zrpc::typed::Describe>::describe(&mut #types)
    }
}
