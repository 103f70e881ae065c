//! PHP client generation: a PSR-4 tree (one class per file, `A\B` in `A/B.php`) with its own
//! `autoload.php` and a `composer.json`; the code uses the `zrpc/runtime` package
//! (`runtimes/php`, namespace `Zrpc\`) for the protocol.
//!
//! This pass computes every PHP name, native and PHPDoc type and conversion expression, so the
//! templates only lay them out.

use std::path::PathBuf;
use std::sync::Arc;

mod events;

use askama::Template;
use zrpc_idl::model::{Method, Returns, Schema, Service, Struct, Type, TypeDef, Union};

use heck::{ToLowerCamelCase, ToUpperCamelCase};

use crate::naming::{camel_case, derive_events, shouty_snake_case};
use crate::ruby::enum_name;
use crate::{Error, GeneratedFile};
use zrpc_plan::layout::{self, layout};
use zrpc_plan::reserved::PHP;
use zrpc_plan::{FieldPlan, Kind, Literal, Names, Plan, Position, Spelling};

/// Which way a conversion goes: wire form to PHP value (decode) or back (encode).
#[derive(Clone, Copy)]
enum Conversion {
    Decode,
    Encode,
}

/// Renders the PHP client: a list of (path relative to the output directory, contents).
pub fn generate(schema: &Schema) -> Result<Vec<GeneratedFile>, Error> {
    render(&Plan::new(schema)?)
}

/// Renders the PHP client of a planned schema.
pub fn render(plan: &Plan) -> Result<Vec<GeneratedFile>, Error> {
    let schema = plan.schema;
    let pass = PhpPass::new(plan);
    let namespace = pass.namespace.as_str();
    let mut files = vec![(
        PathBuf::from("autoload.php"),
        AutoloadTemplate {
            namespace,
            namespace_escaped: &namespace.replace('\\', "\\\\"),
        }
        .render()?
            + "\n",
    )];
    files.push((
        PathBuf::from("composer.json"),
        ComposerTemplate {
            package: composer_name(namespace),
            namespace_json: namespace.replace('\\', "\\\\"),
        }
        .render()?
            + "\n",
    ));
    if !schema.consts.is_empty() {
        let (methods, consts): (Vec<PhpConst>, Vec<PhpConst>) = plan
            .consts
            .iter()
            .map(|c| {
                let method = c.value.has_object().then(|| PhpConstMethod {
                    name: PHP.escape(&camel_case(&c.def.name), Position::Method),
                    returns: pass.native_type(&c.def.ty, Scope::Root),
                    doc_type: pass.doc_type(&c.def.ty),
                });
                let tags = match &method {
                    Some(m) if m.doc_type != m.returns => vec![format!("@return {}", m.doc_type)],
                    _ => vec![],
                };
                PhpConst {
                    doc: php_doc(c.def.doc.as_deref(), &tags, "    "),
                    name: PHP.escape(&shouty_snake_case(&c.def.name), Position::Const),
                    value: pass.literal(&c.value),
                    method,
                }
            })
            .partition(|c| c.method.is_some());
        let body = ConstsTemplate {
            namespace,
            consts,
            methods,
        }
        .render()?;
        files.push((php_file("Constants"), body + "\n"));
    }
    for def in &schema.types {
        let name = pass.names.type_name(def.name());
        match def {
            TypeDef::Struct(s) => files.push((
                php_file(&name),
                pass.struct_template(s, false).render()? + "\n",
            )),
            TypeDef::Error(s) => files.push((
                php_file(&name),
                pass.struct_template(s, true).render()? + "\n",
            )),
            TypeDef::Enum(e) => {
                let body = EnumTemplate {
                    namespace,
                    doc: php_doc(
                        Some(
                            e.doc
                                .as_deref()
                                .unwrap_or(&format!("The `{}` enum.", e.name)),
                        ),
                        &[],
                        "",
                    ),
                    name: name.clone(),
                    variants: e
                        .variants
                        .iter()
                        .map(|v| PhpVariant {
                            doc: php_doc(v.doc.as_deref(), &[], "    "),
                            name: pass.names.member(&e.name, &v.name),
                            wire: v.name.clone(),
                            from_wire: String::new(),
                        })
                        .collect(),
                }
                .render()?;
                files.push((php_file(&name), body + "\n"));
            }
            TypeDef::Union(u) => files.extend(pass.union_files(u)?),
            // PHP has no type aliases: uses of an alias resolve to its target.
            TypeDef::Alias(_) => {}
        }
    }
    for service in &schema.services {
        let name = client_class(service);
        let mut errors: Vec<String> = Vec::new();
        for method in &service.methods {
            for error in &method.throws {
                let entry = format!("'{error}' => {}::class", pass.names.type_name(error));
                if !errors.contains(&entry) {
                    errors.push(entry);
                }
            }
        }
        let body = ClientTemplate {
            namespace,
            doc: php_doc(
                Some(
                    service
                        .doc
                        .as_deref()
                        .unwrap_or(&format!("Client of the `{}` service.", service.name)),
                ),
                &[],
                "",
            ),
            name: name.clone(),
            errors: errors.join(", "),
            methods: service
                .methods
                .iter()
                .map(|m| pass.method(service, m))
                .collect(),
        }
        .render()?;
        files.push((php_file(&name), body + "\n"));
        files.extend(events::files(&pass, service)?);
    }
    // Templates write one statement per line; the layout pass breaks the long ones.
    Ok(files
        .into_iter()
        .map(|(path, contents)| {
            let contents = if path.extension() != Some("php".as_ref()) {
                contents
            } else {
                layout(&contents, &layout::PHP)
            };
            GeneratedFile { path, contents }
        })
        .collect())
}

