//! Line breaking for generated code, from the indentation the template gave each line.
//!
//! Templates and backends write every statement on one line; this pass breaks the lines that
//! are too long the way the language's formatter would (ruff format / black for Python, and
//! the layouts rubocop and PSR-12 accept): at the last bracket pair whose head fits, the body
//! on its own indented line if it fits there, else one comma-separated item per line. Because
//! it reads the indentation from the rendered line, re-indenting a template needs no change in
//! Rust, and no code computes template columns.

/// How a language breaks long lines.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// The formatter's default line length.
    pub width: usize,
    /// One indentation step.
    pub indent: usize,
    /// Exploded items end in a comma, the last one too (Python, PHP; not Ruby's rubocop).
    pub trailing_comma: bool,
    /// An exploded argument or parameter list has one item per line (PSR-12), never all on
    /// one indented line.
    pub one_argument_per_line: bool,
    /// Starts a comment to the end of the line.
    pub comment: &'static str,
    pub language: Language,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    Ruby,
    Php,
}

/// ruff format (black) at its defaults.
pub const PYTHON: Style = Style {
    width: 88,
    indent: 4,
    trailing_comma: true,
    one_argument_per_line: false,
    comment: "#",
    language: Language::Python,
};

/// rubocop's default `Layout/LineLength`.
pub const RUBY: Style = Style {
    width: 120,
    indent: 2,
    trailing_comma: false,
    one_argument_per_line: false,
    comment: "#",
    language: Language::Ruby,
};

/// PSR-12's soft limit.
pub const PHP: Style = Style {
    width: 120,
    indent: 4,
    trailing_comma: true,
    one_argument_per_line: true,
    comment: "//",
    language: Language::Php,
};

/// `text` with every over-long code line broken; other lines are kept as they are.
pub fn layout(text: &str, style: &Style) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_docstring = false;
    // Inside the parameter list of a PHP function declaration the template split over lines:
    // the indentation of its `function` line.
    let mut declaration: Option<usize> = None;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        // PSR-12: a function declaration split over several lines has `) {` / `): T {` on its
        // last line, where a one-line declaration has the brace on the next line.
        let indent = &line[..line.len() - trimmed.len()];
        if style.language == Language::Php {
            if let Some(function_indent) = declaration {
                if trimmed.starts_with(')') && indent.len() == function_indent {
                    declaration = None;
                } else if width(line) > style.width {
                    let mut broken = String::new();
                    break_line(line, style, &mut broken, false);
                    out.push_str(&php_parameter_indent(
                        &broken,
                        function_indent,
                        style.indent,
                    ));
                    continue;
                }
            } else if trimmed.contains("function ") && trimmed.ends_with('(') {
                declaration = Some(indent.len());
            }
        }
        if style.language == Language::Php
            && width(line) > style.width
            && trimmed.contains("function ")
            && lines.peek() == Some(&format!("{indent}{{").as_str())
        {
            lines.next();
            let mut broken = String::new();
            break_line(&format!("{line} {{"), style, &mut broken, true);
            out.push_str(&php_declaration_indent(&broken, indent.len(), style.indent));
            continue;
        }
        if style.language == Language::Python {
            let quotes = line.matches("\"\"\"").count();
            if in_docstring || quotes > 0 {
                if quotes % 2 == 1 {
                    in_docstring = !in_docstring;
                }
                push(&mut out, line);
                continue;
            }
        }
        let is_comment = trimmed.starts_with(style.comment)
            || (style.language == Language::Php
                && (trimmed.starts_with('*') || trimmed.starts_with("/*")));
        if is_comment && style.language == Language::Ruby {
            wrap_comment(line, style, &mut out);
        } else if is_comment {
            push(&mut out, line);
        } else {
            break_line(line, style, &mut out, true);
        }
    }
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

/// A split PHP function declaration indented as PSR-12's sniff wants it: every line inside
/// the parameter list one step in from `function` (also the lines of a nested call such as a
/// `new Point(...)` default, which it does not indent further), array contents as they are,
/// the closing `) {` at the function's indentation.
fn php_declaration_indent(text: &str, function_indent: usize, step: usize) -> String {
    reindent_declaration(text, function_indent, step, Vec::new())
}

/// [`php_declaration_indent`] for the lines of one parameter of a declaration whose `(` ends
/// an earlier line.
fn php_parameter_indent(text: &str, function_indent: usize, step: usize) -> String {
    reindent_declaration(text, function_indent, step, vec![b'('])
}

