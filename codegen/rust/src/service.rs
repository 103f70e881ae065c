//! `#[rpc_service]` input: a trait of `async fn`s, parsed and checked into a [`ServiceDef`].
//!
//! Every problem is collected with its span; nothing here panics on user input.

use proc_macro2::{Ident, Span};
use syn::spanned::Spanned;
use syn::{
    Attribute, Expr, ExprLit, FnArg, GenericArgument, ItemTrait, Lit, Meta, Pat, PathArguments,
    ReturnType, Signature, TraitItem, TraitItemFn, Type, Visibility,
};

use super::docs;
use super::names::unraw;

/// Names of items the expansion adds next to the user's methods.
pub(crate) const RESERVED_METHOD_NAMES: &[&str] = &[
    "builder",
    "client",
    "connect",
    "from_client",
    "into_service",
    "schema",
];

/// A checked service trait.
pub(crate) struct ServiceDef {
    pub(crate) vis: Visibility,
    pub(crate) ident: Ident,
    /// Attributes kept on the emitted trait (docs, cfgs, lints).
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) supertraits: Vec<syn::TypeParamBound>,
    pub(crate) doc: Option<String>,
    pub(crate) methods: Vec<MethodDef>,
}

pub(crate) struct MethodDef {
    pub(crate) ident: Ident,
    /// The request's event name.
    pub(crate) wire_name: String,
    /// Attributes kept on the emitted method and client method (docs, `deprecated`).
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) doc: Option<String>,
    /// The note of `#[deprecated]`, `Some(None)` without one.
    pub(crate) deprecated: Option<Option<String>>,
    pub(crate) args: Vec<ArgDef>,
    pub(crate) kind: MethodKind,
    /// `E` of `Result<_, E>`.
    pub(crate) error: Option<Type>,
}

pub(crate) struct ArgDef {
    pub(crate) ident: Ident,
    pub(crate) wire_name: String,
    pub(crate) ty: Type,
}

pub(crate) enum MethodKind {
    /// `OK [value]`; `None` is `()`.
    Unary(Option<Type>),
    /// `zrpc::Streaming<T>`.
    Stream(Type),
    /// `#[oneway]`: no reply at all.
    Oneway,
}

/// Collects errors so the user sees all of them at once.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        self.0.map_or(Ok(()), Err)
    }
}

pub(crate) fn parse(item: &ItemTrait) -> Result<ServiceDef, syn::Error> {
    let mut errors = Errors::default();
    if let Some(unsafety) = &item.unsafety {
        errors.at(unsafety.span(), "a service trait cannot be `unsafe`");
    }
    if let Some(auto) = &item.auto_token {
        errors.at(auto.span(), "a service trait cannot be an auto trait");
    }
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        errors.at(
            item.generics.span(),
            "a service trait cannot be generic: every argument and result must have one wire type",
        );
    }
    let mut methods = Vec::new();
    for trait_item in &item.items {
        match trait_item {
            TraitItem::Fn(method) => {
                if let Some(method) = parse_method(method, &mut errors) {
                    methods.push(method);
                }
            }
            other => errors.at(
                other.span(),
                "a service trait may only contain `async fn` methods",
            ),
        }
    }
    check_names(&methods, &mut errors);
    errors.finish()?;
    Ok(ServiceDef {
        vis: item.vis.clone(),
        ident: item.ident.clone(),
        attrs: item.attrs.clone(),
        supertraits: item.supertraits.iter().cloned().collect(),
        doc: docs::extract(&item.attrs),
        methods,
    })
}

fn check_names(methods: &[MethodDef], errors: &mut Errors) {
    for (index, method) in methods.iter().enumerate() {
        let name = method.wire_name.as_str();
        if RESERVED_METHOD_NAMES.contains(&unraw(&method.ident).as_str()) {
            errors.at(
                method.ident.span(),
                format!(
                    "method name `{}` clashes with an item zrpc generates; rename the method \
                     and keep its wire name with `#[zrpc(name = \"{name}\")]`",
                    method.ident
                ),
            );
        }
        // The model's one list (the IDL validator and the runtime read it too).
        if zrpc_model::RESERVED_METHOD_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
        {
            errors.at(
                method.ident.span(),
                format!("method name `{name}` is reserved for introspection"),
            );
        }
        if methods[..index].iter().any(|m| m.wire_name == name) {
            errors.at(
                method.ident.span(),
                format!("two methods are called `{name}` on the wire"),
            );
        }
    }
}