/// `vendor/package` from the namespace: `Example\Calculator` -> `example/calculator`.
fn composer_name(namespace: &str) -> String {
    let parts: Vec<String> = namespace
        .split('\\')
        .map(|part| crate::naming::snake_case(part).replace('_', "-"))
        .collect();
    match parts.as_slice() {
        [single] => format!("zrpc-client/{single}"),
        [vendor, rest @ ..] => format!("{vendor}/{}", rest.join("-")),
        [] => "zrpc-client/client".to_string(),
    }
}

/// `composer.json`: PSR-4 autoload of the namespace, requiring `zrpc/runtime`.
#[derive(Template)]
#[template(path = "php/composer.json", escape = "none")]
struct ComposerTemplate {
    package: String,
    namespace_json: String,
}

fn php_file(class: &str) -> PathBuf {
    PathBuf::from(format!("{class}.php"))
}

#[derive(Template)]
#[template(path = "php/autoload.php", escape = "none")]
struct AutoloadTemplate<'a> {
    namespace: &'a str,
    namespace_escaped: &'a str,
}

#[derive(Template)]
#[template(path = "php/consts.php", escape = "none")]
struct ConstsTemplate<'a> {
    namespace: &'a str,
    consts: Vec<PhpConst>,
    methods: Vec<PhpConst>,
}

struct PhpConst {
    doc: String,
    name: String,
    value: String,
    /// Set for a value holding objects (a struct or union): PHP allows no `new` in a class
    /// constant, so such a const is a static method returning a fresh value: `Constants::origin()`.
    method: Option<PhpConstMethod>,
}

struct PhpConstMethod {
    name: String,
    returns: String,
    doc_type: String,
}

#[derive(Template)]
#[template(path = "php/struct.php", escape = "none")]
struct StructTemplate<'a> {
    namespace: &'a str,
    doc: String,
    ctor_doc: String,
    name: String,
    wire_name: String,
    error: bool,
    field_names: String,
    params: Vec<PhpField>,
    fields: Vec<PhpField>,
    /// Some property is declared apart and assigned in the constructor (`PhpField::init`).
    late_init: bool,
}

#[derive(Clone)]
struct PhpField {
    name: String,
    wire: String,
    php_type: String,
    default: Option<String>,
    /// A default holding objects, assigned in the constructor's body: a `new` call split over
    /// lines inside the parameter list cannot satisfy both PSR-12 sniffs (declaration and call
    /// indentation), so the parameter is nullable (`null` means the default, as on the wire)
    /// and the property is declared apart.
    init: Option<String>,
    /// The parameter's type: `php_type`, nullable when `init` is set.
    param_type: String,
    /// Statements computing a long conversion before the line that uses it (or empty).
    from_prelude: String,
    from_wire: String,
    to_prelude: String,
    to_wire: String,
}

#[derive(Template)]
#[template(path = "php/enum.php", escape = "none")]
struct EnumTemplate<'a> {
    namespace: &'a str,
    doc: String,
    name: String,
    variants: Vec<PhpVariant>,
}

struct PhpVariant {
    doc: String,
    name: String,
    wire: String,
    from_wire: String,
}

