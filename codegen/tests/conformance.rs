//! The conformance harness: every file of `tests/conformance/` (and `all_constructs.zrpc`) through
//! every backend of `zrpc_codegen::BACKENDS`: generate, lint with the language's own tools, load
//! the package, construct a value of every type and send it through its wire form and msgpack
//! and back. Languages are rows of one table, so a fifth backend adds a row, not a harness.
//!
//! A missing interpreter or linter skips that step with a note, and fails under `CI=true`.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use zrpc_codegen::{Backend, GenerateOptions, GeneratedFile, BACKENDS};
use zrpc_idl::model::{Schema, Type, TypeDef};
use zrpc_plan::Plan;

// The corpus, sample values and the tool lookup, shared with the live conformance test.
#[path = "../../tests/conformance-server/corpus.rs"]
#[allow(dead_code)] // the live test uses the calls and the echo behaviour
mod corpus;

use corpus::sample;

fn corpus() -> Vec<PathBuf> {
    corpus::corpus(&root())
}

fn tool(program: &str) -> Option<PathBuf> {
    corpus::tool(&root(), program)
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs `program args` in `dir` (skipped when the tool is missing: `None`); panics with its
/// output on failure.
fn check(what: &str, program: &str, args: &[String], dir: &Path) -> Option<Output> {
    let path = tool(program)?;
    let runtimes = root().join("runtimes");
    let output = Command::new(path)
        .args(args)
        .current_dir(dir)
        // The generated code imports each language's runtime library from its source tree.
        .env(
            "PYTHONPATH",
            format!(
                "{}:{}",
                dir.display(),
                runtimes.join("python/src").display()
            ),
        )
        .env("MYPYPATH", runtimes.join("python/src"))
        .env("RUBYLIB", runtimes.join("ruby/lib"))
        .env("ZRPC_PHP_RUNTIME", runtimes.join("php"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{what}: `{program} {}` failed in {}:\n{}{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output)
}

fn write(dir: &Path, files: &[GeneratedFile]) {
    let _ = std::fs::remove_dir_all(dir);
    for file in files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.contents).unwrap();
    }
}

/// Generated files of `ext`, relative to `dir`.
fn sources(files: &[GeneratedFile], ext: &str) -> Vec<String> {
    files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == ext))
        .map(|f| f.path.to_string_lossy().into_owned())
        .collect()
}

/// `(type, value, decoded round trip)` expressions of one language.
type Check = (String, String, String);

/// Writes a round-trip script from the backend's package name, the IDL file stem and the checks:
/// (script, interpreter arguments before it).
type ScriptFn = fn(&str, &str, &[Check]) -> (String, Vec<String>);

/// One language: its linters and how a round-trip script is written and run.
struct Language {
    name: &'static str,
    lint: fn(&Path, &[GeneratedFile]),
    /// The script (from the package name and IDL file stem) for `(type, value, decoded round trip)`
    /// checks, and the interpreter's arguments before it; `None` when the
    /// language is not loaded by this harness.
    script: Option<ScriptFn>,
    /// The variable a value is bound to in the script.
    var: &'static str,
    trip: &'static str,
}

const LANGUAGES: &[Language] = &[
    Language {
        name: "python",
        lint: |dir, files| {
            let init = files
                .iter()
                .find(|f| f.path.ends_with("__init__.py"))
                .expect("a Python package");
            let package = init.path.components().next().unwrap();
            let package = package.as_os_str().to_string_lossy().into_owned();
            let strict = ["--strict", "--no-incremental", "--cache-dir=/dev/null"];
            let mut mypy: Vec<String> = strict.iter().map(|s| s.to_string()).collect();
            mypy.push(package.clone());
            check("mypy", "mypy", &mypy, dir);
            check(
                "ruff",
                "ruff",
                &["check".into(), "--no-cache".into(), package.clone()],
                dir,
            );
            let mut format = vec!["format".into(), "--check".into(), "--no-cache".into()];
            format.extend(sources(files, "py"));
            check("ruff format", "ruff", &format, dir);
        },
        script: Some(|package, _stem, checks| {
            let mut script = format!(
                "import builtins\nimport msgpack\nfrom {package}.models import *\n\n\
                 def trip(wire):\n    return msgpack.unpackb(msgpack.packb(wire), strict_map_key=False)\n\n"
            );
            for (ty, value, back) in checks {
                script.push_str(&format!("v = {value}\nassert {back} == v, {ty:?}\n"));
            }
            // The star import may shadow builtins (a type named `print`).
            script.push_str("builtins.print('round trip ok')\n");
            (script, vec!["-c".into()])
        }),
        var: "v",
        trip: "trip",
    },
    Language {
        name: "ruby",
        lint: |dir, files| {
            for file in sources(files, "rb") {
                // Warnings leave the exit status at 0: none may be printed.
                if let Some(output) = check("ruby -wc", "ruby", &["-wc".into(), file], dir) {
                    assert!(
                        output.stderr.is_empty(),
                        "ruby -wc warns in {}:\n{}",
                        dir.display(),
                        String::from_utf8_lossy(&output.stderr)
                    );
                }
            }
            let mut rubocop = vec!["--format".into(), "simple".into()];
            rubocop.extend(sources(files, "rb"));
            check("rubocop", "rubocop", &rubocop, dir);
            // And at rubocop's defaults: an empty config stands in for the shipped one.
            let defaults = dir.join(".rubocop-defaults.yml");
            std::fs::write(&defaults, "").expect("write the empty rubocop config");
            let mut rubocop = vec![
                "--config".into(),
                defaults.display().to_string(),
                "--format".into(),
                "simple".into(),
            ];
            rubocop.extend(sources(files, "rb"));
            check("rubocop at its defaults", "rubocop", &rubocop, dir);
        },
        // The backend writes `<IDL stem>.rb`, which loads the whole client.
        script: Some(|module, stem, checks| {
            let mut script = format!(
                "require '{stem}'\ninclude {module}\n\ndef trip(wire) = MessagePack.unpack(MessagePack.pack(wire))\n\n"
            );
            for (ty, value, back) in checks {
                script.push_str(&format!("v = {value}\nraise {ty:?} unless {back} == v\n"));
            }
            script.push_str("puts 'round trip ok'\n");
            (script, vec!["-I".into(), ".".into(), "-e".into()])
        }),
        var: "v",
        trip: "trip",
    },
    Language {
        name: "php",
        lint: |dir, files| {
            for file in sources(files, "php") {
                check("php -l", "php", &["-l".into(), file], dir);
            }
            let mut phpcs = vec!["--standard=PSR12".into()];
            phpcs.extend(sources(files, "php"));
            check("phpcs", "phpcs", &phpcs, dir);
        },
        script: Some(|namespace, _stem, checks| {
            let mut script = format!(
                "namespace {namespace};\nrequire 'autoload.php';\n\
                 function trip(mixed $wire): mixed\n{{\n    return \\Zrpc\\Wire::unpack(\\Zrpc\\Wire::pack($wire));\n}}\n"
            );
            for (ty, value, back) in checks {
                script.push_str(&format!(
                    "$v = {value};\nif ({back} != $v) {{\n    throw new \\RuntimeException({ty:?});\n}}\n"
                ));
            }
            script.push_str("echo \"round trip ok\\n\";\n");
            (script, vec!["-r".into()])
        }),
        var: "$v",
        trip: "trip",
    },
    Language {
        name: "rust",
        // The generated module must at least parse; clippy runs on it where a crate builds it.
        lint: |dir, files| {
            for file in files {
                let text = std::fs::read_to_string(dir.join(&file.path)).unwrap();
                if let Err(e) = syn::parse_file(&text) {
                    panic!("{} does not parse: {e}", file.path.display());
                }
            }
        },
        script: None,
        var: "v",
        trip: "trip",
    },
];

