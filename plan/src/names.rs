//! Every name of a schema as one language spells it, distinct within each scope.
//!
//! IDL names are distinct as written, but a language's spelling can merge them: `BEGIN` and
//! `begin` both snake-case to `begin`, `Variant` and `variant` are one PHP class and one Ruby
//! file, `__FILE__` and `__file__` both become `File`. A backend gives its spelling of each
//! [`Kind`] once; [`Names`] applies [`Reserved::distinct`] to every scope (the schema's types,
//! its consts, each struct's fields, each enum's members, each union's variants, each service's
//! methods, each method's arguments), so every collision class is handled by one rule.

use std::collections::HashMap;

use crate::model::{Schema, TypeDef};
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

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Scope {
    Types,
    Consts,
    /// Fields of a struct or error, members of an enum, variants of a union.
    Members(String),
    Methods(String),
    Args(String, String),
}

/// The spellings of one language (see the module doc).
pub struct Names {
    reserved: &'static Reserved,
    spell: fn(&str, Kind) -> String,
    spelled: HashMap<(Scope, String), String>,
}

impl Names {
    /// `spell(name, kind)` is the language's spelling of one name (case conversion and
    /// escaping); collisions within a scope get the reserved table's suffix.
    pub fn new(
        schema: &Schema,
        reserved: &'static Reserved,
        spell: fn(&str, Kind) -> String,
    ) -> Names {
        let mut names = Names {
            reserved,
            spell,
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
        names
    }

    fn scope<'n>(
        &mut self,
        scope: Scope,
        names: impl Iterator<Item = &'n str> + Clone,
        kind: Kind,
    ) {
        let spelled = self
            .reserved
            .distinct(names.clone(), kind.position(), |name| {
                (self.spell)(name, kind)
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
                .reserved
                .escape(&(self.spell)(name, kind), kind.position()),
        }
    }

    /// A declared type (struct, error, enum, union, alias).
    pub fn type_name(&self, name: &str) -> String {
        self.get(Scope::Types, name, Kind::Type)
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
    use crate::model::{Enum, EnumVariant};
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
        let ruby = Names::new(&schema, &RUBY, |name, kind| match kind {
            Kind::Type => {
                let mut upper = name.to_owned();
                upper[..1].make_ascii_uppercase();
                upper
            }
            _ => name.to_ascii_uppercase(),
        });
        assert_eq!(ruby.type_name("Variant"), "Variant");
        assert_eq!(ruby.type_name("variant"), "VariantType");
        assert_eq!(ruby.type_name("x"), "X");
        assert_eq!(ruby.member("Variant", "BEGIN"), "BEGIN_");
        assert_eq!(ruby.member("Variant", "begin"), "BEGIN__");
        // Scopes are separate: `x` is `X` in both enums.
        assert_eq!(ruby.member("variant", "x"), "X");
        // PHP compares class names case-insensitively.
        let php = Names::new(&schema, &PHP, |name, _| name.to_owned());
        assert_eq!(php.type_name("variant"), "variantType");
    }
}
