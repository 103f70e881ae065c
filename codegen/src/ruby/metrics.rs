//! Inline rubocop directives around the generated constructs that are large because the IDL is:
//! a client with many methods, a method with many arguments, an enum or union with many
//! variants, short IDL parameter names (`x`, `dx`). The sizes are measured on the laid-out code
//! the way rubocop measures them (code lines without blanks and comments, inner classes and
//! modules not counted; parameters but the block), against rubocop's default limits, so each
//! `# rubocop:disable` / `# rubocop:enable` pair stands exactly where the cop would report (a
//! directive where none is needed is itself an offense, `Lint/RedundantCopDisableDirective`).
//! The code then passes rubocop at its defaults and with the shipped `.rubocop.yml`.

/// rubocop's defaults.
const CLASS_LENGTH: usize = 100;
const MODULE_LENGTH: usize = 100;
const METHOD_LENGTH: usize = 10;
const PARAMETERS: usize = 5;
const OPTIONAL_PARAMETERS: usize = 3;
const PARAMETER_NAME_LENGTH: usize = 3;
/// `Naming/MethodParameterName`'s default `AllowedNames`.
const ALLOWED_PARAMETER_NAMES: &[&str] = &[
    "as", "at", "by", "cc", "db", "id", "if", "in", "io", "ip", "of", "on", "os", "pp", "to",
];

/// A `class`, `module` or `def` and where it ends.
struct Construct {
    kind: &'static str,
    start: usize,
    /// The last line of a `def`'s header (its parameters may span lines).
    header_end: usize,
    end: usize,
}

/// `text` (one laid-out Ruby file) with directives around its over-limit constructs;
/// `metrics`: whether `Metrics` cops are measured (false for files the shipped config excludes
/// from them, where a directive would be redundant).
pub(super) fn annotate(text: &str, metrics: bool) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let constructs = constructs(&lines);
    // (line, cops) to disable before the line / enable after the line.
    let mut disable: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut enable: Vec<(usize, Vec<&str>)> = Vec::new();
    for c in &constructs {
        let mut cops = Vec::new();
        match c.kind {
            "class" | "module" => {
                let inner: Vec<&Construct> = constructs
                    .iter()
                    .filter(|o| {
                        matches!(o.kind, "class" | "module") && o.start > c.start && o.end < c.end
                    })
                    .collect();
                let length = (c.start + 1..c.end)
                    .filter(|&i| !inner.iter().any(|o| (o.start..=o.end).contains(&i)))
                    .filter(|&i| is_code(lines[i]))
                    .count();
                let (max, cop) = if c.kind == "class" {
                    (CLASS_LENGTH, "Metrics/ClassLength")
                } else {
                    (MODULE_LENGTH, "Metrics/ModuleLength")
                };
                if metrics && length > max {
                    cops.push(cop);
                }
            }
            _ => {
                let length = (c.header_end + 1..c.end)
                    .filter(|&i| is_code(lines[i]))
                    .count();
                if metrics && length > METHOD_LENGTH {
                    cops.push("Metrics/MethodLength");
                }
                let header = lines[c.start..=c.header_end].join(" ");
                let params = parameters(&header);
                let counted = params.iter().filter(|p| !p.starts_with('&')).count();
                let optional = params
                    .iter()
                    .filter(|p| p.contains(" = ") && !p.contains(':'))
                    .count();
                if metrics && (counted > PARAMETERS || optional > OPTIONAL_PARAMETERS) {
                    cops.push("Metrics/ParameterLists");
                }
                if params.iter().any(|p| short_name(p)) {
                    cops.push("Naming/MethodParameterName");
                }
            }
        }
        if !cops.is_empty() {
            disable.push((c.start, cops.clone()));
            enable.push((c.end, cops));
        }
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        let indent = &line[..line.len() - line.trim_start().len()];
        for (_, cops) in disable.iter().filter(|(at, _)| *at == i) {
            out.push_str(&format!("{indent}# rubocop:disable {}\n", cops.join(", ")));
        }
        out.push_str(line);
        out.push('\n');
        for (_, cops) in enable.iter().filter(|(at, _)| *at == i) {
            out.push_str(&format!("{indent}# rubocop:enable {}\n", cops.join(", ")));
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// A line rubocop counts: not blank, not only a comment.
fn is_code(line: &str) -> bool {
    let code = line.trim();
    !code.is_empty() && !code.starts_with('#')
}

/// Every `class`, `module` and `def` with its `end`: the next line at the same indentation
/// that is `end` (generated code is indented consistently).
fn constructs(lines: &[&str]) -> Vec<Construct> {
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let kind = if code.starts_with("class ") && !code.starts_with("class << ") {
            "class"
        } else if code.starts_with("module ") {
            "module"
        } else if code.starts_with("def ") {
            "def"
        } else {
            continue;
        };
        let indent = &line[..line.len() - code.len()];
        let mut header_end = start;
        if kind == "def" {
            let mut depth = 0i32;
            for (i, l) in lines.iter().enumerate().skip(start) {
                depth += l.matches('(').count() as i32 - l.matches(')').count() as i32;
                header_end = i;
                if depth <= 0 {
                    break;
                }
            }
        }
        let close = format!("{indent}end");
        let Some(end) = (header_end + 1..lines.len()).find(|&i| lines[i] == close) else {
            continue;
        };
        found.push(Construct {
            kind,
            start,
            header_end,
            end,
        });
    }
    found
}

/// The parameters of a `def` header (`def name(a, b = nil, c:, &block)`), trimmed.
fn parameters(header: &str) -> Vec<String> {
    let Some(open) = header.find('(') else {
        return Vec::new();
    };
    let Some(close) = header.rfind(')') else {
        return Vec::new();
    };
    let mut params = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in header[open + 1..close].chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                params.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        params.push(current.trim().to_owned());
    }
    params
}