/// Attributes of ours on a method, removed from the emitted code.
#[derive(Default)]
struct MethodAttrs {
    oneway: Option<Span>,
    name: Option<String>,
}

fn parse_method(method: &TraitItemFn, all_errors: &mut Errors) -> Option<MethodDef> {
    let mut local = Errors::default();
    let errors = &mut local;
    let sig = &method.sig;
    let ours = method_attrs(&method.attrs, errors);
    check_signature(sig, errors);
    if let Some(body) = &method.default {
        errors.at(
            body.span(),
            "service methods have no default body; implement them in the `impl`",
        );
    }
    let args = parse_args(sig, errors);
    let (mut kind, error) = parse_output(&sig.output, errors);
    if let Some(span) = ours.oneway {
        match (&kind, &error) {
            (MethodKind::Unary(None), None) => kind = MethodKind::Oneway,
            _ => errors.at(
                match &sig.output {
                    ReturnType::Type(_, ty) => ty.span(),
                    ReturnType::Default => span,
                },
                "a `#[oneway]` method returns nothing: the caller does not wait for a reply",
            ),
        }
    }
    if let Some(error) = local.0 {
        all_errors.push(error);
        return None;
    }
    let attrs: Vec<Attribute> = method
        .attrs
        .iter()
        .filter(|attr| !attr.path().is_ident("oneway") && !attr.path().is_ident("zrpc"))
        .cloned()
        .collect();
    Some(MethodDef {
        wire_name: ours.name.unwrap_or_else(|| unraw(&sig.ident)),
        ident: sig.ident.clone(),
        doc: docs::extract(&attrs),
        deprecated: deprecation(&attrs),
        attrs,
        args,
        kind,
        error,
    })
}

fn method_attrs(attrs: &[Attribute], errors: &mut Errors) -> MethodAttrs {
    let mut ours = MethodAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("oneway") {
            match attr.meta.require_path_only() {
                Ok(_) => ours.oneway = Some(attr.path().span()),
                Err(error) => errors.push(error),
            }
        } else if attr.path().is_ident("zrpc") {
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("name") {
                    let name: syn::LitStr = meta.value()?.parse()?;
                    ours.name = Some(name.value());
                    Ok(())
                } else if meta.path.is_ident("oneway") {
                    ours.oneway = Some(meta.path.span());
                    Ok(())
                } else {
                    Err(meta.error("expected `name = \"...\"` or `oneway`"))
                }
            });
            if let Err(error) = parsed {
                errors.push(error);
            }
        }
    }
    ours
}

fn deprecation(attrs: &[Attribute]) -> Option<Option<String>> {
    let attr = attrs
        .iter()
        .find(|attr| attr.path().is_ident("deprecated"))?;
    let note = match &attr.meta {
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(note),
                ..
            }) => Some(note.value()),
            _ => None,
        },
        Meta::List(_) => {
            let mut note = None;
            // Malformed `deprecated` is rustc's to report; we only read the note.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("note") {
                    note = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                } else {
                    meta.value()?.parse::<Expr>()?;
                }
                Ok(())
            });
            note
        }
        Meta::Path(_) => None,
    };
    Some(note)
}

fn check_signature(sig: &Signature, errors: &mut Errors) {
    if sig.asyncness.is_none() {
        errors.at(
            sig.fn_token.span(),
            format!(
                "service methods must be `async fn`: write `async fn {}`",
                sig.ident
            ),
        );
    }
    if let Some(constness) = &sig.constness {
        errors.at(constness.span(), "service methods cannot be `const`");
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.at(unsafety.span(), "service methods cannot be `unsafe`");
    }
    if let Some(abi) = &sig.abi {
        errors.at(abi.span(), "service methods cannot have an ABI");
    }
    if let Some(variadic) = &sig.variadic {
        errors.at(variadic.span(), "service methods cannot be variadic");
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.at(
            sig.generics.span(),
            "service methods cannot be generic: every argument must have one wire type",
        );
    }
    match sig.inputs.first() {
        Some(FnArg::Receiver(receiver))
            if receiver.reference.is_some()
                && receiver.mutability.is_none()
                && receiver.colon_token.is_none() =>
        {
            if let Some((_, Some(lifetime))) = &receiver.reference {
                errors.at(
                    lifetime.span(),
                    "write `&self` without a lifetime: requests borrow the service for the call only",
                );
            }
        }
        Some(FnArg::Receiver(receiver)) => errors.at(
            receiver.span(),
            "service methods take `&self`: the server shares one instance between requests",
        ),
        _ => errors.at(
            sig.ident.span(),
            format!(
                "`{}` needs a `&self` receiver: the server shares one instance between requests",
                sig.ident
            ),
        ),
    }
}

