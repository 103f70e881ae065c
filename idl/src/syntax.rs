//! Source text → syntax tree: the pest grammar, plus human wording for its errors.

use std::borrow::Cow;

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;
use pest_derive::Parser;

use crate::ast::{
    Annotation, Arg, Decl, Doc, Field, File, Method, Name, Span, Statement, TypeExpr, TypeKind,
    ValueExpr, ValueKind, Variant,
};
use crate::diagnostics::{FileId, Problem};
use crate::validate::did_you_mean;

#[derive(Parser)]
#[grammar = "grammar.pest"]
struct IdlParser;

/// How many bytes at the start of `text` `rule` matches, if any.
pub(crate) fn match_len(rule: Rule, text: &str) -> Option<usize> {
    let mut pairs = IdlParser::parse(rule, text).ok()?;
    pairs.next().map(|pair| pair.as_str().len())
}

/// Parses one file. After a syntax error the parser resumes at the next line that starts a
/// top-level declaration (blanking out what came before, so positions stay those of the whole
/// file), so every syntax error of the file is reported. A file with syntax errors gives no tree
/// (half a tree would only produce follow-up noise for validation), but the declarations that
/// did parse still get the checks made while building the tree (literals, separators).
pub(crate) fn parse(source: &str, file: FileId) -> (Option<File>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut syntax_errors = 0;
    let mut offset = 0;
    loop {
        let text = masked(source, offset..source.len());
        let error = match IdlParser::parse(Rule::file, &text) {
            Ok(pairs) => {
                let (ast, more) = build(pairs, &text, file);
                problems.extend(more);
                return ((syntax_errors == 0).then_some(ast), problems);
            }
            Err(error) => error,
        };
        let position = match error.location {
            pest::error::InputLocation::Pos(pos) => pos,
            pest::error::InputLocation::Span((start, _)) => start,
        };
        problems.push(syntax_error(&error, source, position, file));
        syntax_errors += 1;
        // The declarations before the one that failed still get their tree-level checks.
        let failed = declaration_lines(source, offset)
            .take_while(|&start| start <= position)
            .last()
            .unwrap_or(offset);
        if failed > offset {
            let before = masked(source, offset..failed);
            if let Ok(pairs) = IdlParser::parse(Rule::file, &before) {
                problems.extend(build(pairs, &before, file).1);
            }
        }
        let after_error = source[position..].find('\n').map(|n| position + n + 1);
        let Some(next) = after_error.and_then(|from| declaration_lines(source, from).next()) else {
            return (None, problems);
        };
        if syntax_errors == MAX_SYNTAX_ERRORS {
            problems.push(
                Problem::new(file, next..next, "too many syntax errors")
                    .label("the rest of the file was not checked")
                    .help("fix the errors above and check again"),
            );
            return (None, problems);
        }
        offset = next;
    }
}

/// Builds the tree of a successful parse of `text`.
fn build(mut pairs: Pairs<'_, Rule>, text: &str, file: FileId) -> (File, Vec<Problem>) {
    let mut builder = Builder {
        file,
        source: text,
        problems: Vec::new(),
        depth: 0,
    };
    let ast = builder.file(pairs.next().map(Pair::into_inner));
    (ast, builder.problems)
}

/// `source` cut at `range.end`, with every byte before `range.start` but newlines turned into
/// spaces: parsing it gives byte offsets, lines and columns of the whole file. Both ends are
/// line starts, so the text stays valid UTF-8.
fn masked(source: &str, range: std::ops::Range<usize>) -> Cow<'_, str> {
    if range.start == 0 {
        return Cow::Borrowed(&source[..range.end]);
    }
    let mut text = String::with_capacity(range.end);
    text.extend(
        source.as_bytes()[..range.start]
            .iter()
            .map(|&b| if b == b'\n' { '\n' } else { ' ' }),
    );
    text.push_str(&source[range]);
    Cow::Owned(text)
}

/// Syntax errors reported per file before giving up on the rest (each restart re-parses the
/// remainder, so this also bounds the work on pathological input).
const MAX_SYNTAX_ERRORS: usize = 50;

