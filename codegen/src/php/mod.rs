//! PHP client generation: a PSR-4 tree (one class per file, `A\B` in `A/B.php`) with its own
//! `autoload.php`, plus the protocol runtime under `Runtime/`.
//!
//! This pass computes every PHP name, native and PHPDoc type and conversion expression, so the
//! templates only lay them out.

use std::path::PathBuf;

use askama::Template;
use zrpc_idl::model::{Field, Method, Returns, Schema, Struct, Type, TypeDef, Union, Value};

use crate::naming::{camel_case, pascal_case, shouty_snake_case};
use crate::ruby::enum_name;
use crate::{Error, GeneratedFile};

/// PSR-12's soft line limit.
const LINE_LIMIT: usize = 120;

/// Which way a conversion goes: wire form to PHP value (decode) or back (encode).
#[derive(Clone, Copy)]
enum Conversion {
    Decode,
    Encode,
}

/// Names PHP reserves for classes (compared case-insensitively).
const RESERVED_CLASS_NAMES: &[&str] = &[
    "abstract",
    "and",
    "array",
    "as",
    "bool",
    "break",
    "callable",
    "case",
    "catch",
    "class",
    "clone",
    "const",
    "continue",
    "declare",
    "default",
    "do",
    "echo",
    "else",
    "elseif",
    "empty",
    "enddeclare",
    "endfor",
    "endforeach",
    "endif",
    "endswitch",
    "endwhile",
    "enum",
    "eval",
    "exit",
    "extends",
    "false",
    "final",
    "finally",
    "float",
    "fn",
    "for",
    "foreach",
    "function",
    "global",
    "goto",
    "if",
    "implements",
    "include",
    "instanceof",
    "insteadof",
    "int",
    "interface",
    "isset",
    "iterable",
    "list",
    "match",
    "mixed",
    "namespace",
    "never",
    "new",
    "null",
    "object",
    "or",
    "parent",
    "print",
    "private",
    "protected",
    "public",
    "readonly",
    "require",
    "return",
    "self",
    "static",
    "string",
    "switch",
    "throw",
    "trait",
    "true",
    "try",
    "unset",
    "use",
    "var",
    "void",
    "while",
    "xor",
    "yield",
    "runtime",
];

/// Members of `Runtime\RemoteException` (and `Exception`) that error fields must not shadow.
const ERROR_MEMBERS: &[&str] = &[
    "name",
    "remoteMessage",
    "traceback",
    "message",
    "code",
    "file",
    "line",
    "previous",
];

/// Runtime files: one class each, rendered with the client's namespace.
macro_rules! runtime_templates {
    ($($name:ident => $file:literal),* $(,)?) => {
        $(
            #[derive(Template)]
            #[template(path = $file, escape = "none")]
            struct $name<'a> {
                namespace: &'a str,
            }
        )*

        fn runtime_files(namespace: &str) -> Result<Vec<(PathBuf, String)>, askama::Error> {
            Ok(vec![$(
                (
                    PathBuf::from($file.replacen("php/runtime/", "Runtime/", 1)),
                    $name { namespace }.render()? + "\n",
                ),
            )*])
        }
    };
}

runtime_templates! {
    BinTemplate => "php/runtime/Bin.php",
    ChannelTemplate => "php/runtime/Channel.php",
    ClockTemplate => "php/runtime/Clock.php",
    ConnectionTemplate => "php/runtime/Connection.php",
    LostRemoteTemplate => "php/runtime/LostRemoteException.php",
    ProtocolExceptionTemplate => "php/runtime/ProtocolException.php",
    RemoteExceptionTemplate => "php/runtime/RemoteException.php",
    RpcExceptionTemplate => "php/runtime/RpcException.php",
    TimeoutTemplate => "php/runtime/TimeoutException.php",
    TransportTemplate => "php/runtime/TransportException.php",
    UnknownMethodTemplate => "php/runtime/UnknownMethodException.php",
    WireTemplate => "php/runtime/Wire.php",
    WireMapTemplate => "php/runtime/WireMap.php",
}

