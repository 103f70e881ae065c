//! The events of each service with `oneway` methods, one class per file: the handler
//! interface `<Service>Handler`, the event interface `<Service>Event` and one readonly class per
//! event (`TelemetryReading`, with `dispatch($handler)`), the typed decoding
//! `<Service>Events::decode` (a `\Zrpc\ProtocolException` or `TypeError` the runtime's
//! receivers turn into a dropped-event log line), the senders `<Service>Publisher`,
//! `<Service>Pusher` and the receivers `<Service>Subscriber`, `<Service>Puller` (`run`/`stop`,
//! `receive`, `IteratorAggregate`) on the runtime's `Zrpc\Publisher`... classes.

use std::path::PathBuf;

use askama::Template;
use zrpc_idl::model::{Returns, Service};

use super::{php_doc, php_file, studly, Conversion, PhpPass, Scope};
use zrpc_plan::Derived;

/// `<Service>Handler`: one method per event.
#[derive(Template)]
#[template(path = "php/event_handler.php", escape = "none")]
struct HandlerTemplate<'a> {
    namespace: &'a str,
    class: &'a str,
    wire: &'a str,
    events: &'a [PhpEvent],
}

/// `<Service>Event`: what every event class implements.
#[derive(Template)]
#[template(path = "php/event_interface.php", escape = "none")]
struct EventInterfaceTemplate<'a> {
    namespace: &'a str,
    class: &'a str,
    events: &'a [PhpEvent],
}

/// One event's readonly class.
#[derive(Template)]
#[template(path = "php/event.php", escape = "none")]
struct EventTemplate<'a> {
    namespace: &'a str,
    class: &'a str,
    event: &'a PhpEvent,
}

/// `<Service>Events::decode`.
#[derive(Template)]
#[template(path = "php/event_decoder.php", escape = "none")]
struct DecoderTemplate<'a> {
    namespace: &'a str,
    class: &'a str,
    wire: &'a str,
    events: &'a [PhpEvent],
}

/// `<Service>Publisher` or `<Service>Pusher`.
#[derive(Template)]
#[template(path = "php/event_sender.php", escape = "none")]
struct SenderTemplate<'a> {
    namespace: &'a str,
    class: &'a str,
    wire: &'a str,
    /// `Publisher` or `Pusher`: the runtime class and the suffix.
    kind: &'a str,
    verb: &'a str,
    whom: &'a str,
    events: &'a [PhpEvent],
}

/// `<Service>Subscriber` or `<Service>Puller`.
#[derive(Template)]
#[template(path = "php/event_receiver.php", escape = "none")]
struct ReceiverTemplate<'a> {
    namespace: &'a str,
    class: &'a str,
    wire: &'a str,
    /// `Subscriber` or `Puller`: the runtime class and the suffix.
    kind: &'a str,
    share: &'a str,
}

struct PhpEvent {
    wire: String,
    /// The handler's and the senders' method (the client's spelling of the method).
    method: String,
    /// `TelemetryReading`.
    class: String,
    /// The class's PHPDoc: `The `reading` event.` and the method's first doc line.
    class_doc: String,
    /// The PHPDoc of the handler's and senders' methods (doc and array `@param` tags).
    method_doc: String,
    /// The constructor's PHPDoc (array `@param` tags), or empty.
    ctor_doc: String,
    /// `string $sensor, float $value`
    params: String,
    /// `(name, native type)` of the properties.
    fields: Vec<(String, String)>,
    /// `$this->sensor, $this->value`
    dispatch_args: String,
    arity: usize,
    /// Statements computing hoisted conversions of the decoder, then the decoded arguments.
    decode_prelude: String,
    decoded: String,
    /// Statements computing hoisted conversions of the senders, then `'reading', [...]`.
    send_prelude: String,
    send_args: String,
}