/// `open`: the brackets open before `text` starts (the declaration's own `(` first).
fn reindent_declaration(
    text: &str,
    function_indent: usize,
    step: usize,
    mut open: Vec<u8>,
) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        let line = if n == 0 || open.iter().skip(1).any(|&b| b == b'[') {
            line.to_owned()
        } else if open.len() <= 1 && code.starts_with(')') {
            format!("{}{code}", " ".repeat(function_indent))
        } else {
            format!("{}{code}", " ".repeat(function_indent + step))
        };
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'"' | b'\'' => {
                    i = skip_string(bytes, i);
                    continue;
                }
                b'(' | b'[' => open.push(bytes[i]),
                b')' | b']' => {
                    open.pop();
                }
                _ => {}
            }
            i += 1;
        }
        push(&mut out, &line);
    }
    out
}

/// A Ruby comment line too long for rubocop, wrapped at spaces. A YARD tag (`# @return [A,
/// B]`) continues on lines indented past its `@`, which YARD reads as the same tag.
fn wrap_comment(line: &str, style: &Style, out: &mut String) {
    let indent = &line[..line.len() - line.trim_start().len()];
    let text = line.trim_start();
    let continuation = if text.starts_with("# @") {
        format!("{indent}#   ")
    } else {
        format!("{indent}# ")
    };
    let mut current = String::new();
    for word in text.split(' ') {
        let first = current.is_empty();
        if !first
            && width(&current) + 1 + width(word) > style.width
            && width(&current) > width(&continuation)
        {
            push(out, &current);
            current = continuation.clone();
        } else if !first {
            current.push(' ');
        }
        if first {
            current.push_str(indent);
        }
        current.push_str(word);
    }
    push(out, &current);
}

fn push(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

fn width(line: &str) -> usize {
    line.chars().count()
}

/// A bracket pair at the top level of a line: byte offsets of the opening and closing bracket.
#[derive(Debug, Clone, Copy)]
struct Pair {
    open: usize,
    close: usize,
}

/// Top-level bracket pairs and top-level commas of `code`, strings and comments skipped.
struct Scan {
    pairs: Vec<Pair>,
    /// Top-level Ruby blocks (`{ |x| ... }`), which break into `do |x| ... end` instead.
    blocks: Vec<Pair>,
    /// Top-level Ruby word arrays (`%w[a b]`), which break between words.
    words: Vec<Pair>,
    commas: Vec<usize>,
    /// Where a trailing comment starts, if any.
    comment: Option<usize>,
}

fn scan(code: &str, style: &Style) -> Scan {
    let bytes = code.as_bytes();
    let mut pairs = Vec::new();
    let mut blocks = Vec::new();
    let mut words = Vec::new();
    let mut commas = Vec::new();
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let mut i = 0;
    let mut comment = None;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                continue;
            }
            b'#' if style.language != Language::Php && code[i..].starts_with(style.comment) => {
                // Ruby interpolation never reaches here: strings are skipped whole.
                comment = Some(i);
                break;
            }
            b'/' if style.language == Language::Php && code[i..].starts_with("//") => {
                comment = Some(i);
                break;
            }
            b'(' | b'[' | b'{' => {
                let splittable = splittable(code, i, style);
                stack.push((i, splittable));
            }
            b')' | b']' | b'}' => {
                if let Some((open, splittable)) = stack.pop() {
                    if stack.is_empty() && splittable {
                        pairs.push(Pair { open, close: i });
                    } else if stack.is_empty() && is_block(code, open, style) {
                        blocks.push(Pair { open, close: i });
                    } else if stack.is_empty() && is_words(code, open, style) {
                        words.push(Pair { open, close: i });
                    }
                }
            }
            b',' if stack.is_empty() => commas.push(i),
            _ => {}
        }
        i += 1;
    }
    Scan {
        pairs,
        blocks,
        words,
        commas,
        comment,
    }
}

/// A Ruby block `{ |params| body }` opens at `open`.
fn is_block(code: &str, open: usize, style: &Style) -> bool {
    style.language == Language::Ruby
        && code.as_bytes()[open] == b'{'
        && code[open + 1..].trim_start().starts_with('|')
}

/// A Ruby word array (`%w[a b]`, `%i[a b]`) opens at `open`.
fn is_words(code: &str, open: usize, style: &Style) -> bool {
    style.language == Language::Ruby
        && (code[..open].ends_with("%w") || code[..open].ends_with("%i"))
}