/// Renders the PHP client: a list of (path relative to the output directory, contents).
pub fn generate(schema: &Schema) -> Result<Vec<GeneratedFile>, Error> {
    let pass = PhpPass::new(schema);
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
    files.extend(runtime_files(namespace)?);
    if !schema.consts.is_empty() {
        let body = ConstsTemplate {
            namespace,
            consts: schema
                .consts
                .iter()
                .map(|c| PhpConst {
                    doc: php_doc(c.doc.as_deref(), &[], "    "),
                    name: shouty_snake_case(&c.name),
                    value: pass.literal(&c.value, &c.ty, false),
                })
                .collect(),
        }
        .render()?;
        files.push((php_file("Constants"), body + "\n"));
    }
    for def in &schema.types {
        let name = class_name(def.name());
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
                            name: case_name(&v.name),
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
        let name = format!("{}Client", class_name(&service.name));
        let mut errors: Vec<String> = Vec::new();
        for method in &service.methods {
            for error in &method.throws {
                let entry = format!("'{error}' => {}::class", class_name(error));
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
            methods: service.methods.iter().map(|m| pass.method(m)).collect(),
        }
        .render()?;
        files.push((php_file(&name), body + "\n"));
    }
    Ok(files
        .into_iter()
        .map(|(path, contents)| GeneratedFile { path, contents })
        .collect())
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
}

struct PhpConst {
    doc: String,
    name: String,
    value: String,
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
}

#[derive(Clone)]
struct PhpField {
    name: String,
    wire: String,
    php_type: String,
    default: Option<String>,
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

struct PhpPass<'a> {
    schema: &'a Schema,
    /// `Example\Calculator`.
    namespace: String,
}

/// How a file refers to the schema's classes: relatively from the root namespace, fully
/// qualified from a sub-namespace (union variants).
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Root,
    Nested,
}

impl<'a> PhpPass<'a> {
    fn new(schema: &'a Schema) -> Self {
        let namespace = match schema.namespace("php") {
            Some(ns) => ns
                .split('\\')
                .filter(|part| !part.is_empty())
                .map(class_name)
                .collect::<Vec<_>>()
                .join("\\"),
            None => schema
                .services
                .first()
                .map_or_else(|| "Zrpc".to_string(), |s| class_name(&s.name)),
        };
        PhpPass { schema, namespace }
    }

    /// A class of the generated tree as seen from `scope`.
    fn class_ref(&self, class: &str, scope: Scope) -> String {
        match scope {
            Scope::Root => class.to_string(),
            Scope::Nested => format!("\\{}\\{class}", self.namespace),
        }
    }

