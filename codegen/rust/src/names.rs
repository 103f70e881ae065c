//! Rust spellings of IDL names: keyword escaping and case conventions.

use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use zrpc_model::{Schema, TypeDef};

// The one Rust keyword list lives in the plan's reserved table.
use zrpc_plan::reserved::{
    RUST_RAW_KEYWORDS as RAW_KEYWORDS, RUST_UNRAWABLE_KEYWORDS as UNRAWABLE_KEYWORDS,
};

/// A Rust identifier for `name`, plus whether the wire name must be kept with a rename.
///
/// Raw identifiers need no rename: serde and our derive strip the `r#` prefix.
pub(crate) fn escape(name: &str) -> (Ident, bool) {
    if UNRAWABLE_KEYWORDS.contains(&name) {
        (Ident::new(&format!("{name}_"), Span::call_site()), true)
    } else if RAW_KEYWORDS.contains(&name) {
        (Ident::new_raw(name, Span::call_site()), false)
    } else {
        (Ident::new(name, Span::call_site()), false)
    }
}

/// A field, argument, method or const name in Rust style; `true` when it differs from the wire name.
pub(crate) fn snake(name: &str) -> (Ident, bool) {
    convert(name, name.to_snake_case())
}

/// A type or variant name in Rust style; `true` when it differs from the wire name.
pub(crate) fn camel(name: &str) -> (Ident, bool) {
    convert(name, name.to_upper_camel_case())
}

fn convert(wire: &str, rust: String) -> (Ident, bool) {
    // heck drops leading underscores and turns digits-only names into nothing; keep those as is.
    let rust = if rust.is_empty() || rust.starts_with(|c: char| c.is_ascii_digit()) {
        wire.to_owned()
    } else {
        rust
    };
    let (ident, renamed) = escape(&rust);
    (ident, renamed || rust != wire)
}

/// Where a name is declared: its scope and its wire name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Type(String),
    /// A field of a struct or error, by type.
    Field(String, String),
    /// A variant of an enum or union, by type.
    Variant(String, String),
    /// A method, by service.
    Method(String, String),
    /// An argument, by service and method.
    Arg(String, String, String),
    /// The enum of the errors a method throwing several may raise, by service and method.
    ErrorSet(String, String),
}

/// The Rust name of every item of a schema, computed once: names that Rust spells alike
/// (`BEGIN` and `begin` are both the field `begin`, `Variant` and `variant` both the type
/// `Variant`) get a `_` suffix in declaration order until they are distinct in their scope, and
/// keep their wire names with a rename. Types share one scope with the service traits, their
/// clients and the error sets.
pub(crate) struct Names {
    names: HashMap<Key, (Ident, bool)>,
}

impl Names {
    pub(crate) fn new(schema: &Schema) -> Names {
        let mut names = HashMap::new();
        let mut types = HashSet::new();
        for service in &schema.services {
            let key = Key::Type(service.name.clone());
            claim(
                &mut names,
                &mut types,
                key.clone(),
                &service.name,
                camel(&service.name),
            );
            // The expansion names the client and its builder after the trait.
            let trait_name = unraw(&names[&key].0);
            types.insert(format!("{trait_name}Client"));
            types.insert(format!("{trait_name}ClientBuilder"));
        }
        for service in &schema.services {
            let mut methods = HashSet::new();
            for method in &service.methods {
                let (mut ident, mut renamed) = snake(&method.name);
                if crate::service::RESERVED_METHOD_NAMES.contains(&unraw(&ident).as_str()) {
                    // The client has an item of that name; keep the wire name, move the Rust one.
                    ident = Ident::new(&format!("{ident}_"), Span::call_site());
                    renamed = true;
                }
                let key = Key::Method(service.name.clone(), method.name.clone());
                claim(
                    &mut names,
                    &mut methods,
                    key,
                    &method.name,
                    (ident, renamed),
                );
                let mut args = HashSet::new();
                for arg in &method.args {
                    let key = Key::Arg(service.name.clone(), method.name.clone(), arg.name.clone());
                    let (ident, renamed) = snake(&arg.name);
                    // A binding of underscores and digits (`__`) reads as a placeholder.
                    let spelled = if unraw(&ident)
                        .chars()
                        .all(|c| c == '_' || c.is_ascii_digit())
                    {
                        (Ident::new(&format!("arg{ident}"), Span::call_site()), true)
                    } else {
                        (ident, renamed)
                    };
                    claim(&mut names, &mut args, key, &arg.name, spelled);
                }
                if method.throws.len() > 1 {
                    let (ident, _) = camel(&method.name);
                    let set = format!("{}Error", unraw(&ident));
                    let key = Key::ErrorSet(service.name.clone(), method.name.clone());
                    claim(&mut names, &mut types, key, &set, (escape(&set).0, false));
                }
            }
        }
        for def in &schema.types {
            let key = Key::Type(def.name().to_owned());
            claim(&mut names, &mut types, key, def.name(), camel(def.name()));
            let mut members = HashSet::new();
            match def {
                TypeDef::Struct(s) | TypeDef::Error(s) => {
                    for field in &s.fields {
                        let key = Key::Field(s.name.clone(), field.name.clone());
                        claim(
                            &mut names,
                            &mut members,
                            key,
                            &field.name,
                            snake(&field.name),
                        );
                    }
                }
                TypeDef::Enum(e) => {
                    for variant in &e.variants {
                        let key = Key::Variant(e.name.clone(), variant.name.clone());
                        claim(
                            &mut names,
                            &mut members,
                            key,
                            &variant.name,
                            camel(&variant.name),
                        );
                    }
                }
                TypeDef::Union(u) => {
                    for variant in &u.variants {
                        let key = Key::Variant(u.name.clone(), variant.name.clone());
                        claim(
                            &mut names,
                            &mut members,
                            key,
                            &variant.name,
                            camel(&variant.name),
                        );
                    }
                }
                TypeDef::Alias(_) => {}
            }
        }
        Names { names }
    }

