//! Plain `//` and `/* */` comments for the formatter: the model has no place for them, so each
//! is attached to the declaration or member it sits on top of (leading) or at the end of whose
//! line it sits (trailing), and the printer puts it back there.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use crate::ast::{Decl, File, Name, Span, Statement};
use crate::syntax::{self, Rule};

/// Comments by the key of what they belong to (see [`statement_key`], [`member_key`] and
/// [`end_key`]); each comment is its verbatim text.
///
/// Printing takes the comments out: when two items share a key (a duplicate declaration, which
/// `zrpc check` rejects but `zrpc fmt` still formats), the first one printed gets them all, so
/// no comment is printed twice and formatting stays idempotent.
#[derive(Debug, Default)]
pub(crate) struct Comments {
    leading: RefCell<HashMap<String, Vec<String>>>,
    trailing: RefCell<HashMap<String, Vec<String>>>,
}

impl Comments {
    /// Comment lines before the item, each indented.
    pub(crate) fn leading(&self, key: &str, indent: &str) -> String {
        self.leading
            .borrow_mut()
            .remove(key)
            .into_iter()
            .flatten()
            .map(|comment| format!("{indent}{comment}\n"))
            .collect()
    }

    /// Text to append to the item's last line.
    pub(crate) fn trailing(&self, key: &str) -> String {
        self.trailing
            .borrow_mut()
            .remove(key)
            .into_iter()
            .flatten()
            .map(|comment| format!(" {comment}"))
            .collect()
    }
}

pub(crate) fn statement_key(decl: &Decl) -> String {
    match decl {
        Decl::Namespace { lang, .. } => format!("namespace:{}", lang.text),
        Decl::Import { path, .. } => format!("import:{path}"),
        Decl::Const { name, .. } => format!("const:{}", name.text),
        Decl::Service { name, .. } => format!("service:{}", name.text),
        other => format!("type:{}", other.name().map_or("", |n| n.text.as_str())),
    }
}

pub(crate) fn member_key(owner: &str, member: &str) -> String {
    format!("{owner}.{member}")
}

/// Comments after the last member of `owner` (a statement key), or of the file for `None`.
pub(crate) fn end_key(owner: Option<&str>) -> String {
    match owner {
        Some(owner) => format!("end:{owner}"),
        None => "end".to_owned(),
    }
}

/// Spans of `//` and `/* */` comments (not `///` docs), skipping string literals. Comments,
/// strings and docs are matched with the parser's own rules, so both always agree on where a
/// comment ends (nested block comments, `\r` line ends).
pub(crate) fn find(source: &str) -> Vec<Range<usize>> {
    let bytes = source.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rule = match bytes[i] {
            b'"' => Rule::string,
            b'/' if source[i..].starts_with("///") && !source[i..].starts_with("////") => {
                Rule::doc_line
            }
            b'/' => Rule::comment_token,
            _ => {
                i += 1;
                continue;
            }
        };
        let Some(len) = syntax::match_len(rule, &source[i..]) else {
            i += 1;
            continue;
        };
        if rule == Rule::comment_token {
            spans.push(i..i + source[i..i + len].trim_end().len());
        }
        i += len.max(1);
    }
    spans
}

/// Something a comment can belong to.
struct Anchor {
    key: String,
    /// Where its name starts: comments before it (after the previous item) lead it.
    body_start: usize,
    /// Where its text ends, without comments that follow it.
    end: usize,
    /// For statements with a `{ ... }` block: where the block starts, and the statement key.
    block: Option<usize>,
    /// The statement key of the block this member is in; `None` for statements.
    container: Option<String>,
}

