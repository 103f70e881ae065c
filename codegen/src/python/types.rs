//! Python spellings of schema types: class names, annotations, imports, wire encode/decode
//! expressions, literals, and the view data of `models.py`.

use std::collections::BTreeSet;
use std::sync::Arc;

use askama::Template;
use zrpc_idl::model::{Alias, Enum, Schema, Struct, Type, TypeDef, Union};

use super::{docstring, docstring_lines};
use crate::naming::{doc_lines, event_class, pascal_case, shouty_snake_case, snake_case};
use zrpc_plan::reserved::PYTHON;
use zrpc_plan::{Derived, FieldPlan, Kind, Literal, Names, Plan, Position, Spelling};

/// Python class names of the schema's types (escaped where they would shadow a builtin).
pub(crate) struct TypeNames<'a> {
    schema: &'a Schema,
    pub(crate) plan: &'a Plan<'a>,
    /// Every name of the schema, distinct in its scope.
    pub(crate) names: Arc<Names>,
}

impl<'a> TypeNames<'a> {
    pub(crate) fn new(plan: &'a Plan<'a>) -> TypeNames<'a> {
        let schema = plan.schema;
        TypeNames {
            schema,
            plan,
            names: plan.names(SPELLING),
        }
    }

    /// The Python name of a declared type (or of a service, for client class names).
    pub(crate) fn class(&self, name: &str) -> String {
        self.names.type_name(name)
    }

    /// The class of variant `variant` of union `union`: `ShapeCircle`.
    pub(crate) fn variant_class(&self, union: &str, variant: &str) -> String {
        self.names.derived(Derived::VariantClass, union, variant)
    }

    /// The module-level function decoding union `union`: `shape_from_wire`.
    pub(crate) fn union_decoder(&self, union: &str) -> String {
        self.names.derived(Derived::UnionDecoder, union, "")
    }

    fn def(&self, name: &str) -> Option<&'a TypeDef> {
        self.schema.type_def(name)
    }

    /// The annotation of `ty`; `input` annotations accept any sequence / mapping.
    pub(crate) fn annotation(&self, ty: &Type, input: bool, imports: &mut Imports) -> String {
        match ty {
            Type::Bool => "bool".to_owned(),
            Type::I8 | Type::I16 | Type::I32 | Type::I64 => "int".to_owned(),
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => "int".to_owned(),
            Type::F32 | Type::F64 => "float".to_owned(),
            Type::String => "str".to_owned(),
            Type::Bytes => "bytes".to_owned(),
            Type::Any => {
                imports.typing("Any");
                "Any".to_owned()
            }
            Type::List(item) => {
                let item = self.annotation(item, input, imports);
                if input {
                    imports.abc("Sequence");
                    format!("Sequence[{item}]")
                } else {
                    format!("list[{item}]")
                }
            }
            Type::Map(key, value) => {
                let key = self.annotation(key, input, imports);
                let value = self.annotation(value, input, imports);
                if input {
                    imports.abc("Mapping");
                    format!("Mapping[{key}, {value}]")
                } else {
                    format!("dict[{key}, {value}]")
                }
            }
            Type::Optional(inner) => {
                imports.typing("Optional");
                format!("Optional[{}]", self.annotation(inner, input, imports))
            }
            Type::Named(name) => {
                let class = self.class(name);
                imports.model(&class);
                class
            }
        }
    }

    /// The wire form of the Python value `expr`; `None` when it already is its wire form.
    pub(crate) fn encode(&self, ty: &Type, expr: &str, depth: usize) -> Option<String> {
        match ty {
            Type::List(item) => {
                let var = var("v", depth);
                let inner = self.encode(item, &var, depth + 1)?;
                Some(format!("[{inner} for {var} in {expr}]"))
            }
            Type::Map(key, value) => {
                let (k, v) = (var("k", depth), var("v", depth));
                let key_wire = self.encode(key, &k, depth + 1);
                let value_wire = self.encode(value, &v, depth + 1);
                if key_wire.is_none() && value_wire.is_none() {
                    return None;
                }
                Some(format!(
                    "{{{}: {} for {k}, {v} in {expr}.items()}}",
                    key_wire.unwrap_or_else(|| k.clone()),
                    value_wire.unwrap_or_else(|| v.clone())
                ))
            }
            Type::Optional(inner) => {
                let inner = self.encode(inner, expr, depth)?;
                Some(format!("None if {expr} is None else {inner}"))
            }
            Type::Named(name) => match self.def(name) {
                Some(TypeDef::Enum(_)) => Some(format!("{expr}.value")),
                Some(TypeDef::Struct(_) | TypeDef::Error(_) | TypeDef::Union(_)) => {
                    Some(format!("{expr}.to_wire()"))
                }
                Some(TypeDef::Alias(alias)) => self.encode(&alias.ty, expr, depth),
                None => None,
            },
            _ => None,
        }
    }

    /// The Python value decoded (and type-checked) from the wire value `expr`.
    pub(crate) fn decode(
        &self,
        ty: &Type,
        expr: &str,
        depth: usize,
        imports: &mut Imports,
    ) -> String {
        match ty {
            Type::Bool => format!("zrpc.expect_bool({expr})"),
            t if t.is_integer() => format!("zrpc.expect_int({expr})"),
            Type::F32 | Type::F64 => format!("zrpc.expect_float({expr})"),
            Type::String => format!("zrpc.expect_str({expr})"),
            Type::Bytes => format!("zrpc.expect_bytes({expr})"),
            Type::List(item) => {
                let var = var("v", depth);
                format!(
                    "[{} for {var} in zrpc.expect_list({expr})]",
                    self.decode(item, &var, depth + 1, imports)
                )
            }
            Type::Map(key, value) => {
                let (k, v) = (var("k", depth), var("v", depth));
                format!(
                    "{{{}: {} for {k}, {v} in zrpc.expect_map({expr}).items()}}",
                    self.decode(key, &k, depth + 1, imports),
                    self.decode(value, &v, depth + 1, imports)
                )
            }
            Type::Optional(inner) => format!(
                "None if {expr} is None else {}",
                self.decode(inner, expr, depth, imports)
            ),
            Type::Named(name) => match self.def(name) {
                Some(TypeDef::Union(union)) => {
                    let decoder = self.union_decoder(&union.name);
                    imports.model(&decoder);
                    format!("{decoder}({expr})")
                }
                Some(TypeDef::Alias(alias)) => self.decode(&alias.ty, expr, depth, imports),
                Some(_) => format!("{}.from_wire({expr})", self.class(name)),
                None => expr.to_owned(),
            },
            // `any`: an untyped msgpack value.
            _ => expr.to_owned(),
        }
    }

    /// `value` as a Python expression.
    pub(crate) fn literal(&self, value: &Literal) -> String {
        match value {
            Literal::Null => "None".to_owned(),
            Literal::Bool(b) => if *b { "True" } else { "False" }.to_owned(),
            Literal::Int(i) => i.to_string(),
            Literal::UInt(u) => u.to_string(),
            Literal::Float(f) => float_literal(*f),
            Literal::String(s) => string_literal(s),
            Literal::Bytes(bytes) => bytes_literal(bytes),
            Literal::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|v| self.literal(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Literal::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.literal(k), self.literal(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Literal::Some(inner) => self.literal(inner),
            Literal::Enum { ty, variant } => {
                format!("{}.{}", self.class(ty), self.names.member(ty, variant))
            }
            Literal::Struct { ty, fields } => {
                let error = matches!(self.def(ty), Some(TypeDef::Error(_)));
                let args: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let kind = if error { Kind::ErrorField } else { Kind::Field };
                        format!(
                            "{}={}",
                            self.names.field(ty, &f.name, kind),
                            self.literal(&f.value)
                        )
                    })
                    .collect();
                format!("{}({})", self.class(ty), args.join(", "))
            }
            Literal::Union { ty, variant, value } => format!(
                "{}({})",
                self.variant_class(ty, variant),
                self.literal(value)
            ),
        }
    }
}