/// The files of `service`'s events (none without `oneway` methods).
pub(super) fn files(
    pass: &PhpPass,
    service: &Service,
) -> Result<Vec<(PathBuf, String)>, askama::Error> {
    let class = studly(&service.name);
    let namespace = pass.namespace.as_str();
    let wire = service.name.as_str();
    let events: Vec<PhpEvent> = service
        .methods
        .iter()
        .filter(|m| m.returns == Returns::Oneway)
        .map(|m| {
            // Spelled as the client spells them.
            let method = pass.names.method(&service.name, &m.name);
            let names: Vec<String> = m
                .args
                .iter()
                .map(|a| pass.names.arg(&service.name, &m.name, &a.name))
                .collect();
            let mut params = Vec::new();
            let mut fields = Vec::new();
            let mut tags = Vec::new();
            let mut send_prelude = String::new();
            let mut send_wire = Vec::new();
            let mut decode_prelude = String::new();
            let mut decoded = Vec::new();
            for (index, (arg, name)) in m.args.iter().zip(&names).enumerate() {
                let native = pass.native_type(&arg.ty, Scope::Root);
                let doc_type = pass.doc_type(&arg.ty);
                if doc_type != native {
                    tags.push(format!("@param {doc_type} ${name}"));
                }
                params.push(format!("{native} ${name}"));
                fields.push((name.clone(), native));
                let (lines, value) = pass.hoist(
                    Conversion::Encode,
                    &arg.ty,
                    &format!("${name}"),
                    &format!("{name}Wire"),
                );
                send_prelude.push_str(&lines);
                send_wire.push(value);
                let (lines, value) = pass.hoist_in(
                    (Conversion::Decode, Scope::Root),
                    &arg.ty,
                    &format!("$args[{index}]"),
                    &format!("{name}Value"),
                    12,
                );
                decode_prelude.push_str(&lines);
                decoded.push(value);
            }
            let title = format!("The `{}` event.", m.name);
            let first = m
                .doc
                .as_deref()
                .and_then(|d| d.lines().next())
                .map(str::trim)
                .filter(|line| !line.is_empty());
            let class_doc = match first {
                Some(first) => format!("{title} {first}"),
                None => title.clone(),
            };
            PhpEvent {
                wire: m.name.clone(),
                class: pass
                    .names
                    .derived(Derived::EventClass, &service.name, &m.name),
                class_doc: php_doc(Some(&class_doc), &[], ""),
                method_doc: php_doc(Some(m.doc.as_deref().unwrap_or(&title)), &tags, "    "),
                ctor_doc: php_doc(None, &tags, "    "),
                params: params.join(", "),
                dispatch_args: names
                    .iter()
                    .map(|n| format!("$this->{n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                fields,
                arity: m.args.len(),
                decode_prelude,
                decoded: decoded.join(", "),
                send_prelude,
                send_args: format!("{}, [{}]", super::quote(&m.name), send_wire.join(", ")),
                method,
            }
        })
        .collect();
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let events = events.as_slice();
    let class = class.as_str();
    let mut files = vec![
        (
            php_file(&format!("{class}Handler")),
            HandlerTemplate {
                namespace,
                class,
                wire,
                events,
            }
            .render()?,
        ),
        (
            php_file(&format!("{class}Event")),
            EventInterfaceTemplate {
                namespace,
                class,
                events,
            }
            .render()?,
        ),
        (
            php_file(&format!("{class}Events")),
            DecoderTemplate {
                namespace,
                class,
                wire,
                events,
            }
            .render()?,
        ),
    ];
    for event in events {
        files.push((
            php_file(&event.class),
            EventTemplate {
                namespace,
                class,
                event,
            }
            .render()?,
        ));
    }
    let senders = [
        ("Publisher", "publish", "to every subscriber (PUB)"),
        ("Pusher", "push", "each to one puller (PUSH)"),
    ];
    for (kind, verb, whom) in senders {
        let body = SenderTemplate {
            namespace,
            class,
            wire,
            kind,
            verb,
            whom,
            events,
        }
        .render()?;
        files.push((php_file(&format!("{class}{kind}")), body));
    }
    let receivers = [
        ("Subscriber", "all of them, SUB"),
        ("Puller", "a share of them, PULL"),
    ];
    for (kind, share) in receivers {
        let body = ReceiverTemplate {
            namespace,
            class,
            wire,
            kind,
            share,
        }
        .render()?;
        files.push((php_file(&format!("{class}{kind}")), body));
    }
    Ok(files
        .into_iter()
        .map(|(path, body)| (path, body + "\n"))
        .collect())
}