/// Where declarations start, from the line starting at `from` on: lines that begin (after
/// indentation) with a declaration keyword followed by a name (or, for `import`, a string), or
/// at column 0 with two words and a `{` (a misspelt keyword: `servce Shapes {`); each moved up
/// over the `///` doc and `@annotation` lines right above it. Parsing resumes there after a
/// syntax error.
fn declaration_lines(source: &str, from: usize) -> impl Iterator<Item = usize> + '_ {
    let mut starts = vec![from];
    starts.extend(
        source[from..]
            .match_indices('\n')
            .map(|(n, _)| from + n + 1)
            .filter(|&start| start < source.len()),
    );
    let lines: Vec<(usize, &str)> = starts
        .iter()
        .map(|&start| {
            let end = source[start..]
                .find('\n')
                .map_or(source.len(), |n| start + n);
            (start, &source[start..end])
        })
        .collect();
    (0..lines.len()).filter_map(move |i| {
        if !starts_declaration(lines[i].1) {
            return None;
        }
        let mut first = i;
        while first > 0 {
            let above = lines[first - 1].1.trim_start();
            if above.starts_with("///") || above.starts_with('@') {
                first -= 1;
            } else {
                break;
            }
        }
        Some(lines[first].0)
    })
}

fn starts_declaration(line: &str) -> bool {
    let text = line.trim_start_matches([' ', '\t', '\u{FEFF}']);
    let word = |text: &str| -> usize {
        if text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(text.len())
        } else {
            0
        }
    };
    let first = word(text);
    if first == 0 {
        return false;
    }
    let rest = &text[first..];
    let after = rest.trim_start_matches([' ', '\t']);
    if after.len() == rest.len() {
        return false;
    }
    let keyword = &text[..first];
    if KEYWORDS.contains(&keyword) {
        return word(after) > 0 || (keyword == "import" && after.starts_with('"'));
    }
    let second = word(after);
    line.len() == text.len() && second > 0 && after[second..].trim_start().starts_with('{')
}

/// The problem for a pest error found at `position` (in `source`; pest parsed a suffix of it
/// that starts at a line start, so its line and column texts hold for the whole file).
fn syntax_error(
    error: &pest::error::Error<Rule>,
    source: &str,
    position: usize,
    file: FileId,
) -> Problem {
    let found = found_at(error.line(), error.line_col.clone());
    let rest_of_line = source[position..].split('\n').next().unwrap_or_default();
    let width = rest_of_line.chars().next().map_or(0, char::len_utf8);
    let at = position..position + width;
    if rest_of_line.starts_with('"') && !closes_string(&rest_of_line[1..]) {
        return Problem::new(file, at, "unterminated string")
            .label("this string has no closing `\"` on its line")
            .help("strings end on the line they start; write a newline as `\\n`");
    }
    // A complete comment is skipped wherever a token may come, so one left here never closed.
    if rest_of_line.starts_with("/*") {
        return Problem::new(file, position..position + 2, "unterminated block comment")
            .label("this `/*` has no matching `*/`")
            .help("close it with `*/`; comments nest, so each `/*` inside it needs its own `*/`");
    }
    let before = source[..position].trim_end();
    let last_line = before.rsplit('\n').next().unwrap_or_default().trim_start();
    if last_line.starts_with("///") && !last_line.starts_with("////") {
        let doc_start = before.len() - last_line.len();
        return Problem::new(file, doc_start..before.len(), "doc comment documents nothing")
            .label(format!("followed by {found}, not by an item"))
            .help("put it right before a declaration, field, variant or method, or use `//` for a plain comment");
    }
    let message = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut phrases: Vec<&str> = Vec::new();
            for rule in positives {
                let phrase = describe_rule(*rule);
                if !phrases.contains(&phrase) {
                    phrases.push(phrase);
                }
            }
            // `?` and `<` may follow nearly every type name; listing them is noise.
            if phrases.len() > 1 {
                let noise = [describe_rule(Rule::question), describe_rule(Rule::langle)];
                phrases.retain(|p| !noise.contains(p));
            }
            // Where a declaration may start, so may its doc or annotations, or the file may end;
            // naming the declaration says it all.
            if phrases.iter().any(|p| p.starts_with("a declaration (")) {
                phrases.retain(|p| p.starts_with("a declaration ("));
            }
            match phrases.as_slice() {
                [] => format!("unexpected {found}"),
                [one] => format!("expected {one}, found {found}"),
                [init @ .., last] => {
                    format!("expected {} or {last}, found {found}", init.join(", "))
                }
            }
        }
        // pest's own guard against deep recursion ("stack limit reached", "call limit reached").
        pest::error::ErrorVariant::CustomError { .. } => {
            return Problem::new(file, at, "nested too deeply to parse")
                .label("the parser gave up here")
                .help(format!(
                    "keep types and values under {MAX_NESTING} levels of nesting"
                ));
        }
    };
    let word: String = rest_of_line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let at = if word.is_empty() {
        at
    } else {
        position..position + word.len()
    };
    let label = if found.starts_with("a doc comment") {
        "a doc comment cannot go here".to_owned()
    } else {
        format!("unexpected {found}")
    };
    let problem = Problem::new(file, at, message).label(label);
    // Habits from other languages get a pointer to the IDL's way.
    match (did_you_mean(&word, KEYWORDS), found.as_str()) {
        (Some(keyword), _) if keyword != word && expects_declaration(error) => {
            problem.help(format!("did you mean `{keyword}`?"))
        }
        (_, "`;`") => problem.help("separate members with a comma or a new line, not `;`"),
        (_, "`:`") if expects(error, Rule::returns) => {
            problem.help("a method's result type follows `->`, e.g. `add(a: i64) -> i64`")
        }
        _ => problem,
    }
}