    fn struct_template(&self, s: &Struct, error: bool) -> StructTemplate<'_> {
        let reserved: &[&str] = if error { ERROR_MEMBERS } else { &[] };
        let name = class_name(&s.name);
        let fields: Vec<PhpField> = s
            .fields
            .iter()
            .map(|f| self.field(f, &name, reserved))
            .collect();
        // PHP wants required parameters first; callers use named arguments anyway.
        let mut params: Vec<PhpField> = fields
            .iter()
            .filter(|f| f.default.is_none())
            .cloned()
            .collect();
        params.extend(fields.iter().filter(|f| f.default.is_some()).cloned());
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
            params,
            fields,
        }
    }

    fn field(&self, f: &Field, owner: &str, reserved: &[&str]) -> PhpField {
        let mut name = camel_case(&f.name);
        if reserved.contains(&name.as_str()) || name == "this" {
            name.push_str("Field");
        }
        let from_value = match (&f.default, &f.ty) {
            (Some(default), _) => format!(
                "$wire['{}'] ?? {}",
                f.name,
                self.literal(default, &f.ty, true)
            ),
            (None, Type::Optional(_)) => format!("$wire['{}'] ?? null", f.name),
            (None, _) => format!("Runtime\\Wire::field($wire, '{}', '{owner}')", f.name),
        };
        let source = match &f.default {
            Some(_) if self.decode_expr(&f.ty, "$value", 0, Scope::Root) != "$value" => {
                format!("({from_value})")
            }
            _ => from_value,
        };
        let var = if name == "wire" { "wireField" } else { &name };
        let (from_prelude, from_wire) =
            self.hoist(Conversion::Decode, &f.ty, &source, var, 12 + name.len() + 2);
        let (to_prelude, to_wire) = self.hoist(
            Conversion::Encode,
            &f.ty,
            &format!("$this->{name}"),
            var,
            12 + f.name.len() + 6,
        );
        PhpField {
            php_type: self.native_type(&f.ty, Scope::Root),
            default: match (&f.default, &f.ty) {
                (Some(default), _) => Some(self.literal(default, &f.ty, false)),
                (None, Type::Optional(_)) => Some("null".into()),
                (None, _) => None,
            },
            from_prelude,
            from_wire,
            to_prelude,
            to_wire,
            wire: f.name.clone(),
            name,
        }
    }

    fn union_files(&self, u: &Union) -> Result<Vec<(PathBuf, String)>, askama::Error> {
        let name = class_name(&u.name);
        let variants: Vec<PhpVariant> = u
            .variants
            .iter()
            .map(|v| PhpVariant {
                doc: String::new(),
                name: format!("{}{name}", pascal_case(&v.name)),
                wire: v.name.clone(),
                from_wire: {
                    let one_line = self.decode_expr(&v.ty, "$value", 0, Scope::Root);
                    if 12 + 16 + 2 * v.name.len() + name.len() + one_line.len() <= LINE_LIMIT {
                        one_line
                    } else {
                        format!(
                            "\n                {},\n            ",
                            self.multiline(
                                (Conversion::Decode, Scope::Root),
                                &v.ty,
                                "$value",
                                0,
                                16,
                                16
                            )
                        )
                    }
                },
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
            let class = format!("{}{name}", pascal_case(&v.name));
            let (to_prelude, to_wire) = self.hoist_in(
                (Conversion::Encode, Scope::Nested),
                &v.ty,
                "$this->value",
                "wire",
                8,
                17 + v.name.len(),
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

    fn method(&self, m: &Method) -> PhpMethod {
        let names: Vec<String> = m
            .args
            .iter()
            .map(|a| {
                let name = camel_case(&a.name);
                if name == "this" {
                    "this_".to_string()
                } else {
                    name
                }
            })
            .collect();
        let params: Vec<String> = m
            .args
            .iter()
            .zip(&names)
            .map(|(a, n)| format!("{} ${n}", self.native_type(&a.ty, Scope::Root)))
            .collect();
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
        // An argument too long for its own line is converted first, into `$nameWire`.
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
                    12,
                );
                prelude.push_str(&lines);
                wire
            })
            .collect();
        let args_inline = format!("[{}]", wire_args.join(", "));
        let args_multiline = format!(
            "[\n{}        ]",
            wire_args
                .iter()
                .map(|a| format!("            {a},\n"))
                .collect::<String>()
        );
        // Keeps lines within PSR-12's 120 columns.
        let invoke = |prefix: &str, call: &str| {
            let line = format!(
                "        {prefix}$this->connection->{call}('{}', {args_inline});",
                m.name
            );
            if line.len() <= 120 {
                line
            } else {
                format!(
                    "        {prefix}$this->connection->{call}('{}', {args_multiline});",
                    m.name
                )
            }
        };
        let (returns, body) = match &m.returns {
            Returns::Nothing => ("void".to_string(), invoke("", "call")),
            Returns::Oneway => ("void".to_string(), invoke("", "oneway")),
            Returns::Value(ty) => {
                let doc_type = self.doc_type(ty);
                let native = self.native_type(ty, Scope::Root);
                if doc_type != native {
                    tags.push(format!("@return {doc_type}"));
                }
                let convert = self.decode_expr(ty, "$result", 0, Scope::Root);
                let body = if convert == "$result" {
                    invoke("return ", "call")
                } else {
                    format!(
                        "{}\n        return {convert};",
                        invoke("$result = ", "call")
                    )
                };
                (native, body)
            }
            Returns::Stream(ty) => {
                tags.push(format!("@return \\Generator<int, {}>", self.doc_type(ty)));
                let convert = self.decode_expr(ty, "$item", 1, Scope::Root);
                let body = if convert == "$item" {
                    invoke("yield from ", "stream")
                } else {
                    format!(
                        "{}\n        foreach ($items as $item) {{\n            yield {convert};\n        }}",
                        invoke("$items = ", "stream")
                    )
                };
                ("\\Generator".to_string(), body)
            }
        };
        for error in &m.throws {
            tags.push(format!("@throws {}", class_name(error)));
        }
        if m.returns == Returns::Oneway {
            tags.push("@return void at once: the server sends nothing back (oneway)".into());
        }
        let body = format!("{prelude}{body}");
        PhpMethod {
            doc: php_doc(m.doc.as_deref(), &tags, "    "),
            name: method_name(&m.name),
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
            Conversion::Encode => self.encode_expr(ty, expr, depth, scope),
        }
    }

    /// The conversion of `expr` as one line when it fits at `indent`, otherwise with its
    /// `array_map` calls spread over lines.
    fn multiline(
        &self,
        (conversion, scope): (Conversion, Scope),
        ty: &Type,
        expr: &str,
        depth: usize,
        indent: usize,
        lead: usize,
    ) -> String {
        let one_line = self.convert(conversion, scope, ty, expr, depth);
        if lead + one_line.len() < LINE_LIMIT {
            return one_line;
        }
        let pad = " ".repeat(indent);
        let item = closure_var(depth);
        let spread = |inner: &Type| {
            let arrow = format!("static fn ({item}) => ");
            let lead = indent + 4 + arrow.len();
            let body = self.multiline(
                (conversion, scope),
                inner,
                &item,
                depth + 1,
                indent + 4,
                lead,
            );
            format!("array_map(\n{pad}    {arrow}{body},\n{pad}    {expr},\n{pad})")
        };
        match (conversion, self.schema.resolve_alias(ty)) {
            (_, Type::List(inner)) | (Conversion::Decode, Type::Map(_, inner)) => spread(inner),
            (Conversion::Encode, Type::Map(_, _)) => match one_line.strip_prefix("new ") {
                // `new WireMap(array_map(...)[, false])`: spread the array_map inside.
                Some(rest) => {
                    let (class, _) = rest.split_once('(').unwrap_or((rest, ""));
                    let flag = if one_line.ends_with(", false)") {
                        ", false"
                    } else {
                        ""
                    };
                    let Type::Map(_, value) = self.schema.resolve_alias(ty) else {
                        return one_line;
                    };
                    format!("new {class}({}{flag})", spread(value))
                }
                None => one_line,
            },
            (_, Type::Optional(inner)) => {
                let test = format!("{expr} === null ? null : ");
                let lead = lead + test.len();
                let value = self.multiline((conversion, scope), inner, expr, depth, indent, lead);
                format!("{test}{value}")
            }
            _ => one_line,
        }
    }

    /// (prelude, expression) for a root-namespace file; see `hoist_in`.
    fn hoist(
        &self,
        conversion: Conversion,
        ty: &Type,
        expr: &str,
        var: &str,
        prefix: usize,
    ) -> (String, String) {
        self.hoist_in((conversion, Scope::Root), ty, expr, var, 8, prefix)
    }

    /// (prelude, expression): the conversion inline when its line fits (`prefix` columns before
    /// it), else computed first into `$var` at `indent`.
    fn hoist_in(
        &self,
        (conversion, scope): (Conversion, Scope),
        ty: &Type,
        expr: &str,
        var: &str,
        indent: usize,
        prefix: usize,
    ) -> (String, String) {
        let one_line = self.convert(conversion, scope, ty, expr, 0);
        if prefix + one_line.len() + 2 <= LINE_LIMIT {
            return (String::new(), one_line);
        }
        let lead = indent + var.len() + 4;
        let value = self.multiline((conversion, scope), ty, expr, 0, indent, lead);
        (
            format!("{}${var} = {value};\n", " ".repeat(indent)),
            format!("${var}"),
        )
    }

    /// The native PHP type of a model type.
    fn native_type(&self, ty: &Type, scope: Scope) -> String {
        match ty {
            Type::Bool => "bool".into(),
            t if t.is_integer() => "int".into(),
            Type::F32 | Type::F64 => "float".into(),
            Type::String | Type::Bytes => "string".into(),
            Type::List(_) | Type::Map(_, _) => "array".into(),
            Type::Optional(inner) => match self.native_type(inner, scope).as_str() {
                "mixed" => "mixed".into(),
                native => format!("?{native}"),
            },
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.native_type(&alias.ty, scope),
                Some(_) => self.class_ref(&class_name(name), scope),
                None => "mixed".into(),
            },
            _ => "mixed".into(),
        }
    }

    /// The PHPDoc type of a model type (element types of arrays spelled out).
    fn doc_type(&self, ty: &Type) -> String {
        match ty {
            Type::List(inner) => format!("list<{}>", self.doc_type(inner)),
            Type::Map(k, v) => format!("array<{}, {}>", self.doc_type(k), self.doc_type(v)),
            Type::Optional(inner) => match self.doc_type(inner).as_str() {
                "mixed" => "mixed".into(),
                doc if doc.contains('<') => format!("{doc}|null"),
                doc => format!("?{doc}"),
            },
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.doc_type(&alias.ty),
                Some(TypeDef::Enum(_)) => class_name(name),
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
                    format!("{}::from({expr})", self.class_ref(&class_name(name), scope))
                }
                Some(_) => format!(
                    "{}::fromWire({expr})",
                    self.class_ref(&class_name(name), scope)
                ),
                None => expr.to_string(),
            },
            _ => expr.to_string(),
        }
    }

    /// A PHP expression turning the PHP value `expr` into its wire form.
    fn encode_expr(&self, ty: &Type, expr: &str, depth: usize, scope: Scope) -> String {
        let item = closure_var(depth);
        match ty {
            Type::Bytes => format!("new {}({expr})", self.class_ref("Runtime\\Bin", scope)),
            Type::List(inner) => {
                let convert = self.encode_expr(inner, &item, depth + 1, scope);
                if convert == item {
                    expr.to_string()
                } else {
                    format!("array_map(static fn ({item}) => {convert}, {expr})")
                }
            }
            Type::Map(key, value) => {
                let convert = self.encode_expr(value, &item, depth + 1, scope);
                let entries = if convert == item {
                    expr.to_string()
                } else {
                    format!("array_map(static fn ({item}) => {convert}, {expr})")
                };
                let string_keys = matches!(self.schema.resolve_alias(key), Type::String)
                    || enum_name(self.schema, key).is_some();
                format!(
                    "new {}({entries}{})",
                    self.class_ref("Runtime\\WireMap", scope),
                    if string_keys { "" } else { ", false" }
                )
            }
            Type::Optional(inner) => {
                // `??` binds looser than `===`: parenthesize anything but a plain variable.
                let subject = if is_simple(expr) {
                    expr.to_string()
                } else {
                    format!("({expr})")
                };
                let convert = self.encode_expr(inner, &subject, depth, scope);
                if convert == subject {
                    expr.to_string()
                } else {
                    format!("{subject} === null ? null : {convert}")
                }
            }
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.encode_expr(&alias.ty, expr, depth, scope),
                Some(TypeDef::Enum(_)) => format!("{expr}->value"),
                Some(_) => format!("{expr}->toWire()"),
                None => expr.to_string(),
            },
            _ => expr.to_string(),
        }
    }

    /// A PHP literal for a default value; `wire` spells enum variants as their wire strings.
    fn literal(&self, value: &Value, ty: &Type, wire: bool) -> String {
        let resolved = self.schema.resolve_alias(ty);
        match value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => match resolved {
                Type::F32 | Type::F64 => format!("{i}.0"),
                _ => i.to_string(),
            },
            Value::UInt(u) => u.to_string(),
            Value::Float(f) if f.is_nan() => "NAN".into(),
            Value::Float(f) if f.is_infinite() => if *f > 0.0 { "INF" } else { "-INF" }.into(),
            Value::Float(f) => format!("{f:?}"),
            Value::String(s) => quote(s),
            Value::List(items) => {
                let inner = match resolved {
                    Type::List(inner) | Type::Optional(inner) => inner.as_ref(),
                    other => other,
                };
                let items: Vec<String> =
                    items.iter().map(|v| self.literal(v, inner, wire)).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Map(entries) => {
                let (k, v) = match resolved {
                    Type::Map(k, v) => (k.as_ref(), v.as_ref()),
                    other => (other, other),
                };
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(key, value)| {
                        format!(
                            "{} => {}",
                            self.literal(key, k, true),
                            self.literal(value, v, wire)
                        )
                    })
                    .collect();
                format!("[{}]", entries.join(", "))
            }
            Value::Ident(ident) => match enum_name(self.schema, ty) {
                Some(_) if wire => quote(ident),
                Some(name) => format!("{}::{}", class_name(name), case_name(ident)),
                None => format!("Constants::{}", shouty_snake_case(ident)),
            },
        }
    }
}

/// A class name: StudlyCaps, with a `Type` suffix where PHP reserves the name.
fn class_name(name: &str) -> String {
    let pascal = pascal_case(name);
    if RESERVED_CLASS_NAMES.contains(&pascal.to_ascii_lowercase().as_str())
        || !pascal.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        format!("{pascal}Type")
    } else {
        pascal
    }
}

/// An enum case name: the variant name, except `class`, which PHP reserves for `::class`.
fn case_name(name: &str) -> String {
    if name.eq_ignore_ascii_case("class") {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// A client method name in camelCase; the constructor name stays reserved.
fn method_name(name: &str) -> String {
    let camel = camel_case(name);
    if camel.starts_with("__") || camel.is_empty() {
        format!("call{}", pascal_case(name))
    } else {
        camel
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