fn var(prefix: &str, depth: usize) -> String {
    if depth == 0 {
        prefix.to_owned()
    } else {
        format!("{prefix}{depth}")
    }
}

/// How Python spells the names of a schema.
const SPELLING: Spelling = Spelling {
    reserved: &PYTHON,
    spell,
    derive,
};

/// The Python spelling of one name (made distinct in its scope by [`Names`]): classes as
/// declared, members and consts SHOUTY, fields, methods and arguments snake_case; never one of
/// the names a class body or `Enum` treats specially.
fn spell(name: &str, kind: Kind) -> String {
    let position = kind.position();
    match kind {
        // A module-level `__class__` or `__name__` is magic, a `__private` one is mangled.
        Kind::Type => unmagic(&class_name(name)),
        Kind::Variant => pascal_case(name),
        Kind::Const => PYTHON.escape(&shouty_snake_case(name), position),
        Kind::Member => unmagic(&PYTHON.escape(&shouty_snake_case(name), position)),
        Kind::Field | Kind::ErrorField | Kind::Method | Kind::Arg => {
            unmagic(&PYTHON.escape(&snake_case(name), position))
        }
    }
}

/// The Python composition of names beside the types (made distinct by [`Names`]): a union's
/// variants and a service's events are classes of the package (`ShapeCircle`, `FeedReading`),
/// a union is decoded by a function of the module (`shape_from_wire`).
fn derive(names: &Names, kind: Derived, owner: &str, member: &str) -> Option<String> {
    match kind {
        Derived::UnionDecoder => Some(format!("{}_from_wire", snake_case(&names.type_name(owner)))),
        Derived::VariantClass => Some(class_name(&format!(
            "{}{}",
            names.type_name(owner),
            names.variant(owner, member)
        ))),
        Derived::EventClass => Some(event_class(names, owner, member)),
        Derived::ErrorSet => None,
    }
}