/// A parameter `Naming/MethodParameterName` finds too short at its defaults.
fn short_name(param: &str) -> bool {
    let name = param
        .trim_start_matches(['*', '&'])
        .split([':', ' ', '='])
        .next()
        .unwrap_or_default();
    name.len() < PARAMETER_NAME_LENGTH && !ALLOWED_PARAMETER_NAMES.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_stand_only_around_constructs_over_the_limit() {
        let small = "class A\n  def initialize(alpha, beta)\n    @alpha = alpha\n  end\nend\n";
        assert_eq!(annotate(small, true), small);
        let params = "class A\n  def initialize(x, y:)\n    @x = x\n  end\nend\n";
        assert_eq!(
            annotate(params, true),
            "class A\n  # rubocop:disable Naming/MethodParameterName\n  def initialize(x, y:)\n    @x = x\n  end\n  # rubocop:enable Naming/MethodParameterName\nend\n"
        );
        let body: String = (0..11).map(|i| format!("    @a{i} = {i}\n")).collect();
        let long = format!("class A\n  def f(a1, a2, a3, a4, a5, a6, &block)\n{body}  end\nend\n");
        let annotated = annotate(&long, true);
        assert!(annotated.contains(
            "  # rubocop:disable Metrics/MethodLength, Metrics/ParameterLists, Naming/MethodParameterName\n  def f("
        ));
        assert!(!annotate(&long, false).contains("Metrics"));
    }

    #[test]
    fn inner_classes_do_not_count_towards_a_module() {
        let class: String = (0..101).map(|i| format!("    X{i} = {i}\n")).collect();
        let module = format!("module M\n  class C\n{class}  end\nend\n");
        let annotated = annotate(&module, true);
        assert!(annotated.starts_with("module M\n  # rubocop:disable Metrics/ClassLength\n"));
        assert!(!annotated.contains("ModuleLength"));
    }
}
