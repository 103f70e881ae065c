//! Ruby client generation: one file per type and per service under a directory named after the
//! namespace (`Calculator` → `calculator.rb` + `calculator/*.rb`) and a gemspec; the code loads
//! the `zrpc` gem (`runtimes/ruby`) for the protocol.
//!
//! This pass computes every Ruby name, YARD type and conversion expression, so the templates
//! only lay them out.

use std::path::PathBuf;
use std::sync::Arc;

mod events;
mod metrics;

use askama::Template;
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use zrpc_idl::model::{Method, Returns, Schema, Service, Struct, Type, TypeDef, Union};

use crate::naming::{derive_events, snake_case};
use crate::{Error, GeneratedFile};
use zrpc_plan::layout::{self, layout};
use zrpc_plan::reserved::RUBY;
use zrpc_plan::{Kind, Literal, Names, Plan, Position, Spelling};

/// Shipped beside the code. Constructs whose size or parameter names follow the IDL carry
/// inline directives instead (`metrics.rs`), so the code passes rubocop at its defaults too.
const RUBOCOP_CONFIG: &str = "\
AllCops:
  NewCops: enable
  TargetRubyVersion: 3.0
";

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
    let root = RubyPass::module_dir(schema);
    (root != idl_stem).then(|| GeneratedFile {
        path: PathBuf::from(format!("{idl_stem}.rb")),
        contents: format!(
            "# frozen_string_literal: true\n\n# Loads the client generated from {idl_stem}.zrpc.\nrequire_relative '{root}'\n"
        ),
    })
}

/// `->(value) { expr }`, or `nil` when the conversion keeps the value as it is.
fn lambda(expr: &str) -> String {
    if expr == "value" {
        "nil".to_string()
    } else {
        format!("->(value) {{ {expr} }}")
    }
}

