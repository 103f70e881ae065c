//! Syntax trees → the resolved [`Schema`], collecting every problem rather than stopping at the
//! first: unknown or duplicate names, defaults that do not fit, bad map keys, recursion without
//! a break, names the generators reserve.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::ast::{self, Decl, Span, TypeExpr, TypeKind, ValueExpr, ValueKind};
use crate::diagnostics::{FileId, Problem};
use crate::model::{
    Alias, Annotation, Arg, Const, Enum, EnumVariant, Field, Method, Returns, Schema, Service,
    Struct, Type, TypeDef, Union, UnionVariant, Value,
};
use crate::printer::type_to_string;
use zrpc_model::{
    RESERVED_METHOD_NAMES, RESERVED_METHOD_PREFIXES, RESERVED_PREFIX, SERVICE_CLASS_AFFIXES,
};

/// The languages a `namespace` line may name: the separator of their namespace parts and an
/// example. A new back end adds a row here; the model keys namespaces by these names.
const NAMESPACE_LANGUAGES: &[(&str, &str, &str)] = &[
    ("python", ".", "acme.calc"),
    ("ruby", "::", "Acme::Calc"),
    ("php", "\\", "Acme\\Calc"),
    ("rust", "::", "acme::calc"),
];

/// Names that are part of the type syntax and cannot be declared.
const TYPE_KEYWORDS: &[&str] = &["list", "map", "stream"];

/// One parsed file, in merge order (imports before their importers).
pub(crate) struct Input<'a> {
    pub(crate) file: FileId,
    pub(crate) ast: &'a ast::File,
    pub(crate) is_root: bool,
}

/// How much to check.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Everything: the schema must be complete and valid.
    Full,
    /// One file on its own (the formatter): only what the model cannot represent.
    Structure,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Struct,
    Error,
    Enum,
    Union,
    Alias,
    Service,
    Const,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Struct => "a struct",
            Kind::Error => "an error",
            Kind::Enum => "an enum",
            Kind::Union => "a union",
            Kind::Alias => "a type alias",
            Kind::Service => "a service",
            Kind::Const => "a const",
        }
    }

    fn is_type(self) -> bool {
        !matches!(self, Kind::Service | Kind::Const)
    }
}

struct Symbol<'a> {
    kind: Kind,
    file: FileId,
    span: Span,
    decl: &'a Decl,
}

pub(crate) fn validate(inputs: &[Input<'_>], mode: Mode) -> Result<Schema, Vec<Problem>> {
    let mut v = Validator {
        mode,
        symbols: HashMap::new(),
        problems: Vec::new(),
    };
    v.collect_symbols(inputs);
    v.check_service_classes();
    let schema = v.lower(inputs);
    if mode == Mode::Full {
        v.check_recursion(inputs);
        v.check_alias_cycles(inputs);
    }
    if v.problems.is_empty() {
        Ok(schema)
    } else {
        Err(v.problems)
    }
}

struct Validator<'a> {
    mode: Mode,
    symbols: HashMap<&'a str, Symbol<'a>>,
    problems: Vec<Problem>,
}

fn kind_of(decl: &Decl) -> Option<Kind> {
    Some(match decl {
        Decl::Struct { .. } => Kind::Struct,
        Decl::Error { .. } => Kind::Error,
        Decl::Enum { .. } => Kind::Enum,
        Decl::Union { .. } => Kind::Union,
        Decl::Alias { .. } => Kind::Alias,
        Decl::Service { .. } => Kind::Service,
        Decl::Const { .. } => Kind::Const,
        Decl::Namespace { .. } | Decl::Import { .. } => return None,
    })
}

impl<'a> Validator<'a> {
    /// A problem only a complete schema can have.
    fn semantic(&mut self, problem: Problem) {
        if self.mode == Mode::Full {
            self.problems.push(problem);
        }
    }

