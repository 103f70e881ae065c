//! `<dir>/<service>_events.rb` for each service with `oneway` methods (its events): one Struct
//! per event (`TelemetryReading`, with `dispatch(handler)`), `TelemetryEvents.decode` (typed
//! decoding; a `Zrpc::ProtocolError` the runtime's receivers turn into a dropped-event log
//! line), the senders `TelemetryPublisher`, `TelemetryPusher` and the receivers
//! `TelemetrySubscriber`, `TelemetryPuller` (a duck-typed handler, `run`/`stop`, Enumerable).

use askama::Template;
use zrpc_idl::model::{Returns, Service};

use super::{constant_name, doc_comment, field_names, has_block, Conversion, RubyPass};
use crate::naming::event_class;
use zrpc_plan::Position;

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
    /// The decoder's body: conversions with a block into locals first, then `Class.new(...)`.
    pub(super) decode_body: String,
    /// Encoding statements computed before the send, then `'reading', [sensor, value]`.
    pub(super) prelude: String,
    pub(super) send_args: String,
}

pub(super) fn template(pass: &RubyPass, service: &Service) -> Option<EventsTemplate> {
    let class = constant_name(&service.name);
    let types: Vec<String> = pass
        .schema
        .types
        .iter()
        .map(|t| constant_name(t.name()))
        .collect();
    // Spelled as the client spells them, so each event method has its client method's name.
    let method_names = field_names(
        service.methods.iter().map(|m| m.name.as_str()),
        Position::Method,
    );
    let events: Vec<RbEvent> = service
        .methods
        .iter()
        .enumerate()
        .filter(|(_, m)| m.returns == Returns::Oneway)
        .map(|(index, m)| {
            let params = field_names(m.args.iter().map(|a| a.name.as_str()), Position::Arg);
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
            let event_class = event_class(&class, &m.name, &types);
            let mut decode_body = String::new();
            let mut decoded = Vec::new();
            for (i, (arg, param)) in m.args.iter().zip(&params).enumerate() {
                let (prelude, value) = pass.hoist(
                    Conversion::Decode { nested: false },
                    &arg.ty,
                    &format!("args[{i}]"),
                    param,
                    4,
                );
                decode_body.push_str(&prelude);
                decoded.push(value);
            }
            if decoded.is_empty() {
                decode_body.push_str(&format!("    {event_class}.new"));
            } else {
                decode_body.push_str(&format!("    {event_class}.new({})", decoded.join(", ")));
            }
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
                method: method_names[index].clone(),
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
                decode_body,
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
