//! `zrpc call`, `zrpc inspect` and `zrpc ping`: talk to a running zerorpc/zrpc server.

use crate::stdout::{out, outln};

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures::StreamExt;
use rmpv::Value;
use zrpc::Client;

use crate::curve_flags::CurveFlags;
use crate::json;

/// Where to connect and how patient to be.
#[derive(clap::Args, Debug)]
pub struct Connection {
    /// Server endpoint, e.g. tcp://127.0.0.1:4242
    pub endpoint: String,
    /// Seconds to wait for the first reply of each call.
    #[arg(long, default_value_t = 30.0, value_parser = positive_seconds)]
    pub timeout: f64,
    /// Heartbeat interval in seconds (must match the server's; zerorpc's default is 5).
    #[arg(long, default_value_t = 5.0, value_parser = positive_seconds)]
    pub heartbeat: f64,
    #[command(flatten)]
    pub curve: CurveFlags,
}

/// Calls a method and prints its result as JSON (a stream: one JSON value per line).
#[derive(clap::Args, Debug)]
#[command(after_help = EXIT_STATUS)]
pub struct CallArgs {
    #[command(flatten)]
    pub connection: Connection,
    /// Method name.
    pub method: String,
    /// Arguments, each parsed as JSON, or taken as a string when it is not valid JSON
    /// (negative numbers work as they are; put `--` before other values starting with `-`).
    #[arg(allow_negative_numbers = true)]
    pub args: Vec<String>,
}

/// Prints the service name, then each method with its arguments and documentation.
#[derive(clap::Args, Debug)]
#[command(after_help = EXIT_STATUS)]
pub struct InspectArgs {
    #[command(flatten)]
    pub connection: Connection,
    /// Print `{"name": ..., "methods": [{"name", "args", "doc"}]}` as JSON instead.
    #[arg(long)]
    pub json: bool,
}

/// Checks that a server answers (`_zerorpc_ping`) and prints its name and the round-trip time.
#[derive(clap::Args, Debug)]
#[command(after_help = EXIT_STATUS)]
pub struct PingArgs {
    #[command(flatten)]
    pub connection: Connection,
    /// Print `{"name": ..., "endpoint": ..., "ms": ...}` as JSON instead.
    #[arg(long)]
    pub json: bool,
}

pub(crate) const EXIT_STATUS: &str =
    "Exit status: 0 success, 1 the server answered with an error, \
    2 bad command line, 3 timed out, 4 lost the server, 5 cannot connect (nothing reachable, \
    or refused: CURVE keys) or anything else.";

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds.is_finite() => Ok(seconds),
        _ => Err(format!("`{text}` is not a positive number of seconds")),
    }
}