/// Attaches every comment in `source`. A comment inside a declaration or member (between its
/// name and its end, e.g. between two arguments) has no place in the canonical layout; it
/// moves to the lines before that item, so nothing is dropped.
pub(crate) fn attach(source: &str, ast: &File) -> Comments {
    let spans = find(source);
    let mut comments = Comments::default();
    if spans.is_empty() {
        return comments;
    }
    let anchors = anchors(source, ast, &spans);
    // The item whose line the previous comment trailed, and where that comment ended.
    let mut trailing_run: Option<(String, usize)> = None;
    for span in &spans {
        let text = source[span.clone()].to_owned();
        let same_line = |from: usize| {
            source[from..span.start]
                .chars()
                .all(|c| c == ' ' || c == '\t' || c == ',')
        };
        if let Some((key, end)) = trailing_run.take() {
            if same_line(end) {
                comments
                    .trailing
                    .get_mut()
                    .entry(key.clone())
                    .or_default()
                    .push(text);
                trailing_run = Some((key, span.end));
                continue;
            }
        }
        let trailed = anchors
            .iter()
            .filter(|a| a.end <= span.start && same_line(a.end))
            .max_by_key(|a| a.end);
        if let Some(anchor) = trailed {
            comments
                .trailing
                .get_mut()
                .entry(anchor.key.clone())
                .or_default()
                .push(text);
            trailing_run = Some((anchor.key.clone(), span.end));
            continue;
        }
        let inside = anchors.iter().find(|a| {
            let body_end = a.block.unwrap_or(a.end);
            a.body_start < span.end && span.start < body_end
        });
        if let Some(anchor) = inside {
            comments
                .leading
                .get_mut()
                .entry(anchor.key.clone())
                .or_default()
                .push(text);
            continue;
        }
        let container = anchors
            .iter()
            .filter(|a| a.block.is_some_and(|open| open < span.start) && span.end <= a.end)
            .max_by_key(|a| a.body_start);
        let container_key = container.map(|c| c.key.clone());
        let next = anchors
            .iter()
            .filter(|a| a.container == container_key && a.body_start >= span.end)
            .min_by_key(|a| a.body_start);
        let key = match next {
            Some(anchor) => anchor.key.clone(),
            None => end_key(container_key.as_deref()),
        };
        comments
            .leading
            .get_mut()
            .entry(key)
            .or_default()
            .push(text);
    }
    comments
}

fn anchors(source: &str, ast: &File, comments: &[Range<usize>]) -> Vec<Anchor> {
    let mut anchors = Vec::new();
    for statement in &ast.statements {
        let key = statement_key(&statement.decl);
        let name_start = statement_name(statement).map_or(statement.start, |n| n.span.start);
        let block = match &statement.decl {
            Decl::Struct { name, .. }
            | Decl::Error { name, .. }
            | Decl::Enum { name, .. }
            | Decl::Union { name, .. }
            | Decl::Service { name, .. } => source[name.span.end..]
                .find('{')
                .map(|offset| name.span.end + offset),
            _ => None,
        };
        let members: Vec<(&Name, &Span)> = match &statement.decl {
            Decl::Struct { fields, .. } | Decl::Error { fields, .. } => {
                fields.iter().map(|f| (&f.name, &f.span)).collect()
            }
            Decl::Enum { variants, .. } | Decl::Union { variants, .. } => {
                variants.iter().map(|v| (&v.name, &v.span)).collect()
            }
            Decl::Service { methods, .. } => methods.iter().map(|m| (&m.name, &m.span)).collect(),
            _ => Vec::new(),
        };
        for (name, span) in members {
            anchors.push(Anchor {
                key: member_key(&key, &name.text),
                body_start: name.span.start,
                end: without_comments(source, span.end, comments),
                block: None,
                container: Some(key.clone()),
            });
        }
        anchors.push(Anchor {
            body_start: name_start,
            end: without_comments(source, statement.span.end, comments),
            block,
            container: None,
            key,
        });
    }
    anchors
}

fn statement_name(statement: &Statement) -> Option<&Name> {
    match &statement.decl {
        Decl::Namespace { lang, .. } => Some(lang),
        other => other.name(),
    }
}

/// Moves `end` back over whitespace and the comments pest skipped at the end of a rule.
fn without_comments(source: &str, mut end: usize, comments: &[Range<usize>]) -> usize {
    loop {
        end = source[..end].trim_end().len();
        match comments.iter().find(|c| c.end == end) {
            Some(comment) => end = comment.start,
            None => return end,
        }
    }
}
