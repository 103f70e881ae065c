//! The zrpc IDL front end: parsing, validation and the service model every generator reads.
//!
//! ```
//! let schema = zrpc_idl::parse_str(
//!     "service Greeter {\n    hello(name: string) -> string\n}\n",
//!     "greeter.zrpc",
//! )
//! .unwrap();
//! assert_eq!(schema.services[0].methods[0].name, "hello");
//! assert!(zrpc_idl::print(&schema).contains("hello(name: string) -> string"));
//! ```
//!
//! Errors come back as [`Diagnostics`]: every problem found, rendered with `file:line:col`, the
//! source line and a caret. The language is described in `docs/idl.md`.

mod ast;
mod comments;
mod diagnostics;
mod printer;
mod syntax;
mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use diagnostics::Diagnostics;
/// The validated service model this crate produces (the `zrpc-model` crate).
pub use zrpc_model as model;
pub use zrpc_model::{RESERVED_METHOD_NAMES, RESERVED_METHOD_PREFIXES, RESERVED_PREFIX};

use diagnostics::{FileId, Problem, SourceMap};
use model::Schema;
use validate::{Input, Mode};

/// A schema loaded from disk, with every file that went into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub schema: Schema,
    /// The root file first, then each imported file once (for `cargo:rerun-if-changed`).
    pub files: Vec<PathBuf>,
}

/// Parses and validates IDL text. `file_name` names the source in diagnostics; imports are
/// resolved relative to its directory (the current directory for a bare name).
pub fn parse_str(source: &str, file_name: &str) -> Result<Schema, Diagnostics> {
    let mut loader = Loader::default();
    let root = loader.add_source(
        Path::new(file_name),
        file_name.to_owned(),
        source.to_owned(),
    );
    loader.finish(root).map(|loaded| loaded.schema)
}

/// Reads `path` and everything it imports (each file once), and validates the whole schema.
pub fn load(path: &Path) -> Result<Loaded, Diagnostics> {
    let mut loader = Loader::default();
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(source) => {
            let root = loader.add_source(path, name, source);
            loader.finish(root)
        }
        Err(error) => Err(Diagnostics::new(
            SourceMap::default(),
            vec![Problem::unlocated(format!("cannot read `{name}`: {error}"))],
        )),
    }
}

/// The canonical IDL text of a schema. `parse_str(&print(&schema), ..)` gives `schema` back.
pub fn print(schema: &Schema) -> String {
    printer::print_file(schema, &[], &comments::Comments::default())
}

/// Formats one file's source canonically, keeping its imports as written (they are not read).
///
/// Plain `//` and `/* */` comments stay with the declaration or member they precede or end
/// the line of; a comment inside a declaration or member (e.g. between two arguments) moves to
/// the lines before it. Nothing is dropped, and formatting formatted text changes nothing.
/// Fails on syntax errors.
pub fn format_str(source: &str, file_name: &str) -> Result<String, Diagnostics> {
    let mut sources = SourceMap::default();
    let file = sources.add(file_name.to_owned(), source.to_owned());
    let (ast, mut problems) = syntax::parse(source, file);
    let Some(ast) = ast else {
        return Err(Diagnostics::new(sources, problems));
    };
    let comments = comments::attach(source, &ast);
    let input = Input {
        file,
        ast: &ast,
        is_root: true,
    };
    let schema = match validate::validate(&[input], Mode::Structure) {
        Ok(schema) => Some(schema),
        Err(more) => {
            problems.extend(more);
            None
        }
    };
    match schema {
        Some(schema) if problems.is_empty() => {
            let imports: Vec<String> = ast
                .statements
                .iter()
                .filter_map(|s| match &s.decl {
                    ast::Decl::Import { path, .. } => Some(path.clone()),
                    _ => None,
                })
                .collect();
            Ok(printer::print_file(&schema, &imports, &comments))
        }
        _ => Err(Diagnostics::new(sources, problems)),
    }
}