/// How a remote command failed; each kind has its own exit status (see `exit_code`).
#[derive(Debug)]
pub struct Failure {
    kind: FailureKind,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailureKind {
    Remote,
    Timeout,
    LostRemote,
    Other,
}

impl Failure {
    /// 1: the server answered with an error; 3: timed out; 4: lost the server (heartbeat);
    /// 5: anything else (transport, protocol, decoding). 2 is clap's usage error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self.kind {
            FailureKind::Remote => 1,
            FailureKind::Timeout => 3,
            FailureKind::LostRemote => 4,
            FailureKind::Other => 5,
        })
    }

    pub(crate) fn new(error: zrpc::Error, method: &str, connection: &Connection) -> Failure {
        let endpoint = &connection.endpoint;
        let (kind, message) = match error {
            zrpc::Error::Remote(remote) => (
                FailureKind::Remote,
                format!("remote {}: {}", remote.name, remote.message),
            ),
            zrpc::Error::Timeout { .. } => (
                FailureKind::Timeout,
                format!(
                    "timed out after {}s waiting for {method} on {endpoint}",
                    connection.timeout
                ),
            ),
            zrpc::Error::Unreachable { reason, .. } => (
                FailureKind::Other,
                format!("cannot connect to {endpoint}: {reason}"),
            ),
            zrpc::Error::LostRemote(reason) => (
                FailureKind::LostRemote,
                format!("lost {endpoint} during {method}: {reason}"),
            ),
            other => (
                FailureKind::Other,
                format!("{method} on {endpoint}: {other}"),
            ),
        };
        Failure { kind, message }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub(crate) async fn connect(connection: &Connection) -> Result<Client, Failure> {
    let builder = Client::builder(&connection.endpoint)
        .timeout(Duration::from_secs_f64(connection.timeout))
        .heartbeat(Duration::from_secs_f64(connection.heartbeat));
    let builder = connection.curve.apply(builder).map_err(|message| Failure {
        kind: FailureKind::Other,
        message,
    })?;
    builder.connect().await.map_err(|error| Failure {
        kind: FailureKind::Other,
        message: format!("cannot connect to {}: {error}", connection.endpoint),
    })
}

pub async fn call(args: CallArgs) -> Result<(), Failure> {
    let client = connect(&args.connection).await?;
    let call_args: Vec<Value> = args.args.iter().map(|arg| json::parse_arg(arg)).collect();
    let fail = |error| Failure::new(error, &args.method, &args.connection);
    // A plain reply comes through as a one-item stream, so a value prints on one line and a
    // stream prints one line per item, as they arrive.
    let mut items = client.stream(&args.method, call_args).await.map_err(fail)?;
    while let Some(item) = items.next().await {
        outln!("{}", json::to_json(&item.map_err(fail)?));
    }
    Ok(())
}

pub async fn ping(args: PingArgs) -> Result<(), Failure> {
    let client = connect(&args.connection).await?;
    let ping = || async {
        client
            .call("_zerorpc_ping", vec![])
            .await
            .map_err(|error| Failure::new(error, "_zerorpc_ping", &args.connection))
    };
    // The first ping also waits for the connection; time the second.
    ping().await?;
    let start = Instant::now();
    let reply = ping().await?;
    let elapsed = start.elapsed();
    // Stock servers answer ["pong", name]; Node answers ["pong", ""].
    let name = match &reply {
        Value::Array(items) => items.get(1).and_then(Value::as_str).unwrap_or(""),
        _ => "",
    };
    let ms = elapsed.as_secs_f64() * 1e3;
    if args.json {
        let out = serde_json::json!({"name": name, "endpoint": args.connection.endpoint, "ms": ms});
        outln!("{out}");
        return Ok(());
    }
    let name = if name.is_empty() { "(unnamed)" } else { name };
    outln!(
        "pong from {name} at {} in {ms:.3} ms",
        args.connection.endpoint
    );
    Ok(())
}

/// One method as described by introspection.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct MethodDoc {
    pub(crate) name: String,
    /// Argument names (`b=7` with a default); `None` when the server cannot tell.
    pub(crate) args: Option<Vec<String>>,
    pub(crate) doc: Option<String>,
}

pub async fn inspect(args: InspectArgs) -> Result<(), Failure> {
    let client = connect(&args.connection).await?;
    let (name, methods) = introspect(&client, &args.connection).await?;
    if args.json {
        outln!("{}", introspection_json(&name, &methods));
    } else {
        out!("{}", render(&name, &methods));
    }
    Ok(())
}

/// `{"name": ..., "methods": [{"name", "args" (null when unknown), "doc"}]}`.
pub(crate) fn introspection_json(name: &str, methods: &[MethodDoc]) -> serde_json::Value {
    let methods: Vec<serde_json::Value> = methods
        .iter()
        .map(|m| serde_json::json!({"name": m.name, "args": m.args, "doc": m.doc}))
        .collect();
    serde_json::json!({"name": name, "methods": methods})
}

/// The service name and methods, from `_zerorpc_inspect` or the older per-method built-ins.
pub(crate) async fn introspect(
    client: &Client,
    connection: &Connection,
) -> Result<(String, Vec<MethodDoc>), Failure> {
    let fail = |method: &'static str| move |error| Failure::new(error, method, connection);
    Ok(match client.call("_zerorpc_inspect", vec![]).await {
        Ok(reply) => parse_inspect(&reply),
        // Stock zerorpc 0.6.3 on CPython >= 3.11 answers AttributeError (no inspect.getargspec);
        // fall back to the older per-method built-ins, as the zerorpc CLI does.
        Err(zrpc::Error::Remote(remote)) => {
            tracing::debug!(name = %remote.name, "_zerorpc_inspect failed; falling back");
            let name = client
                .call("_zerorpc_name", vec![])
                .await
                .map_err(fail("_zerorpc_name"))?;
            let list = client
                .call("_zerorpc_list", vec![])
                .await
                .map_err(fail("_zerorpc_list"))?;
            let mut methods = Vec::new();
            for method in list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let doc = client
                    .call("_zerorpc_help", vec![method.into()])
                    .await
                    .map_err(fail("_zerorpc_help"))?;
                // `_zerorpc_args` fails for the same reason as `_zerorpc_inspect` on modern
                // Python; the arguments are then unknown, not an error.
                let args = client
                    .call("_zerorpc_args", vec![method.into()])
                    .await
                    .ok()
                    .and_then(|spec| parse_argspec(&spec));
                methods.push(MethodDoc {
                    name: method.to_owned(),
                    args,
                    doc: doc.as_str().map(str::to_owned),
                });
            }
            (name.as_str().unwrap_or("").to_owned(), methods)
        }
        Err(error) => return Err(fail("_zerorpc_inspect")(error)),
    })
}