/// A lambda the layout pass broke over lines in `lambda do ... end` form, as rubocop's
/// `Style/Lambda` wants (`->` only on one line).
fn multiline_lambdas(text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for i in 0..lines.len() {
        let code = lines[i].trim_end();
        let Some(head) = code.strip_suffix("->(value) {") else {
            continue;
        };
        let head = format!("{head}lambda do |value|");
        let indent = lines[i].len() - lines[i].trim_start().len();
        let close = (i + 1..lines.len()).find(|&j| {
            let l = &lines[j];
            l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}')
        });
        if let Some(j) = close {
            lines[i] = head;
            lines[j] = lines[j].replacen('}', "end", 1);
        }
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Renders the Ruby client: a list of (path relative to the output directory, contents).
pub fn generate(schema: &Schema) -> Result<Vec<GeneratedFile>, Error> {
    render(&Plan::new(schema)?)
}

/// Renders the Ruby client of a planned schema.
pub fn render(plan: &Plan) -> Result<Vec<GeneratedFile>, Error> {
    let schema = plan.schema;
    let pass = RubyPass::new(plan);
    let mut files = Vec::new();
    let mut requires = Vec::new();
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
                name: pass.names.type_name(&s.name),
            }
            .render()?,
            TypeDef::Struct(s) => pass.struct_template(s, None).render()?,
            TypeDef::Error(s) => pass
                .struct_template(s, Some("Zrpc::RemoteError"))
                .render()?,
            TypeDef::Enum(e) => EnumTemplate {
                doc: doc_comment(
                    Some(e.doc.as_deref().unwrap_or(&format!(
                        "The `{}` enum: each variant is a frozen String constant.",
                        e.name
                    ))),
                    "",
                ),
                name: pass.names.type_name(&e.name),
                all: e
                    .variants
                    .iter()
                    .map(|v| pass.names.member(&e.name, &v.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                variants: e
                    .variants
                    .iter()
                    .map(|v| (v, pass.names.member(&e.name, &v.name)))
                    .map(|(v, name)| RbVariant {
                        doc: doc_comment(v.doc.as_deref(), "  "),
                        name,
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
        let stem = snake_case(&pass.names.type_name(def.name()));
        requires.push(format!("{}/{stem}", pass.dir));
        files.push((pass.file(&stem), pass.wrap(&body, &[])));
    }
    for service in &schema.services {
        let name = client_names(&pass, service).class;
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
                .map(|e| format!("'{e}' => {}", pass.names.type_name(e)))
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
            methods: service
                .methods
                .iter()
                .map(|m| pass.method(service, m))
                .collect(),
        }
        .render()?;
        let stem = snake_case(&name);
        requires.push(format!("{}/{stem}", pass.dir));
        files.push((pass.file(&stem), pass.wrap(&body, &[])));
        if let Some(events) = events::template(&pass, service) {
            let stem = format!("{}_events", snake_case(&service.name));
            requires.push(format!("{}/{stem}", pass.dir));
            files.push((
                pass.file(&stem),
                pass.wrap(events.render()?.trim_start(), &[]),
            ));
        }
    }
    let consts = if schema.consts.is_empty() {
        String::new()
    } else {
        let body = ConstsTemplate {
            doc: doc_comment(Some("Constants declared in the IDL."), ""),
            consts: plan
                .consts
                .iter()
                .map(|c| RbConst {
                    doc: doc_comment(c.def.doc.as_deref(), "  "),
                    name: pass.names.constant(&c.def.name),
                    // A constant's Array or Hash is frozen, as rubocop's `Style/MutableConstant` wants.
                    value: match c.value.unwrap_some() {
                        Literal::List(_) | Literal::Map(_) => {
                            format!("{}.freeze", pass.literal(&c.value))
                        }
                        _ => pass.literal(&c.value),
                    },
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
    files.push((PathBuf::from(".rubocop.yml"), RUBOCOP_CONFIG.to_string()));
    files.push((
        PathBuf::from(format!("{}.gemspec", pass.gem_name())),
        GemspecTemplate {
            name: pass.gem_name(),
            root: format!("{}.rb", pass.dir),
            dir: pass.dir.clone(),
        }
        .render()?
            + "\n",
    ));
    // Templates write one statement per line; the layout pass breaks the long ones, then the
    // constructs the IDL makes large get their rubocop directives.
    Ok(files
        .into_iter()
        .map(|(path, contents)| {
            let contents = if path.extension() != Some("rb".as_ref()) {
                contents
            } else {
                // A lambda broken over lines takes `do ... end`; its body, now a statement of
                // its own, is laid out again.
                let laid_out = multiline_lambdas(&layout(&contents, &layout::RUBY));
                metrics::annotate(&layout(&laid_out, &layout::RUBY))
            };
            GeneratedFile { path, contents }
        })
        .collect())
}

/// The gemspec: `gem build` packs the client, which depends on the `zrpc` gem.
#[derive(Template)]
#[template(path = "ruby/gemspec.rb", escape = "none")]
struct GemspecTemplate {
    name: String,
    root: String,
    dir: String,
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

/// A data class field and its row of `WIRE_FIELDS`.
struct RbField {
    doc: String,
    name: String,
    /// The wire name as a Ruby string literal.
    wire: String,
    yard: String,
    /// A lambda converting the field's value from / to its wire form, or `nil` for none.
    decoder: String,
    encoder: String,
    /// `:default` (the constructor's), `nil` (optional) or `:required`: what an absent or nil
    /// field reads as.
    absent: String,
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
    plan: &'a Plan<'a>,
    /// `["Acme", "Calc"]`.
    module_path: Vec<String>,
    /// `acme/calc`: the root file's path without `.rb`, and the directory of the other files.
    dir: String,
    names: Arc<Names>,
    /// Expressions for code outside the namespace (`Backend::literal`): every constant
    /// qualified, as a core class (`Encoding`) would win over an included module's.
    outside: bool,
}

impl<'a> RubyPass<'a> {
    fn new(plan: &'a Plan<'a>) -> Self {
        let schema = plan.schema;
        let module_path = Self::module_path(schema);
        RubyPass {
            schema,
            plan,
            dir: Self::module_dir(schema),
            module_path,
            names: plan.names(SPELLING),
            outside: false,
        }
    }

    /// The pass for expressions used outside the namespace.
    fn outside(plan: &'a Plan<'a>) -> Self {
        RubyPass {
            outside: true,
            ..Self::new(plan)
        }
    }

    fn module_path(schema: &Schema) -> Vec<String> {
        match schema.namespace("ruby") {
            Some(ns) => ns.split("::").map(constant_name).collect(),
            None => vec![schema
                .services
                .first()
                // Never the runtime's own `Zrpc`.
                .map_or_else(|| "Schema".to_string(), |s| constant_name(&s.name))],
        }
    }

    /// `acme/calc` for `Acme::Calc`.
    fn module_dir(schema: &Schema) -> String {
        Self::module_path(schema)
            .iter()
            .map(|m| snake_case(m))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The gem's name: the namespace path with dashes (`acme-shop`).
    fn gem_name(&self) -> String {
        self.dir.replace('/', "-")
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
        format!(
            "{}::{}",
            self.module_path.join("::"),
            self.names.type_name(name)
        )
    }

    fn struct_template(&self, s: &Struct, parent: Option<&str>) -> StructTemplate {
        let kind = if parent.is_some() {
            Kind::ErrorField
        } else {
            Kind::Field
        };
        let planned = self
            .plan
            .structure(&s.name)
            .expect("the plan covers every struct and error");
        let fields: Vec<RbField> = planned
            .fields
            .iter()
            .map(|planned| {
                let f = planned.def;
                let name = self.names.field(&s.name, &f.name, kind);
                let inner = self.plan.strip_optional(&f.ty);
                let decode = self.decode_expr(inner, "value", 0, false);
                let encode = self.encode_expr(&f.ty, "value", 0);
                // A default is the constructor's: `new` fills it in when the keyword is left out.
                let absent = match planned.absent_value() {
                    Some(default) if default != Literal::Null => ":default",
                    _ if planned.optional => "nil",
                    _ => ":required",
                }
                .to_string();
                RbField {
                    doc: doc_comment(f.doc.as_deref(), "  "),
                    yard: self.yard(&f.ty),
                    decoder: lambda(&decode),
                    encoder: lambda(&encode),
                    absent,
                    wire: quote(&f.name),
                    name,
                }
            })
            .collect();
        // Required keywords first, as Ruby style wants.
        let mut params: Vec<String> = planned
            .constructor_order()
            .map(|f| {
                let name = self.names.field(&s.name, &f.def.name, kind);
                match f.absent_value() {
                    Some(value) => format!("{name}: {}", self.literal(&value)),
                    None => format!("{name}:"),
                }
            })
            .collect();
        if parent.is_some() {
            params.push(format!("message: '{}'", s.name));
            params.push("traceback: nil".to_string());
        }
        let params = params.join(", ");
        StructTemplate {
            doc: doc_comment(
                Some(
                    s.doc
                        .as_deref()
                        .unwrap_or(&format!("The `{}` record.", s.name)),
                ),
                "",
            ),
            name: self.names.type_name(&s.name),
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
        let name = self.names.type_name(&u.name);
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
                name: self.names.variant(&u.name, &v.name),
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
                );
                (rb.to_prelude, rb.to_wire) =
                    self.hoist(Conversion::Encode, &v.ty, "value", "wire", 6);
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

    fn method(&self, service: &Service, m: &Method) -> RbMethod {
        let name = self.names.method(&service.name, &m.name);
        let params = self.args(service, m);
        let mut wire_args: Vec<String> = m
            .args
            .iter()
            .zip(&params)
            .map(|(a, p)| self.encode_expr(&a.ty, p, 0))
            .collect();
        // Arguments converted with a block are computed first, one statement each.
        let mut prelude = String::new();
        for (param, wire) in params.iter().zip(wire_args.iter_mut()) {
            if has_block(wire) {
                let var = format!("{param}_wire");
                prelude.push_str(&format!("    {var} = {wire}\n"));
                *wire = var;
            }
        }
        let call_args = format!("'{}', [{}], timeout: timeout", m.name, wire_args.join(", "));
        let mut doc = m.doc.clone().unwrap_or_default();
        let mut tags = Vec::new();
        for (arg, param) in m.args.iter().zip(&params) {
            tags.push(format!("@param {param} [{}]", self.yard(&arg.ty)));
        }
        // Optional arguments default to nil when no required argument follows them.
        let defaulted_from = m
            .args
            .iter()
            .rposition(|a| !matches!(self.schema.resolve_alias(&a.ty), Type::Optional(_)))
            .map_or(0, |last_required| last_required + 1);
        let mut all_params: Vec<String> = params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i >= defaulted_from {
                    format!("{p} = nil")
                } else {
                    p.clone()
                }
            })
            .collect();
        all_params.push("timeout: nil".to_string());
        tags.push(
            "@param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)"
                .to_string(),
        );
        let body = match &m.returns {
            Returns::Nothing => {
                tags.push("@return [nil]".to_string());
                format!("    @connection.call({call_args})\n    nil")
            }
            Returns::Value(ty) => {
                tags.push(format!("@return [{}]", self.yard(ty)));
                // The block checks the result against the declared type, inside the call so
                // that a mismatch is a Zrpc::ProtocolError naming the method.
                let call = format!("@connection.call({call_args})");
                let decode = Conversion::Decode { nested: false };
                let checked = self.convert(decode, ty, "result", 0);
                if checked == "result" {
                    format!("    {call}")
                } else {
                    format!("    {call} do |result|\n      {checked}\n    end")
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
                } else {
                    format!("{stream} {{ |item| {convert} }}")
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
            tags.push(format!("@raise [{}]", self.names.type_name(error)));
        }
        if !doc.is_empty() {
            doc.push('\n');
        }
        doc.push_str(&tags.join("\n"));
        let body = format!("{prelude}{body}");
        RbMethod {
            doc: doc_comment(Some(&doc), "  "),
            name,
            params: all_params.join(", "),
            body,
        }
    }

    /// The parameter names of `m`'s arguments.
    fn args(&self, service: &Service, m: &Method) -> Vec<String> {
        m.args
            .iter()
            .map(|a| self.names.arg(&service.name, &m.name, &a.name))
            .collect()
    }

    fn convert(&self, conversion: Conversion, ty: &Type, expr: &str, depth: usize) -> String {
        match conversion {
            Conversion::Decode { nested } => self.decode_expr(ty, expr, depth, nested),
            Conversion::Encode => self.encode_expr(ty, expr, depth),
        }
    }

    /// (prelude, expression): a conversion with a block is computed first into the local
    /// `var` (a statement, which the layout pass can break into `do ... end`); a simple one
    /// stays inline.
    fn hoist(
        &self,
        conversion: Conversion,
        ty: &Type,
        expr: &str,
        var: &str,
        indent: usize,
    ) -> (String, String) {
        let value = self.convert(conversion, ty, expr, 0);
        if has_block(&value) {
            (
                format!("{}{var} = {value}\n", " ".repeat(indent)),
                var.to_string(),
            )
        } else {
            (String::new(), value)
        }
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
                _ => self.names.type_name(name),
            },
            _ => "Object".into(),
        }
    }

    /// A Ruby expression turning `expr` (a wire value) into the model type's Ruby value.
    fn decode_expr(&self, ty: &Type, expr: &str, depth: usize, nested: bool) -> String {
        let item = block_var(depth);
        match ty {
            Type::Bool => format!("Zrpc::Wire.boolean({expr})"),
            t if t.is_integer() => format!("Zrpc::Wire.integer({expr})"),
            Type::F32 | Type::F64 => format!("Zrpc::Wire.float({expr})"),
            Type::String => format!("Zrpc::Wire.string({expr})"),
            Type::Bytes => format!("Zrpc::Wire.bytes({expr})"),
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
                        self.names.type_name(name)
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

    /// A Ruby expression for a planned value.
    fn literal(&self, value: &Literal) -> String {
        match value {
            Literal::Null => "nil".into(),
            Literal::Bool(b) => b.to_string(),
            Literal::Int(i) => grouped(&i.to_string()),
            Literal::UInt(u) => grouped(&u.to_string()),
            Literal::Float(f) if f.is_nan() => "Float::NAN".into(),
            Literal::Float(f) if f.is_infinite() => if *f > 0.0 {
                "Float::INFINITY"
            } else {
                "-Float::INFINITY"
            }
            .into(),
            Literal::Float(f) => grouped(&format!("{f:?}")),
            Literal::String(s) => quote(s),
            Literal::Bytes(bytes) => bytes_literal(bytes),
            Literal::List(items) => {
                // Words as `%w[a b]`, as rubocop's `Style/WordArray` wants.
                let words: Option<Vec<&str>> = items
                    .iter()
                    .map(|item| match item.unwrap_some() {
                        Literal::String(word)
                            if !word.is_empty()
                                && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                        {
                            Some(word.as_str())
                        }
                        _ => None,
                    })
                    .collect();
                match words {
                    Some(words) if words.len() >= 2 => format!("%w[{}]", words.join(" ")),
                    _ => {
                        let items: Vec<String> = items.iter().map(|v| self.literal(v)).collect();
                        format!("[{}]", items.join(", "))
                    }
                }
            }
            Literal::Map(entries) if entries.is_empty() => "{}".into(),
            Literal::Map(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{} => {}", self.literal(k), self.literal(v)))
                    .collect();
                format!("{{ {} }}", entries.join(", "))
            }
            Literal::Some(inner) => self.literal(inner),
            Literal::Enum { ty, variant } => {
                let class = if self.outside {
                    self.qualified(ty)
                } else {
                    self.names.type_name(ty)
                };
                format!("{class}::{}", self.names.member(ty, variant))
            }
            Literal::Struct { ty, fields } => {
                let kind = match self.schema.type_def(ty) {
                    Some(TypeDef::Error(_)) => Kind::ErrorField,
                    _ => Kind::Field,
                };
                let args: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}: {}",
                            self.names.field(ty, &f.name, kind),
                            self.literal(&f.value)
                        )
                    })
                    .collect();
                format!("{}.new({})", self.qualified(ty), args.join(", "))
            }
            Literal::Union { ty, variant, value } => format!(
                "{}::{}.new({})",
                self.qualified(ty),
                self.names.variant(ty, variant),
                self.literal(value)
            ),
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
/// The client class of `service` and its method names.
/// The client class of `service` and its method names.
fn client_names(pass: &RubyPass, service: &Service) -> zrpc_plan::ClientNames {
    zrpc_plan::ClientNames {
        namespace: pass.module_path.join("::"),
        class: format!("{}Client", constant_name(&service.name)),
        methods: service
            .methods
            .iter()
            .map(|m| pass.names.method(&service.name, &m.name))
            .collect(),
    }
}

fn constant_name(name: &str) -> String {
    // heck drops every underscore (`__FILE__` is `File`), as rubocop's CamelCase wants.
    RUBY.escape(&capitalised(&name.to_upper_camel_case()), Position::Type)
}

/// An enum member or const: SCREAMING_SNAKE (heck drops the underscores around `__call`,
/// which rubocop's `Naming/ConstantName` rejects), starting with an uppercase letter.
fn member_name(name: &str) -> String {
    capitalised(&RUBY.escape(&name.to_shouty_snake_case(), Position::EnumMember))
}

/// How Ruby spells the names of a schema.
const SPELLING: Spelling = Spelling {
    reserved: &RUBY,
    spell,
    derive: derive_events,
};

/// The Ruby spelling of one name (made distinct in its scope by [`Names`]).
fn spell(name: &str, kind: Kind) -> String {
    match kind {
        Kind::Type | Kind::Variant => constant_name(name),
        Kind::Const | Kind::Member => member_name(name),
        Kind::Field | Kind::ErrorField | Kind::Method | Kind::Arg => local_name(name),
    }
}

/// A reader, parameter or method name: snake_case without leading underscores (rubocop reads
/// `_x` as unused, `__FILE__` is no snake_case); `__` alone becomes `x`.
fn local_name(name: &str) -> String {
    let snake = name.to_snake_case();
    if snake.is_empty() {
        "x".to_owned()
    } else {
        snake
    }
}

/// Ruby constants must start with an uppercase letter (`_x`, `__FILE__` do not).
fn capitalised(name: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name.to_owned()
    } else {
        format!("X{name}")
    }
}

/// `'raw'.b` or `"\x00raw".b`: a binary String literal, single-quoted when nothing needs escaping.
fn bytes_literal(bytes: &[u8]) -> String {
    let interpolation = bytes.windows(2).any(|pair| pair == b"#{");
    if !interpolation
        && bytes
            .iter()
            .all(|&b| (b' '..=b'~').contains(&b) && b != b'\'' && b != b'\\')
    {
        return format!("'{}'.b", String::from_utf8_lossy(bytes));
    }
    let mut out = String::from("\"");
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'#' => out.push_str("\\#"),
            b' '..=b'~' => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02X}")),
        }
    }
    out.push_str("\".b");
    out
}

/// A numeric literal with `_` between groups of three digits from five digits on
/// (rubocop's `Style/NumericLiterals`): `9_223_372_036_854_775_807`, `123_456.5`.
fn grouped(number: &str) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, tail) = rest.split_at(end);
    if digits.len() < 5 || tail.contains(['e', 'E']) {
        return number.to_owned();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    format!("{sign}{out}{tail}")
}

/// A conversion that runs a block (`{ |item| ... }`).
fn has_block(expr: &str) -> bool {
    expr.contains("{ |")
}

/// Block parameter names by nesting depth, so nested blocks never shadow each other.
fn block_var(depth: usize) -> String {
    match depth {
        0 => "item".into(),
        n => format!("item{}", n + 1),
    }
}

/// A Ruby string literal (`#{`, `#$`, `#@` must not interpolate in the double-quoted form).
/// Text with `#{` is double-quoted (escaped): rubocop's `Lint/InterpolationCheck` reads it
/// in single quotes as a forgotten interpolation.
fn quote(s: &str) -> String {
    let literal = if s.contains("#{") {
        crate::naming::double_quoted(s, |_| None)
    } else {
        crate::naming::quoted_literal(s, |_| None)
    };
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

/// The Ruby backend.
pub struct Ruby;

impl zrpc_plan::Backend for Ruby {
    fn language(&self) -> &'static str {
        "ruby"
    }

    fn reserved(&self) -> &'static zrpc_plan::Reserved {
        &RUBY
    }

    fn type_name(&self, plan: &Plan, ty: &Type) -> String {
        RubyPass::new(plan).yard(ty)
    }

    fn literal(&self, plan: &Plan, _ty: &Type, value: &Literal) -> String {
        RubyPass::outside(plan).literal(value)
    }

    fn encode(&self, plan: &Plan, ty: &Type, expr: &str) -> String {
        RubyPass::new(plan).encode_expr(ty, expr, 0)
    }

    fn decode(&self, plan: &Plan, ty: &Type, expr: &str) -> String {
        // Qualified, like the literals: for code outside the namespace.
        RubyPass::outside(plan).decode_expr(ty, expr, 0, true)
    }

    fn package(&self, plan: &Plan) -> String {
        RubyPass::module_path(plan.schema).join("::")
    }

    /// With an IDL file stem, also the entry file `require "DIR/<stem>"` loads.
    fn client_names(&self, plan: &Plan, service: &Service) -> zrpc_plan::ClientNames {
        client_names(&RubyPass::new(plan), service)
    }

    fn generate(
        &self,
        plan: &Plan,
        options: &zrpc_plan::GenerateOptions,
    ) -> Result<Vec<GeneratedFile>, zrpc_plan::GenerateError> {
        let mut files = render(plan)?;
        // A server compiled from an IDL file serves its stem in the model.
        if let Some(stem) = options.idl_stem.as_ref().or(plan.schema.file_stem.as_ref()) {
            files.extend(entry_file(stem, plan.schema));
        }
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lambda_over_lines_takes_do_end() {
        let broken = "  ROWS = [\n    [\n      :a,\n      ->(value) {\n        value.map { |item| item }\n      },\n      nil\n    ]\n  ].freeze\n";
        assert_eq!(
            multiline_lambdas(broken),
            "  ROWS = [\n    [\n      :a,\n      lambda do |value|\n        value.map { |item| item }\n      end,\n      nil\n    ]\n  ].freeze\n"
        );
        let short = "  [:a, ->(value) { value.b }, nil]\n";
        assert_eq!(multiline_lambdas(short), short);
    }
}
