//! The Python generator: a typed, importable client package per schema.
//!
//! The language pass here computes every name, annotation, import and encode/decode expression;
//! the templates under `templates/python/` only lay them out. Output for namespace `acme.calc`:
//! `acme/__init__.py`, `acme/calc/{__init__,models,client,_zrpc}.py` and `acme/calc/py.typed`.

mod types;

use std::collections::BTreeSet;
use std::path::PathBuf;

use askama::Template;
use zrpc_idl::model::{Returns, Schema, Service, Struct, Type, TypeDef};

use crate::naming::{doc_lines, snake_case};
use crate::{Error, GeneratedFile};
use types::{Imports, TypeNames};
use zrpc_plan::layout::{self, layout};
use zrpc_plan::reserved::PYTHON;
use zrpc_plan::{Plan, Position};

/// Generates the Python package for `schema`.
pub fn generate(schema: &Schema) -> Result<Vec<GeneratedFile>, Error> {
    render(&Plan::new(schema)?)
}

/// Renders the Python package of a planned schema.
pub fn render(plan: &Plan) -> Result<Vec<GeneratedFile>, Error> {
    let schema = plan.schema;
    let package = package_name(schema);
    let names = TypeNames::new(plan);
    let models = types::models(&names, &package);
    let clients: Vec<Client> = schema
        .services
        .iter()
        .map(|service| client(service, schema, &names))
        .collect();

    let mut client_imports = Imports::for_client();
    client_imports.typing("Optional");
    let mut errors = Vec::new();
    for service in &schema.services {
        for method in &service.methods {
            for thrown in &method.throws {
                let class = names.class(thrown);
                client_imports.model(&class);
                errors.push((thrown.clone(), class));
            }
        }
    }
    errors.sort();
    errors.dedup();
    for c in &clients {
        client_imports.merge(&c.imports);
    }
    let client_module = ClientModule {
        package: package.clone(),
        imports: client_imports.lines(),
        all: sorted(
            clients
                .iter()
                .flat_map(|c| [c.name.clone(), c.async_name.clone()]),
        ),
        errors,
        clients,
    };

    let init = Init {
        docstring: docstring(
            schema.doc.as_deref(),
            &format!("Typed zrpc client of the {package} schema."),
            0,
        ),
        imports: init_imports(&models.all, &client_module.all),
        all: sorted(
            models
                .all
                .iter()
                .chain(&client_module.all)
                .cloned()
                .chain(runtime_exports(&models.all)),
        ),
    };

    let dir: PathBuf = package.split('.').collect();
    let mut files = Vec::new();
    // Parent packages of a dotted namespace are plain, empty packages.
    let mut parent = PathBuf::new();
    for part in package.split('.').take(package.split('.').count() - 1) {
        parent.push(part);
        files.push(file(parent.join("__init__.py"), String::new()));
    }
    files.push(file(dir.join("__init__.py"), tidy(&init.render()?)));
    files.push(file(dir.join("models.py"), tidy(&models.render()?)));
    files.push(file(dir.join("client.py"), tidy(&client_module.render()?)));
    let runtime = Runtime {
        package: package.clone(),
    };
    // The runtime is hand-laid-out already.
    files.push(file(dir.join("_zrpc.py"), tidy_lines(&runtime.render()?)));
    files.push(file(dir.join("py.typed"), String::new()));
    Ok(files)
}

/// The dotted package: `namespace python`, else the first service (or `schema`) in snake case.
pub fn package_name(schema: &Schema) -> String {
    match schema.namespace("python") {
        Some(namespace) => namespace
            .split('.')
            .map(|part| PYTHON.escape(part, Position::Module))
            .collect::<Vec<_>>()
            .join("."),
        None => schema
            .services
            .first()
            .map(|service| PYTHON.escape(&snake_case(&service.name), Position::Module))
            .unwrap_or_else(|| "schema".to_owned()),
    }
}

/// Errors of the runtime re-exported by the package (unless a schema type has the same name).
const RUNTIME_EXPORTS: &[&str] = &[
    "DecodeError",
    "LostRemoteError",
    "ProtocolError",
    "RemoteError",
    "TimeoutExpired",
    "UnknownMethodError",
    "UnreachableError",
    "ZrpcError",
];

