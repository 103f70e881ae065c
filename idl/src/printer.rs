//! Model → canonical IDL text: a fixed order, 4-space indent, docs and annotations kept, so that
//! parsing the output gives back the same model. The formatter also passes the file's plain
//! comments, which go back next to what they were attached to.

use std::fmt::Write as _;

use crate::comments::{end_key, member_key, Comments};
use crate::model::{
    Annotation, Const, Enum, Method, Returns, Schema, Service, Struct, Type, TypeDef, Union, Value,
};

/// Lines longer than this put struct, enum and union members one per line.
const MAX_WIDTH: usize = 100;
const INDENT: &str = "    ";

/// Namespaces in canonical order: the four languages of docs/idl.md in their documented order,
/// then any others alphabetically.
fn namespace_order(schema: &Schema) -> Vec<(&str, &str)> {
    const ORDER: &[&str] = &["python", "ruby", "php", "rust"];
    let mut namespaces: Vec<(&str, &str)> = schema
        .namespaces
        .iter()
        .map(|(lang, path)| (lang.as_str(), path.as_str()))
        .collect();
    namespaces.sort_by_key(|(lang, _)| {
        let rank = ORDER.iter().position(|known| known == lang);
        (rank.unwrap_or(ORDER.len()), *lang)
    });
    namespaces
}

/// The canonical text of a schema: file doc, namespaces, then `imports`, consts, types and
/// services in model order, with `comments` put back in place.
pub(crate) fn print_file(schema: &Schema, imports: &[String], comments: &Comments) -> String {
    let mut sections: Vec<String> = Vec::new();
    let namespaces: String = namespace_order(schema)
        .into_iter()
        .map(|(lang, path)| {
            let key = format!("namespace:{lang}");
            format!(
                "{}namespace {lang} {path}{}\n",
                comments.leading(&key, ""),
                comments.trailing(&key)
            )
        })
        .collect();
    if !namespaces.is_empty() {
        sections.push(namespaces.clone());
    }
    if !imports.is_empty() {
        sections.push(
            imports
                .iter()
                .map(|i| {
                    let key = format!("import:{i}");
                    format!(
                        "{}import {}{}\n",
                        comments.leading(&key, ""),
                        string_literal(i),
                        comments.trailing(&key)
                    )
                })
                .collect(),
        );
    }
    let printer = Printer { comments };
    sections.extend(schema.consts.iter().map(|c| printer.constant(c)));
    sections.extend(schema.types.iter().map(|t| printer.type_def(t)));
    sections.extend(schema.services.iter().map(|s| printer.service(s)));
    let end = comments.leading(&end_key(None), "");
    if !end.is_empty() {
        sections.push(end);
    }
    let body = sections.join("\n");
    // The file doc sits right on top of namespace and import lines (which take no doc of their
    // own); before an item, a blank line tells it apart from that item's doc.
    match &schema.doc {
        None => body,
        Some(doc) if !namespaces.is_empty() || !imports.is_empty() => doc_lines(doc, "") + &body,
        Some(doc) if body.is_empty() => doc_lines(doc, ""),
        Some(doc) => doc_lines(doc, "") + "\n" + &body,
    }
}

fn doc_lines(doc: &str, indent: &str) -> String {
    doc.split('\n')
        .map(|line| {
            if line.is_empty() {
                format!("{indent}///\n")
            } else {
                format!("{indent}/// {line}\n")
            }
        })
        .collect()
}

fn print_annotation(annotation: &Annotation) -> String {
    if annotation.args.is_empty() {
        format!("@{}", annotation.name)
    } else {
        let args: Vec<String> = annotation.args.iter().map(value_to_string).collect();
        format!("@{}({})", annotation.name, args.join(", "))
    }
}

/// One member of a block: what precedes its line (comments, doc, annotations), the line
/// itself, and what follows it on that line (a trailing comment).
struct Member {
    head: String,
    text: String,
    tail: String,
}

struct Printer<'c> {
    comments: &'c Comments,
}

