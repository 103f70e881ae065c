//! `zrpc publish|push|subscribe|pull`: send one event, or print received events as JSON lines
//! `{"event": NAME, "args": [...]}`, over zerorpc's PUB/SUB and PUSH/PULL patterns.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::{json, Value as Json};
use zrpc::zmtp::curve::{decode_key, CurveClient, CurveServer, KeyPair};
use zrpc::zmtp::{Options, Security};
use zrpc::{EventMessage, Publisher, Puller, Pusher, Subscriber};

use crate::json::{parse_arg, to_json};

#[derive(clap::Subcommand)]
pub enum EventsCommand {
    /// Publishes one event to the subscribers of ENDPOINT (PUB; connects unless --bind).
    Publish(SendArgs),
    /// Pushes one event to one puller of ENDPOINT (PUSH; connects unless --bind).
    Push(SendArgs),
    /// Prints published events as JSON lines (SUB; binds unless --connect).
    Subscribe(SubscribeArgs),
    /// Prints pushed events as JSON lines (PULL; binds unless --connect).
    Pull(ReceiveArgs),
}

#[derive(clap::Args)]
pub struct SendArgs {
    /// Endpoint, e.g. tcp://127.0.0.1:4243.
    pub endpoint: String,
    /// Event (method) name.
    pub method: String,
    /// Arguments, each parsed as JSON, or taken as a string when it is not valid JSON.
    #[arg(allow_negative_numbers = true)]
    pub args: Vec<String>,
    /// Bind ENDPOINT instead of connecting to it.
    #[arg(long)]
    pub bind: bool,
    /// Seconds to wait for a subscriber (publish) or a puller with room (push).
    #[arg(long, default_value_t = 5.0)]
    pub wait: f64,
    #[command(flatten)]
    pub curve: CurveArgs,
}

#[derive(clap::Args)]
pub struct ReceiveArgs {
    /// Endpoint, e.g. tcp://127.0.0.1:4243 or tcp://*:4243.
    pub endpoint: String,
    /// Connect to ENDPOINT instead of binding it.
    #[arg(long)]
    pub connect: bool,
    /// Exit after N events (default: run until interrupted).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    #[command(flatten)]
    pub curve: CurveArgs,
}

#[derive(clap::Args)]
pub struct SubscribeArgs {
    #[command(flatten)]
    pub receive: ReceiveArgs,
    /// Only these events (filtered after decoding: a zerorpc event does not start with its name).
    pub methods: Vec<String>,
}

/// CURVE for events, where either side may be the CURVE server.
#[derive(clap::Args)]
pub struct CurveArgs {
    /// The peer is the CURVE server with this public key (40 Z85 characters); we are its client.
    #[arg(long, value_name = "Z85", allow_hyphen_values = true)]
    pub curve_server_key: Option<String>,
    /// Our key pair, a certificate written by `zrpc keygen`. With --curve-server-key: our client
    /// keys (default: a fresh pair). Alone: we are the CURVE server with these keys.
    #[arg(long, value_name = "PATH")]
    pub curve_key: Option<PathBuf>,
}

impl CurveArgs {
    fn options(&self) -> Result<Options, String> {
        let keys = match &self.curve_key {
            Some(path) => Some(
                KeyPair::load(path).map_err(|e| format!("--curve-key {}: {e}", path.display()))?,
            ),
            None => None,
        };
        let security = match (&self.curve_server_key, keys) {
            (Some(server_key), keys) => {
                let server_key =
                    decode_key(server_key).map_err(|e| format!("--curve-server-key: {e}"))?;
                let keys = match keys {
                    Some(keys) => keys,
                    None => KeyPair::generate().map_err(|e| e.to_string())?,
                };
                Security::CurveClient(std::sync::Arc::new(CurveClient::new(server_key, keys)))
            }
            (None, Some(keys)) => {
                Security::CurveServer(std::sync::Arc::new(CurveServer::new(keys)))
            }
            (None, None) => Security::Null,
        };
        Ok(Options {
            security,
            ..Options::default()
        })
    }
}

/// Why a command failed, with its exit status: 3 when nobody was there to receive in time,
/// 5 otherwise (as `zrpc call` uses them).
struct Failure {
    status: u8,
    message: String,
}

impl Failure {
    fn other(message: impl Into<String>) -> Failure {
        Failure {
            status: 5,
            message: message.into(),
        }
    }
}