fn file(path: PathBuf, contents: String) -> GeneratedFile {
    GeneratedFile { path, contents }
}

/// Sorted like isort (and ruff) sort `__all__`: CONSTANTS, then Classes, then the rest.
pub(crate) fn sorted(names: impl Iterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<(u8, String)> = names
        .map(|name| {
            let rank = if name.len() > 1 && name == name.to_uppercase() {
                0
            } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                1
            } else {
                2
            };
            (rank, name)
        })
        .collect();
    set.into_iter().map(|(_, name)| name).collect()
}

fn runtime_exports(models: &[String]) -> Vec<String> {
    RUNTIME_EXPORTS
        .iter()
        .filter(|e| !models.iter().any(|m| m == *e))
        .map(|e| e.to_string())
        .collect()
}

fn init_imports(models: &[String], clients: &[String]) -> Vec<String> {
    let runtime = runtime_exports(models);
    let mut lines = vec![types::import_line("._zrpc", &runtime)];
    if !clients.is_empty() {
        lines.push(types::import_line(
            ".client",
            &sorted(clients.iter().cloned()),
        ));
    }
    if !models.is_empty() {
        lines.push(types::import_line(
            ".models",
            &sorted(models.iter().cloned()),
        ));
    }
    lines
}

/// A Python docstring for `doc` (or `fallback`), indented for a body at `indent` spaces.
pub(crate) fn docstring(doc: Option<&str>, fallback: &str, indent: usize) -> String {
    let lines = doc_lines(doc);
    let lines: Vec<&str> = if lines.is_empty() {
        vec![fallback]
    } else {
        lines
    };
    docstring_lines(
        &lines.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
        indent,
    )
}

pub(crate) fn docstring_lines(lines: &[String], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let escaped: Vec<String> = lines.iter().map(|line| escape_docstring(line)).collect();
    match escaped.as_slice() {
        [single] => format!("{pad}\"\"\"{single}\"\"\""),
        _ => {
            let mut text = String::new();
            for (i, line) in escaped.iter().enumerate() {
                if i == 0 {
                    text.push_str(&format!("{pad}\"\"\"{line}\n"));
                } else if line.is_empty() {
                    text.push('\n');
                } else {
                    text.push_str(&format!("{pad}{line}\n"));
                }
            }
            text.push_str(&format!("{pad}\"\"\""));
            text
        }
    }
}

fn escape_docstring(line: &str) -> String {
    let mut escaped = line.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    if escaped.ends_with('"') {
        escaped.pop();
        escaped.push_str("\\\"");
    }
    escaped
}

/// Long lines broken as ruff format does, trailing spaces off, at most two blank lines in a
/// row, exactly one final newline.
fn tidy(text: &str) -> String {
    tidy_lines(&layout(text, &layout::PYTHON))
}

/// Trailing spaces off, at most two blank lines in a row, exactly one final newline.
fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 2 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let trimmed = out.trim_end();
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

#[derive(Template)]
#[template(path = "python/__init__.py.jinja", escape = "none")]
struct Init {
    docstring: String,
    imports: Vec<String>,
    all: Vec<String>,
}

#[derive(Template)]
#[template(path = "python/_zrpc.py.jinja", escape = "none")]
struct Runtime {
    package: String,
}

#[derive(Template)]
#[template(path = "python/client.py.jinja", escape = "none")]
struct ClientModule {
    package: String,
    imports: Vec<String>,
    all: Vec<String>,
    /// `(wire name, class)` of every error some method declares.
    errors: Vec<(String, String)>,
    clients: Vec<Client>,
}

/// One service as a blocking and an asyncio client class.
struct Client {
    name: String,
    async_name: String,
    docstring: String,
    async_docstring: String,
    methods: Vec<ClientMethod>,
    imports: Imports,
}

struct ClientMethod {
    signature: String,
    async_signature: String,
    docstring: String,
    /// Body lines of the blocking method, and of the coroutine / async generator.
    body: Vec<String>,
    async_body: Vec<String>,
}

