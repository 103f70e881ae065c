//! Case conversion and identifier escaping shared by the language passes.
//!
//! Wire names never change; these only compute how a name is spelled in generated code.

use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use zrpc_plan::{Derived, Names};

/// `fooBar`, `FooBar` → `foo_bar`.
pub fn snake_case(name: &str) -> String {
    keep_if_lost(name, name.to_snake_case())
}

/// `foo_bar` → `FooBar`.
pub fn pascal_case(name: &str) -> String {
    keep_if_lost(name, name.to_upper_camel_case())
}

/// `foo_bar` → `fooBar`.
pub fn camel_case(name: &str) -> String {
    keep_if_lost(name, name.to_lower_camel_case())
}

/// `Circle`, `fooBar` → `CIRCLE`, `FOO_BAR`.
pub fn shouty_snake_case(name: &str) -> String {
    keep_if_lost(name, name.to_shouty_snake_case())
}

/// heck drops leading underscores and cannot start a name with a digit; keep such names as is.
fn keep_if_lost(original: &str, converted: String) -> String {
    if converted.is_empty()
        || converted.starts_with(|c: char| c.is_ascii_digit())
        || (original.starts_with('_') && !converted.starts_with('_'))
    {
        original.to_owned()
    } else {
        converted
    }
}

/// The class of event `event` of `service` in every language that has one: `FeedReading`
/// (the [`Derived::EventClass`] composition; [`Names`] makes it distinct).
pub fn event_class(names: &Names, service: &str, event: &str) -> String {
    format!("{}{}", names.service(service), pascal_case(event))
}

/// The [`zrpc_plan::Derive`] of a language whose union variants are classes inside their
/// union (Ruby, PHP): only event classes are composed beside the types.
pub fn derive_events(names: &Names, kind: Derived, owner: &str, member: &str) -> Option<String> {
    (kind == Derived::EventClass).then(|| event_class(names, owner, member))
}

/// `name` with `suffix` appended while it is one of `reserved` (`class` → `class_`).
pub fn escape(name: &str, reserved: &[&str], suffix: &str) -> String {
    let mut escaped = name.to_owned();
    while reserved.contains(&escaped.as_str()) {
        escaped.push_str(suffix);
    }
    escaped
}

/// The lines of a doc comment without trailing blank lines; empty when there is none.
pub fn doc_lines(doc: Option<&str>) -> Vec<&str> {
    let mut lines: Vec<&str> = doc
        .map(|doc| doc.lines().map(str::trim_end).collect())
        .unwrap_or_default();
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|line| line.is_empty()) {
        lines.remove(0);
    }
    lines
}

/// A PHP or Ruby string literal: single-quoted when `s` has no control characters, otherwise
/// double-quoted with `\n`-style and `\u{..}` escapes (both languages read them alike);
/// `interpolation` escapes the characters that would interpolate in that language.
pub fn quoted_literal(s: &str, interpolation: impl Fn(char) -> Option<&'static str>) -> String {
    if s.chars().all(|c| !c.is_control()) {
        return format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
    }
    double_quoted(s, interpolation)
}

/// The double-quoted form of [`quoted_literal`], whatever `s` holds.
pub fn double_quoted(s: &str, interpolation: impl Fn(char) -> Option<&'static str>) -> String {
    let escaped: String = s
        .chars()
        .map(|c| match c {
            '"' => "\\\"".to_string(),
            '\\' => "\\\\".to_string(),
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
            c => interpolation(c).map_or_else(|| c.to_string(), str::to_string),
        })
        .collect();
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_cases_and_keeps_unconvertible_names() {
        assert_eq!(snake_case("echoBytes"), "echo_bytes");
        assert_eq!(snake_case("echo_bytes"), "echo_bytes");
        assert_eq!(pascal_case("echo_bytes"), "EchoBytes");
        assert_eq!(camel_case("echo_bytes"), "echoBytes");
        assert_eq!(shouty_snake_case("Circle"), "CIRCLE");
        assert_eq!(shouty_snake_case("HttpError"), "HTTP_ERROR");
        assert_eq!(snake_case("_private"), "_private");
    }

    #[test]
    fn escapes_until_free() {
        assert_eq!(escape("class", &["class"], "_"), "class_");
        assert_eq!(escape("class", &["class", "class_"], "_"), "class__");
        assert_eq!(escape("x", &["class"], "_"), "x");
    }

    #[test]
    fn doc_lines_trim_blank_edges() {
        assert_eq!(doc_lines(Some("\nA.\n\nB.\n\n")), vec!["A.", "", "B."]);
        assert!(doc_lines(None).is_empty());
    }

    #[test]
    fn quoted_literals_escape_only_what_they_must() {
        let php_dollar = |c: char| (c == '$').then_some("\\$");
        assert_eq!(quoted_literal("it's $x", php_dollar), "'it\\'s $x'");
        assert_eq!(
            quoted_literal("a\nb \"$x\" \u{1}", php_dollar),
            "\"a\\nb \\\"\\$x\\\" \\u{1}\""
        );
    }
}
