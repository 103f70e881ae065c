//! Ruby client generation: one file per type and per service under a directory named after the
//! namespace (`Calculator` → `calculator.rb` + `calculator/*.rb`), plus the protocol runtime.
//!
//! This pass computes every Ruby name, YARD type and conversion expression, so the templates
//! only lay them out.

use std::path::PathBuf;

use askama::Template;
use zrpc_idl::model::{Method, Returns, Schema, Struct, Type, TypeDef, Union, Value};

use crate::naming::{pascal_case, shouty_snake_case as screaming_snake_case, snake_case};
use crate::{Error, GeneratedFile};

/// Ruby keywords: never usable as local variable or parameter names.
const KEYWORDS: &[&str] = &[
    "BEGIN", "END", "alias", "and", "begin", "break", "case", "class", "def", "defined?", "do",
    "else", "elsif", "end", "ensure", "false", "for", "if", "in", "module", "next", "nil", "not",
    "or", "redo", "rescue", "retry", "return", "self", "super", "then", "true", "undef", "unless",
    "until", "when", "while", "yield",
];

/// Methods every Ruby object has; a generated method must not replace them.
const OBJECT_METHODS: &[&str] = &[
    "class",
    "clone",
    "close",
    "display",
    "dup",
    "freeze",
    "frozen?",
    "hash",
    "inspect",
    "instance_variables",
    "is_a?",
    "method",
    "methods",
    "object_id",
    "send",
    "public_send",
    "tap",
    "then",
    "to_s",
    "initialize",
    "to_h",
    "to_wire",
    "from_wire",
];

/// Readers of `Protocol::RemoteError` (and `Exception`) that error fields must not shadow.
const ERROR_MEMBERS: &[&str] = &[
    "name",
    "message",
    "remote_message",
    "traceback",
    "backtrace",
    "cause",
    "full_message",
];

/// Shipped beside the code: IDL argument names such as `a`, `x` or `dx` are shorter than
/// rubocop's default minimum.
const RUBOCOP_CONFIG: &str = "\
AllCops:
  NewCops: enable

# Parameter names come from the IDL, where short names such as `a`, `x` and `dx` are usual.
Naming/MethodParameterName:
  MinNameLength: 1
";

/// Generated lines stay within rubocop's default line length.
const LINE_LIMIT: usize = 120;

/// Which way a conversion goes: wire form to Ruby value (decode) or back (encode).
#[derive(Clone, Copy)]
enum Conversion {
    /// `nested`: inside a union module, where type names are qualified.
    Decode {
        nested: bool,
    },
    Encode,
}

/// The issue-facing entry point is `require "DIR/<IDL file stem>"`, whatever the Ruby namespace.
/// When the namespace's root file is named differently (`shop.zrpc` with `namespace ruby
/// Acme::Store`), this one-line file named after the IDL file loads it.
pub fn entry_file(idl_stem: &str, schema: &Schema) -> Option<GeneratedFile> {
    let root = RubyPass::new(schema).dir;
    (root != idl_stem).then(|| GeneratedFile {
        path: PathBuf::from(format!("{idl_stem}.rb")),
        contents: format!(
            "# frozen_string_literal: true\n\n# Loads the client generated from {idl_stem}.zrpc.\nrequire_relative '{root}'\n"
        ),
    })
}

/// Data classes with more fields than this get methods longer than rubocop's metrics allow.
const METRICS_FIELD_LIMIT: usize = 5;