/// Ruby blocks (`{ |x| ... }`) and word arrays (`%w[...]`) are not broken at commas.
fn splittable(code: &str, open: usize, style: &Style) -> bool {
    style.language != Language::Ruby
        || !(is_block(code, open, style) || is_words(code, open, style))
}

/// The index after the string literal starting at `start` (escapes honoured).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `statement`: the line is a whole statement, not an item inside brackets.
fn break_line(line: &str, style: &Style, out: &mut String, statement: bool) {
    if width(line) <= style.width {
        push(out, line);
        return;
    }
    let indent = line.len() - line.trim_start().len();
    // An argument line `a if b else c,` (from a template) breaks per clause, as ruff does.
    if let Some(argument) = line.trim().strip_suffix(',') {
        if let Some((value, condition, otherwise)) = conditional(argument, style) {
            let pad = &line[..indent];
            // The value may be long itself (a collection display).
            break_line(&format!("{pad}{value}"), style, out, false);
            push(out, &format!("{pad}{condition}"));
            break_line(&format!("{pad}{otherwise},"), style, out, false);
            return;
        }
    }
    // A Python assignment of a conditional expression: ruff parenthesizes the right-hand
    // side and gives each clause its own line.
    if style.language == Language::Python && statement {
        let code = line.trim_start();
        let masked = mask_nested(code);
        if let Some(eq) = masked.find(" = ") {
            if let Some((value, condition, otherwise)) = conditional(code[eq + 3..].trim(), style) {
                let pad = &line[..indent];
                let inner = " ".repeat(indent + style.indent);
                push(out, &format!("{pad}{} = (", &code[..eq]));
                break_line(&format!("{inner}{value}"), style, out, false);
                push(out, &format!("{inner}{condition}"));
                break_line(&format!("{inner}{otherwise}"), style, out, false);
                push(out, &format!("{pad})"));
                return;
            }
        }
    }
    let found = scan(line, style);
    // A Ruby statement ending in a block: `x = a.map do |item|`, the body, `end` (rubocop's
    // multi-line block style). Not inside an argument list, where `do` would bind elsewhere.
    if let Some(block) = found.blocks.last() {
        let code = line.trim();
        let key = code
            .split_once(": ")
            .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        // Keyword arguments and hash pairs are items of an enclosing call or literal.
        let statement = statement && !code.ends_with(',') && !key && !code.starts_with('\'');
        if statement && found.comment.is_none() && block.close + 1 == line.trim_end().len() {
            let inner = line[block.open + 1..block.close].trim();
            if let Some((params, body)) = inner
                .strip_prefix('|')
                .and_then(|rest| rest.split_once('|'))
            {
                let pad = &line[..indent];
                let head = line[..block.open].trim_end();
                push(out, &format!("{head} do |{params}|"));
                let inner_pad = " ".repeat(indent + style.indent);
                break_line(&format!("{inner_pad}{}", body.trim()), style, out, true);
                push(out, &format!("{pad}end"));
                return;
            }
        }
    }
    // A statement with a long word array: the words on indented lines, filled to the width.
    if let (Some(words), None, true) = (found.words.last(), found.comment, found.pairs.is_empty()) {
        let pad = " ".repeat(indent + style.indent);
        push(out, &line[..=words.open]);
        let mut current = String::new();
        for word in line[words.open + 1..words.close].split_whitespace() {
            if !current.is_empty() && width(&current) + 1 + width(word) > style.width {
                push(out, &current);
                current.clear();
            }
            if current.is_empty() {
                current.push_str(&pad);
            } else {
                current.push(' ');
            }
            current.push_str(word);
        }
        push(out, &current);
        push(
            out,
            &format!("{}{}", " ".repeat(indent), &line[words.close..]),
        );
        return;
    }
    if found.comment.is_some() || found.pairs.is_empty() {
        push(out, line);
        return;
    }
    // A Python `def` splits at its parameter list (black's left-hand split); anything else at
    // the last pair whose head fits, or the first pair when none does (the right-hand split).
    let def = style.language == Language::Python && {
        let code = line.trim_start();
        code.starts_with("def ") || code.starts_with("async def ")
    };
    let non_empty = |p: &&Pair| !line[p.open + 1..p.close].trim().is_empty();
    let pair = if def { found.pairs.first() } else { None };
    let pair = pair
        .or_else(|| {
            found
                .pairs
                .iter()
                .rev()
                .filter(non_empty)
                .find(|p| width(&line[..=p.open]) <= style.width)
        })
        .or_else(|| {
            found
                .pairs
                .iter()
                .find(|p| !line[p.open + 1..p.close].trim().is_empty())
        });
    let Some(pair) = pair.copied() else {
        push(out, line);
        return;
    };
    let head = &line[..=pair.open];
    let body = line[pair.open + 1..pair.close].trim();
    let tail = &line[pair.close..];
    let pad = " ".repeat(indent + style.indent);
    push(out, head);
    let is_import = style.language == Language::Python && line.trim_start().starts_with("from ");
    let items = split_items(body, style);
    let one_line = format!("{pad}{body}");
    // A collection display with several items is always exploded (black's `atom` rule).
    let display = style.language == Language::Python
        && items.len() > 1
        && comma_ok(body, style)
        && !head[..head.len() - 1]
            .trim_end()
            .ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ')' || c == ']');
    let argument_list = style.one_argument_per_line && line.as_bytes()[pair.open] == b'(';
    let spread = is_import || display || (argument_list && items.len() > 1);
    if width(&one_line) <= style.width && !spread {
        push(out, &one_line);
    } else {
        let last = items.len() - 1;
        let comprehension = !comma_ok(body, style);
        for (n, item) in items.iter().enumerate() {
            let comma = if comprehension {
                ""
            } else if n < last || style.trailing_comma {
                ","
            } else {
                ""
            };
            let line = format!("{pad}{item}{comma}");
            match conditional(item, style) {
                // An argument `a if b else c` too long: one line per clause, as ruff does.
                Some((value, condition, otherwise)) if width(&line) > style.width => {
                    // The value may be long itself (a collection display).
                    break_line(&format!("{pad}{value}"), style, out, false);
                    push(out, &format!("{pad}{condition}"));
                    break_line(&format!("{pad}{otherwise}{comma}"), style, out, false);
                }
                _ => break_line(&line, style, out, false),
            }
        }
    }
    break_line(
        &format!("{}{tail}", " ".repeat(indent)),
        style,
        out,
        statement,
    );
}