/// A class name (types, services).
pub(crate) fn class_name(name: &str) -> String {
    PYTHON.escape(name, Position::Type)
}

/// `_sunder_`, `__dunder__` and `__private` names mean something else in a class body;
/// underscores appended make them plain names (`_value_` → `_value__`, `__x` → `__x___`).
pub(crate) fn unmagic(name: &str) -> String {
    let sunder_or_dunder = name.len() > 2 && name.starts_with('_') && name.ends_with('_');
    if name.starts_with("__") && !name.ends_with("__") {
        format!("{name}___")
    } else if sunder_or_dunder {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

fn float_literal(f: f64) -> String {
    if f.is_nan() {
        "float(\"nan\")".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 {
            "float(\"inf\")"
        } else {
            "float(\"-inf\")"
        }
        .to_owned()
    } else {
        format!("{f:?}")
    }
}

/// `b"..."`: printable ASCII as is, every other byte as `\\xNN`.
fn bytes_literal(bytes: &[u8]) -> String {
    let quote = preferred_quote(
        bytes.iter().filter(|&&b| b == b'"').count(),
        bytes.iter().filter(|&&b| b == b'\'').count(),
    );
    let mut out = format!("b{quote}");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b if b == quote as u8 => {
                out.push('\\');
                out.push(quote);
            }
            b' '..=b'~' => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

/// The quote ruff format (black) settles on: double, unless that needs more escapes.
fn preferred_quote(double_quotes: usize, single_quotes: usize) -> char {
    if double_quotes > single_quotes {
        '\''
    } else {
        '"'
    }
}

/// A str literal quoted as ruff format prefers.
fn string_literal(s: &str) -> String {
    let quote = preferred_quote(s.matches('"').count(), s.matches('\'').count());
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// What a generated module imports; rendered as sorted, grouped import lines.
#[derive(Default, Clone)]
pub(crate) struct Imports {
    typing: BTreeSet<&'static str>,
    abc: BTreeSet<&'static str>,
    models: BTreeSet<String>,
    /// In `models.py` the schema's classes are local, not imported.
    models_are_local: bool,
    dataclasses: BTreeSet<&'static str>,
    enum_: bool,
}

impl Imports {
    pub(crate) fn for_client() -> Imports {
        Imports::default()
    }

    fn for_models() -> Imports {
        Imports {
            models_are_local: true,
            ..Imports::default()
        }
    }

    pub(crate) fn typing(&mut self, name: &'static str) {
        self.typing.insert(name);
    }

    pub(crate) fn abc(&mut self, name: &'static str) {
        self.abc.insert(name);
    }

    pub(crate) fn dataclass(&mut self, name: &'static str) {
        self.dataclasses.insert(name);
    }

    pub(crate) fn model(&mut self, class: &str) {
        if !self.models_are_local {
            self.models.insert(class.to_owned());
        }
    }

    pub(crate) fn merge(&mut self, other: &Imports) {
        self.typing.extend(&other.typing);
        self.abc.extend(&other.abc);
        self.models.extend(other.models.iter().cloned());
        self.dataclasses.extend(&other.dataclasses);
        self.enum_ |= other.enum_;
    }

    /// `from __future__`, standard library, third party (the zrpc runtime), then package-local
    /// imports.
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            "from __future__ import annotations".to_owned(),
            String::new(),
        ];
        let mut stdlib = Vec::new();
        if !self.abc.is_empty() {
            stdlib.push(import_line("collections.abc", &names(&self.abc)));
        }
        if !self.dataclasses.is_empty() {
            stdlib.push(import_line("dataclasses", &names(&self.dataclasses)));
        }
        if self.enum_ {
            stdlib.push("from enum import Enum".to_owned());
        }
        if !self.typing.is_empty() {
            stdlib.push(import_line("typing", &names(&self.typing)));
        }
        if !stdlib.is_empty() {
            lines.extend(stdlib);
            lines.push(String::new());
        }
        lines.push("import zrpc".to_owned());
        if !self.models.is_empty() {
            let models: Vec<String> = self.models.iter().cloned().collect();
            lines.push(String::new());
            lines.push(import_line(".models", &models));
        }
        lines
    }
}

fn names(set: &BTreeSet<&'static str>) -> Vec<String> {
    set.iter().map(|s| s.to_string()).collect()
}

/// `from module import a, b`; parenthesized when too long, for the layout pass to explode.
pub(crate) fn import_line(module: &str, names: &[String]) -> String {
    let line = format!("from {module} import {}", names.join(", "));
    if line.len() <= zrpc_plan::layout::PYTHON.width {
        line
    } else {
        format!("from {module} import ({})", names.join(", "))
    }
}

#[derive(Template)]
#[template(path = "python/models.py.jinja", escape = "none")]
pub(crate) struct Models {
    pub(crate) package: String,
    imports: Vec<String>,
    pub(crate) all: Vec<String>,
    consts: Vec<ConstView>,
    enums: Vec<EnumView>,
    structs: Vec<StructView>,
    errors: Vec<StructView>,
    unions: Vec<UnionView>,
    aliases: Vec<AliasView>,
}

struct ConstView {
    name: String,
    annotation: String,
    value: String,
    doc: Option<String>,
}

struct EnumView {
    name: String,
    wire: String,
    docstring: String,
    members: Vec<MemberView>,
}

struct MemberView {
    name: String,
    wire: String,
    doc: Option<String>,
}

struct StructView {
    name: String,
    wire: String,
    docstring: String,
    /// Dataclass / constructor order: fields without a default first.
    fields: Vec<FieldView>,
    /// Fields in wire order (for `to_wire`).
    wire_fields: Vec<FieldView>,
    /// Optional and defaulted fields, read into locals before the constructor call.
    absent_locals: Vec<(String, String)>,
    /// The wire names in declaration order, as a Python tuple literal.
    field_names: String,
}

#[derive(Clone)]
struct FieldView {
    name: String,
    wire: String,
    annotation: String,
    /// ` = ...` for a dataclass field, empty when required.
    default: String,
    /// The `__init__` parameter of an error: annotation, ` = default`, and the value assigned.
    param_annotation: String,
    param_default: String,
    param_assign: String,
    /// The `from_wire` local holding the raw value of an optional or defaulted field.
    local: String,
    doc: Option<String>,
    encode: String,
    decode: String,
}

struct UnionView {
    name: String,
    decoder: String,
    docstring: String,
    variants: Vec<VariantView>,
}

struct VariantView {
    class: String,
    wire: String,
    annotation: String,
    docstring: String,
    encode: String,
    decode: String,
}

struct AliasView {
    name: String,
    target: String,
    doc: Option<String>,
}

/// The view data of `models.py`.
pub(crate) fn models(names: &TypeNames, package: &str) -> Models {
    let schema = names.schema;
    let mut imports = Imports::for_models();
    let mut all = Vec::new();
    let consts = names
        .plan
        .consts
        .iter()
        .map(|planned| {
            let c = planned.def;
            imports.typing("Final");
            let name = names.names.constant(&c.name);
            all.push(name.clone());
            ConstView {
                annotation: names.annotation(&c.ty, false, &mut imports),
                value: names.literal(&planned.value),
                doc: attribute_doc(c.doc.as_deref(), 0),
                name,
            }
        })
        .collect();
    let mut enums = Vec::new();
    let mut structs = Vec::new();
    let mut errors = Vec::new();
    let mut unions = Vec::new();
    let mut aliases = Vec::new();
    for def in &schema.types {
        all.push(names.class(def.name()));
        match def {
            TypeDef::Enum(e) => {
                imports.enum_ = true;
                enums.push(enum_view(e, names));
            }
            TypeDef::Struct(s) => {
                imports.dataclasses.insert("dataclass");
                imports.typing("Any");
                structs.push(struct_view(s, names, &mut imports, false));
            }
            TypeDef::Error(s) => {
                imports.typing("Any");
                imports.typing("Optional");
                errors.push(struct_view(s, names, &mut imports, true));
            }
            TypeDef::Union(u) => {
                imports.dataclasses.insert("dataclass");
                imports.typing("Any");
                imports.typing("Union");
                let view = union_view(u, names, &mut imports);
                all.push(view.decoder.clone());
                all.extend(view.variants.iter().map(|v| v.class.clone()));
                unions.push(view);
            }
            TypeDef::Alias(a) => aliases.push(alias_view(a, names, &mut imports)),
        }
    }
    Models {
        package: package.to_owned(),
        imports: imports.lines(),
        all: super::sorted(all.into_iter()),
        consts,
        enums,
        structs,
        errors,
        unions,
        aliases: order_aliases(aliases, schema, names),
    }
}

/// `"""doc"""` placed after an attribute (the convention Sphinx and IDEs read).
fn attribute_doc(doc: Option<&str>, indent: usize) -> Option<String> {
    let lines = doc_lines(doc);
    if lines.is_empty() {
        None
    } else {
        Some(docstring_lines(
            &lines.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
            indent,
        ))
    }
}

fn enum_view(e: &Enum, names: &TypeNames) -> EnumView {
    EnumView {
        name: names.class(&e.name),
        wire: e.name.clone(),
        docstring: docstring(e.doc.as_deref(), &format!("The {} enum.", e.name), 4),
        members: e
            .variants
            .iter()
            .map(|v| MemberView {
                name: names.names.member(&e.name, &v.name),
                wire: string_literal(&v.name),
                doc: attribute_doc(v.doc.as_deref(), 4),
            })
            .collect(),
    }
}

fn struct_view(s: &Struct, names: &TypeNames, imports: &mut Imports, error: bool) -> StructView {
    let kind = if error { Kind::ErrorField } else { Kind::Field };
    let plan = names
        .plan
        .structure(&s.name)
        .expect("the plan covers every struct and error");
    let wire_fields: Vec<FieldView> = plan
        .fields
        .iter()
        .map(|f| field_view(f, &s.name, names, imports, kind))
        .collect();
    let fields: Vec<FieldView> = plan
        .constructor_order()
        .map(|f| field_view(f, &s.name, names, imports, kind))
        .collect();
    let absent_locals = plan
        .fields
        .iter()
        .zip(&wire_fields)
        .filter(|(f, _)| !f.required())
        .map(|(f, view)| (view.local.clone(), string_literal(&f.def.name)))
        .collect();
    // Dataclass fields with mutable defaults need `field(default_factory=...)`.
    if !error && fields.iter().any(|f| f.default.contains("field(")) {
        imports.dataclasses.insert("field");
    }
    let quoted: Vec<String> = s.fields.iter().map(|f| string_literal(&f.name)).collect();
    let field_names = match quoted.as_slice() {
        [single] => format!("({single},)"),
        _ => format!("({})", quoted.join(", ")),
    };
    StructView {
        field_names,
        name: names.class(&s.name),
        wire: string_literal(&s.name),
        docstring: docstring(s.doc.as_deref(), &format!("The {} struct.", s.name), 4),
        fields,
        wire_fields,
        absent_locals,
    }
}

fn field_view(
    planned: &FieldPlan,
    owner: &str,
    names: &TypeNames,
    imports: &mut Imports,
    kind: Kind,
) -> FieldView {
    let f = planned.def;
    let name = names.names.field(owner, &f.name, kind);
    let local = PYTHON.escape(&name, Position::Local);
    let annotation = names.annotation(&f.ty, false, imports);
    let self_expr = format!("self.{name}");
    let encode = names.encode(&f.ty, &self_expr, 0).unwrap_or(self_expr);
    let wire = string_literal(&f.name);
    let mut param_annotation = annotation.clone();
    let mut param_assign = name.clone();
    let inner = names.plan.strip_optional(&f.ty);
    let (default, param_default, decode) = match planned.absent_value() {
        Some(value) => {
            let literal = names.literal(&value);
            let field_default = match &value {
                Literal::List(items) if items.is_empty() => {
                    "field(default_factory=list)".to_owned()
                }
                Literal::Map(entries) if entries.is_empty() => {
                    "field(default_factory=dict)".to_owned()
                }
                value if value.is_mutable() => {
                    format!("field(default_factory=lambda: {literal})")
                }
                _ => literal.clone(),
            };
            let decode = format!(
                "{literal} if {local} is None else {}",
                names.decode(inner, &local, 0, imports)
            );
            if field_default.starts_with("field(") {
                // Mutable defaults of an error's `__init__` are built per call.
                imports.typing("Optional");
                param_annotation = format!("Optional[{annotation}]");
                param_assign = format!("{literal} if {name} is None else {name}");
                (format!(" = {field_default}"), " = None".to_owned(), decode)
            } else {
                (
                    format!(" = {field_default}"),
                    format!(" = {literal}"),
                    decode,
                )
            }
        }
        None => (
            String::new(),
            String::new(),
            names.decode(
                &f.ty,
                &format!(
                    "zrpc.expect_field(fields, {wire}, {})",
                    string_literal(owner)
                ),
                0,
                imports,
            ),
        ),
    };
    FieldView {
        local,
        param_annotation,
        param_assign,
        annotation,
        default,
        param_default,
        // A struct's attribute docstring is in the class body, an error's in `__init__`.
        doc: attribute_doc(
            f.doc.as_deref(),
            if kind == Kind::ErrorField { 8 } else { 4 },
        ),
        encode,
        decode,
        wire,
        name,
    }
}

fn union_view(u: &Union, names: &TypeNames, imports: &mut Imports) -> UnionView {
    let name = names.class(&u.name);
    UnionView {
        decoder: names.union_decoder(&u.name),
        docstring: docstring(
            u.doc.as_deref(),
            &format!("The {} union: exactly one of its variants.", u.name),
            0,
        ),
        variants: u
            .variants
            .iter()
            .map(|v| {
                let class = names.variant_class(&u.name, &v.name);
                let mut doc = vec![format!("The ``{}`` variant of :data:`{name}`.", v.name)];
                let own = doc_lines(v.doc.as_deref());
                if !own.is_empty() {
                    doc.push(String::new());
                    doc.extend(own.iter().map(|l| l.to_string()));
                }
                VariantView {
                    wire: string_literal(&v.name),
                    annotation: names.annotation(&v.ty, false, imports),
                    docstring: docstring_lines(&doc, 4),
                    encode: names
                        .encode(&v.ty, "self.value", 0)
                        .unwrap_or_else(|| "self.value".to_owned()),
                    decode: names.decode(&v.ty, "value", 0, imports),
                    class,
                }
            })
            .collect(),
        name,
    }
}

fn alias_view(a: &Alias, names: &TypeNames, imports: &mut Imports) -> AliasView {
    // The alias is evaluated at import time, so it needs the runtime form of the annotation.
    let target = names.annotation(&a.ty, false, imports);
    AliasView {
        name: names.class(&a.name),
        target,
        doc: attribute_doc(a.doc.as_deref(), 0),
    }
}

/// Aliases after the aliases they refer to (classes are all defined before any alias).
fn order_aliases(aliases: Vec<AliasView>, schema: &Schema, names: &TypeNames) -> Vec<AliasView> {
    let alias_defs: Vec<&Alias> = schema
        .types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Alias(a) => Some(a),
            _ => None,
        })
        .collect();
    let mut pending: Vec<(AliasView, &Alias)> = aliases.into_iter().zip(alias_defs).collect();
    let mut ordered: Vec<AliasView> = Vec::new();
    let mut emitted: BTreeSet<String> = BTreeSet::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for (view, def) in pending {
            let ready = referenced(&def.ty).iter().all(|name| {
                !matches!(schema.type_def(name), Some(TypeDef::Alias(_)))
                    || emitted.contains(&names.class(name))
            });
            if ready {
                emitted.insert(view.name.clone());
                ordered.push(view);
            } else {
                rest.push((view, def));
            }
        }
        if rest.len() == before {
            // A cycle (validation rejects these); keep schema order rather than loop forever.
            ordered.extend(rest.into_iter().map(|(view, _)| view));
            break;
        }
        pending = rest;
    }
    ordered
}

fn referenced(ty: &Type) -> Vec<String> {
    match ty {
        Type::Named(name) => vec![name.clone()],
        Type::List(inner) | Type::Optional(inner) => referenced(inner),
        Type::Map(key, value) => {
            let mut names = referenced(key);
            names.extend(referenced(value));
            names
        }
        _ => Vec::new(),
    }
}
