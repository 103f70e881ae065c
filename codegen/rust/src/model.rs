//! A service model as a Rust expression, so generated code carries the exact validated model it
//! was generated from and its servers serve that (namespaces, consts, aliases, docs included)
//! rather than one rebuilt from the Rust types.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens};
use zrpc_model::{
    Alias, Annotation, Arg, Const, Enum, EnumVariant, Field, Method, Returns, Schema, Service,
    Struct, Type, TypeDef, Union, UnionVariant, Value,
};

/// `pub fn schema() -> Schema { .. }`: the model of the whole generated file.
pub(crate) fn schema_fn(schema: &Schema) -> TokenStream {
    let Schema {
        file_stem,
        doc,
        namespaces,
        consts,
        types,
        services,
    } = schema;
    let file_stem = option(file_stem.as_deref());
    let doc = option(doc.as_deref());
    let namespaces = match namespaces.len() {
        0 => quote!(BTreeMap::new()),
        _ => {
            let pairs = namespaces
                .iter()
                .map(|(lang, path)| quote!((#lang.into(), #path.into())));
            quote!(BTreeMap::from([#(#pairs),*]))
        }
    };
    let consts = list(consts.iter().map(constant));
    let types = list(types.iter().map(type_def));
    let services = list(services.iter().map(service));
    quote! {
        /// The validated model this file was generated from, which its services serve through
        /// `_zrpc_model` (`zrpc gen --from` turns it back into the same code).
        pub fn schema() -> ::zrpc::typed::model::Schema {
            // Imported here, so the file's own types (a `Vec`, a `Field`) cannot shadow them.
            use ::std::collections::BTreeMap;
            use ::std::vec::Vec;
            use ::zrpc::typed::model::*;
            Schema {
                file_stem: #file_stem,
                doc: #doc,
                namespaces: #namespaces,
                consts: #consts,
                types: #types,
                services: #services,
            }
        }
    }
}

/// `Vec::from([..])`, which prettyplease lays out (it leaves `vec![..]` bodies on one line).
fn list(items: impl Iterator<Item = TokenStream>) -> TokenStream {
    let items: Vec<TokenStream> = items.collect();
    if items.is_empty() {
        quote!(Vec::new())
    } else {
        quote!(Vec::from([#(#items),*]))
    }
}

fn option(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(Some(#text.into())),
        None => quote!(None),
    }
}

fn annotations(annotations: &[Annotation]) -> TokenStream {
    list(annotations.iter().map(|Annotation { name, args }| {
        let args = list(args.iter().map(value));
        quote!(Annotation { name: #name.into(), args: #args })
    }))
}

fn constant(constant: &Const) -> TokenStream {
    let Const {
        name,
        doc,
        ty,
        value: literal,
    } = constant;
    let (doc, ty, literal) = (option(doc.as_deref()), ty_expr(ty), value(literal));
    quote!(Const { name: #name.into(), doc: #doc, ty: #ty, value: #literal })
}

fn type_def(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(def) => {
            let def = structure(def);
            quote!(TypeDef::Struct(#def))
        }
        TypeDef::Error(def) => {
            let def = structure(def);
            quote!(TypeDef::Error(#def))
        }
        TypeDef::Enum(Enum {
            name,
            doc,
            annotations: notes,
            variants,
        }) => {
            let (doc, notes) = (option(doc.as_deref()), annotations(notes));
            let variants = list(variants.iter().map(
                |EnumVariant {
                     name,
                     doc,
                     annotations: notes,
                 }| {
                    let (doc, notes) = (option(doc.as_deref()), annotations(notes));
                    quote!(EnumVariant { name: #name.into(), doc: #doc, annotations: #notes })
                },
            ));
            quote!(TypeDef::Enum(Enum {
                name: #name.into(),
                doc: #doc,
                annotations: #notes,
                variants: #variants,
            }))
        }
        TypeDef::Union(Union {
            name,
            doc,
            annotations: notes,
            variants,
        }) => {
            let (doc, notes) = (option(doc.as_deref()), annotations(notes));
            let variants = list(variants.iter().map(
                |UnionVariant {
                     name,
                     doc,
                     annotations: notes,
                     ty,
                 }| {
                    let (doc, notes, ty) = (option(doc.as_deref()), annotations(notes), ty_expr(ty));
                    quote!(UnionVariant { name: #name.into(), doc: #doc, annotations: #notes, ty: #ty })
                },
            ));
            quote!(TypeDef::Union(Union {
                name: #name.into(),
                doc: #doc,
                annotations: #notes,
                variants: #variants,
            }))
        }
        TypeDef::Alias(Alias {
            name,
            doc,
            annotations: notes,
            ty,
        }) => {
            let (doc, notes, ty) = (option(doc.as_deref()), annotations(notes), ty_expr(ty));
            quote!(TypeDef::Alias(Alias { name: #name.into(), doc: #doc, annotations: #notes, ty: #ty }))
        }
    }
}

fn structure(def: &Struct) -> TokenStream {
    let Struct {
        name,
        doc,
        annotations: notes,
        fields,
    } = def;
    let (doc, notes) = (option(doc.as_deref()), annotations(notes));
    let fields = list(fields.iter().map(
        |Field {
             name,
             doc,
             annotations: notes,
             ty,
             default,
         }| {
            let (doc, notes, ty) = (option(doc.as_deref()), annotations(notes), ty_expr(ty));
            let default = match default {
                Some(default) => {
                    let default = value(default);
                    quote!(Some(#default))
                }
                None => quote!(None),
            };
            quote! {
                Field { name: #name.into(), doc: #doc, annotations: #notes, ty: #ty, default: #default }
            }
        },
    ));
    quote!(Struct {
        name: #name.into(),
        doc: #doc,
        annotations: #notes,
        fields: #fields,
    })
}

fn service(service: &Service) -> TokenStream {
    let Service {
        name,
        doc,
        annotations: notes,
        methods,
    } = service;
    let (doc, notes) = (option(doc.as_deref()), annotations(notes));
    let methods = list(methods.iter().map(method));
    quote!(Service {
        name: #name.into(),
        doc: #doc,
        annotations: #notes,
        methods: #methods,
    })
}

fn method(method: &Method) -> TokenStream {
    let Method {
        name,
        doc,
        annotations: notes,
        args,
        returns,
        throws,
    } = method;
    let (doc, notes) = (option(doc.as_deref()), annotations(notes));
    let args = list(args.iter().map(|Arg { name, ty }| {
        let ty = ty_expr(ty);
        quote!(Arg { name: #name.into(), ty: #ty })
    }));
    let throws = list(throws.iter().map(|name| quote!(#name.into())));
    let returns = match returns {
        Returns::Nothing => quote!(Returns::Nothing),
        Returns::Oneway => quote!(Returns::Oneway),
        Returns::Value(ty) => {
            let ty = ty_expr(ty);
            quote!(Returns::Value(#ty))
        }
        Returns::Stream(ty) => {
            let ty = ty_expr(ty);
            quote!(Returns::Stream(#ty))
        }
    };
    quote!(Method {
        name: #name.into(),
        doc: #doc,
        annotations: #notes,
        args: #args,
        returns: #returns,
        throws: #throws,
    })
}

fn ty_expr(ty: &Type) -> TokenStream {
    match ty {
        Type::List(item) => {
            let item = ty_expr(item);
            quote!(Type::List(::std::boxed::Box::new(#item)))
        }
        Type::Optional(inner) => {
            let inner = ty_expr(inner);
            quote!(Type::Optional(::std::boxed::Box::new(#inner)))
        }
        Type::Map(key, value) => {
            let (key, value) = (ty_expr(key), ty_expr(value));
            quote!(Type::Map(::std::boxed::Box::new(#key), ::std::boxed::Box::new(#value)))
        }
        Type::Named(name) => quote!(Type::Named(#name.into())),
        Type::Bool => quote!(Type::Bool),
        Type::I8 => quote!(Type::I8),
        Type::I16 => quote!(Type::I16),
        Type::I32 => quote!(Type::I32),
        Type::I64 => quote!(Type::I64),
        Type::U8 => quote!(Type::U8),
        Type::U16 => quote!(Type::U16),
        Type::U32 => quote!(Type::U32),
        Type::U64 => quote!(Type::U64),
        Type::F32 => quote!(Type::F32),
        Type::F64 => quote!(Type::F64),
        Type::String => quote!(Type::String),
        Type::Bytes => quote!(Type::Bytes),
        Type::Any => quote!(Type::Any),
    }
}

fn value(literal: &Value) -> TokenStream {
    match literal {
        Value::Null => quote!(Value::Null),
        Value::Bool(flag) => quote!(Value::Bool(#flag)),
        Value::Int(int) => {
            let int = Literal::i64_unsuffixed(*int);
            quote!(Value::Int(#int))
        }
        Value::UInt(int) => {
            let int = Literal::u64_unsuffixed(*int);
            quote!(Value::UInt(#int))
        }
        Value::Float(float) => {
            let float = if float.is_nan() {
                quote!(f64::NAN)
            } else if float.is_infinite() && *float > 0.0 {
                quote!(f64::INFINITY)
            } else if float.is_infinite() {
                quote!(f64::NEG_INFINITY)
            } else {
                Literal::f64_unsuffixed(*float).into_token_stream()
            };
            quote!(Value::Float(#float))
        }
        Value::String(text) => quote!(Value::String(#text.into())),
        Value::Ident(name) => quote!(Value::Ident(#name.into())),
        Value::List(items) => {
            let items = list(items.iter().map(value));
            quote!(Value::List(#items))
        }
        Value::Map(entries) => {
            let entries = list(entries.iter().map(|(key, entry)| {
                let (key, entry) = (value(key), value(entry));
                quote!((#key, #entry))
            }));
            quote!(Value::Map(#entries))
        }
    }
}