#[test]
fn corpus_generates_lints_loads_and_round_trips_in_every_language() {
    assert_eq!(
        BACKENDS.map(|b| b.language()).to_vec(),
        LANGUAGES.iter().map(|l| l.name).collect::<Vec<_>>(),
        "every backend has a row in the harness"
    );
    let schemas: Vec<(String, Schema)> = corpus()
        .iter()
        .map(|idl| {
            let stem = idl.file_stem().unwrap().to_string_lossy().into_owned();
            let schema = zrpc_idl::load(idl)
                .unwrap_or_else(|e| panic!("{}: {e}", idl.display()))
                .schema;
            (stem, schema)
        })
        .collect();
    let plans: Vec<(&str, Plan)> = schemas
        .iter()
        .map(|(stem, schema)| (stem.as_str(), Plan::new(schema).unwrap()))
        .collect();
    // Every (file, language) is checked on its own, in its own directory, by its own tools'
    // processes: as many at once as there are cores.
    let jobs: Vec<(&str, &Plan, usize)> = plans
        .iter()
        .flat_map(|(stem, plan)| (0..LANGUAGES.len()).map(move |language| (*stem, plan, language)))
        .collect();
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(jobs.len()))
            .map(|_| {
                scope.spawn(|| {
                    while let Some(&(stem, plan, language)) =
                        jobs.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        check_file(stem, plan, BACKENDS[language], &LANGUAGES[language]);
                    }
                })
            })
            .collect();
        for handle in handles {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// Generates, lints, loads and round-trips the corpus file `stem` in one language.
fn check_file(stem: &str, plan: &Plan, backend: &dyn Backend, language: &Language) {
    let options = GenerateOptions {
        idl_stem: Some(stem.to_owned()),
    };
    let files = backend
        .generate(plan, &options)
        .unwrap_or_else(|e| panic!("{stem} in {}: {e}", language.name));
    let dir = root()
        .join("target/tmp/conformance")
        .join(stem)
        .join(language.name);
    write(&dir, &files);
    (language.lint)(&dir, &files);
    let Some(script) = language.script else {
        return;
    };
    let checks = round_trips(backend, plan, language);
    let (text, args) = script(&backend.package(plan), stem, &checks);
    // Each language's interpreter is named like the language.
    let interpreter = language.name;
    let mut args = args;
    args.push(text);
    check(
        &format!("{stem}: load and round trip"),
        interpreter,
        &args,
        &dir,
    );
}

/// `(type, value, decode(trip(encode(value))))` for every struct, union and enum of the schema.
fn round_trips(backend: &dyn Backend, plan: &Plan, language: &Language) -> Vec<Check> {
    plan.schema
        .types
        .iter()
        .filter(|def| !matches!(def, TypeDef::Alias(_) | TypeDef::Error(_)))
        .map(|def| {
            let ty = Type::Named(def.name().to_owned());
            let value = backend.literal(plan, &ty, &sample(plan, &ty, 0));
            let wire = backend.encode(plan, &ty, language.var);
            let back = backend.decode(plan, &ty, &format!("{}({wire})", language.trip));
            (def.name().to_owned(), value, back)
        })
        .collect()
}