    /// A problem the model cannot represent at all: reported in every mode.
    fn structural(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    fn collect_symbols(&mut self, inputs: &[Input<'a>]) {
        for input in inputs {
            for statement in &input.ast.statements {
                let (Some(kind), Some(name)) = (kind_of(&statement.decl), statement.decl.name())
                else {
                    continue;
                };
                if kind.is_type()
                    && (Type::from_builtin_name(&name.text).is_some()
                        || TYPE_KEYWORDS.contains(&name.text.as_str()))
                {
                    self.semantic(
                        Problem::new(
                            input.file,
                            name.span.clone(),
                            format!("`{}` is a built-in type name", name.text),
                        )
                        .label("cannot be declared")
                        .help("choose another name"),
                    );
                    continue;
                }
                self.check_reserved_prefix(input.file, name);
                if let Some(previous) = self.symbols.get(name.text.as_str()) {
                    let problem = Problem::new(
                        input.file,
                        name.span.clone(),
                        format!("`{}` is declared twice", name.text),
                    )
                    .label(format!(
                        "{} named `{}` is already declared",
                        previous.kind.word(),
                        name.text
                    ))
                    .also(previous.file, previous.span.clone(), "first declared here")
                    .help("types, services and consts share one namespace; rename one of them");
                    self.semantic(problem);
                    continue;
                }
                self.symbols.insert(
                    &name.text,
                    Symbol {
                        kind,
                        file: input.file,
                        span: name.span.clone(),
                        decl: &statement.decl,
                    },
                );
            }
        }
    }

    /// A type may not take the name of a class generated for a service (`FeedClient` beside
    /// `service Feed`): the generated package would declare the name twice. Names are compared
    /// as the generators spell classes (case and underscores aside).
    fn check_service_classes(&mut self) {
        let class = |name: &str| name.replace('_', "").to_lowercase();
        let types: HashMap<String, (&str, &Symbol<'a>)> = self
            .symbols
            .iter()
            .filter(|(_, symbol)| symbol.kind.is_type())
            .map(|(name, symbol)| (class(name), (*name, symbol)))
            .collect();
        let mut problems = Vec::new();
        for (service, symbol) in &self.symbols {
            if symbol.kind != Kind::Service {
                continue;
            }
            for (prefix, suffix) in SERVICE_CLASS_AFFIXES {
                let generated = format!("{prefix}{service}{suffix}");
                let Some((name, ty)) = types.get(&class(&generated)) else {
                    continue;
                };
                problems.push(
                    Problem::new(
                        ty.file,
                        ty.span.clone(),
                        format!(
                            "`{name}` is the name of a class generated for service `{service}`"
                        ),
                    )
                    .label(format!(
                        "the code generated for `{service}` declares `{generated}` beside the types"
                    ))
                    .also(symbol.file, symbol.span.clone(), "service declared here")
                    .help("rename the type or the service"),
                );
            }
        }
        for problem in problems {
            self.semantic(problem);
        }
    }

    fn check_reserved_prefix(&mut self, file: FileId, name: &ast::Name) {
        if name.text.starts_with(RESERVED_PREFIX) {
            self.semantic(
                Problem::new(
                    file,
                    name.span.clone(),
                    format!("`{}` uses a reserved prefix", name.text),
                )
                .label(format!(
                    "names starting with `{RESERVED_PREFIX}` are reserved for generated code"
                ))
                .help("choose a name without this prefix"),
            );
        }
    }

    fn lower(&mut self, inputs: &[Input<'a>]) -> Schema {
        let mut schema = Schema::default();
        for input in inputs {
            if input.is_root {
                schema.doc = input.ast.doc.as_ref().map(|d| d.text.clone());
            }
            for statement in &input.ast.statements {
                self.statement(input, statement, &mut schema);
            }
        }
        schema
    }

    fn statement(&mut self, input: &Input<'a>, statement: &'a ast::Statement, schema: &mut Schema) {
        let file = input.file;
        let doc = statement.doc.as_ref().map(|d| d.text.clone());
        let annotations = self.annotations(file, &statement.annotations);
        let takes_annotations = !matches!(
            statement.decl,
            Decl::Namespace { .. } | Decl::Import { .. } | Decl::Const { .. }
        );
        if !takes_annotations {
            if let Some(first) = statement.annotations.first() {
                self.structural(
                    Problem::new(file, first.span.clone(), format!("annotations are not allowed on a {}", statement.decl.kind()))
                        .label("not kept anywhere")
                        .help("annotate structs, enums, unions, errors, services, their members and methods"),
                );
            }
        }
        if let (Some(d), Decl::Namespace { .. } | Decl::Import { .. }) =
            (&statement.doc, &statement.decl)
        {
            self.structural(
                Problem::new(file, d.span.clone(), format!("a doc comment cannot document a {}", statement.decl.kind()))
                    .label("documents nothing")
                    .help("a `///` block at the very top of the file documents the file; use `//` for a plain comment"),
            );
        }
        match &statement.decl {
            Decl::Namespace { lang, path } => {
                if input.is_root {
                    self.namespace(file, lang, path, &mut schema.namespaces);
                }
            }
            Decl::Import { .. } => {}
            Decl::Const { name, ty, value } => {
                let ty_model = self.resolve(file, ty);
                self.check_value(file, value, &ty_model, "const value");
                schema.consts.push(Const {
                    name: name.text.clone(),
                    doc,
                    ty: ty_model,
                    value: lower_value(value),
                });
            }
            Decl::Alias { name, ty } => {
                let ty = self.resolve(file, ty);
                schema.types.push(TypeDef::Alias(Alias {
                    name: name.text.clone(),
                    doc,
                    annotations,
                    ty,
                }));
            }
            Decl::Struct { name, fields } | Decl::Error { name, fields } => {
                let fields = self.fields(file, fields);
                let lowered = Struct {
                    name: name.text.clone(),
                    doc,
                    annotations,
                    fields,
                };
                schema
                    .types
                    .push(if matches!(statement.decl, Decl::Struct { .. }) {
                        TypeDef::Struct(lowered)
                    } else {
                        TypeDef::Error(lowered)
                    });
            }
            Decl::Enum { name, variants } => {
                self.check_members(file, name, variants.iter().map(|v| &v.name), "variant");
                if variants.is_empty() {
                    self.semantic(
                        Problem::new(
                            file,
                            name.span.clone(),
                            format!("enum `{}` has no variants", name.text),
                        )
                        .label("no value could ever be sent")
                        .help("add at least one variant"),
                    );
                }
                let variants = variants
                    .iter()
                    .map(|variant| EnumVariant {
                        name: variant.name.text.clone(),
                        doc: variant.doc.as_ref().map(|d| d.text.clone()),
                        annotations: self.annotations(file, &variant.annotations),
                    })
                    .collect();
                schema.types.push(TypeDef::Enum(Enum {
                    name: name.text.clone(),
                    doc,
                    annotations,
                    variants,
                }));
            }
            Decl::Union { name, variants } => {
                self.check_members(file, name, variants.iter().map(|v| &v.name), "variant");
                if variants.is_empty() {
                    self.semantic(
                        Problem::new(
                            file,
                            name.span.clone(),
                            format!("union `{}` has no variants", name.text),
                        )
                        .label("no value could ever be sent")
                        .help("add at least one variant, such as `text: string`"),
                    );
                }
                let variants = variants
                    .iter()
                    .map(|variant| {
                        let ty = match &variant.ty {
                            Some(ty) => self.resolve(file, ty),
                            None => Type::Any,
                        };
                        UnionVariant {
                            name: variant.name.text.clone(),
                            doc: variant.doc.as_ref().map(|d| d.text.clone()),
                            annotations: self.annotations(file, &variant.annotations),
                            ty,
                        }
                    })
                    .collect();
                schema.types.push(TypeDef::Union(Union {
                    name: name.text.clone(),
                    doc,
                    annotations,
                    variants,
                }));
            }
            Decl::Service { name, methods } => {
                self.check_members(file, name, methods.iter().map(|m| &m.name), "method");
                let methods = methods.iter().map(|m| self.method(file, m)).collect();
                schema.services.push(Service {
                    name: name.text.clone(),
                    doc,
                    annotations,
                    methods,
                });
            }
        }
    }

    fn namespace(
        &mut self,
        file: FileId,
        lang: &ast::Name,
        path: &ast::Name,
        namespaces: &mut BTreeMap<String, String>,
    ) {
        let known = NAMESPACE_LANGUAGES
            .iter()
            .find(|(known, ..)| *known == lang.text);
        let Some(&(_, separator, example)) = known else {
            let mut languages: Vec<String> = NAMESPACE_LANGUAGES
                .iter()
                .map(|(known, ..)| format!("`{known}`"))
                .collect();
            let last = languages.pop().unwrap_or_default();
            let problem = Problem::new(
                file,
                lang.span.clone(),
                format!("unknown namespace language `{}`", lang.text),
            )
            .label("not a target language")
            .help(format!(
                "namespaces are set for {} and {last}",
                languages.join(", ")
            ));
            self.structural(problem);
            return;
        };
        if namespaces.contains_key(&lang.text) {
            self.semantic(
                Problem::new(
                    file,
                    lang.span.clone(),
                    format!("the {} namespace is set twice", lang.text),
                )
                .label("second `namespace` for this language")
                .help("keep one"),
            );
            return;
        }
        namespaces.insert(lang.text.clone(), path.text.clone());
        let others = ["::", ".", "\\"].into_iter().filter(|s| *s != separator);
        let mut problem = None;
        for other in others {
            if path.text.contains(other) {
                problem = Some(format!(
                    "{} namespaces separate their parts with `{separator}`, such as `{example}`",
                    lang.text
                ));
            }
        }
        if lang.text == "ruby"
            && path
                .text
                .split("::")
                .any(|part| !part.starts_with(|c: char| c.is_ascii_uppercase()))
        {
            problem = Some(
                "Ruby module names start with a capital letter, such as `Acme::Calc`".to_owned(),
            );
        }
        if let Some(help) = problem {
            self.semantic(
                Problem::new(
                    file,
                    path.span.clone(),
                    format!("invalid {} namespace `{}`", lang.text, path.text),
                )
                .label("not a valid namespace for this language")
                .help(help),
            );
        }
    }

    fn check_members<'n>(
        &mut self,
        file: FileId,
        owner: &ast::Name,
        names: impl Iterator<Item = &'n ast::Name>,
        what: &str,
    ) {
        let mut seen: HashMap<&str, &ast::Name> = HashMap::new();
        for name in names {
            self.check_reserved_prefix(file, name);
            if let Some(previous) = seen.get(name.text.as_str()) {
                self.semantic(
                    Problem::new(
                        file,
                        name.span.clone(),
                        format!("duplicate {what} `{}` in `{}`", name.text, owner.text),
                    )
                    .label(format!(
                        "`{}` is already a {what} of `{}`",
                        name.text, owner.text
                    ))
                    .also(file, previous.span.clone(), "first declared here"),
                );
            } else {
                seen.insert(&name.text, name);
            }
        }
    }

    fn fields(&mut self, file: FileId, fields: &[ast::Field]) -> Vec<Field> {
        let owner_names: Vec<&ast::Name> = fields.iter().map(|f| &f.name).collect();
        let mut seen: HashMap<&str, &ast::Name> = HashMap::new();
        for name in &owner_names {
            self.check_reserved_prefix(file, name);
            if let Some(previous) = seen.get(name.text.as_str()) {
                self.semantic(
                    Problem::new(
                        file,
                        name.span.clone(),
                        format!("duplicate field `{}`", name.text),
                    )
                    .label("a field with this name is already declared")
                    .also(file, previous.span.clone(), "first declared here"),
                );
            } else {
                seen.insert(&name.text, name);
            }
        }
        fields
            .iter()
            .map(|field| {
                let ty = self.resolve(file, &field.ty);
                if let Some(default) = &field.default {
                    self.check_value(file, default, &ty, "default value");
                }
                Field {
                    name: field.name.text.clone(),
                    doc: field.doc.as_ref().map(|d| d.text.clone()),
                    annotations: self.annotations(file, &field.annotations),
                    ty,
                    default: field.default.as_ref().map(lower_value),
                }
            })
            .collect()
    }

    fn method(&mut self, file: FileId, method: &ast::Method) -> Method {
        let name = &method.name;
        if RESERVED_METHOD_PREFIXES
            .iter()
            .any(|p| name.text.starts_with(p))
        {
            self.semantic(
                Problem::new(
                    file,
                    name.span.clone(),
                    format!("method name `{}` is reserved", name.text),
                )
                .label("names starting with `_zerorpc_` or `_zrpc_` belong to built-in methods")
                .help("choose another name"),
            );
        } else if RESERVED_METHOD_NAMES.contains(&name.text.as_str()) {
            self.semantic(
                Problem::new(
                    file,
                    name.span.clone(),
                    format!("method name `{}` is reserved", name.text),
                )
                .label("generated clients already have a member with this name")
                .help(format!(
                    "reserved method names: {}",
                    quoted_list(RESERVED_METHOD_NAMES)
                )),
            );
        }
        let mut seen: HashMap<&str, &ast::Name> = HashMap::new();
        let mut args = Vec::with_capacity(method.args.len());
        for arg in &method.args {
            self.check_reserved_prefix(file, &arg.name);
            if let Some(previous) = seen.get(arg.name.text.as_str()) {
                self.semantic(
                    Problem::new(
                        file,
                        arg.name.span.clone(),
                        format!("duplicate argument `{}`", arg.name.text),
                    )
                    .label("an argument with this name is already declared")
                    .also(file, previous.span.clone(), "first declared here"),
                );
            } else {
                seen.insert(&arg.name.text, &arg.name);
            }
            args.push(Arg {
                name: arg.name.text.clone(),
                ty: self.resolve(file, &arg.ty),
            });
        }
        let returns = match (&method.oneway, &method.returns) {
            (Some(_), Some(ty)) => {
                self.semantic(
                    Problem::new(
                        file,
                        ty.span.clone(),
                        format!("oneway method `{}` cannot return a value", name.text),
                    )
                    .label("the caller of a oneway method never receives a reply")
                    .help("remove `oneway` or the result type"),
                );
                Returns::Oneway
            }
            (Some(_), None) => Returns::Oneway,
            (None, None) => Returns::Nothing,
            (None, Some(ty)) => match &ty.kind {
                TypeKind::Stream(item) => Returns::Stream(self.resolve(file, item)),
                _ => Returns::Value(self.resolve(file, ty)),
            },
        };
        if let (Some(oneway), Some(first)) = (&method.oneway, method.throws.first()) {
            self.semantic(
                Problem::new(
                    file,
                    first.span.clone(),
                    format!("oneway method `{}` cannot throw", name.text),
                )
                .label("the caller of a oneway method never receives an error")
                .also(file, oneway.clone(), "declared oneway here"),
            );
        }
        let mut throws: Vec<String> = Vec::with_capacity(method.throws.len());
        for thrown in &method.throws {
            if throws.contains(&thrown.text) {
                self.semantic(
                    Problem::new(
                        file,
                        thrown.span.clone(),
                        format!("`{}` is listed twice in `throws`", thrown.text),
                    )
                    .label("already listed"),
                );
                continue;
            }
            self.check_thrown(file, thrown);
            throws.push(thrown.text.clone());
        }
        Method {
            name: name.text.clone(),
            doc: method.doc.as_ref().map(|d| d.text.clone()),
            annotations: self.annotations(file, &method.annotations),
            args,
            returns,
            throws,
        }
    }

    fn check_thrown(&mut self, file: FileId, thrown: &ast::Name) {
        match self.symbols.get(thrown.text.as_str()) {
            Some(symbol) if symbol.kind == Kind::Error => {}
            Some(symbol) => {
                let problem = Problem::new(
                    file,
                    thrown.span.clone(),
                    format!("`{}` is not an error type", thrown.text),
                )
                .label(format!("`{}` is {}", thrown.text, symbol.kind.word()))
                .also(symbol.file, symbol.span.clone(), "declared here")
                .help(format!(
                    "only `error` declarations can be thrown: `error {} {{ ... }}`",
                    thrown.text
                ));
                self.semantic(problem);
            }
            None => {
                let candidates: Vec<&str> = self
                    .symbols
                    .iter()
                    .filter(|(_, s)| s.kind == Kind::Error)
                    .map(|(n, _)| *n)
                    .collect();
                let mut problem = Problem::new(
                    file,
                    thrown.span.clone(),
                    format!("unknown error type `{}`", thrown.text),
                )
                .label("no error with this name is declared");
                if let Some(suggestion) = did_you_mean(&thrown.text, candidates) {
                    problem = problem.help(format!("did you mean `{suggestion}`?"));
                }
                self.semantic(problem);
            }
        }
    }

    fn annotations(&mut self, file: FileId, annotations: &[ast::Annotation]) -> Vec<Annotation> {
        annotations
            .iter()
            .map(|a| {
                self.check_reserved_prefix(file, &a.name);
                Annotation {
                    name: a.name.text.clone(),
                    args: a.args.iter().map(lower_value).collect(),
                }
            })
            .collect()
    }

    /// Resolves a type expression, reporting unknown names and misplaced `stream<T>`.
    fn resolve(&mut self, file: FileId, ty: &TypeExpr) -> Type {
        match &ty.kind {
            TypeKind::Named(name) => {
                if let Some(builtin) = Type::from_builtin_name(name) {
                    return builtin;
                }
                match name.as_str() {
                    "list" | "map" | "stream" => {
                        let example = match name.as_str() {
                            "list" => "list<string>",
                            "map" => "map<string, i64>",
                            _ => "stream<u32>",
                        };
                        self.structural(
                            Problem::new(
                                file,
                                ty.span.clone(),
                                format!("`{name}` needs type arguments"),
                            )
                            .label("missing `<...>`")
                            .help(format!("write it like `{example}`")),
                        );
                        return Type::Any;
                    }
                    _ => {}
                }
                self.check_named(file, name, &ty.span);
                Type::Named(name.clone())
            }
            TypeKind::Unknown => Type::Any,
            TypeKind::List(item) => Type::List(Box::new(self.resolve(file, item))),
            TypeKind::Map(key, value) => {
                let key_type = self.resolve(file, key);
                self.check_map_key(file, key, &key_type);
                Type::Map(Box::new(key_type), Box::new(self.resolve(file, value)))
            }
            TypeKind::Optional(inner) => Type::Optional(Box::new(self.resolve(file, inner))),
            TypeKind::Stream(item) => {
                self.structural(
                    Problem::new(
                        file,
                        ty.span.clone(),
                        "`stream<T>` is only allowed as a method's result",
                    )
                    .label("not a method result")
                    .help("use `list<T>` for a collection inside a value"),
                );
                self.resolve(file, item)
            }
        }
    }

    fn check_named(&mut self, file: FileId, name: &str, span: &Span) {
        match self.symbols.get(name) {
            Some(symbol) if symbol.kind.is_type() => {}
            Some(symbol) => {
                let problem = Problem::new(file, span.clone(), format!("`{name}` is not a type"))
                    .label(format!("`{name}` is {}", symbol.kind.word()))
                    .also(symbol.file, symbol.span.clone(), "declared here");
                self.semantic(problem);
            }
            None => {
                let mut candidates: Vec<&str> = self
                    .symbols
                    .iter()
                    .filter(|(_, s)| s.kind.is_type())
                    .map(|(n, _)| *n)
                    .collect();
                candidates.extend(BUILTIN_TYPE_NAMES);
                let mut problem =
                    Problem::new(file, span.clone(), format!("unknown type `{name}`"))
                        .label("no type with this name is declared or imported");
                if let Some(suggestion) = did_you_mean(name, candidates) {
                    problem = problem.help(format!("did you mean `{suggestion}`?"));
                }
                self.semantic(problem);
            }
        }
    }

    /// Optional directly or through aliases (`type Note = string?`).
    fn is_optional(&self, ty: &Type) -> bool {
        matches!(
            self.resolve_alias(ty),
            Some(ResolvedType::Model(Type::Optional(_)))
                | Some(ResolvedType::Ast(TypeExpr {
                    kind: TypeKind::Optional(_),
                    ..
                }))
        )
    }

    /// Follows aliases by name; `None` for unknown names and alias cycles.
    fn resolve_alias<'t>(&self, ty: &'t Type) -> Option<ResolvedType<'t, 'a>> {
        let mut current = ResolvedType::Model(ty);
        for _ in 0..=self.symbols.len() {
            let name = match current {
                ResolvedType::Model(Type::Named(name)) => name.as_str(),
                ResolvedType::Ast(TypeExpr {
                    kind: TypeKind::Named(name),
                    ..
                }) if Type::from_builtin_name(name).is_none() => name.as_str(),
                other => return Some(other),
            };
            let symbol = self.symbols.get(name)?;
            match symbol.decl {
                Decl::Alias { ty, .. } => current = ResolvedType::Ast(ty),
                _ => return Some(ResolvedType::Decl(symbol.decl)),
            }
        }
        None
    }

    fn check_map_key(&mut self, file: FileId, key: &TypeExpr, key_type: &Type) {
        let allowed = match self.resolve_alias(key_type) {
            Some(ResolvedType::Model(t)) => *t == Type::String || t.is_integer(),
            Some(ResolvedType::Ast(t)) => match &t.kind {
                TypeKind::Named(n) => {
                    Type::from_builtin_name(n).is_some_and(|t| t == Type::String || t.is_integer())
                }
                _ => false,
            },
            Some(ResolvedType::Decl(decl)) => matches!(decl, Decl::Enum { .. }),
            // Unknown names are reported elsewhere.
            None => true,
        };
        if !allowed {
            self.semantic(
                Problem::new(file, key.span.clone(), format!("`{}` cannot be a map key", type_to_string(key_type)))
                    .label("not a valid key type")
                    .help("map keys must be `string`, an integer type or an enum, so every language can use them"),
            );
        }
    }

    /// Checks a literal against the type it must fit; reports at the innermost offending literal.
    fn check_value(&mut self, file: FileId, value: &ValueExpr, ty: &Type, what: &str) {
        if self.mode != Mode::Full {
            return;
        }
        if let Some(reason) = self.value_mismatch(value, ty) {
            let (span, label) = reason;
            self.problems.push(
                Problem::new(
                    file,
                    span,
                    format!("{what} does not fit type `{}`", type_to_string(ty)),
                )
                .label(label),
            );
        }
    }

    /// Why `value` does not fit `ty`: the span of the offending literal and words for it.
    fn value_mismatch(&self, value: &ValueExpr, ty: &Type) -> Option<(Span, String)> {
        let here = |label: String| Some((value.span.clone(), label));
        if let ValueKind::Ident(name) = &value.kind {
            if let Some(symbol) = self.symbols.get(name.as_str()) {
                if let Decl::Const { ty: const_ty, .. } = symbol.decl {
                    let const_type = syntactic_type(const_ty);
                    return if self.same_type(&const_type, ty) {
                        None
                    } else {
                        here(format!(
                            "const `{name}` has type `{}`",
                            type_to_string(&const_type)
                        ))
                    };
                }
            }
        }
        match ty {
            Type::Optional(inner) => {
                if value.kind == ValueKind::Null {
                    None
                } else {
                    self.value_mismatch(value, inner)
                }
            }
            Type::Any => None,
            Type::Bool => match value.kind {
                ValueKind::Bool(_) => None,
                _ => here(format!(
                    "expected `true` or `false`, found {}",
                    describe_value(&value.kind)
                )),
            },
            Type::F32 | Type::F64 => match value.kind {
                ValueKind::Float(_) | ValueKind::Int(_) | ValueKind::UInt(_) => None,
                _ => here(format!(
                    "expected a number, found {}",
                    describe_value(&value.kind)
                )),
            },
            Type::String | Type::Bytes => match value.kind {
                ValueKind::String(_) => None,
                _ => here(format!(
                    "expected a string, found {}",
                    describe_value(&value.kind)
                )),
            },
            t if t.is_integer() => {
                let (min, max) = integer_range(t);
                let fits = match value.kind {
                    ValueKind::Int(i) => i128::from(i) >= min && i128::from(i) <= max,
                    ValueKind::UInt(u) => i128::from(u) <= max,
                    _ => {
                        return here(format!(
                            "expected an integer, found {}",
                            describe_value(&value.kind)
                        ))
                    }
                };
                if fits {
                    None
                } else {
                    here(format!("`{}` holds {min} to {max}", type_to_string(t)))
                }
            }
            Type::List(item) => match &value.kind {
                ValueKind::List(items) => items.iter().find_map(|v| self.value_mismatch(v, item)),
                _ => here(format!(
                    "expected a list such as `[]`, found {}",
                    describe_value(&value.kind)
                )),
            },
            Type::Map(key, val) => match &value.kind {
                ValueKind::Map(entries) => entries.iter().find_map(|(k, v)| {
                    self.value_mismatch(k, key)
                        .or_else(|| self.value_mismatch(v, val))
                }),
                _ => here(format!(
                    "expected a map such as `{{}}`, found {}",
                    describe_value(&value.kind)
                )),
            },
            Type::Named(name) => self.named_value_mismatch(value, name),
            _ => None,
        }
    }

    fn named_value_mismatch(&self, value: &ValueExpr, name: &str) -> Option<(Span, String)> {
        let here = |label: String| Some((value.span.clone(), label));
        // Unknown types are reported where they are named.
        let symbol = self.symbols.get(name)?;
        match symbol.decl {
            Decl::Alias { ty, .. } => {
                let target = syntactic_type(ty);
                self.resolve_alias(&target)?;
                self.value_mismatch(value, &target)
            }
            Decl::Enum { variants, .. } => match &value.kind {
                ValueKind::Ident(v) if variants.iter().any(|var| &var.name.text == v) => None,
                ValueKind::Ident(v) => {
                    let names: Vec<&str> =
                        variants.iter().map(|var| var.name.text.as_str()).collect();
                    let hint = match did_you_mean(v, names.iter().copied()) {
                        Some(s) => format!("; did you mean `{s}`?"),
                        None => format!("; its variants are {}", quoted_list(&names)),
                    };
                    here(format!("`{v}` is not a variant of enum `{name}`{hint}"))
                }
                other => here(format!(
                    "expected a variant of enum `{name}`, found {}",
                    describe_value(other)
                )),
            },
            Decl::Struct { fields, .. } | Decl::Error { fields, .. } => match &value.kind {
                ValueKind::Map(entries) => {
                    for (key, field_value) in entries {
                        let key_name = match &key.kind {
                            ValueKind::Ident(k) | ValueKind::String(k) => k,
                            _ => {
                                return Some((key.span.clone(), "expected a field name".to_owned()))
                            }
                        };
                        let Some(field) = fields.iter().find(|f| &f.name.text == key_name) else {
                            return Some((
                                key.span.clone(),
                                format!("`{name}` has no field `{key_name}`"),
                            ));
                        };
                        let field_type = syntactic_type(&field.ty);
                        if let Some(mismatch) = self.value_mismatch(field_value, &field_type) {
                            return Some(mismatch);
                        }
                    }
                    let missing = fields.iter().find(|f| {
                        f.default.is_none()
                            && !self.is_optional(&syntactic_type(&f.ty))
                            && !entries.iter().any(|(k, _)| matches!(&k.kind, ValueKind::Ident(n) | ValueKind::String(n) if *n == f.name.text))
                    });
                    missing.and_then(|f| here(format!("missing required field `{}`", f.name.text)))
                }
                other => here(format!(
                    "expected a map of the fields of `{name}`, found {}",
                    describe_value(other)
                )),
            },
            Decl::Union { variants, .. } => match &value.kind {
                ValueKind::Map(entries) if entries.len() == 1 => {
                    let (key, inner) = &entries[0];
                    let key_name = match &key.kind {
                        ValueKind::Ident(k) | ValueKind::String(k) => k,
                        _ => return Some((key.span.clone(), "expected a variant name".to_owned())),
                    };
                    let Some(variant) = variants.iter().find(|v| &v.name.text == key_name) else {
                        return Some((
                            key.span.clone(),
                            format!("`{key_name}` is not a variant of union `{name}`"),
                        ));
                    };
                    let ty = variant.ty.as_ref()?;
                    let variant_type = syntactic_type(ty);
                    self.value_mismatch(inner, &variant_type)
                }
                ValueKind::Map(entries) => here(format!(
                    "a union holds one variant: expected `{{variant: value}}`, found {} entries",
                    entries.len()
                )),
                other => here(format!(
                    "expected a one-entry map `{{variant: value}}` for union `{name}`, found {}",
                    describe_value(other)
                )),
            },
            _ => None,
        }
    }

    /// Type equality through aliases.
    fn same_type(&self, a: &Type, b: &Type) -> bool {
        let expand = |t: &Type| -> Type {
            let mut current = t.clone();
            for _ in 0..=self.symbols.len() {
                let Type::Named(name) = &current else { break };
                let Some(Symbol {
                    decl: Decl::Alias { ty, .. },
                    ..
                }) = self.symbols.get(name.as_str())
                else {
                    break;
                };
                current = syntactic_type(ty);
            }
            current
        };
        let (a, b) = (expand(a), expand(b));
        match (&a, &b) {
            (Type::List(x), Type::List(y)) | (Type::Optional(x), Type::Optional(y)) => {
                self.same_type(x, y)
            }
            (Type::Map(k1, v1), Type::Map(k2, v2)) => {
                self.same_type(k1, k2) && self.same_type(v1, v2)
            }
            _ => a == b,
        }
    }

    /// Structs, errors and unions that contain themselves through required members only.
    fn check_recursion(&mut self, inputs: &[Input<'a>]) {
        let mut order: Vec<&'a str> = Vec::new();
        let mut edges: HashMap<&'a str, Vec<Edge<'a>>> = HashMap::new();
        for input in inputs {
            for statement in &input.ast.statements {
                let members: Vec<(&'a ast::Name, &'a TypeExpr)> = match &statement.decl {
                    Decl::Struct { fields, .. } | Decl::Error { fields, .. } => {
                        fields.iter().map(|f| (&f.name, &f.ty)).collect()
                    }
                    Decl::Union { variants, .. } => variants
                        .iter()
                        .filter_map(|v| v.ty.as_ref().map(|t| (&v.name, t)))
                        .collect(),
                    _ => continue,
                };
                let Some(owner) = statement.decl.name() else {
                    continue;
                };
                order.push(&owner.text);
                let out = edges.entry(&owner.text).or_default();
                for (member, ty) in members {
                    if let Some(target) = self.required_ref(ty) {
                        out.push(Edge {
                            member,
                            file: input.file,
                            target,
                        });
                    }
                }
            }
        }
        let mut walk = CycleWalk {
            edges: &edges,
            path: Vec::new(),
            via: Vec::new(),
            done: HashSet::new(),
            reported: HashSet::new(),
            found: Vec::new(),
        };
        for start in order {
            walk.path.push(start);
            walk.visit(start);
            walk.path.pop();
        }
        for problem in walk.found {
            self.semantic(problem);
        }
    }

    /// The composite type a value of `ty` always contains (no optional, list or map between).
    fn required_ref(&self, ty: &'a TypeExpr) -> Option<&'a str> {
        let mut current = ty;
        for _ in 0..=self.symbols.len() {
            let TypeKind::Named(name) = &current.kind else {
                return None;
            };
            match self.symbols.get(name.as_str()) {
                Some(Symbol {
                    decl: Decl::Alias { ty, .. },
                    ..
                }) => current = ty,
                Some(Symbol {
                    kind: Kind::Struct | Kind::Error | Kind::Union,
                    ..
                }) => return Some(name.as_str()),
                _ => return None,
            }
        }
        None
    }

    /// `type A = B` / `type B = list<A>`: aliases must bottom out.
    fn check_alias_cycles(&mut self, inputs: &[Input<'a>]) {
        let mut aliases: Vec<(&'a ast::Name, &'a TypeExpr, FileId)> = Vec::new();
        for input in inputs {
            for statement in &input.ast.statements {
                if let Decl::Alias { name, ty } = &statement.decl {
                    aliases.push((name, ty, input.file));
                }
            }
        }
        let mut reported: HashSet<&str> = HashSet::new();
        for (name, ty, file) in &aliases {
            if reported.contains(name.text.as_str()) {
                continue;
            }
            // Walk alias references breadth-first, remembering the route back.
            let mut route: HashMap<&str, &str> = HashMap::new();
            let mut queue: Vec<&'a str> = self.alias_refs(ty);
            for r in &queue {
                route.entry(r).or_insert(name.text.as_str());
            }
            let mut found = false;
            while let Some(next) = queue.pop() {
                if next == name.text {
                    found = true;
                    break;
                }
                if let Some(Symbol {
                    decl: Decl::Alias { ty: next_ty, .. },
                    ..
                }) = self.symbols.get(next)
                {
                    for r in self.alias_refs(next_ty) {
                        if let std::collections::hash_map::Entry::Vacant(e) = route.entry(r) {
                            e.insert(next);
                            queue.push(r);
                        }
                    }
                }
            }
            if found {
                let mut chain = vec![name.text.as_str()];
                let mut at = route.get(name.text.as_str()).copied();
                while let Some(step) = at {
                    if step == name.text || chain.len() > aliases.len() {
                        break;
                    }
                    chain.push(step);
                    at = route.get(step).copied();
                }
                chain.reverse();
                chain.insert(0, name.text.as_str());
                for member in &chain {
                    reported.insert(member);
                }
                self.semantic(
                    Problem::new(*file, name.span.clone(), format!("type alias `{}` refers to itself", name.text))
                        .label("this alias never resolves to a type")
                        .note(format!("alias cycle: {}", chain.join(" -> ")))
                        .help("an alias must end in a built-in or declared type; use a struct for recursive data"),
                );
            }
        }
    }

    fn alias_refs(&self, ty: &'a TypeExpr) -> Vec<&'a str> {
        match &ty.kind {
            TypeKind::Named(n) => match self.symbols.get(n.as_str()) {
                Some(Symbol {
                    kind: Kind::Alias, ..
                }) => vec![n.as_str()],
                _ => Vec::new(),
            },
            TypeKind::Unknown => Vec::new(),
            TypeKind::List(t) | TypeKind::Optional(t) | TypeKind::Stream(t) => self.alias_refs(t),
            TypeKind::Map(k, v) => {
                let mut refs = self.alias_refs(k);
                refs.extend(self.alias_refs(v));
                refs
            }
        }
    }
}

/// `owner.member` always holds a `target`.
struct Edge<'a> {
    member: &'a ast::Name,
    file: FileId,
    target: &'a str,
}

/// Depth-first search for cycles of required members, one report per cycle.
struct CycleWalk<'e, 'a> {
    edges: &'e HashMap<&'a str, Vec<Edge<'a>>>,
    /// Types on the current route; `via[i]` is the member leading from `path[i]` to `path[i + 1]`.
    path: Vec<&'a str>,
    via: Vec<&'a str>,
    done: HashSet<&'a str>,
    reported: HashSet<Vec<&'a str>>,
    found: Vec<Problem>,
}

impl<'a> CycleWalk<'_, 'a> {
    fn visit(&mut self, node: &'a str) {
        if self.done.contains(node) {
            return;
        }
        for edge in self.edges.get(node).into_iter().flatten() {
            if let Some(position) = self.path.iter().position(|n| *n == edge.target) {
                let mut key: Vec<&str> = self.path[position..].to_vec();
                key.sort_unstable();
                if self.reported.insert(key) {
                    self.found.push(self.cycle_problem(position, edge));
                }
                continue;
            }
            self.path.push(edge.target);
            self.via.push(&edge.member.text);
            self.visit(edge.target);
            self.via.pop();
            self.path.pop();
        }
        self.done.insert(node);
    }

    fn cycle_problem(&self, position: usize, closing: &Edge<'a>) -> Problem {
        let members = self.via[position..]
            .iter()
            .copied()
            .chain(std::iter::once(closing.member.text.as_str()));
        let types = self.path[position..].iter().zip(
            self.path[position + 1..]
                .iter()
                .chain(std::iter::once(&closing.target)),
        );
        let description = types
            .zip(members)
            .map(|((from, to), member)| format!("`{from}.{member}` holds `{to}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let target = closing.target;
        let member = &closing.member.text;
        Problem::new(
            closing.file,
            closing.member.span.clone(),
            format!("recursive type `{target}` has no end"),
        )
        .label(format!("`{member}` always contains another `{target}`"))
        .note(description)
        .help("break the cycle with an optional (`T?`), a `list<T>` or a `map<K, T>`")
    }
}

/// Where alias resolution ended: a model type, a type as written, or a declaration.
#[derive(Clone, Copy)]
enum ResolvedType<'t, 'a> {
    Model(&'t Type),
    Ast(&'a TypeExpr),
    Decl(&'a Decl),
}

const BUILTIN_TYPE_NAMES: [&str; 14] = [
    "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "string", "bytes",
    "any",
];

fn integer_range(ty: &Type) -> (i128, i128) {
    match ty {
        Type::I8 => (i8::MIN.into(), i8::MAX.into()),
        Type::I16 => (i16::MIN.into(), i16::MAX.into()),
        Type::I32 => (i32::MIN.into(), i32::MAX.into()),
        Type::I64 => (i64::MIN.into(), i64::MAX.into()),
        Type::U8 => (0, u8::MAX.into()),
        Type::U16 => (0, u16::MAX.into()),
        Type::U32 => (0, u32::MAX.into()),
        _ => (0, u64::MAX.into()),
    }
}

fn describe_value(value: &ValueKind) -> String {
    match value {
        ValueKind::Null => "`null`".to_owned(),
        ValueKind::Bool(b) => format!("`{b}`"),
        ValueKind::Int(_) | ValueKind::UInt(_) => "an integer".to_owned(),
        ValueKind::Float(_) => "a float".to_owned(),
        ValueKind::String(_) => "a string".to_owned(),
        ValueKind::List(_) => "a list".to_owned(),
        ValueKind::Map(_) => "a map".to_owned(),
        ValueKind::Ident(name) => format!("`{name}`"),
    }
}

fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(distance, c)| *distance <= (c.len().max(name.len()) / 3).max(1))
        .min_by(|(d1, c1), (d2, c2)| d1.cmp(d2).then_with(|| c1.cmp(c2)))
        .map(|(_, c)| c)
}

pub(crate) fn lower_value(value: &ValueExpr) -> Value {
    match &value.kind {
        ValueKind::Null => Value::Null,
        ValueKind::Bool(b) => Value::Bool(*b),
        ValueKind::Int(i) => Value::Int(*i),
        ValueKind::UInt(u) => Value::UInt(*u),
        ValueKind::Float(f) => Value::Float(*f),
        ValueKind::String(s) => Value::String(s.clone()),
        ValueKind::List(items) => Value::List(items.iter().map(lower_value).collect()),
        ValueKind::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| (lower_value(k), lower_value(v)))
                .collect(),
        ),
        ValueKind::Ident(name) => Value::Ident(name.clone()),
    }
}

/// The model type an expression spells, without checking names (those are checked where the
/// expression is declared).
fn syntactic_type(ty: &TypeExpr) -> Type {
    match &ty.kind {
        TypeKind::Named(name) => {
            Type::from_builtin_name(name).unwrap_or_else(|| Type::Named(name.clone()))
        }
        TypeKind::List(item) => Type::List(Box::new(syntactic_type(item))),
        TypeKind::Map(key, value) => Type::Map(
            Box::new(syntactic_type(key)),
            Box::new(syntactic_type(value)),
        ),
        TypeKind::Optional(inner) => Type::Optional(Box::new(syntactic_type(inner))),
        TypeKind::Stream(item) => syntactic_type(item),
        TypeKind::Unknown => Type::Any,
    }
}