    fn get(&self, key: Key, fallback: impl FnOnce() -> (Ident, bool)) -> (Ident, bool) {
        // Names outside the schema (a hand-built model) are spelled without the scope.
        self.names.get(&key).cloned().unwrap_or_else(fallback)
    }

    /// A struct, error, enum, union, alias or service trait.
    pub(crate) fn ty(&self, name: &str) -> (Ident, bool) {
        self.get(Key::Type(name.to_owned()), || camel(name))
    }

    pub(crate) fn field(&self, ty: &str, field: &str) -> (Ident, bool) {
        self.get(Key::Field(ty.to_owned(), field.to_owned()), || snake(field))
    }

    pub(crate) fn variant(&self, ty: &str, variant: &str) -> (Ident, bool) {
        self.get(Key::Variant(ty.to_owned(), variant.to_owned()), || {
            camel(variant)
        })
    }

    pub(crate) fn method(&self, service: &str, method: &str) -> (Ident, bool) {
        self.get(Key::Method(service.to_owned(), method.to_owned()), || {
            snake(method)
        })
    }

    pub(crate) fn arg(&self, service: &str, method: &str, arg: &str) -> (Ident, bool) {
        let key = Key::Arg(service.to_owned(), method.to_owned(), arg.to_owned());
        self.get(key, || snake(arg))
    }

    pub(crate) fn error_set(&self, service: &str, method: &str) -> Ident {
        let key = Key::ErrorSet(service.to_owned(), method.to_owned());
        self.get(key, || {
            let (ident, _) = camel(method);
            (escape(&format!("{}Error", unraw(&ident))).0, false)
        })
        .0
    }

    /// Whether some type of the schema is spelled `name` in Rust.
    pub(crate) fn has_type(&self, name: &str) -> bool {
        self.names.iter().any(|(key, (ident, _))| {
            matches!(key, Key::Type(_) | Key::ErrorSet(..)) && unraw(ident) == name
        })
    }
}

/// Records `spelled` for `key` in a scope whose names so far are `taken`, with a `_` suffix
/// until it is distinct there.
fn claim(
    names: &mut HashMap<Key, (Ident, bool)>,
    taken: &mut HashSet<String>,
    key: Key,
    wire: &str,
    (ident, renamed): (Ident, bool),
) {
    let mut text = unraw(&ident);
    if taken.insert(text.clone()) {
        names.insert(key, (ident, renamed));
        return;
    }
    while !taken.insert(text.clone()) {
        text.push('_');
    }
    names.insert(key, (escape(&text).0, text != wire));
}

/// The name a Rust identifier has on the wire and in the model (`r#type` is `type`).
pub(crate) fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped_and_renamed_only_when_needed() {
        assert_eq!(escape("type").0.to_string(), "r#type");
        assert!(!escape("type").1);
        assert_eq!(escape("self").0.to_string(), "self_");
        assert!(escape("self").1);
        assert_eq!(snake("userId").0.to_string(), "user_id");
        assert!(snake("userId").1);
        assert_eq!(snake("match").0.to_string(), "r#match");
        assert!(!snake("match").1);
        assert_eq!(camel("point").0.to_string(), "Point");
        assert!(camel("point").1);
        assert_eq!(unraw(&escape("match").0), "match");
    }
}