/// Renders the Ruby client: a list of (path relative to the output directory, contents).
pub fn generate(schema: &Schema) -> Result<Vec<GeneratedFile>, Error> {
    let pass = RubyPass::new(schema);
    let mut files = Vec::new();
    let mut requires = vec![format!("{}/protocol", pass.dir)];
    files.push((
        pass.file("protocol"),
        pass.wrap(
            &ProtocolTemplate.render()?,
            &["ffi-rzmq", "msgpack", "securerandom"],
        ),
    ));
    for def in &schema.types {
        let body = match def {
            TypeDef::Struct(s) if s.fields.is_empty() => EmptyStructTemplate {
                doc: doc_comment(
                    Some(
                        s.doc
                            .as_deref()
                            .unwrap_or(&format!("The `{}` record.", s.name)),
                    ),
                    "",
                ),
                name: constant_name(&s.name),
            }
            .render()?,
            TypeDef::Struct(s) => pass.struct_template(s, None).render()?,
            TypeDef::Error(s) => pass
                .struct_template(s, Some("Protocol::RemoteError"))
                .render()?,
            TypeDef::Enum(e) => EnumTemplate {
                doc: doc_comment(
                    Some(e.doc.as_deref().unwrap_or(&format!(
                        "The `{}` enum: each variant is a frozen String constant.",
                        e.name
                    ))),
                    "",
                ),
                name: constant_name(&e.name),
                all: e
                    .variants
                    .iter()
                    .map(|v| screaming_snake_case(&v.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                variants: e
                    .variants
                    .iter()
                    .map(|v| RbVariant {
                        doc: doc_comment(v.doc.as_deref(), "  "),
                        name: screaming_snake_case(&v.name),
                        wire: v.name.clone(),
                        yard: String::new(),
                        from_prelude: String::new(),
                        from_wire: String::new(),
                        to_prelude: String::new(),
                        to_wire: String::new(),
                    })
                    .collect(),
            }
            .render()?,
            TypeDef::Union(u) => pass.union_template(u).render()?,
            // Ruby has no type aliases: uses of an alias resolve to its target.
            TypeDef::Alias(_) => continue,
        };
        let stem = snake_case(def.name());
        requires.push(format!("{}/{stem}", pass.dir));
        files.push((pass.file(&stem), pass.wrap(&body, &[])));
    }
    for service in &schema.services {
        let name = format!("{}Client", constant_name(&service.name));
        let mut errors: Vec<&str> = Vec::new();
        for method in &service.methods {
            for error in &method.throws {
                if !errors.contains(&error.as_str()) {
                    errors.push(error);
                }
            }
        }
        let errors = if errors.is_empty() {
            "{}".to_string()
        } else {
            let entries: Vec<String> = errors
                .iter()
                .map(|e| format!("'{e}' => {}", constant_name(e)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        };
        let body = ClientTemplate {
            doc: doc_comment(
                Some(
                    service
                        .doc
                        .as_deref()
                        .unwrap_or(&format!("Client of the `{}` service.", service.name)),
                ),
                "",
            ),
            name: name.clone(),
            errors,
            methods: service.methods.iter().map(|m| pass.method(m)).collect(),
        }
        .render()?;
        let stem = snake_case(&name);
        requires.push(format!("{}/{stem}", pass.dir));
        files.push((pass.file(&stem), pass.wrap(&body, &[])));
    }
    let consts = if schema.consts.is_empty() {
        String::new()
    } else {
        let body = ConstsTemplate {
            doc: doc_comment(Some("Constants declared in the IDL."), ""),
            consts: schema
                .consts
                .iter()
                .map(|c| RbConst {
                    doc: doc_comment(c.doc.as_deref(), "  "),
                    name: screaming_snake_case(&c.name),
                    value: pass.literal(&c.value, &c.ty),
                })
                .collect(),
        }
        .render()?;
        pass.nest(&body).trim_end().to_string()
    };
    let root = RootTemplate {
        doc: doc_comment(schema.doc.as_deref(), ""),
        requires: requires
            .iter()
            .map(|r| r.rsplit('/').take(2).collect::<Vec<_>>())
            .map(|parts| format!("{}/{}", parts[1], parts[0]))
            .collect(),
        consts,
    };
    files.insert(
        0,
        (
            PathBuf::from(format!("{}.rb", pass.dir)),
            root.render()? + "\n",
        ),
    );
    files.push((PathBuf::from(".rubocop.yml"), pass.rubocop_config()));
    Ok(files
        .into_iter()
        .map(|(path, contents)| GeneratedFile { path, contents })
        .collect())
}

#[derive(Template)]
#[template(path = "ruby/root.rb", escape = "none")]
struct RootTemplate {
    doc: String,
    requires: Vec<String>,
    consts: String,
}

#[derive(Template)]
#[template(path = "ruby/consts.rb", escape = "none")]
struct ConstsTemplate {
    doc: String,
    consts: Vec<RbConst>,
}

struct RbConst {
    doc: String,
    name: String,
    value: String,
}

#[derive(Template)]
#[template(path = "ruby/protocol.rb", escape = "none")]
struct ProtocolTemplate;

#[derive(Template)]
#[template(path = "ruby/struct.rb", escape = "none")]
struct StructTemplate {
    doc: String,
    name: String,
    wire_name: String,
    parent: Option<String>,
    field_names: String,
    params: String,
    fields: Vec<RbField>,
}

struct RbField {
    doc: String,
    name: String,
    wire: String,
    yard: String,
    /// Statements computing a long conversion before the line that uses it (or empty).
    from_prelude: String,
    from_wire: String,
    to_prelude: String,
    to_wire: String,
}

#[derive(Template)]
#[template(path = "ruby/empty_struct.rb", escape = "none")]
struct EmptyStructTemplate {
    doc: String,
    name: String,
}

#[derive(Template)]
#[template(path = "ruby/enum.rb", escape = "none")]
struct EnumTemplate {
    doc: String,
    name: String,
    all: String,
    variants: Vec<RbVariant>,
}

#[derive(Template)]
#[template(path = "ruby/union.rb", escape = "none")]
struct UnionTemplate {
    doc: String,
    name: String,
    all: String,
    variants: Vec<RbVariant>,
}

struct RbVariant {
    doc: String,
    name: String,
    wire: String,
    yard: String,
    from_prelude: String,
    from_wire: String,
    to_prelude: String,
    to_wire: String,
}

#[derive(Template)]
#[template(path = "ruby/client.rb", escape = "none")]
struct ClientTemplate {
    doc: String,
    name: String,
    errors: String,
    methods: Vec<RbMethod>,
}

struct RbMethod {
    doc: String,
    name: String,
    params: String,
    body: String,
}

struct RubyPass<'a> {
    schema: &'a Schema,
    /// `["Acme", "Calc"]`.
    module_path: Vec<String>,
    /// `acme/calc`: the root file's path without `.rb`, and the directory of the other files.
    dir: String,
}

impl<'a> RubyPass<'a> {
    fn new(schema: &'a Schema) -> Self {
        let module_path: Vec<String> = match schema.namespace("ruby") {
            Some(ns) => ns.split("::").map(constant_name).collect(),
            None => vec![schema
                .services
                .first()
                .map_or_else(|| "Zrpc".to_string(), |s| constant_name(&s.name))],
        };
        let dir = module_path
            .iter()
            .map(|m| snake_case(m))
            .collect::<Vec<_>>()
            .join("/");
        RubyPass {
            schema,
            module_path,
            dir,
        }
    }

    /// `.rubocop.yml`: the base config, plus the data classes whose size follows the IDL.
    fn rubocop_config(&self) -> String {
        let large: Vec<String> = self
            .schema
            .types
            .iter()
            .filter(|def| match def {
                TypeDef::Struct(s) | TypeDef::Error(s) => s.fields.len() > METRICS_FIELD_LIMIT,
                _ => false,
            })
            .map(|def| format!("    - {}/{}.rb\n", self.dir, snake_case(def.name())))
            .collect();
        if large.is_empty() {
            return RUBOCOP_CONFIG.to_string();
        }
        format!(
            "{RUBOCOP_CONFIG}\n# Data classes with many fields: their methods have one line per IDL field.\n\
             Metrics:\n  Exclude:\n{}",
            large.concat()
        )
    }

    fn file(&self, stem: &str) -> PathBuf {
        PathBuf::from(format!("{}/{stem}.rb", self.dir))
    }

    /// Nests a rendered body in the namespace modules, after the magic comment and requires.
    fn wrap(&self, body: &str, requires: &[&str]) -> String {
        let mut out = String::from("# frozen_string_literal: true\n\n");
        for library in requires {
            out.push_str(&format!("require '{library}'\n"));
        }
        if !requires.is_empty() {
            out.push('\n');
        }
        out.push_str(&self.nest(body));
        out
    }

    /// Indents a rendered body into the namespace modules.
    fn nest(&self, body: &str) -> String {
        let mut out = String::new();
        for (depth, module) in self.module_path.iter().enumerate() {
            out.push_str(&format!("{}module {module}\n", "  ".repeat(depth)));
        }
        let indent = "  ".repeat(self.module_path.len());
        for line in body.trim_end().lines() {
            if !line.is_empty() {
                out.push_str(&indent);
                out.push_str(line);
            }
            out.push('\n');
        }
        for depth in (0..self.module_path.len()).rev() {
            out.push_str(&format!("{}end\n", "  ".repeat(depth)));
        }
        out
    }

    /// A reference to a schema type from inside a nested module, where a variant class could
    /// shadow it.
    fn qualified(&self, name: &str) -> String {
        format!("{}::{}", self.module_path.join("::"), constant_name(name))
    }

    fn struct_template(&self, s: &Struct, parent: Option<&str>) -> StructTemplate {
        let reserved: &[&str] = if parent.is_some() { ERROR_MEMBERS } else { &[] };
        let fields: Vec<RbField> = s
            .fields
            .iter()
            .map(|f| {
                let name = escape_local(&snake_case(&f.name), reserved);
                let from_value = match (&f.default, &f.ty) {
                    (Some(default), _) => {
                        format!("wire.fetch('{}', {})", f.name, self.literal(default, &f.ty))
                    }
                    (None, Type::Optional(_)) => format!("wire['{}']", f.name),
                    (None, _) => format!("wire.fetch('{}')", f.name),
                };
                let var = escape_local(&name, &["wire"]);
                let (from_prelude, from_wire) = self.hoist(
                    Conversion::Decode { nested: false },
                    &f.ty,
                    &from_value,
                    &var,
                    4,
                    6 + name.len() + 3,
                );
                let (to_prelude, to_wire) = self.hoist(
                    Conversion::Encode,
                    &f.ty,
                    &format!("@{name}"),
                    &var,
                    4,
                    6 + f.name.len() + 7,
                );
                RbField {
                    doc: doc_comment(f.doc.as_deref(), "  "),
                    yard: self.yard(&f.ty),
                    from_prelude,
                    from_wire,
                    to_prelude,
                    to_wire,
                    wire: f.name.clone(),
                    name,
                }
            })
            .collect();
        // Required keywords first, as Ruby style wants.
        let mut params: Vec<String> = s
            .fields
            .iter()
            .zip(&fields)
            .filter(|(f, _)| !f.may_be_absent())
            .map(|(_, rb)| format!("{}:", rb.name))
            .collect();
        params.extend(s.fields.iter().zip(&fields).filter_map(|(f, rb)| {
            match (&f.default, &f.ty) {
                (Some(default), _) => {
                    Some(format!("{}: {}", rb.name, self.literal(default, &f.ty)))
                }
                (None, Type::Optional(_)) => Some(format!("{}: nil", rb.name)),
                (None, _) => None,
            }
        }));
        if parent.is_some() {
            params.push(format!("message: '{}'", s.name));
            params.push("traceback: nil".to_string());
        }
        let indent = 2 * self.module_path.len() + 2;
        let params = if indent + "def initialize()".len() + params.join(", ").len() > 120 {
            format!("\n    {}\n  ", params.join(",\n    "))
        } else {
            params.join(", ")
        };
        StructTemplate {
            doc: doc_comment(
                Some(
                    s.doc
                        .as_deref()
                        .unwrap_or(&format!("The `{}` record.", s.name)),
                ),
                "",
            ),
            name: constant_name(&s.name),
            wire_name: s.name.clone(),
            parent: parent.map(str::to_string),
            field_names: s
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            params,
            fields,
        }
    }

    fn union_template(&self, u: &Union) -> UnionTemplate {
        let name = constant_name(&u.name);
        let variants: Vec<RbVariant> = u
            .variants
            .iter()
            .map(|v| RbVariant {
                doc: doc_comment(
                    Some(
                        v.doc
                            .as_deref()
                            .unwrap_or(&format!("The `{}` variant of {name}.", v.name)),
                    ),
                    "  ",
                ),
                name: constant_name(&pascal_case(&v.name)),
                wire: v.name.clone(),
                yard: self.yard_in(&v.ty, true),
                from_prelude: String::new(),
                from_wire: String::new(),
                to_prelude: String::new(),
                to_wire: String::new(),
            })
            .collect();
        let variants: Vec<RbVariant> = u
            .variants
            .iter()
            .zip(variants)
            .map(|(v, mut rb)| {
                (rb.from_prelude, rb.from_wire) = self.hoist(
                    Conversion::Decode { nested: true },
                    &v.ty,
                    "wire",
                    "value",
                    6,
                    10,
                );
                (rb.to_prelude, rb.to_wire) = self.hoist(
                    Conversion::Encode,
                    &v.ty,
                    "value",
                    "wire",
                    6,
                    14 + v.name.len(),
                );
                rb
            })
            .collect();
        UnionTemplate {
            doc: doc_comment(
                Some(u.doc.as_deref().unwrap_or(&format!(
                    "The `{}` union: exactly one of the variant classes below.",
                    u.name
                ))),
                "",
            ),
            all: variants
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            name,
            variants,
        }
    }

    fn method(&self, m: &Method) -> RbMethod {
        let params: Vec<String> = m
            .args
            .iter()
            .map(|a| escape_local(&snake_case(&a.name), &[]))
            .collect();
        let mut wire_args: Vec<String> = m
            .args
            .iter()
            .zip(&params)
            .map(|(a, p)| self.encode_expr(&a.ty, p, 0))
            .collect();
        let mut call_args = format!("'{}', [{}]", m.name, wire_args.join(", "));
        // A call line that would pass the limit gets its converted arguments computed first.
        let mut prelude = String::new();
        if self.column(4) + "items = @connection.stream()".len() + call_args.len() > LINE_LIMIT {
            for ((arg, param), wire) in m.args.iter().zip(&params).zip(wire_args.iter_mut()) {
                if wire != param {
                    let var = format!("{param}_wire");
                    let value = self.multiline(Conversion::Encode, &arg.ty, param, 0, 4);
                    prelude.push_str(&format!("    {var} = {value}\n"));
                    *wire = var;
                }
            }
            call_args = format!("'{}', [{}]", m.name, wire_args.join(", "));
        }
        let mut doc = m.doc.clone().unwrap_or_default();
        let mut tags = Vec::new();
        for (arg, param) in m.args.iter().zip(&params) {
            tags.push(format!("@param {param} [{}]", self.yard(&arg.ty)));
        }
        let mut all_params = params.clone();
        let body = match &m.returns {
            Returns::Nothing => {
                tags.push("@return [nil]".to_string());
                format!("    @connection.call({call_args})\n    nil")
            }
            Returns::Value(ty) => {
                tags.push(format!("@return [{}]", self.yard(ty)));
                let call = format!("@connection.call({call_args})");
                let decode = Conversion::Decode { nested: false };
                let one_line = self.convert(decode, ty, &call, 0);
                if self.column(4) + one_line.len() <= LINE_LIMIT {
                    format!("    {one_line}")
                } else {
                    let result = self.multiline(decode, ty, "result", 0, 4);
                    format!("    result = {call}\n    {result}")
                }
            }
            Returns::Stream(ty) => {
                tags.push(format!("@yieldparam item [{}]", self.yard(ty)));
                tags.push(format!(
                    "@return [Enumerator<{}>, nil] the items when no block is given",
                    self.yard(ty)
                ));
                all_params.push("&block".to_string());
                let convert = self.decode_expr(ty, "item", 1, false);
                let stream = format!("@connection.stream({call_args})");
                let stream = if convert == "item" {
                    stream
                } else if self.column(4) + stream.len() + convert.len() + 20 <= LINE_LIMIT {
                    format!("{stream} {{ |item| {convert} }}")
                } else {
                    let convert =
                        self.multiline(Conversion::Decode { nested: false }, ty, "item", 1, 6);
                    format!("{stream} do |item|\n      {convert}\n    end")
                };
                format!("    items = {stream}\n    block ? items.each(&block) : items")
            }
            Returns::Oneway => {
                tags.push(
                    "@return [nil] at once: the server sends nothing back (oneway)".to_string(),
                );
                format!("    @connection.oneway({call_args})")
            }
        };
        for error in &m.throws {
            tags.push(format!("@raise [{}]", constant_name(error)));
        }
        if !doc.is_empty() {
            doc.push('\n');
        }
        doc.push_str(&tags.join("\n"));
        let body = format!("{prelude}{body}");
        RbMethod {
            doc: doc_comment(Some(&doc), "  "),
            name: escape_method(&snake_case(&m.name)),
            params: all_params.join(", "),
            body,
        }
    }

    /// The absolute column of a template-relative indentation, inside the namespace modules.
    fn column(&self, indent: usize) -> usize {
        2 * self.module_path.len() + indent
    }

    fn convert(&self, conversion: Conversion, ty: &Type, expr: &str, depth: usize) -> String {
        match conversion {
            Conversion::Decode { nested } => self.decode_expr(ty, expr, depth, nested),
            Conversion::Encode => self.encode_expr(ty, expr, depth),
        }
    }

    /// The conversion of `expr` as one line when it fits at `indent`, otherwise with its
    /// outer blocks spread over lines (`do ... end`), continuation lines indented from `indent`.
    fn multiline(
        &self,
        conversion: Conversion,
        ty: &Type,
        expr: &str,
        depth: usize,
        indent: usize,
    ) -> String {
        let one_line = self.convert(conversion, ty, expr, depth);
        if self.column(indent) + one_line.len() <= LINE_LIMIT {
            return one_line;
        }
        let (inner, method) = match self.schema.resolve_alias(ty) {
            Type::List(inner) => (inner.as_ref(), ".map"),
            Type::Map(_, value) => (value.as_ref(), ".transform_values"),
            Type::Optional(inner) => (inner.as_ref(), "&.then"),
            _ => return one_line,
        };
        let item = block_var(depth);
        let body = self.multiline(conversion, inner, &item, depth + 1, indent + 2);
        if body == item {
            return one_line;
        }
        let pad = " ".repeat(indent);
        format!("{expr}{method} do |{item}|\n{pad}  {body}\n{pad}end")
    }

    /// (prelude, expression): the conversion inline when its line fits (`prefix` columns before
    /// it at template indentation), else computed first into the local `var` at `indent`.
    fn hoist(
        &self,
        conversion: Conversion,
        ty: &Type,
        expr: &str,
        var: &str,
        indent: usize,
        prefix: usize,
    ) -> (String, String) {
        let one_line = self.convert(conversion, ty, expr, 0);
        if self.column(prefix) + one_line.len() < LINE_LIMIT {
            return (String::new(), one_line);
        }
        let value = self.multiline(conversion, ty, expr, 0, indent);
        (
            format!("{}{var} = {value}\n", " ".repeat(indent)),
            var.to_string(),
        )
    }

    /// The YARD type of a model type.
    fn yard(&self, ty: &Type) -> String {
        self.yard_in(ty, false)
    }

    fn yard_in(&self, ty: &Type, nested: bool) -> String {
        match ty {
            Type::Bool => "Boolean".into(),
            t if t.is_integer() => "Integer".into(),
            Type::F32 | Type::F64 => "Float".into(),
            Type::String | Type::Bytes => "String".into(),
            Type::Any => "Object".into(),
            Type::List(inner) => format!("Array<{}>", self.yard_in(inner, nested)),
            Type::Map(k, v) => format!(
                "Hash{{{} => {}}}",
                self.yard_in(k, nested),
                self.yard_in(v, nested)
            ),
            Type::Optional(inner) => format!("{}, nil", self.yard_in(inner, nested)),
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.yard_in(&alias.ty, nested),
                Some(TypeDef::Enum(_)) => "String".into(),
                _ if nested => self.qualified(name),
                _ => constant_name(name),
            },
            _ => "Object".into(),
        }
    }

    /// A Ruby expression turning `expr` (a wire value) into the model type's Ruby value.
    fn decode_expr(&self, ty: &Type, expr: &str, depth: usize, nested: bool) -> String {
        let item = block_var(depth);
        match ty {
            Type::F32 | Type::F64 => format!("Float({expr})"),
            Type::Bytes => format!("{expr}.b"),
            Type::List(inner) => {
                let convert = self.decode_expr(inner, &item, depth + 1, nested);
                block_call(expr, ".map", &item, &convert)
            }
            Type::Map(_, value) => {
                let convert = self.decode_expr(value, &item, depth + 1, nested);
                block_call(expr, ".transform_values", &item, &convert)
            }
            Type::Optional(inner) => {
                let convert = self.decode_expr(inner, &item, depth + 1, nested);
                block_call(expr, "&.then", &item, &convert)
            }
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.decode_expr(&alias.ty, expr, depth, nested),
                Some(_) => {
                    let class = if nested {
                        self.qualified(name)
                    } else {
                        constant_name(name)
                    };
                    format!("{class}.from_wire({expr})")
                }
                None => expr.to_string(),
            },
            _ => expr.to_string(),
        }
    }

    /// A Ruby expression turning the Ruby value `expr` into its wire form.
    fn encode_expr(&self, ty: &Type, expr: &str, depth: usize) -> String {
        let item = block_var(depth);
        match ty {
            Type::F32 | Type::F64 => format!("Float({expr})"),
            Type::Bytes => format!("{expr}.b"),
            Type::List(inner) => {
                let convert = self.encode_expr(inner, &item, depth + 1);
                block_call(expr, ".map", &item, &convert)
            }
            Type::Map(_, value) => {
                let convert = self.encode_expr(value, &item, depth + 1);
                block_call(expr, ".transform_values", &item, &convert)
            }
            Type::Optional(inner) => {
                let convert = self.encode_expr(inner, &item, depth + 1);
                block_call(expr, "&.then", &item, &convert)
            }
            Type::Named(name) => match self.schema.type_def(name) {
                Some(TypeDef::Alias(alias)) => self.encode_expr(&alias.ty, expr, depth),
                Some(TypeDef::Enum(_)) | None => expr.to_string(),
                Some(_) => format!("{expr}.to_wire"),
            },
            _ => expr.to_string(),
        }
    }

    /// A Ruby literal for a default or const value of type `ty`.
    fn literal(&self, value: &Value, ty: &Type) -> String {
        let ty = self.schema.resolve_alias(ty);
        match value {
            Value::Null => "nil".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => match ty {
                Type::F32 | Type::F64 => format!("{i}.0"),
                _ => i.to_string(),
            },
            Value::UInt(u) => u.to_string(),
            Value::Float(f) if f.is_nan() => "Float::NAN".into(),
            Value::Float(f) if f.is_infinite() => if *f > 0.0 {
                "Float::INFINITY"
            } else {
                "-Float::INFINITY"
            }
            .into(),
            Value::Float(f) => format!("{f:?}"),
            Value::String(s) => quote(s),
            Value::List(items) => {
                let inner = match ty {
                    Type::List(inner) | Type::Optional(inner) => inner.as_ref(),
                    other => other,
                };
                let items: Vec<String> = items.iter().map(|v| self.literal(v, inner)).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Map(entries) => {
                if entries.is_empty() {
                    return "{}".into();
                }
                let (k, v) = match ty {
                    Type::Map(k, v) => (k.as_ref(), v.as_ref()),
                    other => (other, other),
                };
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(key, value)| {
                        format!("{} => {}", self.literal(key, k), self.literal(value, v))
                    })
                    .collect();
                format!("{{ {} }}", entries.join(", "))
            }
            Value::Ident(ident) => match enum_name(self.schema, ty) {
                Some(name) => format!("{}::{}", constant_name(name), screaming_snake_case(ident)),
                None => format!("Constants::{}", screaming_snake_case(ident)),
            },
        }
    }
}

/// The enum a (possibly optional) type names, if any.
pub(crate) fn enum_name<'s>(schema: &'s Schema, ty: &'s Type) -> Option<&'s str> {
    match schema.resolve_alias(ty) {
        Type::Optional(inner) => enum_name(schema, inner),
        Type::Named(name) => match schema.type_def(name) {
            Some(TypeDef::Enum(e)) => Some(&e.name),
            _ => None,
        },
        _ => None,
    }
}

/// A Ruby constant name (classes, modules): PascalCase, starting with an uppercase letter.
fn constant_name(name: &str) -> String {
    let pascal = pascal_case(name);
    if pascal.starts_with(|c: char| c.is_ascii_uppercase()) {
        pascal
    } else {
        format!("X{pascal}")
    }
}

/// Escapes a parameter or reader name that is a keyword or otherwise reserved.
fn escape_local(name: &str, reserved: &[&str]) -> String {
    if KEYWORDS.contains(&name) || reserved.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// Escapes a method name that would replace a method of Object or of the client itself.
fn escape_method(name: &str) -> String {
    if OBJECT_METHODS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// Block parameter names by nesting depth, so nested blocks never shadow each other.
fn block_var(depth: usize) -> String {
    match depth {
        0 => "item".into(),
        n => format!("item{}", n + 1),
    }
}

/// A Ruby string literal (`#{`, `#$`, `#@` must not interpolate in the double-quoted form).
fn quote(s: &str) -> String {
    let literal = crate::naming::quoted_literal(s, |_| None);
    if !literal.starts_with('"') {
        return literal;
    }
    literal
        .replace("#{", "\\#{")
        .replace("#$", "\\#$")
        .replace("#@", "\\#@")
}

/// `# ` comment lines at `indent`, each ending in a newline; empty without a doc.
fn doc_comment(doc: Option<&str>, indent: &str) -> String {
    let Some(doc) = doc.map(str::trim).filter(|d| !d.is_empty()) else {
        return String::new();
    };
    doc.lines()
        .map(|line| {
            let line = line.trim_end();
            if line.is_empty() {
                format!("{indent}#\n")
            } else {
                format!("{indent}# {line}\n")
            }
        })
        .collect()
}

/// `expr.method { |item| convert }`, or `expr.method(&:name)` when the block only calls `name`,
/// or `expr` itself when the block would change nothing.
fn block_call(expr: &str, method: &str, item: &str, convert: &str) -> String {
    if convert == item {
        return expr.to_string();
    }
    match convert
        .strip_prefix(item)
        .and_then(|rest| rest.strip_prefix('.'))
    {
        Some(name) if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            format!("{expr}{method}(&:{name})")
        }
        _ => format!("{expr}{method} {{ |{item}| {convert} }}"),
    }
}