const KEYWORDS: [&str; 9] = [
    "namespace",
    "import",
    "const",
    "type",
    "struct",
    "enum",
    "union",
    "error",
    "service",
];

fn expects(error: &pest::error::Error<Rule>, rule: Rule) -> bool {
    matches!(&error.variant, pest::error::ErrorVariant::ParsingError { positives, .. }
        if positives.iter().any(|p| describe_rule(*p) == describe_rule(rule)))
}

fn expects_declaration(error: &pest::error::Error<Rule>) -> bool {
    matches!(&error.variant, pest::error::ErrorVariant::ParsingError { positives, .. }
        if positives.iter().any(|rule| describe_rule(*rule).starts_with("a declaration")))
}

/// Whether a string body (after the opening quote) has its closing quote.
fn closes_string(body: &str) -> bool {
    let mut escaped = false;
    for c in body.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return true,
            _ => escaped = false,
        }
    }
    false
}

/// What the parser stopped at, in words.
fn found_at(line: &str, line_col: pest::error::LineColLocation) -> String {
    let col = match line_col {
        pest::error::LineColLocation::Pos((_, col))
        | pest::error::LineColLocation::Span((_, col), _) => col,
    };
    let rest: String = line.chars().skip(col.saturating_sub(1)).collect();
    let rest = rest.trim_end_matches(['\r', '\n']);
    if rest.is_empty() {
        return if line.ends_with('\n') {
            "end of line".to_owned()
        } else {
            "end of file".to_owned()
        };
    }
    if rest.starts_with("///") {
        return "a doc comment (`///` documents the item that follows it)".to_owned();
    }
    let first = rest.chars().next().unwrap_or(' ');
    let token: String = if first.is_ascii_alphanumeric() || first == '_' {
        rest.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    } else {
        first.to_string()
    };
    format!("`{token}`")
}