/// Reads `{name, methods: {m: {args: [{name[, default]}], doc}}}`.
fn parse_inspect(reply: &Value) -> (String, Vec<MethodDoc>) {
    let field = |map: &Value, key: &str| -> Option<Value> {
        map.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v.clone())
    };
    let name = field(reply, "name")
        .and_then(|n| n.as_str().map(str::to_owned))
        .unwrap_or_default();
    // In the server's order (zrpc: declaration order; Python: definition order).
    let methods: Vec<MethodDoc> = field(reply, "methods")
        .and_then(|m| m.as_map().cloned())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(method, info)| {
            let args = field(&info, "args").and_then(|args| {
                let names = args
                    .as_array()?
                    .iter()
                    .filter_map(|arg| {
                        let name = field(arg, "name")?.as_str()?.to_owned();
                        Some(match field(arg, "default") {
                            Some(default) => format!("{name}={}", json::to_json(&default)),
                            None => name,
                        })
                    })
                    .collect();
                Some(drop_self(names))
            });
            Some(MethodDoc {
                name: method.as_str()?.to_owned(),
                args,
                doc: field(&info, "doc").and_then(|d| d.as_str().map(str::to_owned)),
            })
        })
        .collect();
    (name, methods)
}

/// Reads a Python getargspec 4-tuple `[args, varargs, keywords, defaults]`.
fn parse_argspec(spec: &Value) -> Option<Vec<String>> {
    let names = spec.as_array()?.first()?.as_array()?;
    Some(drop_self(
        names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect(),
    ))
}

/// Python servers list the bound method's `self`; callers never pass it.
fn drop_self(mut names: Vec<String>) -> Vec<String> {
    if names.first().map(String::as_str) == Some("self") {
        names.remove(0);
    }
    names
}

fn render(name: &str, methods: &[MethodDoc]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", if name.is_empty() { "(unnamed)" } else { name });
    for method in methods {
        let args = match &method.args {
            Some(args) => args.join(", "),
            None => "...".to_owned(),
        };
        let _ = writeln!(out, "  {}({args})", method.name);
        for line in method.doc.iter().flat_map(|doc| doc.lines()) {
            let _ = writeln!(out, "      {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    #[test]
    fn inspect_reply_lists_methods_without_self() {
        let reply = map(vec![
            ("name", "Svc".into()),
            (
                "methods",
                map(vec![
                    (
                        "pair",
                        map(vec![
                            (
                                "args",
                                Value::Array(vec![
                                    map(vec![("name", "self".into())]),
                                    map(vec![("name", "a".into())]),
                                    map(vec![("name", "b".into()), ("default", 7.into())]),
                                ]),
                            ),
                            ("doc", Value::Nil),
                        ]),
                    ),
                    (
                        "add",
                        map(vec![
                            ("args", Value::Array(vec![])),
                            ("doc", "Adds.\nTwo lines.".into()),
                        ]),
                    ),
                ]),
            ),
        ]);
        let (name, methods) = parse_inspect(&reply);
        assert_eq!(name, "Svc");
        assert_eq!(
            render(&name, &methods),
            "Svc\n  pair(a, b=7)\n  add()\n      Adds.\n      Two lines.\n"
        );
    }

    #[test]
    fn argspec_tuple_gives_argument_names() {
        let spec = Value::Array(vec![
            Value::Array(vec!["self".into(), "a".into()]),
            Value::Nil,
            Value::Nil,
            Value::Nil,
        ]);
        assert_eq!(parse_argspec(&spec), Some(vec!["a".to_owned()]));
    }

    #[test]
    fn seconds_must_be_positive() {
        assert_eq!(positive_seconds("2.5"), Ok(2.5));
        assert!(positive_seconds("0").is_err());
        assert!(positive_seconds("abc").is_err());
    }
}
