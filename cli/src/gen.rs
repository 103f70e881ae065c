//! `zrpc gen`: render typed client code from an IDL file or from a running server's model.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use zrpc_codegen::GeneratedFile;
use zrpc_idl::model::Schema;

/// Generate a typed client from an IDL file, or from the model a running zrpc server serves.
#[derive(Args)]
pub struct GenArgs {
    /// Target language (rust: the server trait, typed client and types in one `.rs` file).
    #[arg(long, value_parser = languages())]
    lang: String,
    /// Output directory (created if missing); generated files are overwritten.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The `.zrpc` file to generate from.
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    file: Option<PathBuf>,
    /// Read the model from the `_zrpc_model` method of the zrpc server at ENDPOINT instead.
    #[arg(long, value_name = "ENDPOINT")]
    from: Option<String>,
    /// Seconds to wait for the server's answer with `--from`.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    timeout: f64,
}

fn languages() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(zrpc_codegen::BACKENDS.map(|b| b.language()))
}

pub fn run(args: GenArgs) -> ExitCode {
    match generate(&args) {
        Ok(written) => {
            let files = if written.len() == 1 { "file" } else { "files" };
            eprintln!(
                "wrote {} {files} under {}",
                written.len(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(args: &GenArgs) -> Result<Vec<PathBuf>, String> {
    let schema = match (&args.file, &args.from) {
        (Some(file), _) => match zrpc_codegen::load(file) {
            Ok(loaded) => loaded.schema,
            Err(diagnostics) => {
                // Each diagnostic carries its own `error:` line.
                diagnostics.eprint();
                return Err(format!("{} has errors; nothing generated", file.display()));
            }
        },
        (None, Some(endpoint)) => {
            let schema = fetch_model(endpoint, args.timeout)?;
            check_model(&schema, endpoint)?;
            schema
        }
        (None, None) => return Err("give an IDL file or --from ENDPOINT".to_owned()),
    };
    let options = zrpc_codegen::GenerateOptions {
        idl_stem: args
            .file
            .as_deref()
            .and_then(Path::file_stem)
            .map(|stem| stem.to_string_lossy().into_owned())
            // A server compiled from an IDL file serves its stem in the model.
            .or_else(|| schema.file_stem.clone()),
    };
    let files = zrpc_codegen::generate(&args.lang, &schema, &options)
        .map_err(|e| format!("generating code: {e}"))?;
    write_files(&args.out, &files)
}

/// A served model passes the checks an IDL file does before any code is generated from it: a
/// server may be old, buggy or hostile, and its names end up in source code. It is checked as
/// the IDL text `zrpc describe` prints, so the diagnostics' lines are that text's.
fn check_model(schema: &Schema, endpoint: &str) -> Result<(), String> {
    let name = format!("<model of {endpoint}>");
    match zrpc_idl::parse_str(&zrpc_idl::print(schema), &name) {
        Ok(_) => Ok(()),
        Err(diagnostics) => {
            diagnostics.eprint();
            Err(format!(
                "the model served by {endpoint} is not valid IDL (`zrpc describe {endpoint}` \
                 prints it); nothing generated"
            ))
        }
    }
}

/// The model served by a zrpc server's built-in `_zrpc_model` method.
fn fetch_model(endpoint: &str, timeout: f64) -> Result<Schema, String> {
    let timeout = Duration::try_from_secs_f64(timeout)
        .map_err(|_| format!("--timeout {timeout} is not a valid number of seconds"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        let client = zrpc::Client::builder(endpoint)
            .timeout(timeout)
            .connect()
            .await
            .map_err(|e| format!("connecting to {endpoint}: {e}"))?;
        client
            .call_typed::<Schema, _>("_zrpc_model", &())
            .await
            .map_err(|e| {
                format!(
                    "reading the model from {endpoint} (is it a zrpc server with a model?): {e}"
                )
            })
    })
}

fn write_files(out: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::with_capacity(files.len());
    for file in files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("creating {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents)
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
