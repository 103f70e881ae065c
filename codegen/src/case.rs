//! Identifier case conversions shared by the language passes.

/// Splits `fooBar`, `foo_bar`, `FooBAR2` into lowercase words.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && !current.is_empty()
            && (chars[i - 1].is_lowercase()
                || chars[i - 1].is_ascii_digit()
                || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `echo_bytes` → `echoBytes`.
pub(crate) fn camel_case(name: &str) -> String {
    let words = words(name);
    let mut out = words.first().cloned().unwrap_or_default();
    for word in words.iter().skip(1) {
        out.push_str(&capitalize(word));
    }
    out
}

/// `echo_bytes` → `EchoBytes`.
pub(crate) fn pascal_case(name: &str) -> String {
    words(name).iter().map(|w| capitalize(w)).collect()
}

/// `EchoBytes` → `echo_bytes`.
pub(crate) fn snake_case(name: &str) -> String {
    words(name).join("_")
}

/// `Circle` → `CIRCLE`, `maxItems` → `MAX_ITEMS`.
pub(crate) fn screaming_snake_case(name: &str) -> String {
    snake_case(name).to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(snake_case("DivisionByZero"), "division_by_zero");
        assert_eq!(snake_case("echo_bytes"), "echo_bytes");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(pascal_case("echo_bytes"), "EchoBytes");
        assert_eq!(pascal_case("int"), "Int");
        assert_eq!(camel_case("echo_bytes"), "echoBytes");
        assert_eq!(screaming_snake_case("MAX_ITEMS"), "MAX_ITEMS");
        assert_eq!(screaming_snake_case("Circle"), "CIRCLE");
    }
}
