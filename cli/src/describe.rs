//! `zrpc describe ENDPOINT`: a server's types and methods, printed as IDL.
//!
//! zrpc servers serve their validated model (`_zrpc_model`), which prints as canonical IDL.
//! Stock zerorpc servers have no model; introspection (`_zerorpc_inspect`) gives names, argument
//! names and docs but no types, printed as an IDL-like listing under a comment saying so.

use crate::stdout::{out, outln};

use std::fmt::Write as _;

use zrpc_idl::model::Schema;

use crate::remote::{self, Connection, Failure, MethodDoc};

/// Print a server's model (types, services, docs) as IDL; `--json` prints it as JSON.
#[derive(clap::Args, Debug)]
#[command(after_help = remote::EXIT_STATUS)]
pub struct DescribeArgs {
    #[command(flatten)]
    pub connection: Connection,
    /// Print `{"model": MODEL, "inspect": null}` (a zrpc server) or `{"model": null, "inspect":
    /// {"name", "methods"}}` (a stock zerorpc server) as JSON instead.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: DescribeArgs) -> Result<(), Failure> {
    let client = remote::connect(&args.connection).await?;
    match client.call_typed::<Schema, _>("_zrpc_model", &()).await {
        Ok(schema) => {
            if args.json {
                let model = serde_json::to_value(&schema).unwrap_or_default();
                outln!("{}", serde_json::json!({"model": model, "inspect": null}));
            } else {
                out!("{}", zrpc_idl::print(&schema));
            }
            Ok(())
        }
        // No `_zrpc_model`: a stock zerorpc server (or an older zrpc one).
        Err(zrpc::Error::Remote(remote)) => {
            tracing::debug!(name = %remote.name, "_zrpc_model failed; using introspection");
            let (name, methods) = remote::introspect(&client, &args.connection).await?;
            if args.json {
                let inspect = remote::introspection_json(&name, &methods);
                outln!("{}", serde_json::json!({"model": null, "inspect": inspect}));
            } else {
                out!(
                    "{}",
                    untyped_listing(&args.connection.endpoint, &name, &methods)
                );
            }
            Ok(())
        }
        Err(error) => Err(Failure::new(error, "_zrpc_model", &args.connection)),
    }
}

/// The introspected methods in IDL layout, without types (which the server does not tell).
fn untyped_listing(endpoint: &str, name: &str, methods: &[MethodDoc]) -> String {
    let mut out = format!(
        "// {endpoint} serves no zrpc model (a stock zerorpc server?): from introspection,\n\
         // without argument or result types.\n"
    );
    let name = if name.is_empty() { "Unnamed" } else { name };
    let _ = writeln!(out, "service {name} {{");
    for method in methods {
        for line in method.doc.iter().flat_map(|doc| doc.trim().lines()) {
            let _ = writeln!(out, "    /// {}", line.trim_end());
        }
        let args = match &method.args {
            Some(args) => args.join(", "),
            None => "...".to_owned(),
        };
        let _ = writeln!(out, "    {}({args})", method.name);
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untyped_listing_keeps_names_arguments_and_docs() {
        let methods = [
            MethodDoc {
                name: "add".into(),
                args: Some(vec!["a".into(), "b=7".into()]),
                doc: Some("Adds.\n  Two lines.\n".into()),
            },
            MethodDoc {
                name: "count".into(),
                args: None,
                doc: None,
            },
        ];
        assert_eq!(
            untyped_listing("tcp://h:1", "Arith", &methods),
            "// tcp://h:1 serves no zrpc model (a stock zerorpc server?): from introspection,\n\
             // without argument or result types.\n\
             service Arith {\n    /// Adds.\n    ///   Two lines.\n    add(a, b=7)\n    count(...)\n}\n"
        );
    }
}