fn parse_args(sig: &Signature, errors: &mut Errors) -> Vec<ArgDef> {
    let mut args = Vec::new();
    for input in &sig.inputs {
        let FnArg::Typed(typed) = input else {
            continue;
        };
        check_type(&typed.ty, errors);
        let mut wire_name = None;
        for attr in &typed.attrs {
            let parsed = if attr.path().is_ident("zrpc") {
                attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("name") {
                        wire_name = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                        Ok(())
                    } else {
                        Err(meta.error("expected `name = \"...\"`"))
                    }
                })
            } else {
                Err(syn::Error::new(
                    attr.path().span(),
                    "only `#[zrpc(name = \"...\")]` is allowed on a service method argument",
                ))
            };
            if let Err(error) = parsed {
                errors.push(error);
            }
        }
        match &*typed.pat {
            Pat::Ident(pat)
                if pat.by_ref.is_none() && pat.mutability.is_none() && pat.subpat.is_none() =>
            {
                args.push(ArgDef {
                    wire_name: wire_name.take().unwrap_or_else(|| unraw(&pat.ident)),
                    ident: pat.ident.clone(),
                    ty: (*typed.ty).clone(),
                });
            }
            other => errors.at(
                other.span(),
                "arguments must be plain names: the name travels in the service model",
            ),
        }
    }
    args
}

/// Rejects types that cannot be a wire type whatever traits they implement.
fn check_type(ty: &Type, errors: &mut Errors) {
    let problem = match ty {
        Type::Reference(_) => {
            "borrowed types are not supported: use an owned type (`String`, `Vec<T>`)"
        }
        Type::ImplTrait(_) => "`impl Trait` is not supported here: use a concrete type",
        Type::TraitObject(_) => "trait objects are not supported: use a concrete type",
        Type::Ptr(_) => "raw pointers are not supported: use an owned type",
        Type::BareFn(_) => "function types cannot travel on the wire",
        Type::Infer(_) => "spell out the type: `_` is not allowed here",
        Type::Never(_) => "`!` is not supported here",
        Type::Tuple(tuple) if !tuple.elems.is_empty() => {
            "tuples are not supported: declare a struct with named fields"
        }
        _ => return,
    };
    errors.at(ty.span(), problem);
}

fn parse_output(output: &ReturnType, errors: &mut Errors) -> (MethodKind, Option<Type>) {
    let ReturnType::Type(_, ty) = output else {
        return (MethodKind::Unary(None), None);
    };
    if let Some([ok, err]) = generic_args(ty, "Result").as_deref() {
        check_type(err, errors);
        return (value_kind(ok, errors), Some(err.clone()));
    }
    (value_kind(ty, errors), None)
}

fn value_kind(ty: &Type, errors: &mut Errors) -> MethodKind {
    if let Some([item]) = generic_args(ty, "Streaming").as_deref() {
        check_type(item, errors);
        return MethodKind::Stream(item.clone());
    }
    match ty {
        Type::Tuple(tuple) if tuple.elems.is_empty() => MethodKind::Unary(None),
        _ => {
            check_type(ty, errors);
            MethodKind::Unary(Some(ty.clone()))
        }
    }
}

/// The type arguments of `ty` when its last path segment is `name`.
pub(crate) fn generic_args(ty: &Type, name: &str) -> Option<Vec<Type>> {
    let Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if path.qself.is_some() || last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args
        .iter()
        .map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty.clone()),
            _ => None,
        })
        .collect()
}