/// The phrase for a rule the parser expected. Rules are named after what users write, so
/// no rule name (`EOI`, `ident`) ever reaches them.
fn describe_rule(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::file | Rule::leading_doc | Rule::statement | Rule::kw_namespace | Rule::kw_import
        | Rule::kw_const | Rule::kw_type | Rule::kw_struct | Rule::kw_enum | Rule::kw_union
        | Rule::kw_error | Rule::kw_service | Rule::import_decl | Rule::namespace_decl
        | Rule::const_decl | Rule::alias_decl | Rule::struct_decl | Rule::error_decl
        | Rule::enum_decl | Rule::union_decl | Rule::service_decl => {
            "a declaration (`struct`, `enum`, `union`, `error`, `service`, `type`, `const`, `import` or `namespace`)"
        }
        Rule::doc | Rule::doc_line => "a doc comment",
        Rule::annotation => "an annotation such as `@deprecated`",
        Rule::ident => "a name",
        Rule::namespace_path => "a namespace path such as `acme.calc` or `Acme::Calc`",
        Rule::field | Rule::fields => "a field such as `name: string`",
        Rule::enum_variant => "a variant name",
        Rule::union_variant => "a variant such as `text: string`",
        Rule::method => "a method such as `add(a: i64, b: i64) -> i64`",
        Rule::kw_oneway => "`oneway`",
        Rule::args | Rule::arg => "an argument such as `a: i64`",
        Rule::returns | Rule::arrow => "`->` and a result type",
        Rule::kw_throws | Rule::throws => "`throws`",
        Rule::type_name => "an error type name",
        Rule::type_expr | Rule::type_args | Rule::type_ident => {
            "a type, such as `i64` or `list<string>`"
        }
        Rule::string => "a string in double quotes",
        Rule::value | Rule::null | Rule::boolean | Rule::integer | Rule::float
        | Rule::list_value | Rule::map_value | Rule::map_entry => {
            "a value, such as `1`, `\"text\"`, `[]` or an enum variant"
        }
        Rule::string_inner => "the rest of the string and a closing `\"`",
        Rule::colon => "`:`",
        Rule::comma => "`,`",
        Rule::equals => "`=`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::langle => "`<`",
        Rule::rangle => "`>`",
        Rule::question => "`?`",
        // Silent helpers (whitespace, comments, escapes) never reach errors on their own.
        _ => "valid syntax",
    }
}

/// Deepest nesting of types or values accepted; deeper input is reported, not recursed into,
/// so no later pass can overflow the stack.
const MAX_NESTING: usize = 64;

struct Builder<'s> {
    file: FileId,
    source: &'s str,
    problems: Vec<Problem>,
    /// Current type or value nesting.
    depth: usize,
}

/// The pair's byte range without the whitespace pest skips after an optional last element.
fn span(pair: &Pair<'_, Rule>) -> Span {
    let start = pair.as_span().start();
    start..start + pair.as_str().trim_end().len()
}

fn name(pair: Pair<'_, Rule>) -> Name {
    Name {
        text: pair.as_str().to_owned(),
        span: span(&pair),
    }
}

