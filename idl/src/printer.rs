//! Model → canonical IDL text: a fixed order, 4-space indent, docs and annotations kept, so that
//! parsing the output gives back the same model.

use std::fmt::Write as _;

use crate::model::{
    Annotation, Const, Enum, Method, Returns, Schema, Service, Struct, Type, TypeDef, Union, Value,
};

/// Lines longer than this put struct, enum and union members one per line.
const MAX_WIDTH: usize = 100;
const INDENT: &str = "    ";

/// The canonical text of a schema: file doc, namespaces, then `imports`, consts, types and
/// services in model order.
pub(crate) fn print_file(schema: &Schema, imports: &[String]) -> String {
    let mut sections: Vec<String> = Vec::new();
    let ns = &schema.namespaces;
    let namespaces: String = [
        ("python", &ns.python),
        ("ruby", &ns.ruby),
        ("php", &ns.php),
        ("rust", &ns.rust),
    ]
    .into_iter()
    .filter_map(|(lang, path)| path.as_ref().map(|p| format!("namespace {lang} {p}\n")))
    .collect();
    if !namespaces.is_empty() {
        sections.push(namespaces.clone());
    }
    if !imports.is_empty() {
        sections.push(
            imports
                .iter()
                .map(|i| format!("import {}\n", string_literal(i)))
                .collect(),
        );
    }
    sections.extend(schema.consts.iter().map(print_const));
    sections.extend(schema.types.iter().map(print_type_def));
    sections.extend(schema.services.iter().map(print_service));
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

fn head(doc: Option<&str>, annotations: &[Annotation], indent: &str) -> String {
    let mut out = doc.map(|d| doc_lines(d, indent)).unwrap_or_default();
    for annotation in annotations {
        let _ = writeln!(out, "{indent}{}", print_annotation(annotation));
    }
    out
}

fn print_annotation(annotation: &Annotation) -> String {
    if annotation.args.is_empty() {
        format!("@{}", annotation.name)
    } else {
        let args: Vec<String> = annotation.args.iter().map(value_to_string).collect();
        format!("@{}({})", annotation.name, args.join(", "))
    }
}

fn print_const(c: &Const) -> String {
    format!(
        "{}const {}: {} = {}\n",
        head(c.doc.as_deref(), &[], ""),
        c.name,
        type_to_string(&c.ty),
        value_to_string(&c.value)
    )
}

fn print_type_def(def: &TypeDef) -> String {
    match def {
        TypeDef::Struct(s) => print_struct("struct", s),
        TypeDef::Error(s) => print_struct("error", s),
        TypeDef::Enum(e) => print_enum(e),
        TypeDef::Union(u) => print_union(u),
        TypeDef::Alias(a) => format!(
            "{}type {} = {}\n",
            head(a.doc.as_deref(), &a.annotations, ""),
            a.name,
            type_to_string(&a.ty)
        ),
    }
}

fn print_struct(keyword: &str, s: &Struct) -> String {
    let fields = s
        .fields
        .iter()
        .map(|f| {
            let mut text = format!("{}: {}", f.name, type_to_string(&f.ty));
            if let Some(default) = &f.default {
                let _ = write!(text, " = {}", value_to_string(default));
            }
            (head(f.doc.as_deref(), &f.annotations, INDENT), text)
        })
        .collect();
    member_block(keyword, &s.name, s.doc.as_deref(), &s.annotations, fields)
}

/// Members go on one line when none has a doc or annotation and the line stays short.
fn member_block(
    keyword: &str,
    name: &str,
    doc: Option<&str>,
    annotations: &[Annotation],
    members: Vec<(String, String)>,
) -> String {
    let mut out = head(doc, annotations, "");
    let plain: Vec<&str> = members
        .iter()
        .filter(|(head, _)| head.is_empty())
        .map(|(_, text)| text.as_str())
        .collect();
    let one_line = format!("{keyword} {name} {{ {} }}", plain.join(", "));
    if members.is_empty() {
        let _ = writeln!(out, "{keyword} {name} {{}}");
    } else if plain.len() == members.len() && one_line.len() <= MAX_WIDTH {
        out.push_str(&one_line);
        out.push('\n');
    } else {
        let _ = writeln!(out, "{keyword} {name} {{");
        for (head, text) in &members {
            let _ = writeln!(out, "{head}{INDENT}{text}");
        }
        out.push_str("}\n");
    }
    out
}

fn print_enum(e: &Enum) -> String {
    let variants = e
        .variants
        .iter()
        .map(|v| {
            (
                head(v.doc.as_deref(), &v.annotations, INDENT),
                v.name.clone(),
            )
        })
        .collect();
    member_block("enum", &e.name, e.doc.as_deref(), &e.annotations, variants)
}

fn print_union(u: &Union) -> String {
    let variants = u
        .variants
        .iter()
        .map(|v| {
            (
                head(v.doc.as_deref(), &v.annotations, INDENT),
                format!("{}: {}", v.name, type_to_string(&v.ty)),
            )
        })
        .collect();
    member_block("union", &u.name, u.doc.as_deref(), &u.annotations, variants)
}

fn print_service(service: &Service) -> String {
    let mut out = head(service.doc.as_deref(), &service.annotations, "");
    if service.methods.is_empty() {
        let _ = writeln!(out, "service {} {{}}", service.name);
        return out;
    }
    let _ = writeln!(out, "service {} {{", service.name);
    for method in &service.methods {
        out.push_str(&print_method(method));
    }
    out.push_str("}\n");
    out
}

fn print_method(method: &Method) -> String {
    let mut out = head(method.doc.as_deref(), &method.annotations, INDENT);
    out.push_str(INDENT);
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
    out.push('\n');
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