#[derive(Template)]
#[template(path = "php/union.php", escape = "none")]
struct UnionTemplate<'a> {
    namespace: &'a str,
    doc: String,
    name: String,
    variants: Vec<PhpVariant>,
}

#[derive(Template)]
#[template(path = "php/variant.php", escape = "none")]
struct VariantTemplate<'a> {
    namespace: &'a str,
    union: &'a str,
    doc: String,
    name: String,
    wire: String,
    php_type: String,
    to_prelude: String,
    to_wire: String,
}

#[derive(Template)]
#[template(path = "php/client.php", escape = "none")]
struct ClientTemplate<'a> {
    namespace: &'a str,
    doc: String,
    name: String,
    errors: String,
    methods: Vec<PhpMethod>,
}

struct PhpMethod {
    doc: String,
    name: String,
    params: String,
    returns: String,
    body: String,
}

/// `namespace php`, else the first service's name, else `Schema` (never the runtime's `Zrpc`).
fn namespace(schema: &Schema) -> String {
    match schema.namespace("php") {
        Some(ns) => ns
            .split('\\')
            .filter(|part| !part.is_empty())
            .map(studly)
            .collect::<Vec<_>>()
            .join("\\"),
        None => schema
            .services
            .first()
            .map_or_else(|| "Schema".to_string(), |s| studly(&s.name)),
    }
}

struct PhpPass<'a> {
    schema: &'a Schema,
    plan: &'a Plan<'a>,
    /// `Example\Calculator`.
    namespace: String,
    names: Arc<Names>,
}

/// How a file refers to the schema's classes: relatively from the root namespace, fully
/// qualified from a sub-namespace (union variants).
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Root,
    Nested,
}

impl<'a> PhpPass<'a> {
    fn new(plan: &'a Plan<'a>) -> Self {
        PhpPass {
            schema: plan.schema,
            plan,
            namespace: namespace(plan.schema),
            names: plan.names(SPELLING),
        }
    }

    /// A class of the generated tree as seen from `scope`.
    fn class_ref(&self, class: &str, scope: Scope) -> String {
        match scope {
            Scope::Root => class.to_string(),
            Scope::Nested => format!("\\{}\\{class}", self.namespace),
        }
    }

