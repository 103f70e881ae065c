//! Errors found in IDL sources, rendered like rustc: `file:line:col`, the source line and a caret.

use std::fmt;
use std::io::IsTerminal;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor, Chars, Config};

use crate::ast::Span;

pub(crate) type FileId = usize;

/// The sources diagnostics point into.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceMap {
    files: SimpleFiles<String, String>,
}

impl SourceMap {
    pub(crate) fn add(&mut self, name: String, source: String) -> FileId {
        self.files.add(name, source)
    }

    pub(crate) fn source(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|file| file.source().as_str())
            .unwrap_or_default()
    }
}

/// One problem, pointing at a span of a file.
#[derive(Debug, Clone)]
pub(crate) struct Problem(Diagnostic<FileId>);

impl Problem {
    pub(crate) fn new(file: FileId, span: Span, message: impl Into<String>) -> Problem {
        Problem(
            Diagnostic::error()
                .with_message(message.into())
                .with_labels(vec![Label::primary(file, span)]),
        )
    }

    /// A message without a location (a file that cannot be read at all).
    pub(crate) fn unlocated(message: impl Into<String>) -> Problem {
        Problem(Diagnostic::error().with_message(message.into()))
    }

    /// Text under the caret.
    pub(crate) fn label(mut self, text: impl Into<String>) -> Problem {
        if let Some(primary) = self.0.labels.first_mut() {
            primary.message = text.into();
        }
        self
    }

    /// Another location that explains the first, e.g. a previous declaration.
    pub(crate) fn also(mut self, file: FileId, span: Span, text: impl Into<String>) -> Problem {
        self.0
            .labels
            .push(Label::secondary(file, span).with_message(text.into()));
        self
    }

    pub(crate) fn help(mut self, text: impl Into<String>) -> Problem {
        self.0.notes.push(format!("help: {}", text.into()));
        self
    }

    pub(crate) fn note(mut self, text: impl Into<String>) -> Problem {
        self.0.notes.push(format!("note: {}", text.into()));
        self
    }

    fn position(&self) -> (FileId, usize) {
        self.0
            .labels
            .first()
            .map_or((0, 0), |label| (label.file_id, label.range.start))
    }
}

/// Every error found in a schema (syntax, imports, validation), with the sources they point into.
///
/// `Display` renders them all as plain text; [`Diagnostics::eprint`] uses colour on a terminal.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    sources: SourceMap,
    problems: Vec<Problem>,
}

impl Diagnostics {
    /// Sorts the problems by position, so the output reads top to bottom.
    pub(crate) fn new(sources: SourceMap, mut problems: Vec<Problem>) -> Diagnostics {
        problems.sort_by_key(Problem::position);
        Diagnostics { sources, problems }
    }

    /// How many errors were found.
    pub fn len(&self) -> usize {
        self.problems.len()
    }

    /// Always false for a returned `Diagnostics`; here for symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// The one-line messages, without locations (e.g. "unknown type `Stirng`").
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.problems
            .iter()
            .map(|problem| problem.0.message.as_str())
    }

    /// Writes every error to stderr, in colour when stderr is a terminal and `NO_COLOR` is not
    /// set (no-color.org).
    pub fn eprint(&self) {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let choice = if std::io::stderr().is_terminal() && !no_color {
            termcolor::ColorChoice::Auto
        } else {
            termcolor::ColorChoice::Never
        };
        let stream = termcolor::StandardStream::stderr(choice);
        let mut lock = stream.lock();
        let styles = term::Styles::default();
        let mut writer = term::StylesWriter::new(&mut lock, &styles);
        for problem in &self.problems {
            // A write error on stderr has nowhere better to go.
            let _ =
                term::emit_to_write_style(&mut writer, &config(), &self.sources.files, &problem.0);
        }
    }
}

fn config() -> Config {
    Config {
        chars: Chars::ascii(),
        ..Config::default()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.problems {
            let text = term::emit_into_string(&config(), &self.sources.files, &problem.0)
                .map_err(|_| fmt::Error)?;
            f.write_str(&text)?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