/// The comma-separated items of a bracket body (a trailing comma dropped); a Python
/// comprehension splits before its top-level `for` instead.
fn split_items<'a>(body: &'a str, style: &Style) -> Vec<&'a str> {
    if style.language == Language::Python {
        if let Some(at) = top_level_for(body) {
            return vec![body[..at].trim(), body[at..].trim()];
        }
    }
    let found = scan(body, style);
    let mut items = Vec::new();
    let mut start = 0;
    for comma in found.commas {
        items.push(body[start..comma].trim());
        start = comma + 1;
    }
    let rest = body[start..].trim();
    if !rest.is_empty() {
        items.push(rest);
    }
    items
}

/// `(value, "if ...", "else ...")` of a Python conditional expression at the top level.
fn conditional<'a>(item: &'a str, style: &Style) -> Option<(&'a str, &'a str, &'a str)> {
    if style.language != Language::Python {
        return None;
    }
    let masked = mask_nested(item);
    let at_if = masked.find(" if ")?;
    let at_else = at_if + masked[at_if..].find(" else ")?;
    Some((
        item[..at_if].trim(),
        item[at_if..at_else].trim(),
        item[at_else..].trim(),
    ))
}

/// Where the `for` of a comprehension starts, outside brackets and strings.
fn top_level_for(body: &str) -> Option<usize> {
    let masked = mask_nested(body);
    masked.find(" for ").map(|at| at + 1)
}

