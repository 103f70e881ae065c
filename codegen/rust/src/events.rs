//! The typed event senders and receivers of a service with `#[oneway]` methods (its events):
//! `<Service>Publisher` and `<Service>Pusher` with one method per event, and
//! `<Service>Subscriber` and `<Service>Puller` dispatching to an implementation of the trait.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::service::{MethodDef, MethodKind, ServiceDef};

/// Nothing for a service without events.
pub(crate) fn events(def: &ServiceDef) -> TokenStream {
    let events: Vec<&MethodDef> = def
        .methods
        .iter()
        .filter(|m| matches!(m.kind, MethodKind::Oneway))
        .collect();
    if events.is_empty() {
        return TokenStream::new();
    }
    let service = &def.ident;
    let publisher = sender(
        def,
        &format_ident!("{service}Publisher"),
        &events,
        Pattern::PubSub,
    );
    let pusher = sender(
        def,
        &format_ident!("{service}Pusher"),
        &events,
        Pattern::PushPull,
    );
    let subscriber = receiver(def, &format_ident!("{service}Subscriber"), Pattern::PubSub);
    let puller = receiver(def, &format_ident!("{service}Puller"), Pattern::PushPull);
    quote! {
        #publisher
        #pusher
        #subscriber
        #puller
    }
}

#[derive(Clone, Copy)]
enum Pattern {
    PubSub,
    PushPull,
}

fn sender(
    def: &ServiceDef,
    ident: &syn::Ident,
    events: &[&MethodDef],
    pattern: Pattern,
) -> TokenStream {
    let vis = &def.vis;
    let service = &def.ident;
    let (inner, doc) = match pattern {
        Pattern::PubSub => (
            quote!(::zrpc::Publisher),
            format!(
                " Publishes the events of [`{service}`] to every subscriber (PUB); never waits."
            ),
        ),
        Pattern::PushPull => (
            quote!(::zrpc::Pusher),
            format!(" Pushes the events of [`{service}`], each to one puller (PUSH)."),
        ),
    };
    let methods = events.iter().map(|method| {
        let MethodDef {
            ident, attrs, args, ..
        } = method;
        let wire = &method.wire_name;
        let names: Vec<&syn::Ident> = args.iter().map(|arg| &arg.ident).collect();
        let types = args.iter().map(|arg| &arg.ty);
        let encoded = super::expand::encoded_args(&names);
        match pattern {
            Pattern::PubSub => quote! {
                #(#attrs)*
                ///
                /// Returns how many subscribers it was queued for.
                pub fn #ident(&self, #(#names: #types),*) -> ::std::result::Result<usize, ::zrpc::Error> {
                    self.inner.publish(#wire, #encoded)
                }
            },
            Pattern::PushPull => quote! {
                #(#attrs)*
                pub async fn #ident(&self, #(#names: #types),*) -> ::std::result::Result<(), ::zrpc::Error> {
                    self.inner.push(#wire, #encoded).await
                }
            },
        }
    });
    quote! {
        #[doc = #doc]
        #vis struct #ident {
            inner: #inner,
        }

        impl #ident {
            /// Binds a new socket to `endpoint` (e.g. `tcp://*:4243`).
            pub async fn bind(endpoint: &str) -> ::std::result::Result<Self, ::zrpc::Error> {
                let mut inner = <#inner>::new();
                inner.bind(endpoint).await?;
                ::std::result::Result::Ok(Self { inner })
            }

            /// Connects a new socket to `endpoint` (in the background, reconnecting).
            pub fn connect(endpoint: &str) -> ::std::result::Result<Self, ::zrpc::Error> {
                let mut inner = <#inner>::new();
                inner.connect(endpoint)?;
                ::std::result::Result::Ok(Self { inner })
            }

            /// Wraps a configured socket (options, CURVE, several endpoints).
            pub fn from_inner(inner: #inner) -> Self {
                Self { inner }
            }

            /// The untyped socket underneath.
            pub fn inner(&self) -> &#inner {
                &self.inner
            }

            /// Sends what is queued (for at most the linger time), then closes.
            pub async fn close(self) {
                self.inner.close().await;
            }

            #(#methods)*
        }
    }
}

fn receiver(def: &ServiceDef, ident: &syn::Ident, pattern: Pattern) -> TokenStream {
    let vis = &def.vis;
    let service = &def.ident;
    let (inner, doc) = match pattern {
        Pattern::PubSub => (
            quote!(::zrpc::Subscriber),
            format!(
                " Receives the published events of [`{service}`] (SUB) and calls them on a handler."
            ),
        ),
        Pattern::PushPull => (
            quote!(::zrpc::Puller),
            format!(
                " Receives the pushed events of [`{service}`] (PULL) and calls them on a handler."
            ),
        ),
    };
    quote! {
        #[doc = #doc]
        #vis struct #ident {
            inner: #inner,
            service: ::zrpc::Service,
        }

        impl #ident {
            /// Binds a new socket to `endpoint`; events go to `handler`.
            pub async fn bind<H: #service>(endpoint: &str, handler: H) -> ::std::result::Result<Self, ::zrpc::Error> {
                let mut inner = <#inner>::new();
                inner.bind(endpoint).await?;
                ::std::result::Result::Ok(Self::from_inner(inner, handler))
            }

            /// Connects a new socket to `endpoint` (in the background, reconnecting).
            pub fn connect<H: #service>(endpoint: &str, handler: H) -> ::std::result::Result<Self, ::zrpc::Error> {
                let mut inner = <#inner>::new();
                inner.connect(endpoint)?;
                ::std::result::Result::Ok(Self::from_inner(inner, handler))
            }

            /// Wraps a configured socket (options, CURVE, several endpoints, a name filter).
            pub fn from_inner<H: #service>(inner: #inner, handler: H) -> Self {
                Self {
                    inner,
                    service: handler.into_service(),
                }
            }

            /// The untyped socket underneath.
            pub fn inner_mut(&mut self) -> &mut #inner {
                &mut self.inner
            }

            /// Calls each event on the handler, one at a time in arrival order; an event that
            /// is not one of the service's, or does not decode, is logged and dropped. Runs
            /// until the socket closes: stop it by dropping the future (e.g. in a `select!`).
            pub async fn run(&mut self) {
                self.inner.run(&self.service).await;
            }
        }
    }
}
