//! `#[derive(zrpc::Type)]`: structs, enums, unions and errors describe themselves to the model.
//!
//! The wire format stays serde's; this derive reads the serde attributes that change it (renames,
//! defaults, `serde_bytes`) so the model says what the wire does, and rejects the ones the IDL has
//! no spelling for.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, Ident, LitStr, Token};

use super::docs;
use super::names::unraw;
use super::service::{generic_args, Errors};

/// Expands `#[derive(zrpc::Type)]`; errors become `compile_error!`s.
pub fn derive_type(input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<DeriveInput>(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    expand(&input).unwrap_or_else(|error| error.to_compile_error())
}

#[derive(Default)]
struct ContainerAttrs {
    error: bool,
    name: Option<String>,
    /// The `ERR` message of an error; by default its name in words (`division by zero`).
    message: Option<String>,
}

#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    /// `#[serde(default)]` is `Some(None)`, `#[serde(default = "path")]` is `Some(Some(path))`.
    default: Option<Option<syn::ExprPath>>,
    bytes: bool,
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
        errors.at(
            input.generics.span(),
            "`zrpc::Type` cannot be derived for generic types: the model has one type per name",
        );
    }
    let ours = container_attrs(&input.attrs, &mut errors);
    container_serde_attrs(&input.attrs, &mut errors);
    let name = ours.name.clone().unwrap_or_else(|| unraw(&input.ident));
    let doc = docs::option_tokens(docs::extract(&input.attrs).as_deref());
    let ident = &input.ident;
    let expanded = match &input.data {
        Data::Struct(data) => {
            let fields = struct_fields(&data.fields, &mut errors);
            let kind = if ours.error {
                quote!(Error)
            } else {
                quote!(Struct)
            };
            let describe = quote! {
                types.define(#name, |types| {
                    ::zrpc::typed::model::TypeDef::#kind(::zrpc::typed::model::Struct {
                        name: #name.to_owned(),
                        doc: #doc,
                        annotations: ::std::vec::Vec::new(),
                        fields: ::std::vec![#(#fields),*],
                    })
                })
            };
            let mut tokens = describe_impl(ident, &describe);
            if ours.error {
                let message = ours
                    .message
                    .clone()
                    .unwrap_or_else(|| name.to_snake_case().replace('_', " "));
                tokens.extend(error_impls(ident, &name, &message));
            }
            tokens
        }
        Data::Enum(data) => {
            let unit = data
                .variants
                .iter()
                .all(|v| matches!(v.fields, Fields::Unit));
            let newtype = data
                .variants
                .iter()
                .all(|v| matches!(&v.fields, Fields::Unnamed(f) if f.unnamed.len() == 1));
            if data.variants.is_empty() {
                errors.at(ident.span(), "an enum needs at least one variant");
                TokenStream::new()
            } else if unit && !ours.error {
                let variants = data.variants.iter().map(|variant| {
                    let serde = serde_attrs(&variant.attrs, &mut errors);
                    let wire = serde.rename.unwrap_or_else(|| unraw(&variant.ident));
                    let doc = docs::option_tokens(docs::extract(&variant.attrs).as_deref());
                    quote! {
                        ::zrpc::typed::model::EnumVariant {
                            name: #wire.to_owned(),
                            doc: #doc,
                            annotations: ::std::vec::Vec::new(),
                        }
                    }
                });
                let describe = quote! {
                    types.define(#name, |_| {
                        ::zrpc::typed::model::TypeDef::Enum(::zrpc::typed::model::Enum {
                            name: #name.to_owned(),
                            doc: #doc,
                            annotations: ::std::vec::Vec::new(),
                            variants: ::std::vec![#(#variants),*],
                        })
                    })
                };
                describe_impl(ident, &describe)
            } else if newtype && ours.error {
                error_set_impls(ident, data)
            } else if newtype {
                let variants: Vec<TokenStream> = data
                    .variants
                    .iter()
                    .filter_map(|variant| {
                        let serde = serde_attrs(&variant.attrs, &mut errors);
                        let wire = serde.rename.unwrap_or_else(|| unraw(&variant.ident));
                        let doc = docs::option_tokens(docs::extract(&variant.attrs).as_deref());
                        let field = variant.fields.iter().next()?;
                        let ty = described(&field.ty, serde.bytes);
                        Some(quote! {
                            ::zrpc::typed::model::UnionVariant {
                                name: #wire.to_owned(),
                                doc: #doc,
                                annotations: ::std::vec::Vec::new(),
                                ty: #ty,
                            }
                        })
                    })
                    .collect();
                let describe = quote! {
                    types.define(#name, |types| {
                        ::zrpc::typed::model::TypeDef::Union(::zrpc::typed::model::Union {
                            name: #name.to_owned(),
                            doc: #doc,
                            annotations: ::std::vec::Vec::new(),
                            variants: ::std::vec![#(#variants),*],
                        })
                    })
                };
                describe_impl(ident, &describe)
            } else if ours.error {
                errors.at(
                    ident.span(),
                    "an error enum lists the errors a method may raise: every variant holds \
                     one `#[zrpc(error)]` struct, e.g. `DivisionByZero(DivisionByZero)`",
                );
                TokenStream::new()
            } else {
                errors.at(
                    ident.span(),
                    "a zrpc enum has only unit variants (an IDL `enum`) or only one-value \
                     variants (an IDL `union`), not a mix",
                );
                TokenStream::new()
            }
        }
        Data::Union(data) => {
            errors.at(
                data.union_token.span(),
                "Rust unions cannot travel on the wire; use an enum with one-value variants",
            );
            TokenStream::new()
        }
    };
    errors.finish()?;
    Ok(expanded)
}

