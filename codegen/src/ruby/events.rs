//! `<dir>/<service>_events.rb` for each service with `oneway` methods (its events): one Struct
//! per event (`TelemetryReading`, with `dispatch(handler)`), `TelemetryEvents.decode` (typed
//! decoding; a `Zrpc::ProtocolError` the runtime's receivers turn into a dropped-event log
//! line), the senders `TelemetryPublisher`, `TelemetryPusher` and the receivers
//! `TelemetrySubscriber`, `TelemetryPuller` (a duck-typed handler, `run`/`stop`, Enumerable).

use askama::Template;
use zrpc_idl::model::{Returns, Service};

use super::{constant_name, doc_comment, has_block, Conversion, RubyPass};
use zrpc_plan::Derived;

#[derive(Template)]
#[template(path = "ruby/events.rb", escape = "none")]
pub(super) struct EventsTemplate {
    pub(super) class: String,
    pub(super) wire: String,
    pub(super) events: Vec<RbEvent>,
}

pub(super) struct RbEvent {
    pub(super) wire: String,
    pub(super) method: String,
    pub(super) class: String,
    /// `The `reading` event: ...` as a comment at class level.
    pub(super) class_doc: String,
    /// The sender method's comment (doc and @param tags), at method level.
    pub(super) doc: String,
    /// `:sensor, :value`
    pub(super) members: String,
    /// `sensor, value`
    pub(super) params: String,
    pub(super) arity: usize,
    /// `READING_ARGUMENTS`: the constant listing the argument decoders.
    pub(super) decoders_const: String,
    /// The argument decoders (lambdas, or `nil`), one per line.
    pub(super) decoders: String,
    /// Encoding statements computed before the send, then `'reading', [sensor, value]`.
    pub(super) prelude: String,
    pub(super) send_args: String,
}

pub(super) fn template(pass: &RubyPass, service: &Service) -> Option<EventsTemplate> {
    let class = constant_name(&service.name);
    let events: Vec<RbEvent> = service
        .methods
        .iter()
        .filter(|m| m.returns == Returns::Oneway)
        .map(|m| {
            // Spelled as the client spells them.
            let params = pass.args(service, m);
            let mut prelude = String::new();
            let mut wire = Vec::new();
            let mut tags = Vec::new();
            for (arg, param) in m.args.iter().zip(&params) {
                tags.push(format!("@param {param} [{}]", pass.yard(&arg.ty)));
                let encoded = pass.convert(Conversion::Encode, &arg.ty, param, 0);
                if has_block(&encoded) {
                    prelude.push_str(&format!("    {param}_wire = {encoded}\n"));
                    wire.push(format!("{param}_wire"));
                } else {
                    wire.push(encoded);
                }
            }
            let event_class = pass
                .names
                .derived(Derived::EventClass, &service.name, &m.name);
            // After the event's own part of its class, distinct as the class is.
            let decoders_const = format!(
                "{}_ARGUMENTS",
                heck::ToShoutySnakeCase::to_shouty_snake_case(
                    event_class.strip_prefix(&class).unwrap_or(&event_class)
                )
            );
            // A table, not a method body: rubocop's ABC size then does not grow with the
            // arguments.
            let decoders = m
                .args
                .iter()
                .map(|arg| {
                    let decode =
                        pass.convert(Conversion::Decode { nested: false }, &arg.ty, "value", 0);
                    super::lambda(&decode)
                })
                .collect::<Vec<_>>()
                .join(",\n    ");
            let title = format!("The `{}` event.", m.name);
            let first = m
                .doc
                .as_deref()
                .and_then(|d| d.lines().next())
                .map(str::trim);
            let class_doc = match first {
                Some(first) if !first.is_empty() => format!("{title} {first}"),
                _ => title.clone(),
            };
            let mut doc = m.doc.clone().unwrap_or(title);
            if !tags.is_empty() {
                doc.push('\n');
                doc.push_str(&tags.join("\n"));
            }
            RbEvent {
                wire: m.name.clone(),
                method: pass.names.method(&service.name, &m.name),
                class: event_class,
                class_doc: doc_comment(Some(&class_doc), ""),
                doc: doc_comment(Some(&doc), "  "),
                members: params
                    .iter()
                    .map(|p| format!(":{p}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                params: params.join(", "),
                arity: m.args.len(),
                decoders_const,
                decoders,
                prelude,
                send_args: format!("'{}', [{}]", m.name, wire.join(", ")),
            }
        })
        .collect();
    (!events.is_empty()).then(|| EventsTemplate {
        class,
        wire: service.name.clone(),
        events,
    })
}