impl From<zrpc::Error> for Failure {
    fn from(e: zrpc::Error) -> Self {
        Failure::other(e.to_string())
    }
}

pub fn run(command: EventsCommand) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match command {
            EventsCommand::Publish(args) => publish(args).await,
            EventsCommand::Push(args) => push(args).await,
            EventsCommand::Subscribe(args) => subscribe(args).await,
            EventsCommand::Pull(args) => pull(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}

fn wait(args: &SendArgs) -> Result<Duration, Failure> {
    Duration::try_from_secs_f64(args.wait)
        .map_err(|_| Failure::other("--wait must be a non-negative number of seconds"))
}

fn nobody(args: &SendArgs, who: &str) -> Failure {
    Failure {
        status: 3,
        message: format!(
            "no {who} on {} within {}s; `{}` not sent",
            args.endpoint, args.wait, args.method
        ),
    }
}

async fn publish(args: SendArgs) -> Result<(), Failure> {
    let wait = wait(&args)?;
    let values: Vec<rmpv::Value> = args.args.iter().map(|a| parse_arg(a)).collect();
    let mut publisher = Publisher::with_options(args.curve.options().map_err(Failure::other)?);
    if args.bind {
        publisher.bind(&args.endpoint).await?;
    } else {
        publisher.connect(&args.endpoint)?;
    }
    // An event published before a subscription arrives would reach nobody.
    tokio::time::timeout(wait, publisher.wait_for_subscribers(1))
        .await
        .map_err(|_| nobody(&args, "subscriber"))?;
    publisher.publish(&args.method, &values)?;
    publisher.close().await;
    Ok(())
}

async fn push(args: SendArgs) -> Result<(), Failure> {
    let wait = wait(&args)?;
    let values: Vec<rmpv::Value> = args.args.iter().map(|a| parse_arg(a)).collect();
    let mut pusher = Pusher::with_options(args.curve.options().map_err(Failure::other)?);
    if args.bind {
        pusher.bind(&args.endpoint).await?;
    } else {
        pusher.connect(&args.endpoint)?;
    }
    tokio::time::timeout(wait, pusher.push(&args.method, &values))
        .await
        .map_err(|_| nobody(&args, "puller"))??;
    pusher.close().await;
    Ok(())
}

async fn subscribe(args: SubscribeArgs) -> Result<(), Failure> {
    let receive = &args.receive;
    let mut subscriber = Subscriber::with_options(receive.curve.options().map_err(Failure::other)?);
    if !args.methods.is_empty() {
        subscriber.only(args.methods.iter().cloned());
    }
    if receive.connect {
        subscriber.connect(&receive.endpoint)?;
    } else {
        subscriber.bind(&receive.endpoint).await?;
    }
    print_events(receive.count, Source::Subscriber(subscriber)).await
}

async fn pull(args: ReceiveArgs) -> Result<(), Failure> {
    let mut puller = Puller::with_options(args.curve.options().map_err(Failure::other)?);
    if args.connect {
        puller.connect(&args.endpoint)?;
    } else {
        puller.bind(&args.endpoint).await?;
    }
    print_events(args.count, Source::Puller(puller)).await
}

enum Source {
    Subscriber(Subscriber),
    Puller(Puller),
}

impl Source {
    async fn recv(&mut self) -> Option<EventMessage> {
        match self {
            Source::Subscriber(s) => s.recv().await,
            Source::Puller(p) => p.recv().await,
        }
    }
}

/// Prints events as JSON lines until `count` were printed (or forever).
async fn print_events(count: Option<u64>, mut source: Source) -> Result<(), Failure> {
    let mut printed = 0;
    while count.is_none_or(|count| printed < count) {
        let Some(event) = source.recv().await else {
            break;
        };
        crate::stdout::write(format_args!("{}\n", event_json(&event)))
            .map_err(|e| Failure::other(format!("cannot write to stdout: {e}")))?;
        printed += 1;
    }
    Ok(())
}

fn event_json(event: &EventMessage) -> Json {
    // The args decoded (an element that is not msgpack comes out as null; Args checked the array).
    let args: Vec<Json> = (0..event.args.len())
        .map(|i| event.args.value(i).map_or(Json::Null, |v| to_json(&v)))
        .collect();
    json!({ "event": event.name, "args": args })
}