fn client(service: &Service, schema: &Schema, names: &TypeNames) -> Client {
    let mut imports = Imports::for_client();
    let methods = service
        .methods
        .iter()
        .map(|method| {
            let name = types::field_name(&method.name, Position::Method);
            let mut params = vec!["self".to_owned()];
            let mut wire_args = Vec::new();
            for arg in &method.args {
                let arg_name = types::field_name(&arg.name, Position::Arg);
                let annotation = names.annotation(&arg.ty, true, &mut imports);
                params.push(format!("{arg_name}: {annotation}"));
                wire_args.push(names.encode(&arg.ty, &arg_name, 0).unwrap_or(arg_name));
            }
            let wire = format!("{:?}", method.name);
            let args = format!("[{}]", wire_args.join(", "));
            let call = format!("self._connection.call({wire}, {args})");
            let (returns, async_returns, body, async_body) = match &method.returns {
                Returns::Nothing => (
                    "None".to_owned(),
                    "None".to_owned(),
                    vec![call.clone()],
                    vec![format!("await {call}")],
                ),
                Returns::Oneway => {
                    let send = format!("self._connection.oneway({wire}, {args})");
                    (
                        "None".to_owned(),
                        "None".to_owned(),
                        vec![send.clone()],
                        vec![format!("await {send}")],
                    )
                }
                Returns::Value(ty) => {
                    let annotation = names.annotation(ty, false, &mut imports);
                    let (body, async_body) = if names.decode_wants_local(ty) {
                        (
                            vec![
                                format!("result = {call}"),
                                format!("return {}", names.decode(ty, "result", 0, &mut imports)),
                            ],
                            vec![
                                format!("result = await {call}"),
                                format!("return {}", names.decode(ty, "result", 0, &mut imports)),
                            ],
                        )
                    } else {
                        (
                            vec![format!(
                                "return {}",
                                names.decode(ty, &call, 0, &mut imports)
                            )],
                            vec![format!(
                                "return {}",
                                names.decode(ty, &format!("await {call}"), 0, &mut imports)
                            )],
                        )
                    };
                    (annotation.clone(), annotation, body, async_body)
                }
                Returns::Stream(ty) => {
                    let item = names.annotation(ty, false, &mut imports);
                    imports.abc("Iterator");
                    imports.abc("AsyncIterator");
                    let stream = format!("self._connection.stream({wire}, {args})");
                    let decoded = names.decode(ty, "item", 0, &mut imports);
                    let body = if decoded == "item" {
                        vec![format!("return {stream}")]
                    } else {
                        vec![format!("return ({decoded} for item in {stream})")]
                    };
                    let async_body = vec![
                        format!("async for item in {stream}:"),
                        format!("    yield {decoded}"),
                    ];
                    (
                        format!("Iterator[{item}]"),
                        format!("AsyncIterator[{item}]"),
                        body,
                        async_body,
                    )
                }
            };
            ClientMethod {
                signature: signature("def", &name, &params, &returns),
                async_signature: signature("async def", &name, &params, &async_returns),
                docstring: method_docstring(method, schema, names),
                body,
                async_body,
            }
        })
        .collect();
    let name = format!("{}Client", names.class(&service.name));
    let service_doc = doc_lines(service.doc.as_deref());
    let mut doc: Vec<String> = if service_doc.is_empty() {
        vec![format!("Client of the {} service.", service.name)]
    } else {
        service_doc.iter().map(|l| l.to_string()).collect()
    };
    let mut async_doc = doc.clone();
    doc.push(String::new());
    doc.push(
        "Blocking: one call at a time. Use it as a context manager or call ``close()``. Calls \
         raise ``RemoteError`` (or a typed subclass) for server errors, ``TimeoutExpired`` when no \
         reply arrives within ``timeout`` seconds, ``LostRemoteError`` when the server stops \
         heartbeating and ``UnreachableError`` when no server accepts the connection."
            .to_owned(),
    );
    async_doc.push(String::new());
    async_doc.push(format!(
        "asyncio version of :class:`{name}`: methods are coroutines (streams are async \
         iterators) and concurrent calls share one socket. Use ``async with`` or ``await close()``."
    ));
    Client {
        async_name: format!("Async{name}"),
        name,
        docstring: docstring_lines(&wrap_lines(&doc, 92), 4),
        async_docstring: docstring_lines(&wrap_lines(&async_doc, 92), 4),
        methods,
        imports,
    }
}