    fn struct_template(&self, s: &Struct, error: bool) -> StructTemplate<'_> {
        let position = if error {
            Position::ErrorField
        } else {
            Position::Field
        };
        let name = self.names.type_name(&s.name);
        let planned = self
            .plan
            .structure(&s.name)
            .expect("the plan covers every struct and error");
        let fields: Vec<PhpField> = planned
            .fields
            .iter()
            .map(|f| self.field(f, &s.name, &name, position))
            .collect();
        // PHP wants required parameters first; callers use named arguments anyway.
        let params: Vec<PhpField> = planned
            .constructor_order()
            .map(|f| self.field(f, &s.name, &name, position))
            .collect();
        let mut tags = Vec::new();
        for (field, php) in s.fields.iter().zip(&fields) {
            let doc_type = self.doc_type(&field.ty);
            let text = field.doc.as_deref().map(|d| d.replace('\n', " "));
            if doc_type != php.php_type || text.is_some() {
                let text = text.map(|t| format!(" {t}")).unwrap_or_default();
                tags.push(format!("@param {doc_type} ${}{text}", php.name));
            }
        }
        StructTemplate {
            namespace: &self.namespace,
            doc: php_doc(
                Some(
                    s.doc
                        .as_deref()
                        .unwrap_or(&format!("The `{}` record.", s.name)),
                ),
                &[],
                "",
            ),
            ctor_doc: php_doc(None, &tags, "    "),
            name,
            wire_name: s.name.clone(),
            error,
            field_names: s
                .fields
                .iter()
                .map(|f| quote(&f.name))
                .collect::<Vec<_>>()
                .join(", "),
            late_init: params.iter().any(|f| f.init.is_some()),
            params,
            fields,
        }
    }

    /// Field `planned` of the struct or error `def_name`, whose class is `owner`.
    fn field(
        &self,
        planned: &FieldPlan,
        def_name: &str,
        owner: &str,
        position: Position,
    ) -> PhpField {
        let f = planned.def;
        let name = self.names.field(def_name, &f.name, kind(position));
        let wire = format!("$wire[{}]", quote(&f.name));
        let source = match &planned.default {
            // Absent or null on the wire: the default, as every language reads it.
            Some(default) => {
                let inner = self.plan.strip_optional(&f.ty);
                let decode = self.decode_expr(inner, &wire, 0, Scope::Root);
                if decode == wire {
                    format!("{wire} ?? {}", self.literal(default))
                } else {
                    format!("isset({wire}) ? {decode} : {}", self.literal(default))
                }
            }
            None if planned.optional => format!("{wire} ?? null"),
            None => format!(
                "\\Zrpc\\Wire::field($wire, {}, {})",
                quote(&f.name),
                quote(owner)
            ),
        };
        let conversion_ty = if planned.default.is_some() {
            // Already decoded above.
            Type::Any
        } else {
            f.ty.clone()
        };
        let var = if name == "wire" { "wireField" } else { &name };
        let (from_prelude, from_wire) =
            self.hoist(Conversion::Decode, &conversion_ty, &source, var);
        let (to_prelude, to_wire) =
            self.hoist(Conversion::Encode, &f.ty, &format!("$this->{name}"), var);
        let php_type = self.native_type(&f.ty, Scope::Root);
        let absent = planned.absent_value();
        let init = absent
            .as_ref()
            .filter(|value| value.has_object())
            .map(|value| self.literal(value));
        let param_type = match (&init, php_type.as_str()) {
            (None, _) => php_type.clone(),
            (Some(_), nullable) if nullable.starts_with('?') || nullable.contains("null") => {
                php_type.clone()
            }
            (Some(_), "mixed") => php_type.clone(),
            (Some(_), native) if native.contains('|') => format!("{native}|null"),
            (Some(_), native) => format!("?{native}"),
        };
        PhpField {
            default: match &init {
                Some(_) => Some("null".to_string()),
                None => absent.map(|value| self.literal(&value)),
            },
            init,
            param_type,
            php_type,
            from_prelude,
            from_wire,
            to_prelude,
            to_wire,
            wire: f.name.clone(),
            name,
        }
    }

    fn union_files(&self, u: &Union) -> Result<Vec<(PathBuf, String)>, askama::Error> {
        let name = self.names.type_name(&u.name);
        let variants: Vec<PhpVariant> = u
            .variants
            .iter()
            .map(|v| PhpVariant {
                doc: String::new(),
                name: format!("{}{name}", self.names.variant(&u.name, &v.name)),
                wire: v.name.clone(),
                from_wire: self.decode_expr(&v.ty, "$value", 0, Scope::Root),
            })
            .collect();
        let mut files = vec![(
            php_file(&name),
            UnionTemplate {
                namespace: &self.namespace,
                doc: php_doc(
                    Some(u.doc.as_deref().unwrap_or(&format!(
                        "The `{}` union: exactly one of its variant classes.",
                        u.name
                    ))),
                    &[],
                    "",
                ),
                name: name.clone(),
                variants,
            }
            .render()?
                + "\n",
        )];
        for v in &u.variants {
            let class = format!("{}{name}", self.names.variant(&u.name, &v.name));
            let (to_prelude, to_wire) = self.hoist_in(
                (Conversion::Encode, Scope::Nested),
                &v.ty,
                "$this->value",
                "wire",
                8,
            );
            let body = VariantTemplate {
                namespace: &self.namespace,
                union: &name,
                doc: php_doc(
                    Some(
                        v.doc
                            .as_deref()
                            .unwrap_or(&format!("The `{}` variant of {{@see {name}}}.", v.name)),
                    ),
                    &[],
                    "",
                ),
                name: class.clone(),
                wire: v.name.clone(),
                php_type: self.native_type(&v.ty, Scope::Nested),
                to_prelude,
                to_wire,
            }
            .render()?;
            files.push((PathBuf::from(format!("{name}/{class}.php")), body + "\n"));
        }
        Ok(files)
    }

    fn method(&self, service: &Service, m: &Method) -> PhpMethod {
        let name = self.names.method(&service.name, &m.name);
        let names: Vec<String> = m
            .args
            .iter()
            .map(|a| self.names.arg(&service.name, &m.name, &a.name))
            .collect();
        // Optional arguments default to null when no required argument follows them.
        let defaulted_from = m
            .args
            .iter()
            .rposition(|a| !matches!(self.schema.resolve_alias(&a.ty), Type::Optional(_)))
            .map_or(0, |last_required| last_required + 1);
        let mut params: Vec<String> = m
            .args
            .iter()
            .zip(&names)
            .enumerate()
            .map(|(i, (a, n))| {
                let default = if i >= defaulted_from { " = null" } else { "" };
                format!("{} ${n}{default}", self.native_type(&a.ty, Scope::Root))
            })
            .collect();
        params.push("?float $timeout = null".to_string());
        let mut tags: Vec<String> = m
            .args
            .iter()
            .zip(&names)
            .filter_map(|(a, n)| {
                let doc_type = self.doc_type(&a.ty);
                (doc_type != self.native_type(&a.ty, Scope::Root))
                    .then(|| format!("@param {doc_type} ${n}"))
            })
            .collect();
        tags.push(
            "@param ?float $timeout seconds to wait for the reply (null: the client's timeout)"
                .to_string(),
        );
        // An argument converted by a closure is converted first, into `$nameWire`.
        let mut prelude = String::new();
        let wire_args: Vec<String> = m
            .args
            .iter()
            .zip(&names)
            .map(|(a, n)| {
                let (lines, wire) = self.hoist(
                    Conversion::Encode,
                    &a.ty,
                    &format!("${n}"),
                    &format!("{n}Wire"),
                );
                prelude.push_str(&lines);
                wire
            })
            .collect();
        let args = format!("[{}]", wire_args.join(", "));
        // One statement per line; the layout pass breaks the long ones. `check` is the closure
        // checking the result's type: its native return type and conversion make a mismatch a
        // \Zrpc\ProtocolException naming the method (the runtime turns TypeError/ValueError).
        let invoke = |prefix: &str, call: &str, check: Option<String>| {
            let check = check.map(|check| format!(", {check}")).unwrap_or_default();
            format!(
                "        {prefix}$this->connection->{call}('{}', {args}, $timeout{check});",
                m.name
            )
        };
        let check = |ty: &Type, var: &str| {
            let native = self.native_type(ty, Scope::Root);
            let convert = self.decode_expr(ty, var, 1, Scope::Root);
            (native != "mixed" || convert != var)
                .then(|| format!("static fn (mixed {var}): {native} => {convert}"))
        };
        let (returns, body) = match &m.returns {
            Returns::Nothing => ("void".to_string(), invoke("", "call", None)),
            Returns::Oneway => ("void".to_string(), invoke("", "oneway", None)),
            Returns::Value(ty) => {
                let doc_type = self.doc_type(ty);
                let native = self.native_type(ty, Scope::Root);
                if doc_type != native {
                    tags.push(format!("@return {doc_type}"));
                }
                (native, invoke("return ", "call", check(ty, "$result")))
            }
            Returns::Stream(ty) => {
                tags.push(format!("@return \\Generator<int, {}>", self.doc_type(ty)));
                (
                    "\\Generator".to_string(),
                    invoke("yield from ", "stream", check(ty, "$item")),
                )
            }
        };
        for error in &m.throws {
            tags.push(format!("@throws {}", self.names.type_name(error)));
        }
        if m.returns == Returns::Oneway {
            tags.push("@return void at once: the server sends nothing back (oneway)".into());
        }
        let body = format!("{prelude}{body}");
        PhpMethod {
            doc: php_doc(m.doc.as_deref(), &tags, "    "),
            name,
            params: params.join(", "),
            returns,
            body,
        }
    }

    fn convert(
        &self,
        conversion: Conversion,
        scope: Scope,
        ty: &Type,
        expr: &str,
        depth: usize,
    ) -> String {
        match conversion {
            Conversion::Decode => self.decode_expr(ty, expr, depth, scope),
            Conversion::Encode => self.encode_expr(ty, expr, depth),
        }
    }

    /// (prelude, expression) for a root-namespace file; see `hoist_in`.
    fn hoist(&self, conversion: Conversion, ty: &Type, expr: &str, var: &str) -> (String, String) {
        self.hoist_in((conversion, Scope::Root), ty, expr, var, 8)
    }

    /// (prelude, expression): a conversion through a closure is computed first into `$var` at
    /// `indent` (a statement of its own, which the layout pass breaks when long); a simple one
    /// stays inline.
    fn hoist_in(
        &self,
        (conversion, scope): (Conversion, Scope),
        ty: &Type,
        expr: &str,
        var: &str,
        indent: usize,
    ) -> (String, String) {
        let value = self.convert(conversion, scope, ty, expr, 0);
        if value.contains("static fn") {
            (
                format!("{}${var} = {value};\n", " ".repeat(indent)),
                format!("${var}"),
            )
        } else {
            (String::new(), value)
        }
    }

    /// The native PHP type of a model type.
    fn native_type(&self, ty: &Type, scope: Scope) -> String {
        match ty {
            Type::Bool => "bool".into(),
            // msgpack decodes a u64 above PHP_INT_MAX as its decimal string.
            Type::U64 => "int|string".into(),
            t if t.is_integer() => "int".into(),
            Type::F32 | Type::F64 => "float".into(),
            Type::String | Type::Bytes => "string".into(),
            Type::List(_) | Type::Map(_, _) => "array".into(),
            Type::Optional(inner) => match self.native_type(inner, scope).as_str() {
                "mixed" => "mixed".into(),
                union if union.contains('|') => format!("{union}|null"),
                native => format!("?{native}"),
            },
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.native_type(&alias.ty, scope),
                Some(_) => self.class_ref(&self.names.type_name(name), scope),
                None => "mixed".into(),
            },
            _ => "mixed".into(),
        }
    }

    /// The PHPDoc type of a model type (element types of arrays spelled out).
    fn doc_type(&self, ty: &Type) -> String {
        match ty {
            Type::List(inner) => format!("list<{}>", self.doc_type(inner)),
            // PHP array keys cannot be enum cases: an enum-keyed map is keyed by the case's
            // string value (`Shape::Circle->value`), as it travels.
            Type::Map(k, v) if enum_name(self.schema, k).is_some() => {
                format!("array<string, {}>", self.doc_type(v))
            }
            Type::Map(k, v) => format!("array<{}, {}>", self.doc_type(k), self.doc_type(v)),
            Type::Optional(inner) => match self.doc_type(inner).as_str() {
                "mixed" => "mixed".into(),
                doc if doc.contains(['<', '|']) => format!("{doc}|null"),
                doc => format!("?{doc}"),
            },
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.doc_type(&alias.ty),
                Some(TypeDef::Enum(_)) => self.names.type_name(name),
                _ => self.native_type(ty, Scope::Root),
            },
            _ => self.native_type(ty, Scope::Root),
        }
    }

    /// A PHP expression turning `expr` (a decoded wire value) into the model type's PHP value.
    fn decode_expr(&self, ty: &Type, expr: &str, depth: usize, scope: Scope) -> String {
        let item = closure_var(depth);
        let map_items = |inner: &Type| {
            let convert = self.decode_expr(inner, &item, depth + 1, scope);
            if convert == item {
                expr.to_string()
            } else {
                format!("array_map(static fn ({item}) => {convert}, {expr})")
            }
        };
        match ty {
            Type::List(inner) | Type::Map(_, inner) => map_items(inner),
            Type::Optional(inner) => {
                // `??` binds looser than `===`: parenthesize anything but a plain variable.
                let subject = if is_simple(expr) {
                    expr.to_string()
                } else {
                    format!("({expr})")
                };
                let convert = self.decode_expr(inner, &subject, depth, scope);
                if convert == subject {
                    expr.to_string()
                } else {
                    format!("{subject} === null ? null : {convert}")
                }
            }
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.decode_expr(&alias.ty, expr, depth, scope),
                Some(TypeDef::Enum(_)) => {
                    format!(
                        "{}::from({expr})",
                        self.class_ref(&self.names.type_name(name), scope)
                    )
                }
                Some(_) => format!(
                    "{}::fromWire({expr})",
                    self.class_ref(&self.names.type_name(name), scope)
                ),
                None => expr.to_string(),
            },
            _ => expr.to_string(),
        }
    }

    /// A PHP expression turning the PHP value `expr` into its wire form.
    fn encode_expr(&self, ty: &Type, expr: &str, depth: usize) -> String {
        let item = closure_var(depth);
        match ty {
            Type::Bytes => format!("new \\Zrpc\\Bin({expr})"),
            Type::U64 => format!("\\Zrpc\\Uint64::wire({expr})"),
            Type::List(inner) => {
                let convert = self.encode_expr(inner, &item, depth + 1);
                if convert == item {
                    expr.to_string()
                } else {
                    format!("array_map(static fn ({item}) => {convert}, {expr})")
                }
            }
            Type::Map(key, value) => {
                let convert = self.encode_expr(value, &item, depth + 1);
                let entries = if convert == item {
                    expr.to_string()
                } else {
                    format!("array_map(static fn ({item}) => {convert}, {expr})")
                };
                let string_keys = matches!(self.schema.resolve_alias(key), Type::String)
                    || enum_name(self.schema, key).is_some();
                let mode = match self.schema.resolve_alias(key) {
                    _ if string_keys => "",
                    Type::U64 => ", false, true",
                    _ => ", false",
                };
                format!("new \\Zrpc\\WireMap({entries}{mode})")
            }
            Type::Optional(inner) => {
                // `??` binds looser than `===`: parenthesize anything but a plain variable.
                let subject = if is_simple(expr) {
                    expr.to_string()
                } else {
                    format!("({expr})")
                };
                let convert = self.encode_expr(inner, &subject, depth);
                if convert == subject {
                    expr.to_string()
                } else {
                    format!("{subject} === null ? null : {convert}")
                }
            }
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.encode_expr(&alias.ty, expr, depth),
                Some(TypeDef::Enum(_)) => format!("{expr}->value"),
                Some(_) => format!("{expr}->toWire()"),
                None => expr.to_string(),
            },
            _ => expr.to_string(),
        }
    }

    /// A PHP constant expression for a planned value (`new` in initializers: PHP 8.1).
    fn literal(&self, value: &Literal) -> String {
        match value {
            Literal::Null => "null".into(),
            Literal::Bool(b) => b.to_string(),
            Literal::Int(i64::MIN) => "PHP_INT_MIN".into(),
            Literal::Int(i) => i.to_string(),
            // PHP ints are signed 64-bit: a u64 above PHP_INT_MAX is its decimal string, as
            // msgpack decodes it (`Zrpc\Uint64` encodes it back as a msgpack uint 64).
            Literal::UInt(u) => format!("'{u}'"),
            Literal::Float(f) if f.is_nan() => "NAN".into(),
            Literal::Float(f) if f.is_infinite() => if *f > 0.0 { "INF" } else { "-INF" }.into(),
            Literal::Float(f) => format!("{f:?}"),
            Literal::String(s) => quote(s),
            Literal::Bytes(bytes) => bytes_literal(bytes),
            Literal::List(items) => {
                let items: Vec<String> = items.iter().map(|v| self.literal(v)).collect();
                format!("[{}]", items.join(", "))
            }
            Literal::Map(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{} => {}", self.map_key(k), self.literal(v)))
                    .collect();
                format!("[{}]", entries.join(", "))
            }
            Literal::Some(inner) => self.literal(inner),
            Literal::Enum { ty, variant } => format!(
                "{}::{}",
                self.names.type_name(ty),
                self.names.member(ty, variant)
            ),
            Literal::Struct { ty, fields } => {
                let position = match self.schema.type_def(ty) {
                    Some(TypeDef::Error(_)) => Position::ErrorField,
                    _ => Position::Field,
                };
                let args: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}: {}",
                            self.names.field(ty, &f.name, kind(position)),
                            self.literal(&f.value)
                        )
                    })
                    .collect();
                format!("new {}({})", self.names.type_name(ty), args.join(", "))
            }
            Literal::Union { ty, variant, value } => {
                let union = self.names.type_name(ty);
                format!(
                    "new {union}\\{}{union}({})",
                    self.names.variant(ty, variant),
                    self.literal(value)
                )
            }
        }
    }

    /// PHP array keys are ints or strings: enum keys travel (and are kept) as their names.
    fn map_key(&self, key: &Literal) -> String {
        match key {
            Literal::Enum { variant, .. } => quote(variant),
            other => self.literal(other),
        }
    }
}

