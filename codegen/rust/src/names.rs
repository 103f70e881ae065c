//! Rust spellings of IDL names: keyword escaping and case conventions.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use zrpc_plan::reserved::RUST;
use zrpc_plan::{Derived, Kind, Names, Spelling};

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

/// How Rust spells the names of a schema.
pub(crate) const SPELLING: Spelling = Spelling {
    reserved: &RUST,
    spell,
    derive,
};

/// The Rust spelling of one name (made distinct in its scope by [`zrpc_plan::Names`]): types,
/// variants and enum members UpperCamelCase, consts SHOUTY_SNAKE_CASE, the rest snake_case; keywords
/// raw (`r#type`) or suffixed (`self_`).
pub(crate) fn spell(name: &str, kind: Kind) -> String {
    let ident = match kind {
        Kind::Type | Kind::Variant | Kind::Member => camel(name).0,
        Kind::Const => convert(name, name.to_shouty_snake_case()).0,
        Kind::Field | Kind::ErrorField | Kind::Method => snake(name).0,
        Kind::Arg => {
            let ident = snake(name).0;
            // A binding of only underscores and digits (`__`) reads as a placeholder (clippy's
            // `just_underscores_and_digits`).
            if ident
                .to_string()
                .chars()
                .all(|c| c == '_' || c.is_ascii_digit())
            {
                return format!("arg{ident}");
            }
            ident
        }
    };
    ident.to_string()
}

/// The Rust composition of a type from two names (made distinct by [`Names`]): the error set
/// of a method that throws several (`GetItemError`). Variants are enum variants, events trait
/// methods.
pub(crate) fn derive(_: &Names, kind: Derived, _service: &str, method: &str) -> Option<String> {
    (kind == Derived::ErrorSet).then(|| format!("{}Error", camel(method).0))
}

/// The identifier of a spelling from [`spell`] (maybe suffixed to be distinct), and whether it
/// differs from the wire name.
pub(crate) fn ident(spelled: &str, wire: &str) -> (Ident, bool) {
    match spelled.strip_prefix("r#") {
        Some(raw) => (Ident::new_raw(raw, Span::call_site()), raw != wire),
        None => (Ident::new(spelled, Span::call_site()), spelled != wire),
    }
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