/// `def name(params) -> returns:` on one line; [`zrpc_plan::layout`] breaks it when too long.
fn signature(def: &str, name: &str, params: &[String], returns: &str) -> String {
    format!("{def} {name}({}) -> {returns}:", params.join(", "))
}

fn method_docstring(
    method: &zrpc_idl::model::Method,
    schema: &Schema,
    names: &TypeNames,
) -> String {
    let mut lines: Vec<String> = doc_lines(method.doc.as_deref())
        .iter()
        .map(|l| l.to_string())
        .collect();
    if lines.is_empty() {
        lines.push(format!("Calls ``{}``.", method.name));
    }
    if method.returns == Returns::Oneway {
        lines.push(String::new());
        lines.push(
            "One way: returns once the request is sent, without waiting for the server.".to_owned(),
        );
    }
    for annotation in &method.annotations {
        if annotation.name == "deprecated" {
            lines.push(String::new());
            let reason = match annotation.args.first() {
                Some(zrpc_idl::model::Value::String(reason)) => format!(": {reason}"),
                _ => String::new(),
            };
            lines.push(format!("Deprecated{reason}."));
        }
    }
    if !method.throws.is_empty() {
        lines.push(String::new());
        lines.push("Raises:".to_owned());
        for thrown in &method.throws {
            let summary = match schema.type_def(thrown) {
                Some(TypeDef::Error(Struct { doc, .. })) => doc_lines(doc.as_deref())
                    .first()
                    .map(|line| line.to_string())
                    .unwrap_or_else(|| format!("The server raised {thrown}.")),
                _ => format!("The server raised {thrown}."),
            };
            lines.push(format!("    {}: {summary}", names.class(thrown)));
        }
    }
    docstring_lines(&lines, 8)
}

/// Wraps long prose lines at `width` characters (doc comments are kept as written).
fn wrap_lines(lines: &[String], width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        if line.len() <= width {
            out.push(line.clone());
            continue;
        }
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.len() + 1 + word.len() > width {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out
}

/// The Python backend.
pub struct Python;

impl zrpc_plan::Backend for Python {
    fn language(&self) -> &'static str {
        "python"
    }

    fn reserved(&self) -> &'static zrpc_plan::Reserved {
        &zrpc_plan::reserved::PYTHON
    }

    fn type_name(&self, plan: &Plan, ty: &Type) -> String {
        TypeNames::new(plan).annotation(ty, false, &mut Imports::default())
    }

    fn literal(&self, plan: &Plan, _ty: &Type, value: &zrpc_plan::Literal) -> String {
        TypeNames::new(plan).literal(value)
    }

    fn encode(&self, plan: &Plan, ty: &Type, expr: &str) -> String {
        TypeNames::new(plan)
            .encode(ty, expr, 0)
            .unwrap_or_else(|| expr.to_owned())
    }

    fn decode(&self, plan: &Plan, ty: &Type, expr: &str) -> String {
        TypeNames::new(plan).decode(ty, expr, 0, &mut Imports::default())
    }

    fn generate(
        &self,
        plan: &Plan,
        _options: &zrpc_plan::GenerateOptions,
    ) -> Result<Vec<GeneratedFile>, zrpc_plan::GenerateError> {
        render(plan).map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docstrings_escape_quotes_and_indent() {
        assert_eq!(
            docstring(Some("Say \"hi\""), "x", 4),
            "    \"\"\"Say \"hi\\\"\"\"\""
        );
        assert_eq!(
            docstring(Some("A.\n\nB."), "x", 4),
            "    \"\"\"A.\n\n    B.\n    \"\"\""
        );
        assert_eq!(docstring(None, "Fallback.", 0), "\"\"\"Fallback.\"\"\"");
    }

    #[test]
    fn tidy_limits_blank_lines() {
        assert_eq!(tidy("a  \n\n\n\n\nb\n\n"), "a\n\n\nb\n");
    }

    #[test]
    fn package_from_namespace_or_service() {
        let mut schema = Schema::default();
        assert_eq!(package_name(&schema), "schema");
        schema
            .namespaces
            .insert("python".to_owned(), "acme.class".to_owned());
        assert_eq!(package_name(&schema), "acme.class_");
    }
}