/// `"\x00raw"`: PHP strings are bytes; everything but printable ASCII as `\xNN`.
fn bytes_literal(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in bytes {
        match b {
            b'"' | b'\\' | b'$' => {
                out.push('\\');
                out.push(b as char);
            }
            b' '..=b'~' => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// A class name: StudlyCaps without underscores (PSR-1), with a `Type` suffix where PHP
/// reserves the name.
fn studly(name: &str) -> String {
    let pascal = upper_camel(name);
    let lower = pascal.to_ascii_lowercase();
    if lower.starts_with("extends") || lower.starts_with("implements") {
        // PHP's lexer reads `enum Extends…` / `enum Implements…` as the name `enum` followed
        // by `extends`, whatever follows the prefix: no suffix helps, so a prefix.
        format!("Type{pascal}")
    } else {
        PHP.escape(&pascal, Position::Type)
    }
}

/// `FooBar` for `foo_bar`, `__FILE__` and `_x`: heck drops every underscore; a name left
/// empty or starting with a digit gets an `X` in front.
fn upper_camel(name: &str) -> String {
    let pascal = name.to_upper_camel_case();
    if pascal.starts_with(|c: char| c.is_ascii_alphabetic()) {
        pascal
    } else {
        format!("X{pascal}")
    }
}

/// An enum case name: the variant name, except `class`, which PHP reserves for `::class`.
fn case_name(name: &str) -> String {
    if PHP.is_reserved(&name.to_ascii_lowercase(), Position::EnumMember) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// The client class of `service`.
fn client_class(service: &Service) -> String {
    format!("{}Client", studly(&service.name))
}

/// A client method name in camelCaps without underscores (PSR-1, PSR-12: no `_` prefix).
fn method_name(name: &str) -> String {
    let camel = name.to_lower_camel_case();
    if camel.starts_with(|c: char| c.is_ascii_alphabetic()) {
        camel
    } else {
        format!("call{}", upper_camel(name))
    }
}

/// How PHP spells the names of a schema.
const SPELLING: Spelling = Spelling {
    reserved: &PHP,
    spell,
    derive: derive_events,
};

/// The PHP spelling of one name (made distinct in its scope by [`Names`]).
fn spell(name: &str, kind: Kind) -> String {
    match kind {
        Kind::Type => studly(name),
        // Part of the class `{Variant}{Union}`.
        Kind::Variant => upper_camel(name),
        Kind::Member => case_name(name),
        Kind::Const => shouty_snake_case(name),
        Kind::Method => method_name(name),
        Kind::Field | Kind::ErrorField | Kind::Arg => camel_case(name),
    }
}

/// The name kind of a struct field in `position` (a field or an error field).
fn kind(position: Position) -> Kind {
    if position == Position::ErrorField {
        Kind::ErrorField
    } else {
        Kind::Field
    }
}

fn closure_var(depth: usize) -> String {
    match depth {
        0 => "$item".into(),
        n => format!("$item{}", n + 1),
    }
}

/// A PHP string literal (`$` must not interpolate in the double-quoted form).
fn quote(s: &str) -> String {
    crate::naming::quoted_literal(s, |c| (c == '$').then_some("\\$"))
}

/// A variable, property or array element: safe to repeat and to compare without parentheses.
fn is_simple(expr: &str) -> bool {
    expr.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '$' | '_' | '-' | '>' | '[' | ']' | '\''))
}

/// A PHPDoc block at `indent` (ending in a newline), or nothing without text and tags.
fn php_doc(doc: Option<&str>, tags: &[String], indent: &str) -> String {
    let doc = doc.map(str::trim).filter(|d| !d.is_empty());
    if doc.is_none() && tags.is_empty() {
        return String::new();
    }
    let mut out = format!("{indent}/**\n");
    if let Some(doc) = doc {
        for line in doc.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                out.push_str(&format!("{indent} *\n"));
            } else {
                out.push_str(&format!("{indent} * {line}\n"));
            }
        }
        if !tags.is_empty() {
            out.push_str(&format!("{indent} *\n"));
        }
    }
    for tag in tags {
        out.push_str(&format!("{indent} * {tag}\n"));
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

/// The PHP backend.
pub struct Php;

impl zrpc_plan::Backend for Php {
    fn language(&self) -> &'static str {
        "php"
    }

    fn reserved(&self) -> &'static zrpc_plan::Reserved {
        &PHP
    }

    fn type_name(&self, plan: &Plan, ty: &Type) -> String {
        PhpPass::new(plan).native_type(ty, Scope::Root)
    }

    fn literal(&self, plan: &Plan, _ty: &Type, value: &Literal) -> String {
        PhpPass::new(plan).literal(value)
    }

    fn encode(&self, plan: &Plan, ty: &Type, expr: &str) -> String {
        PhpPass::new(plan).encode_expr(ty, expr, 0)
    }

    fn decode(&self, plan: &Plan, ty: &Type, expr: &str) -> String {
        PhpPass::new(plan).decode_expr(ty, expr, 0, Scope::Root)
    }

    fn package(&self, plan: &Plan) -> String {
        namespace(plan.schema)
    }

    fn client_names(&self, plan: &Plan, service: &Service) -> zrpc_plan::ClientNames {
        let pass = PhpPass::new(plan);
        zrpc_plan::ClientNames {
            namespace: pass.namespace.clone(),
            class: client_class(service),
            methods: service
                .methods
                .iter()
                .map(|m| pass.names.method(&service.name, &m.name))
                .collect(),
        }
    }

    fn generate(
        &self,
        plan: &Plan,
        _options: &zrpc_plan::GenerateOptions,
    ) -> Result<Vec<GeneratedFile>, zrpc_plan::GenerateError> {
        render(plan).map_err(Into::into)
    }
}
