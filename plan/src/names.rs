//! Every name of a schema as one language spells it, distinct within each scope.
//!
//! IDL names are distinct as written, but a language's spelling can merge them: `BEGIN` and
//! `begin` both snake-case to `begin`, `Variant` and `variant` are one PHP class and one Ruby
//! file, `__FILE__` and `__file__` both become `File`. A backend gives its spelling of each
//! [`Kind`] once; [`Names`] applies [`Reserved::distinct`] to every scope (the schema's types,
//! its consts, each struct's fields, each enum's members, each union's variants, each service's
//! methods, each method's arguments), so every collision class is handled by one rule.
//!
//! The names a backend composes from a schema name and one of its members ([`Derived`]:
//! `ShapeCircle` for a union variant, `FeedReading` for an event, `GetItemError` for a method's
//! errors, Python's union decoder `shape_from_wire`) share the package's namespace with the
//! schema's types and each service's own classes, whatever scope their parts come from: union
//! `A`'s variant `bC` and union `AB`'s variant `c` are both `ABC`, events `itemMoved` and
//! `ItemMoved` both `FeedItemMoved`. [`Names`] spells them in one scope after the types,
//! compared case-insensitively (PHP class names, file names): a derived name that is taken gets
//! its kind's word appended (`ABCVariant`, `FeedItemMovedEvent`, `GetItemErrorError`,
//! `ab_from_wire_`), so types and untaken names keep their spelling.
//!
//! A backend describes its spelling once ([`Spelling`]) and reads its names of a schema from
//! [`Plan::names`](crate::Plan::names), which builds them once per plan and language.

use std::collections::HashMap;

use crate::model::{Returns, Schema, TypeDef, SERVICE_CLASS_AFFIXES};
use crate::reserved::{Position, Reserved};

/// What a name names, for a backend's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A struct, error, enum, union or alias.
    Type,
    Const,
    /// A field of a struct.
    Field,
    /// A field of an error.
    ErrorField,
    /// A member of an enum.
    Member,
    /// A variant of a union.
    Variant,
    Method,
    Arg,
}

impl Kind {
    /// The reserved-table position of names of this kind.
    pub fn position(self) -> Position {
        match self {
            Kind::Type => Position::Type,
            Kind::Variant => Position::Variant,
            Kind::Const => Position::Const,
            Kind::Field => Position::Field,
            Kind::ErrorField => Position::ErrorField,
            Kind::Member => Position::EnumMember,
            Kind::Method => Position::Method,
            Kind::Arg => Position::Arg,
        }
    }
}

/// A name a backend composes from a schema name and one of its members, written beside the
/// schema's types (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Derived {
    /// The class of a union's variant, where variants are classes of the package's namespace
    /// (Python `ShapeCircle`); composed from the union's and the variant's name.
    VariantClass,
    /// The class of a service's event (a oneway method): `FeedReading`; composed from the
    /// service's and the method's name.
    EventClass,
    /// The type of the errors of a method that throws several (Rust `GetItemError`); composed
    /// from the service's and the method's name.
    ErrorSet,
    /// The function of the package's namespace that decodes a union (Python
    /// `shape_from_wire`); composed from the union's name (the member is empty).
    UnionDecoder,
}

impl Derived {
    /// What a taken name of this kind gets appended: its kind's word (`_` for a function).
    fn suffix(self) -> &'static str {
        match self {
            Derived::VariantClass => "Variant",
            Derived::EventClass => "Event",
            Derived::ErrorSet => "Error",
            Derived::UnionDecoder => "_",
        }
    }
}

/// A backend's composition of a [`Derived`] class from the IDL names of its owner (union or
/// service) and member (variant or method), with the [`Names`] spelled so far (types, members,
/// services); `None` for a kind the language does not generate.
pub type Derive = fn(&Names, Derived, &str, &str) -> Option<String>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Scope {
    Types,
    Consts,
    /// Fields of a struct or error, members of an enum, variants of a union.
    Members(String),
    Methods(String),
    Args(String, String),
    /// Derived names of one kind, by owner and member.
    Derived(Derived, String),
}

/// How one language spells names: what its [`Names`] are built from.
#[derive(Clone, Copy)]
pub struct Spelling {
    /// The language's one reserved-name table: escapes, and the suffix of a collision. Its
    /// `language` is which names [`Plan::names`](crate::Plan::names) keeps for it.
    pub reserved: &'static Reserved,
    /// The language's spelling of one name (case conversion and escaping); collisions within a
    /// scope get the reserved table's suffix.
    pub spell: fn(&str, Kind) -> String,
    /// The language's composition of [`Derived`] names, made distinct from every other name of
    /// the package.
    pub derive: Derive,
}