fn describe_impl(ident: &Ident, describe: &TokenStream) -> TokenStream {
    quote! {
        impl ::zrpc::typed::Describe for #ident {
            fn describe(types: &mut ::zrpc::typed::TypeRegistry) -> ::zrpc::typed::model::Type {
                #describe
            }
        }
    }
}

fn error_impls(ident: &Ident, name: &str, message: &str) -> TokenStream {
    quote! {
        impl ::zrpc::typed::ServiceError for #ident {
            fn declare(types: &mut ::zrpc::typed::TypeRegistry) -> ::std::vec::Vec<::std::string::String> {
                <Self as ::zrpc::typed::Describe>::describe(types);
                ::std::vec![#name.to_owned()]
            }

            fn to_remote(&self) -> ::zrpc::RemoteError {
                ::zrpc::typed::remote_error(#name, self)
            }

            fn from_remote(error: &::zrpc::RemoteError) -> ::std::option::Option<Self> {
                ::zrpc::typed::decode_details(#name, error)
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#message)
            }
        }

        impl ::std::error::Error for #ident {}
    }
}

/// An enum whose variants are the declared errors of a method that throws several.
fn error_set_impls(ident: &Ident, data: &syn::DataEnum) -> TokenStream {
    let variants: Vec<&Ident> = data.variants.iter().map(|v| &v.ident).collect();
    let types: Vec<&syn::Type> = data
        .variants
        .iter()
        .filter_map(|v| v.fields.iter().next().map(|f| &f.ty))
        .collect();
    quote! {
        impl ::zrpc::typed::ServiceError for #ident {
            fn declare(types: &mut ::zrpc::typed::TypeRegistry) -> ::std::vec::Vec<::std::string::String> {
                let mut names = ::std::vec::Vec::new();
                #(names.extend(<#types as ::zrpc::typed::ServiceError>::declare(types));)*
                names
            }

            fn to_remote(&self) -> ::zrpc::RemoteError {
                match self {
                    #(Self::#variants(error) => ::zrpc::typed::ServiceError::to_remote(error),)*
                }
            }

            fn from_remote(error: &::zrpc::RemoteError) -> ::std::option::Option<Self> {
                #(
                    if let ::std::option::Option::Some(typed) =
                        <#types as ::zrpc::typed::ServiceError>::from_remote(error)
                    {
                        return ::std::option::Option::Some(Self::#variants(typed));
                    }
                )*
                ::std::option::Option::None
            }
        }

        #(
            impl ::std::convert::From<#types> for #ident {
                fn from(error: #types) -> Self {
                    Self::#variants(error)
                }
            }
        )*

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(Self::#variants(error) => ::std::fmt::Display::fmt(error, f),)*
                }
            }
        }

        impl ::std::error::Error for #ident {}
    }
}