/// `a/b/../c` → `a/c`, without touching the file system, so messages show readable paths.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(
                    out.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Reads files, follows imports depth-first, and hands the parsed files to the validator.
#[derive(Default)]
struct Loader {
    sources: SourceMap,
    problems: Vec<Problem>,
    /// Canonical path → file id, so each file is read once (diamond imports).
    seen: HashMap<PathBuf, FileId>,
    /// Parsed files in merge order: every import before its importer.
    parsed: Vec<(FileId, ast::File)>,
    files: Vec<PathBuf>,
    /// An import that could not be read or closes a cycle.
    import_failed: bool,
}

impl Loader {
    fn add_source(&mut self, path: &Path, name: String, source: String) -> FileId {
        let id = self.sources.add(name, source);
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.seen.insert(key, id);
        self.files.push(path.to_path_buf());
        id
    }

    fn finish(mut self, root: FileId) -> Result<Loaded, Diagnostics> {
        let root_path = self.files.first().cloned().unwrap_or_default();
        let mut stack = vec![(root, root_path)];
        self.visit(root, &mut stack);
        // Validation also runs after tree-level problems, but not after a syntax error or a
        // broken import: half a schema would only produce follow-up noise.
        let complete = self.parsed.len() == self.files.len() && !self.import_failed;
        let schema = if complete {
            let inputs: Vec<Input<'_>> = self
                .parsed
                .iter()
                .map(|(file, ast)| Input {
                    file: *file,
                    ast,
                    is_root: *file == root,
                })
                .collect();
            match validate::validate(&inputs, Mode::Full) {
                Ok(schema) => Some(schema),
                Err(problems) => {
                    self.problems.extend(problems);
                    None
                }
            }
        } else {
            None
        };
        match schema {
            Some(schema) if self.problems.is_empty() => Ok(Loaded {
                schema,
                files: self.files,
            }),
            _ => Err(Diagnostics::new(self.sources, self.problems)),
        }
    }

    /// Parses `file`, then its imports; `stack` is the chain of importers, for cycle reports.
    fn visit(&mut self, file: FileId, stack: &mut Vec<(FileId, PathBuf)>) {
        let (ast, problems) = syntax::parse(self.sources.source(file), file);
        self.problems.extend(problems);
        let Some(ast) = ast else {
            return;
        };
        let base = stack
            .last()
            .and_then(|(_, path)| path.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for statement in &ast.statements {
            let ast::Decl::Import { path, span } = &statement.decl else {
                continue;
            };
            let target = normalize(&base.join(path));
            let key = std::fs::canonicalize(&target).unwrap_or_else(|_| target.clone());
            let on_stack = self
                .seen
                .get(&key)
                .and_then(|seen_id| stack.iter().position(|(id, _)| id == seen_id));
            if let Some(position) = on_stack {
                let mut chain: Vec<String> = stack[position..]
                    .iter()
                    .map(|(_, p)| p.display().to_string())
                    .collect();
                chain.push(target.display().to_string());
                self.import_failed = true;
                self.problems.push(
                    Problem::new(
                        file,
                        span.clone(),
                        format!("import cycle: `{path}` imports this file again"),
                    )
                    .label("this import closes a cycle")
                    .note(format!("cycle: {}", chain.join(" -> ")))
                    .help("move the shared declarations into a file that both can import"),
                );
                continue;
            }
            if self.seen.contains_key(&key) {
                continue;
            }
            match std::fs::read_to_string(&target) {
                Ok(source) => {
                    let id = self.add_source(&target, target.display().to_string(), source);
                    stack.push((id, target));
                    self.visit(id, stack);
                    stack.pop();
                }
                Err(error) => {
                    self.import_failed = true;
                    let mut problem =
                        Problem::new(file, span.clone(), format!("cannot import `{path}`"))
                            .label(format!("{}: {error}", target.display()));
                    if error.kind() == std::io::ErrorKind::NotFound {
                        problem = problem.help("import paths are relative to the importing file");
                    }
                    self.problems.push(problem);
                }
            }
        }
        self.parsed.push((file, ast));
    }
}