impl Builder<'_> {
    fn file(&mut self, pairs: Option<Pairs<'_, Rule>>) -> File {
        let mut statements = Vec::new();
        let mut leading_doc = None;
        let mut trailing_doc = None;
        for pair in pairs.into_iter().flatten() {
            match pair.as_rule() {
                Rule::statement => statements.extend(self.statement(pair)),
                Rule::leading_doc => leading_doc = pair.into_inner().next().map(doc),
                Rule::doc => trailing_doc = Some(doc(pair)),
                _ => {}
            }
        }
        if let Some(trailing) = trailing_doc {
            self.problems.push(
                Problem::new(self.file, trailing.span, "doc comment documents nothing")
                    .label("no item follows this doc comment")
                    .help("put it right before a declaration, or use `//` for a plain comment"),
            );
        }
        // The first `///` block documents the first item when it sits right on top of it (no
        // blank line) and that item takes a doc and has none; otherwise it documents the file.
        if let (Some(block), Some(first)) = (&leading_doc, statements.first_mut()) {
            let takes_doc = !matches!(first.decl, Decl::Namespace { .. } | Decl::Import { .. });
            let gap: Vec<&str> = self.source[block.span.end..first.start]
                .split('\n')
                .collect();
            let blank_line = gap.len() > 2
                && gap[1..gap.len() - 1]
                    .iter()
                    .any(|line| line.trim().is_empty());
            if takes_doc && first.doc.is_none() && !blank_line {
                first.doc = leading_doc.take();
            }
        }
        File {
            doc: leading_doc,
            statements,
        }
    }

    /// `None` only if the tree lacks what the grammar guarantees.
    fn statement(&mut self, pair: Pair<'_, Rule>) -> Option<Statement> {
        let mut doc_comment = None;
        let mut annotations = Vec::new();
        let mut decl = None;
        let mut start = pair.as_span().end();
        let end = span(&pair).end;
        for inner in pair.into_inner() {
            if inner.as_rule() != Rule::doc {
                start = start.min(inner.as_span().start());
            }
            match inner.as_rule() {
                Rule::doc => doc_comment = Some(doc(inner)),
                Rule::annotation => annotations.push(self.annotation(inner)),
                _ => decl = self.decl(inner),
            }
        }
        Some(Statement {
            doc: doc_comment,
            annotations,
            start,
            span: start..end,
            decl: decl?,
        })
    }

    fn decl(&mut self, pair: Pair<'_, Rule>) -> Option<Decl> {
        let rule = pair.as_rule();
        // Skip the keyword.
        let mut inner = pair.into_inner().filter(|p| {
            !matches!(
                p.as_rule(),
                Rule::kw_namespace
                    | Rule::kw_import
                    | Rule::kw_const
                    | Rule::kw_type
                    | Rule::kw_struct
                    | Rule::kw_enum
                    | Rule::kw_union
                    | Rule::kw_error
                    | Rule::kw_service
                    | Rule::colon
                    | Rule::equals
                    | Rule::lbrace
            )
        });
        let mut next = || inner.next();
        match rule {
            Rule::namespace_decl => {
                let lang = next().map(name)?;
                let path = next().map(name)?;
                Some(Decl::Namespace { lang, path })
            }
            Rule::import_decl => {
                let string = next()?;
                let span = span(&string);
                Some(Decl::Import {
                    path: self.string(string),
                    span,
                })
            }
            Rule::const_decl => {
                let (n, t, v) = (next()?, next()?, next()?);
                Some(Decl::Const {
                    name: name(n),
                    ty: self.type_expr(t),
                    value: self.value(v),
                })
            }
            Rule::alias_decl => {
                let (n, t) = (next()?, next()?);
                Some(Decl::Alias {
                    name: name(n),
                    ty: self.type_expr(t),
                })
            }
            Rule::struct_decl | Rule::error_decl => {
                let n = next()?;
                let fields = match next() {
                    Some(fields) => self.fields(fields),
                    None => Vec::new(),
                };
                Some(if rule == Rule::struct_decl {
                    Decl::Struct {
                        name: name(n),
                        fields,
                    }
                } else {
                    Decl::Error {
                        name: name(n),
                        fields,
                    }
                })
            }
            Rule::enum_decl | Rule::union_decl | Rule::service_decl => {
                let n = next()?;
                let members: Vec<Pair<'_, Rule>> = inner.collect();
                self.check_separators(&members);
                let members = members.into_iter().filter(|p| p.as_rule() != Rule::comma);
                Some(match rule {
                    Rule::enum_decl => Decl::Enum {
                        name: name(n),
                        variants: members
                            .filter(|p| p.as_rule() == Rule::enum_variant)
                            .map(|p| self.variant(p))
                            .collect(),
                    },
                    Rule::union_decl => Decl::Union {
                        name: name(n),
                        variants: members
                            .filter(|p| p.as_rule() == Rule::union_variant)
                            .map(|p| self.variant(p))
                            .collect(),
                    },
                    _ => Decl::Service {
                        name: name(n),
                        methods: members
                            .filter(|p| p.as_rule() == Rule::method)
                            .map(|p| self.method(p))
                            .collect(),
                    },
                })
            }
            _ => None,
        }
    }

    /// Two members on one line need a comma between them.
    fn check_separators(&mut self, members: &[Pair<'_, Rule>]) {
        let mut previous_end: Option<usize> = None;
        for member in members {
            match member.as_rule() {
                Rule::comma => previous_end = None,
                Rule::rbrace => {}
                _ => {
                    let start = span(member).start;
                    if let Some(end) = previous_end {
                        if !self.source[end..start].contains('\n') {
                            self.problems.push(
                                Problem::new(
                                    self.file,
                                    start..start,
                                    "expected `,` or a new line between members",
                                )
                                .label("this member starts on the same line as the previous one")
                                .help("separate members with a comma or put each on its own line"),
                            );
                        }
                    }
                    previous_end = Some(span(member).end);
                }
            }
        }
    }

    fn fields(&mut self, pair: Pair<'_, Rule>) -> Vec<Field> {
        let members: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
        self.check_separators(&members);
        members
            .into_iter()
            .filter(|p| p.as_rule() == Rule::field)
            .map(|p| self.field(p))
            .collect()
    }

    /// Doc and annotations at the head of a member; returns the remaining pairs.
    fn member_head<'i>(
        &mut self,
        pair: Pair<'i, Rule>,
    ) -> (Option<Doc>, Vec<Annotation>, Vec<Pair<'i, Rule>>) {
        let mut doc_comment = None;
        let mut annotations = Vec::new();
        let mut rest = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::doc => doc_comment = Some(doc(inner)),
                Rule::annotation => annotations.push(self.annotation(inner)),
                Rule::colon | Rule::equals | Rule::lparen | Rule::rparen => {}
                _ => rest.push(inner),
            }
        }
        (doc_comment, annotations, rest)
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> Field {
        let whole = span(&pair);
        let (doc, annotations, rest) = self.member_head(pair);
        let mut rest = rest.into_iter();
        let field_name = rest
            .next()
            .map(name)
            .unwrap_or_else(|| placeholder_name(&whole));
        let ty = match rest.next() {
            Some(t) => self.type_expr(t),
            None => placeholder_type(&whole),
        };
        let default = rest.next().map(|v| self.value(v));
        Field {
            span: whole,
            doc,
            annotations,
            name: field_name,
            ty,
            default,
        }
    }

    fn variant(&mut self, pair: Pair<'_, Rule>) -> Variant {
        let whole = span(&pair);
        let (doc, annotations, rest) = self.member_head(pair);
        let mut rest = rest.into_iter();
        let variant_name = rest
            .next()
            .map(name)
            .unwrap_or_else(|| placeholder_name(&whole));
        let ty = rest.next().map(|t| self.type_expr(t));
        Variant {
            span: whole,
            doc,
            annotations,
            name: variant_name,
            ty,
        }
    }

    fn method(&mut self, pair: Pair<'_, Rule>) -> Method {
        let whole = span(&pair);
        let (doc, annotations, rest) = self.member_head(pair);
        let mut method = Method {
            span: whole.clone(),
            doc,
            annotations,
            oneway: None,
            name: placeholder_name(&whole),
            args: Vec::new(),
            returns: None,
            throws: Vec::new(),
        };
        for inner in rest {
            match inner.as_rule() {
                Rule::kw_oneway => method.oneway = Some(span(&inner)),
                Rule::ident => method.name = name(inner),
                Rule::args => {
                    for arg in inner.into_inner().filter(|p| p.as_rule() == Rule::arg) {
                        let arg_span = span(&arg);
                        let mut parts = arg.into_inner().filter(|p| p.as_rule() != Rule::colon);
                        let arg_name = parts
                            .next()
                            .map(name)
                            .unwrap_or_else(|| placeholder_name(&arg_span));
                        let ty = match parts.next() {
                            Some(t) => self.type_expr(t),
                            None => placeholder_type(&arg_span),
                        };
                        method.args.push(Arg { name: arg_name, ty });
                    }
                }
                Rule::returns => {
                    method.returns = inner
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::type_expr)
                        .map(|t| self.type_expr(t));
                }
                Rule::throws => {
                    method.throws = inner
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::type_name)
                        .map(name)
                        .collect();
                }
                _ => {}
            }
        }
        method
    }

    fn annotation(&mut self, pair: Pair<'_, Rule>) -> Annotation {
        let whole = span(&pair);
        let mut inner = pair.into_inner();
        let annotation_name = inner
            .next()
            .map(name)
            .unwrap_or_else(|| placeholder_name(&whole));
        let args = inner
            .filter(|p| p.as_rule() == Rule::value)
            .map(|v| self.value(v))
            .collect();
        Annotation {
            name: annotation_name,
            args,
            span: whole,
        }
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> TypeExpr {
        let whole = span(&pair);
        if !self.enter(&whole) {
            return placeholder_type(&whole);
        }
        let built = self.type_expr_inner(pair, whole);
        self.depth -= 1;
        built
    }

    /// Counts one level of nesting; false (and one report) past `MAX_NESTING`.
    fn enter(&mut self, span: &Span) -> bool {
        if self.depth == MAX_NESTING {
            self.problems.push(
                Problem::new(self.file, span.start..span.start + 1, "nested too deeply")
                    .label(format!(
                        "more than {MAX_NESTING} levels of nesting start here"
                    ))
                    .help("flatten the type or value, e.g. with a named struct or alias"),
            );
            // Stop counting so only the outermost excess is reported.
            self.depth += 1;
            return false;
        }
        if self.depth > MAX_NESTING {
            return false;
        }
        self.depth += 1;
        true
    }

    fn type_expr_inner(&mut self, pair: Pair<'_, Rule>, whole: Span) -> TypeExpr {
        let mut type_name: Option<Name> = None;
        let mut args: Option<Vec<TypeExpr>> = None;
        let mut optional = false;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::type_ident => type_name = Some(name(inner)),
                Rule::type_args => {
                    args = Some(
                        inner
                            .into_inner()
                            .filter(|p| p.as_rule() == Rule::type_expr)
                            .map(|t| self.type_expr(t))
                            .collect(),
                    );
                }
                Rule::question => optional = true,
                _ => {}
            }
        }
        let Some(type_name) = type_name else {
            return placeholder_type(&whole);
        };
        let base_span = match &args {
            Some(_) if optional => whole.start..whole.end - 1,
            Some(_) => whole.clone(),
            None => type_name.span.clone(),
        };
        let kind = match args {
            None => TypeKind::Named(type_name.text),
            Some(args) => self.generic(type_name, args, &base_span),
        };
        let base = TypeExpr {
            kind,
            span: base_span,
        };
        if optional {
            TypeExpr {
                kind: TypeKind::Optional(Box::new(base)),
                span: whole,
            }
        } else {
            base
        }
    }

    /// `list<T>`, `map<K, V>` or `stream<T>`; anything else with type arguments is an error.
    fn generic(&mut self, type_name: Name, args: Vec<TypeExpr>, span: &Span) -> TypeKind {
        let mut args = args.into_iter();
        let (first, second, third) = (args.next(), args.next(), args.next());
        let (count, example) = match (type_name.text.as_str(), first, second, third) {
            ("list", Some(item), None, None) => return TypeKind::List(Box::new(item)),
            ("stream", Some(item), None, None) => return TypeKind::Stream(Box::new(item)),
            ("map", Some(key), Some(value), None) => {
                return TypeKind::Map(Box::new(key), Box::new(value))
            }
            ("list", ..) => ("one type argument", "list<string>"),
            ("stream", ..) => ("one type argument", "stream<u32>"),
            ("map", ..) => ("two type arguments", "map<string, i64>"),
            _ => {
                let mut problem = Problem::new(
                    self.file,
                    span.clone(),
                    format!("unknown generic type `{}`", type_name.text),
                )
                .label("only `list<T>`, `map<K, V>` and `stream<T>` take type arguments");
                if let Some(s) = did_you_mean(&type_name.text, ["list", "map", "stream"]) {
                    problem = problem.help(format!("did you mean `{s}`?"));
                }
                self.problems.push(problem);
                return TypeKind::Unknown;
            }
        };
        self.problems.push(
            Problem::new(
                self.file,
                span.clone(),
                format!("`{}` takes {count}", type_name.text),
            )
            .label("wrong number of type arguments")
            .help(format!("write it like `{example}`")),
        );
        TypeKind::Unknown
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> ValueExpr {
        let whole = span(&pair);
        if !self.enter(&whole) {
            return ValueExpr {
                kind: ValueKind::Null,
                span: whole,
            };
        }
        let built = self.value_inner(pair, whole);
        self.depth -= 1;
        built
    }

    fn value_inner(&mut self, pair: Pair<'_, Rule>, whole: Span) -> ValueExpr {
        let inner = match pair.as_rule() {
            Rule::value => pair.into_inner().next(),
            _ => Some(pair),
        };
        let Some(inner) = inner else {
            return ValueExpr {
                kind: ValueKind::Null,
                span: whole,
            };
        };
        let text = inner.as_str();
        let kind = match inner.as_rule() {
            Rule::null => ValueKind::Null,
            Rule::boolean => ValueKind::Bool(text == "true"),
            Rule::integer => self.integer(text, &whole),
            Rule::float => match text.parse::<f64>() {
                Ok(f) if f.is_finite() => ValueKind::Float(f),
                _ => {
                    self.problems.push(
                        Problem::new(self.file, whole.clone(), "number out of range")
                            .label("does not fit a 64-bit float"),
                    );
                    ValueKind::Float(0.0)
                }
            },
            Rule::string => ValueKind::String(self.string(inner)),
            Rule::ident => ValueKind::Ident(text.to_owned()),
            Rule::list_value => ValueKind::List(
                inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::value)
                    .map(|v| self.value(v))
                    .collect(),
            ),
            Rule::map_value => ValueKind::Map(
                inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::map_entry)
                    .map(|entry| {
                        let entry_span = span(&entry);
                        let mut parts = entry.into_inner().filter(|p| p.as_rule() == Rule::value);
                        let key = parts.next().map(|v| self.value(v));
                        let value = parts.next().map(|v| self.value(v));
                        let null = ValueExpr {
                            kind: ValueKind::Null,
                            span: entry_span,
                        };
                        (key.unwrap_or_else(|| null.clone()), value.unwrap_or(null))
                    })
                    .collect(),
            ),
            _ => ValueKind::Null,
        };
        ValueExpr { kind, span: whole }
    }

    fn integer(&mut self, text: &str, whole: &Span) -> ValueKind {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let magnitude = match digits.strip_prefix("0x") {
            Some(hex) => u128::from_str_radix(hex, 16),
            None => digits.parse::<u128>(),
        };
        let value = magnitude.ok().and_then(|m| {
            let signed = if negative {
                -i128::try_from(m).ok()?
            } else {
                i128::try_from(m).ok()?
            };
            Some(signed)
        });
        match value {
            Some(v) if i64::try_from(v).is_ok() => ValueKind::Int(v as i64),
            Some(v) if u64::try_from(v).is_ok() => ValueKind::UInt(v as u64),
            _ => {
                self.problems.push(
                    Problem::new(self.file, whole.clone(), "integer out of range")
                        .label("does not fit a 64-bit integer"),
                );
                ValueKind::Int(0)
            }
        }
    }

    /// Unescapes a string literal; reports escapes that name no character.
    fn string(&mut self, pair: Pair<'_, Rule>) -> String {
        let raw = pair
            .into_inner()
            .next()
            .map(|inner| (inner.as_str(), inner.as_span().start()));
        let Some((raw, start)) = raw else {
            return String::new();
        };
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((_, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '0')) => out.push('\0'),
                Some((_, 'u')) => {
                    let hex: String = chars
                        .by_ref()
                        .skip(1)
                        .take_while(|(_, c)| *c != '}')
                        .map(|(_, c)| c)
                        .collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) => out.push(ch),
                        None => self.problems.push(
                            Problem::new(
                                self.file,
                                start..start + raw.len(),
                                "invalid unicode escape",
                            )
                            .label(format!("`\\u{{{hex}}}` is not a character")),
                        ),
                    }
                }
                Some((_, other)) => out.push(other),
                None => {}
            }
        }
        out
    }
}

fn doc(pair: Pair<'_, Rule>) -> Doc {
    let whole = span(&pair);
    let lines: Vec<&str> = pair
        .into_inner()
        .map(|line| {
            let text = line.as_str().trim_start_matches("///");
            let text = text.strip_prefix(' ').unwrap_or(text);
            text.trim_end()
        })
        .collect();
    Doc {
        text: lines.join("\n"),
        span: whole,
    }
}

fn placeholder_name(span: &Span) -> Name {
    Name {
        text: String::new(),
        span: span.clone(),
    }
}

fn placeholder_type(span: &Span) -> TypeExpr {
    TypeExpr {
        kind: TypeKind::Unknown,
        span: span.clone(),
    }
}