impl Printer<'_> {
    /// Comments, doc and annotations before an item.
    fn head(
        &self,
        key: &str,
        doc: Option<&str>,
        annotations: &[Annotation],
        indent: &str,
    ) -> String {
        let mut out = self.comments.leading(key, indent);
        if let Some(doc) = doc {
            out.push_str(&doc_lines(doc, indent));
        }
        for annotation in annotations {
            let _ = writeln!(out, "{indent}{}", print_annotation(annotation));
        }
        out
    }

    fn member(
        &self,
        key: String,
        doc: Option<&str>,
        annotations: &[Annotation],
        text: String,
    ) -> Member {
        Member {
            head: self.head(&key, doc, annotations, INDENT),
            tail: self.comments.trailing(&key),
            text,
        }
    }

    fn constant(&self, c: &Const) -> String {
        let key = format!("const:{}", c.name);
        format!(
            "{}const {}: {} = {}{}\n",
            self.head(&key, c.doc.as_deref(), &[], ""),
            c.name,
            type_to_string(&c.ty),
            value_to_string(&c.value),
            self.comments.trailing(&key)
        )
    }

    fn type_def(&self, def: &TypeDef) -> String {
        match def {
            TypeDef::Struct(s) => self.structure("struct", s),
            TypeDef::Error(s) => self.structure("error", s),
            TypeDef::Enum(e) => self.enumeration(e),
            TypeDef::Union(u) => self.union(u),
            TypeDef::Alias(a) => {
                let key = format!("type:{}", a.name);
                format!(
                    "{}type {} = {}{}\n",
                    self.head(&key, a.doc.as_deref(), &a.annotations, ""),
                    a.name,
                    type_to_string(&a.ty),
                    self.comments.trailing(&key)
                )
            }
        }
    }

    fn structure(&self, keyword: &str, s: &Struct) -> String {
        let key = format!("type:{}", s.name);
        let fields = s
            .fields
            .iter()
            .map(|f| {
                let mut text = format!("{}: {}", f.name, type_to_string(&f.ty));
                if let Some(default) = &f.default {
                    let _ = write!(text, " = {}", value_to_string(default));
                }
                self.member(
                    member_key(&key, &f.name),
                    f.doc.as_deref(),
                    &f.annotations,
                    text,
                )
            })
            .collect();
        self.block(
            keyword,
            &key,
            &s.name,
            s.doc.as_deref(),
            &s.annotations,
            fields,
            true,
        )
    }

    fn enumeration(&self, e: &Enum) -> String {
        let key = format!("type:{}", e.name);
        let variants = e
            .variants
            .iter()
            .map(|v| {
                self.member(
                    member_key(&key, &v.name),
                    v.doc.as_deref(),
                    &v.annotations,
                    v.name.clone(),
                )
            })
            .collect();
        self.block(
            "enum",
            &key,
            &e.name,
            e.doc.as_deref(),
            &e.annotations,
            variants,
            true,
        )
    }

    fn union(&self, u: &Union) -> String {
        let key = format!("type:{}", u.name);
        let variants = u
            .variants
            .iter()
            .map(|v| {
                let text = format!("{}: {}", v.name, type_to_string(&v.ty));
                self.member(
                    member_key(&key, &v.name),
                    v.doc.as_deref(),
                    &v.annotations,
                    text,
                )
            })
            .collect();
        self.block(
            "union",
            &key,
            &u.name,
            u.doc.as_deref(),
            &u.annotations,
            variants,
            true,
        )
    }

    fn service(&self, service: &Service) -> String {
        let key = format!("service:{}", service.name);
        let methods = service
            .methods
            .iter()
            .map(|m| {
                self.member(
                    member_key(&key, &m.name),
                    m.doc.as_deref(),
                    &m.annotations,
                    method_line(m),
                )
            })
            .collect();
        self.block(
            "service",
            &key,
            &service.name,
            service.doc.as_deref(),
            &service.annotations,
            methods,
            false,
        )
    }

    /// `keyword name { members }`: on one line when `may_inline`, no member has anything
    /// before or after its line, and it fits; otherwise one member per line.
    #[allow(clippy::too_many_arguments)]
    fn block(
        &self,
        keyword: &str,
        key: &str,
        name: &str,
        doc: Option<&str>,
        annotations: &[Annotation],
        members: Vec<Member>,
        may_inline: bool,
    ) -> String {
        let mut out = self.head(key, doc, annotations, "");
        let trailing = self.comments.trailing(key);
        let end = self.comments.leading(&end_key(Some(key)), INDENT);
        if members.is_empty() && end.is_empty() {
            let _ = writeln!(out, "{keyword} {name} {{}}{trailing}");
            return out;
        }
        let plain = members
            .iter()
            .all(|m| m.head.is_empty() && m.tail.is_empty());
        let texts: Vec<&str> = members.iter().map(|m| m.text.as_str()).collect();
        let one_line = format!("{keyword} {name} {{ {} }}", texts.join(", "));
        if may_inline && plain && end.is_empty() && one_line.len() <= MAX_WIDTH {
            let _ = writeln!(out, "{one_line}{trailing}");
            return out;
        }
        let _ = writeln!(out, "{keyword} {name} {{");
        for member in &members {
            let _ = writeln!(out, "{}{INDENT}{}{}", member.head, member.text, member.tail);
        }
        out.push_str(&end);
        let _ = writeln!(out, "}}{trailing}");
        out
    }
}

fn method_line(method: &Method) -> String {
    let mut out = String::new();
    if method.returns == Returns::Oneway {
        out.push_str("oneway ");
    }
    let args: Vec<String> = method
        .args
        .iter()
        .map(|a| format!("{}: {}", a.name, type_to_string(&a.ty)))
        .collect();
    let _ = write!(out, "{}({})", method.name, args.join(", "));
    match &method.returns {
        Returns::Value(ty) => {
            let _ = write!(out, " -> {}", type_to_string(ty));
        }
        Returns::Stream(ty) => {
            let _ = write!(out, " -> stream<{}>", type_to_string(ty));
        }
        Returns::Nothing | Returns::Oneway => {}
    }
    match method.throws.as_slice() {
        [] => {}
        [one] => {
            let _ = write!(out, " throws {one}");
        }
        several => {
            let _ = write!(out, " throws ({})", several.join(", "));
        }
    }
    out
}

/// The IDL spelling of a type, e.g. `map<string, list<i64>>?`.
pub(crate) fn type_to_string(ty: &Type) -> String {
    if let Some(name) = ty.builtin_name() {
        return name.to_owned();
    }
    match ty {
        Type::List(item) => format!("list<{}>", type_to_string(item)),
        Type::Map(key, value) => format!("map<{}, {}>", type_to_string(key), type_to_string(value)),
        Type::Optional(inner) => format!("{}?", type_to_string(inner)),
        Type::Named(name) => name.clone(),
        _ => String::new(),
    }
}

/// The IDL spelling of a literal.
pub(crate) fn value_to_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        // `{:?}` always shows a fraction or exponent, so the literal reads back as a float.
        Value::Float(f) => format!("{f:?}"),
        Value::String(s) => string_literal(s),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(value_to_string).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", value_to_string(k), value_to_string(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Ident(name) => name.clone(),
    }
}

fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