/// The spellings of one language (see the module doc).
pub struct Names {
    spelling: Spelling,
    spelled: HashMap<(Scope, String), String>,
}

impl Names {
    /// Every name of `schema` as `spelling` spells it. A backend reads them through
    /// [`Plan::names`](crate::Plan::names), which builds them once.
    pub fn new(schema: &Schema, spelling: Spelling) -> Names {
        let mut names = Names {
            spelling,
            spelled: HashMap::new(),
        };
        names.scope(
            Scope::Types,
            schema.types.iter().map(TypeDef::name),
            Kind::Type,
        );
        names.scope(
            Scope::Consts,
            schema.consts.iter().map(|c| c.name.as_str()),
            Kind::Const,
        );
        for def in &schema.types {
            let scope = Scope::Members(def.name().to_owned());
            match def {
                TypeDef::Struct(s) => {
                    names.scope(scope, s.fields.iter().map(|f| f.name.as_str()), Kind::Field)
                }
                TypeDef::Error(s) => names.scope(
                    scope,
                    s.fields.iter().map(|f| f.name.as_str()),
                    Kind::ErrorField,
                ),
                TypeDef::Enum(e) => names.scope(
                    scope,
                    e.variants.iter().map(|v| v.name.as_str()),
                    Kind::Member,
                ),
                TypeDef::Union(u) => names.scope(
                    scope,
                    u.variants.iter().map(|v| v.name.as_str()),
                    Kind::Variant,
                ),
                TypeDef::Alias(_) => {}
            }
        }
        for service in &schema.services {
            names.scope(
                Scope::Methods(service.name.clone()),
                service.methods.iter().map(|m| m.name.as_str()),
                Kind::Method,
            );
            for method in &service.methods {
                names.scope(
                    Scope::Args(service.name.clone(), method.name.clone()),
                    method.args.iter().map(|a| a.name.as_str()),
                    Kind::Arg,
                );
            }
        }
        names.derived_classes(schema);
        names
    }

    /// Spells every [`Derived`] name after the schema's types and the services' classes, in
    /// declaration order (see the module doc).
    fn derived_classes(&mut self, schema: &Schema) {
        let mut taken: Vec<String> = schema
            .types
            .iter()
            .map(|def| self.type_name(def.name()))
            .collect();
        for service in &schema.services {
            let class = self.service(&service.name);
            taken.extend(
                SERVICE_CLASS_AFFIXES
                    .iter()
                    .map(|(prefix, suffix)| format!("{prefix}{class}{suffix}")),
            );
        }
        let mut wanted: Vec<(Derived, &str, &str)> = Vec::new();
        for def in &schema.types {
            if let TypeDef::Union(u) = def {
                wanted.extend(
                    u.variants
                        .iter()
                        .map(|v| (Derived::VariantClass, u.name.as_str(), v.name.as_str())),
                );
                wanted.push((Derived::UnionDecoder, &u.name, ""));
            }
        }
        for service in &schema.services {
            for method in &service.methods {
                let owner = service.name.as_str();
                if method.returns == Returns::Oneway {
                    wanted.push((Derived::EventClass, owner, &method.name));
                }
                if method.throws.len() > 1 {
                    wanted.push((Derived::ErrorSet, owner, &method.name));
                }
            }
        }
        for (kind, owner, member) in wanted {
            let Some(mut class) = (self.spelling.derive)(self, kind, owner, member) else {
                continue;
            };
            while taken.iter().any(|t| t.eq_ignore_ascii_case(&class)) {
                class.push_str(kind.suffix());
            }
            taken.push(class.clone());
            self.spelled.insert(
                (Scope::Derived(kind, owner.to_owned()), member.to_owned()),
                class,
            );
        }
    }