/// `body` with everything inside brackets and strings replaced by spaces (same byte offsets).
fn mask_nested(body: &str) -> String {
    let bytes = body.as_bytes();
    let mut out = vec![b' '; bytes.len()];
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_ascii() => out[i] = c,
            _ => {}
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A single exploded item may take a trailing comma unless it is a comprehension or generator.
fn comma_ok(body: &str, style: &Style) -> bool {
    style.language != Language::Python || top_level_for(body).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_word_arrays_and_comments_wrap_at_spaces() {
        let style = Style { width: 24, ..RUBY };
        let words = layout("  FIELDS = %w[alpha beta gamma delta].freeze\n", &style);
        assert_eq!(
            words,
            "  FIELDS = %w[\n    alpha beta gamma\n    delta\n  ].freeze\n"
        );
        let tag = layout(
            "  # @return [Alpha, Beta, Gamma]\n",
            &Style { width: 26, ..RUBY },
        );
        assert_eq!(tag, "  # @return [Alpha, Beta,\n  #   Gamma]\n");
    }

    #[test]
    fn a_split_php_function_declaration_keeps_its_brace_on_the_last_line() {
        let style = Style { width: 30, ..PHP };
        let text = "    public function f(int $alpha, int $beta): int\n    {\n    }\n";
        assert_eq!(
            layout(text, &style),
            "    public function f(\n        int $alpha,\n        int $beta,\n    ): int {\n    }\n"
        );
    }

    #[test]
    fn nested_calls_in_a_php_declaration_stay_at_the_parameter_indent() {
        let style = Style { width: 40, ..PHP };
        let text = "    public function __construct(public readonly P $p = new P(alpha: 1, beta: [1, 2]))\n    {\n    }\n";
        assert_eq!(
            layout(text, &style),
            "    public function __construct(\n        public readonly P $p = new P(\n        alpha: 1,\n        beta: [1, 2],\n        ),\n    ) {\n    }\n"
        );
    }

    #[test]
    fn a_long_conditional_value_breaks_too() {
        let text = "        x=[alpha_alpha_alpha, beta_beta_beta, gamma_gamma_gamma, delta_delta_delta, epsilon_epsilon] if x is None else y,\n";
        assert_eq!(
            layout(text, &PYTHON),
            "        x=[\n            alpha_alpha_alpha,\n            beta_beta_beta,\n            gamma_gamma_gamma,\n            delta_delta_delta,\n            epsilon_epsilon,\n        ]\n        if x is None\n        else y,\n"
        );
    }

    #[test]
    fn short_lines_stay() {
        assert_eq!(layout("    x = f(a, b)\n", &PYTHON), "    x = f(a, b)\n");
    }

    #[test]
    fn body_on_its_own_line_when_it_fits() {
        let long = format!(
            "    result = some_function({}, {})\n",
            "a".repeat(40),
            "b".repeat(30)
        );
        assert_eq!(
            layout(&long, &PYTHON),
            format!(
                "    result = some_function(\n        {}, {}\n    )\n",
                "a".repeat(40),
                "b".repeat(30)
            )
        );
    }

    #[test]
    fn one_item_per_line_with_trailing_comma() {
        let args: Vec<String> = (0..6)
            .map(|i| format!("argument_{i}_{}", "x".repeat(10)))
            .collect();
        let line = format!("def f({}) -> None:\n", args.join(", "));
        let expected: String = args.iter().map(|a| format!("    {a},\n")).collect();
        assert_eq!(
            layout(&line, &PYTHON),
            format!("def f(\n{expected}) -> None:\n")
        );
        let ruby = format!(
            "  foo({})\n",
            args.join(", ").repeat(2).replace("x_", "x_, ")
        );
        assert!(!layout(&ruby, &RUBY).contains(",\n  )"));
    }

    #[test]
    fn a_def_splits_at_its_parameters() {
        let line = format!(
            "    async def f(self, value: Mapping[str, {}]) -> AsyncIterator[Choice]:\n",
            "x".repeat(30)
        );
        assert_eq!(
            layout(&line, &PYTHON),
            format!(
                "    async def f(\n        self, value: Mapping[str, {}]\n    ) -> AsyncIterator[Choice]:\n",
                "x".repeat(30)
            )
        );
    }

    #[test]
    fn strings_docstrings_and_blocks_are_not_broken() {
        let text = format!("x = \"{}(a, b)\"\n", "s".repeat(100));
        assert_eq!(layout(&text, &PYTHON), text);
        let doc = format!("    \"\"\"\n    {}(a, b)\n    \"\"\"\n", "d".repeat(100));
        assert_eq!(layout(&doc, &PYTHON), doc);
        let block = format!("  f(x.map {{ |item| {}(item, 1) }}),\n", "b".repeat(120));
        assert!(
            layout(&block, &RUBY).starts_with("  f(\n    x.map { |item| bbb"),
            "{}",
            layout(&block, &RUBY)
        );
    }

    #[test]
    fn a_ruby_statement_block_becomes_do_end() {
        let long = "b".repeat(70);
        let text = format!(
            "    items = wire.map {{ |item| item.transform_values {{ |v| {long}(v) }} }}\n"
        );
        assert_eq!(
            layout(&text, &RUBY),
            format!("    items = wire.map do |item|\n      item.transform_values {{ |v| {long}(v) }}\n    end\n")
        );
    }
}