fn struct_fields(fields: &Fields, errors: &mut Errors) -> Vec<TokenStream> {
    let Fields::Named(named) = fields else {
        errors.at(
            fields.span(),
            "a zrpc struct has named fields: they are the keys of its msgpack map",
        );
        return Vec::new();
    };
    named
        .named
        .iter()
        .filter_map(|field| {
            let ident = field.ident.as_ref()?;
            let serde = serde_attrs(&field.attrs, errors);
            let wire = serde.rename.clone().unwrap_or_else(|| unraw(ident));
            let doc = docs::option_tokens(docs::extract(&field.attrs).as_deref());
            let ty = described(&field.ty, serde.bytes);
            let field_ty = &field.ty;
            let default = match &serde.default {
                None => quote!(::std::option::Option::None),
                Some(None) => quote! {
                    types.default_value(&ty, &<#field_ty as ::std::default::Default>::default())
                },
                Some(Some(path)) => quote!(types.default_value(&ty, &#path())),
            };
            Some(quote_spanned! {field.span()=>
                {
                    let ty = #ty;
                    ::zrpc::typed::model::Field {
                        name: #wire.to_owned(),
                        doc: #doc,
                        annotations: ::std::vec::Vec::new(),
                        default: #default,
                        ty,
                    }
                }
            })
        })
        .collect()
}

/// The model type of `ty`; `serde_bytes` fields are `bytes` whatever their Rust type.
fn described(ty: &syn::Type, bytes: bool) -> TokenStream {
    if bytes && generic_args(ty, "Option").is_some() {
        quote! {
            ::zrpc::typed::model::Type::Optional(::std::boxed::Box::new(
                ::zrpc::typed::model::Type::Bytes,
            ))
        }
    } else if bytes {
        quote!(::zrpc::typed::model::Type::Bytes)
    } else {
        quote_spanned!(ty.span()=> <#ty as ::zrpc::typed::Describe>::describe(types))
    }
}

fn container_attrs(attrs: &[Attribute], errors: &mut Errors) -> ContainerAttrs {
    let mut ours = ContainerAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("zrpc")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("error") {
                ours.error = true;
                Ok(())
            } else if meta.path.is_ident("name") {
                ours.name = Some(meta.value()?.parse::<LitStr>()?.value());
                Ok(())
            } else if meta.path.is_ident("message") {
                ours.message = Some(meta.value()?.parse::<LitStr>()?.value());
                Ok(())
            } else {
                Err(meta.error("expected `error`, `name = \"...\"` or `message = \"...\"`"))
            }
        });
        if let Err(error) = parsed {
            errors.push(error);
        }
    }
    ours
}

/// Container-level serde attributes that would make the wire differ from the IDL's mapping.
fn container_serde_attrs(attrs: &[Attribute], errors: &mut Errors) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let parsed = attr.parse_nested_meta(|meta| {
            for unsupported in ["rename_all", "tag", "content", "untagged", "transparent"] {
                if meta.path.is_ident(unsupported) {
                    return Err(meta.error(format!(
                        "`#[serde({unsupported})]` changes the wire format away from the IDL's \
                         mapping; zrpc does not support it"
                    )));
                }
            }
            skip_value(&meta)
        });
        if let Err(error) = parsed {
            errors.push(error);
        }
    }
}

fn serde_attrs(attrs: &[Attribute], errors: &mut Errors) -> SerdeAttrs {
    let mut serde = SerdeAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") && meta.input.peek(Token![=]) {
                serde.rename = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("default") {
                serde.default = Some(if meta.input.peek(Token![=]) {
                    Some(meta.value()?.parse::<LitStr>()?.parse()?)
                } else {
                    None
                });
            } else if meta.path.is_ident("with") {
                let with = meta.value()?.parse::<LitStr>()?;
                serde.bytes = with.value() == "serde_bytes";
            } else {
                for unsupported in [
                    "flatten",
                    "skip",
                    "skip_serializing",
                    "skip_deserializing",
                    "rename",
                    "alias",
                    "untagged",
                ] {
                    if meta.path.is_ident(unsupported) {
                        return Err(meta.error(format!(
                            "`#[serde({unsupported})]` makes the wire differ from the model; \
                             zrpc does not support it here"
                        )));
                    }
                }
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = parsed {
            errors.push(error);
        }
    }
    serde
}

/// Consumes `= value` or `(...)` of an attribute entry we do not interpret.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}