    fn scope<'n>(
        &mut self,
        scope: Scope,
        names: impl Iterator<Item = &'n str> + Clone,
        kind: Kind,
    ) {
        let spelled = self
            .spelling
            .reserved
            .distinct(names.clone(), kind.position(), |name| {
                (self.spelling.spell)(name, kind)
            });
        for (name, spelled) in names.zip(spelled) {
            self.spelled
                .insert((scope.clone(), name.to_owned()), spelled);
        }
    }

    fn get(&self, scope: Scope, name: &str, kind: Kind) -> String {
        match self.spelled.get(&(scope, name.to_owned())) {
            Some(spelled) => spelled.clone(),
            // Not in the schema (a hand-built literal): spelled alone.
            None => self
                .spelling
                .reserved
                .escape(&(self.spelling.spell)(name, kind), kind.position()),
        }
    }

    /// A declared type (struct, error, enum, union, alias).
    pub fn type_name(&self, name: &str) -> String {
        self.get(Scope::Types, name, Kind::Type)
    }

    /// The class (trait, module) of a service: spelled as a type.
    pub fn service(&self, name: &str) -> String {
        self.spelling
            .reserved
            .escape(&(self.spelling.spell)(name, Kind::Type), Position::Type)
    }

    /// The [`Derived`] name of `member` (variant or method; empty for a union decoder) of
    /// `owner` (union or service), distinct from every other name of the package.
    pub fn derived(&self, kind: Derived, owner: &str, member: &str) -> String {
        match self
            .spelled
            .get(&(Scope::Derived(kind, owner.to_owned()), member.to_owned()))
        {
            Some(class) => class.clone(),
            // Not in the schema, or not a class the language generates: composed alone.
            None => (self.spelling.derive)(self, kind, owner, member)
                .unwrap_or_else(|| member.to_owned()),
        }
    }

    pub fn constant(&self, name: &str) -> String {
        self.get(Scope::Consts, name, Kind::Const)
    }

    /// A field of struct or error `owner`.
    pub fn field(&self, owner: &str, field: &str, kind: Kind) -> String {
        self.get(Scope::Members(owner.to_owned()), field, kind)
    }

    /// A member of enum `owner`.
    pub fn member(&self, owner: &str, variant: &str) -> String {
        self.get(Scope::Members(owner.to_owned()), variant, Kind::Member)
    }

    /// A variant of union `owner`.
    pub fn variant(&self, owner: &str, variant: &str) -> String {
        self.get(Scope::Members(owner.to_owned()), variant, Kind::Variant)
    }

    /// A method of `service`.
    pub fn method(&self, service: &str, method: &str) -> String {
        self.get(Scope::Methods(service.to_owned()), method, Kind::Method)
    }

    /// An argument of `method` of `service`.
    pub fn arg(&self, service: &str, method: &str, arg: &str) -> String {
        self.get(
            Scope::Args(service.to_owned(), method.to_owned()),
            arg,
            Kind::Arg,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Enum, EnumVariant, Method, Service, Type, Union, UnionVariant};
    use crate::reserved::{PHP, RUBY};

    fn schema(enums: &[(&str, &[&str])]) -> Schema {
        let types = enums
            .iter()
            .map(|(name, variants)| {
                TypeDef::Enum(Enum {
                    name: (*name).to_owned(),
                    doc: None,
                    annotations: vec![],
                    variants: variants
                        .iter()
                        .map(|v| EnumVariant {
                            name: (*v).to_owned(),
                            doc: None,
                            annotations: vec![],
                        })
                        .collect(),
                })
            })
            .collect();
        Schema {
            types,
            ..Schema::default()
        }
    }

    #[test]
    fn names_merged_by_a_spelling_are_made_distinct_in_their_scope() {
        let schema = schema(&[("Variant", &["BEGIN", "begin", "x"]), ("variant", &["x"])]);
        let ruby = Names::new(
            &schema,
            Spelling {
                reserved: &RUBY,
                spell: |name, kind| match kind {
                    Kind::Type => {
                        let mut upper = name.to_owned();
                        upper[..1].make_ascii_uppercase();
                        upper
                    }
                    _ => name.to_ascii_uppercase(),
                },
                derive: |_, _, _, _| None,
            },
        );
        assert_eq!(ruby.type_name("Variant"), "Variant");
        assert_eq!(ruby.type_name("variant"), "VariantType");
        assert_eq!(ruby.type_name("x"), "X");
        assert_eq!(ruby.member("Variant", "BEGIN"), "BEGIN_");
        assert_eq!(ruby.member("Variant", "begin"), "BEGIN__");
        // Scopes are separate: `x` is `X` in both enums.
        assert_eq!(ruby.member("variant", "x"), "X");
        // PHP compares class names case-insensitively.
        let php = Names::new(
            &schema,
            Spelling {
                reserved: &PHP,
                spell: |name, _| name.to_owned(),
                derive: |_, _, _, _| None,
            },
        );
        assert_eq!(php.type_name("variant"), "variantType");
    }

    #[test]
    fn a_plan_builds_the_names_of_each_language_once() {
        let schema = schema(&[("Variant", &["x"])]);
        let plan = crate::Plan::new(&schema).unwrap();
        let upper = Spelling {
            reserved: &RUBY,
            spell: |name, _| name.to_ascii_uppercase(),
            derive: |_, _, _, _| None,
        };
        let lower = Spelling {
            reserved: &PHP,
            spell: |name, _| name.to_ascii_lowercase(),
            ..upper
        };
        let first = plan.names(upper);
        assert!(std::sync::Arc::ptr_eq(&first, &plan.names(upper)));
        assert_eq!(first.type_name("Variant"), "VARIANT");
        assert_eq!(plan.names(lower).type_name("Variant"), "variant");
    }

    /// Variant classes `{Union}{Variant}`, event classes `{Service}{Method}` and error sets
    /// `{Method}Error`, upper-casing the first letter of each part; decoders `{union}_from_wire`.
    fn derive(names: &Names, kind: Derived, owner: &str, member: &str) -> Option<String> {
        let upper = |s: &str| s[..1].to_ascii_uppercase() + &s[1..];
        Some(match kind {
            Derived::VariantClass => format!("{}{}", names.type_name(owner), upper(member)),
            Derived::EventClass => format!("{}{}", names.service(owner), upper(member)),
            Derived::ErrorSet => format!("{}Error", upper(member)),
            Derived::UnionDecoder => format!("{}_from_wire", owner.to_ascii_lowercase()),
        })
    }

    fn method(name: &str, returns: Returns, throws: &[&str]) -> Method {
        Method {
            name: name.to_owned(),
            doc: None,
            annotations: vec![],
            args: vec![],
            returns,
            throws: throws.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    #[test]
    fn derived_classes_are_distinct_from_every_class_of_the_package() {
        let union = |name: &str, variants: &[&str]| {
            TypeDef::Union(Union {
                name: name.to_owned(),
                doc: None,
                annotations: vec![],
                variants: variants
                    .iter()
                    .map(|v| UnionVariant {
                        name: (*v).to_owned(),
                        doc: None,
                        annotations: vec![],
                        ty: Type::I32,
                    })
                    .collect(),
            })
        };
        let mut schema = schema(&[("FeedMoved", &["x"]), ("GetError", &["x"])]);
        schema.types.push(union("A", &["bC", "d"]));
        schema.types.push(union("AB", &["c"]));
        schema.types.push(union("Feed", &["client", "moved"]));
        schema.types.push(union("Ab", &["x"]));
        let several = &["E1", "E2"];
        schema.services.push(Service {
            name: "Feed".to_owned(),
            doc: None,
            annotations: vec![],
            methods: vec![
                method("moved", Returns::Oneway, &[]),
                method("Moved", Returns::Oneway, &[]),
                method("handler", Returns::Oneway, &[]),
                method("get", Returns::Nothing, several),
                method("Get", Returns::Nothing, several),
                method("one", Returns::Nothing, &["E1"]),
            ],
        });
        let names = Names::new(
            &schema,
            Spelling {
                reserved: &RUBY,
                spell: |name, _| name.to_owned(),
                derive,
            },
        );
        let variant = |union, variant| names.derived(Derived::VariantClass, union, variant);
        assert_eq!(variant("A", "bC"), "ABC");
        assert_eq!(variant("A", "d"), "AD");
        assert_eq!(variant("AB", "c"), "ABCVariant");
        // Not a service's client, nor a type (case-insensitively).
        assert_eq!(variant("Feed", "client"), "FeedClientVariant");
        assert_eq!(variant("Feed", "moved"), "FeedMovedVariant");
        let event = |method| names.derived(Derived::EventClass, "Feed", method);
        assert_eq!(event("moved"), "FeedMovedEvent");
        assert_eq!(event("Moved"), "FeedMovedEventEvent");
        assert_eq!(event("handler"), "FeedHandlerEvent");
        let set = |method| names.derived(Derived::ErrorSet, "Feed", method);
        assert_eq!(set("get"), "GetErrorError");
        assert_eq!(set("Get"), "GetErrorErrorError");
        let decoder = |union| names.derived(Derived::UnionDecoder, union, "");
        assert_eq!(decoder("AB"), "ab_from_wire");
        assert_eq!(decoder("Ab"), "ab_from_wire_");
        // The types keep their names.
        assert_eq!(names.type_name("FeedMoved"), "FeedMoved");
    }
}
