//! `events.py`: for each service with `oneway` methods (its events), typed senders
//! (`<Service>Publisher`, `<Service>Pusher` and their asyncio twins), a handler protocol, one
//! frozen dataclass per event, and receivers (`<Service>Subscriber`, `<Service>Puller`, asyncio
//! twins) that decode each event with its declared argument types.

use askama::Template;
use zrpc_idl::model::{Returns, Schema, Service};

use super::types::{Imports, TypeNames};
use super::{docstring, docstring_lines, signature};
use crate::naming::doc_lines;
use zrpc_plan::Derived;

#[derive(Template)]
#[template(path = "python/events.py.jinja", escape = "none")]
pub(crate) struct EventsModule {
    pub(crate) package: String,
    pub(crate) imports: Vec<String>,
    pub(crate) all: Vec<String>,
    pub(crate) services: Vec<EventService>,
}

pub(crate) struct EventService {
    /// `Telemetry`: the prefix of every class of the service.
    pub(crate) class: String,
    pub(crate) wire: String,
    pub(crate) decoder: String,
    pub(crate) events: Vec<Event>,
}

pub(crate) struct Event {
    pub(crate) wire: String,
    pub(crate) method: String,
    pub(crate) class: String,
    pub(crate) docstring: String,
    pub(crate) class_docstring: String,
    /// `def reading(self, sensor: str, value: float) -> None:` of the senders.
    pub(crate) send_signature: String,
    pub(crate) async_send_signature: String,
    /// The handler's method, with decoded (output) annotations.
    pub(crate) handle_signature: String,
    pub(crate) async_handle_signature: String,
    /// `"reading", [sensor, value]`
    pub(crate) send_args: String,
    /// `(name, annotation)` of the dataclass fields.
    pub(crate) fields: Vec<(String, String)>,
    /// `self.sensor, self.value`
    pub(crate) dispatch_args: String,
    pub(crate) arity: usize,
    /// `zrpc.expect_str(args[0]), ...`
    pub(crate) decoded: Vec<String>,
}

impl EventService {
    pub(crate) fn names(&self) -> Vec<String> {
        let c = &self.class;
        let mut names: Vec<String> = [
            "Handler",
            "Publisher",
            "Pusher",
            "Subscriber",
            "Puller",
            "Event",
        ]
        .iter()
        .flat_map(|kind| [format!("{c}{kind}"), format!("Async{c}{kind}")])
        .filter(|name| !name.starts_with("Async") || !name.ends_with("Event"))
        .collect();
        names.push(self.decoder.clone());
        names.extend(self.events.iter().map(|e| e.class.clone()));
        names
    }
}

/// The events module, or None when no service has events.
pub(crate) fn module(schema: &Schema, names: &TypeNames, package: &str) -> Option<EventsModule> {
    let mut imports = Imports::for_client();
    let services: Vec<EventService> = schema
        .services
        .iter()
        .filter_map(|service| event_service(service, names, &mut imports))
        .collect();
    if services.is_empty() {
        return None;
    }
    imports.typing("Any");
    imports.typing("Optional");
    imports.typing("Protocol");
    if services.iter().any(|s| s.events.len() > 1) {
        imports.typing("Union");
    }
    imports.abc("AsyncIterator");
    imports.abc("Iterator");
    imports.dataclass("dataclass");
    let all = super::sorted(services.iter().flat_map(EventService::names));
    Some(EventsModule {
        package: package.to_owned(),
        imports: imports.lines(),
        all,
        services,
    })
}

fn event_service(
    service: &Service,
    names: &TypeNames,
    imports: &mut Imports,
) -> Option<EventService> {
    let class = names.class(&service.name);
    let events: Vec<Event> = service
        .methods
        .iter()
        .filter(|method| method.returns == Returns::Oneway)
        .map(|method| {
            let method_name = names.names.method(&service.name, &method.name);
            let mut send_params = vec!["self".to_owned()];
            let mut handle_params = vec!["self".to_owned()];
            let mut wire_args = Vec::new();
            let mut fields = Vec::new();
            let mut decoded = Vec::new();
            for (index, arg) in method.args.iter().enumerate() {
                let arg_name = names.names.arg(&service.name, &method.name, &arg.name);
                let input = names.annotation(&arg.ty, true, imports);
                let output = names.annotation(&arg.ty, false, imports);
                send_params.push(format!("{arg_name}: {input}"));
                handle_params.push(format!("{arg_name}: {output}"));
                wire_args.push(
                    names
                        .encode(&arg.ty, &arg_name, 0)
                        .unwrap_or(arg_name.clone()),
                );
                decoded.push(names.decode(&arg.ty, &format!("args[{index}]"), 0, imports));
                fields.push((arg_name, output));
            }
            let doc = doc_lines(method.doc.as_deref());
            let title = format!("The ``{}`` event.", method.name);
            let summary = doc.first().map(|line| line.to_string());
            let class_doc = match &summary {
                Some(first) => format!("{title} {first}"),
                None => title.clone(),
            };
            let summary = summary.unwrap_or(title);
            let wire = format!("{:?}", method.name);
            Event {
                class: names
                    .names
                    .derived(Derived::EventClass, &service.name, &method.name),
                docstring: docstring(method.doc.as_deref(), &summary, 8),
                class_docstring: docstring_lines(&[class_doc], 4),
                send_signature: signature("def", &method_name, &send_params, "None"),
                async_send_signature: signature("async def", &method_name, &send_params, "None"),
                handle_signature: signature("def", &method_name, &handle_params, "None"),
                async_handle_signature: signature(
                    "async def",
                    &method_name,
                    &handle_params,
                    "None",
                ),
                send_args: format!("{wire}, [{}]", wire_args.join(", ")),
                dispatch_args: fields
                    .iter()
                    .map(|(name, _)| format!("self.{name}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                arity: method.args.len(),
                decoded,
                fields,
                method: method_name,
                wire,
            }
        })
        .collect();
    if events.is_empty() {
        return None;
    }
    Some(EventService {
        decoder: format!("decode_{}_event", super::snake_case(&service.name)),
        wire: service.name.clone(),
        class,
        events,
    })
}
