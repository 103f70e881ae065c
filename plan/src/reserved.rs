//! The one reserved-name table of each language.
//!
//! A name is reserved in a [`Position`] when writing it there would not compile, would change
//! the meaning of the generated code or would hide something the generated code relies on:
//! keywords (hard and contextual), magic names, builtins the generated code calls, and the
//! members the generated code itself defines. [`Reserved::escape`] applies the language's usual
//! escape (`class_`, `r#type`, `ClassType`). Wire names never change.

/// Where a name is spelled in generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// A class, module, enum or type-alias name.
    Type,
    /// A union variant's name as spelled in its class: a class of its own inside the union's
    /// module (Ruby), or a part of one (`ShapeCircle` in Python, `CircleShape` in PHP).
    Variant,
    /// A struct field: attribute, constructor parameter, local of the decoder.
    Field,
    /// A field of an `error` type, which also inherits the runtime error's members.
    ErrorField,
    /// An enum member / case / constant.
    EnumMember,
    /// A client method.
    Method,
    /// A method argument (a local of the client method).
    Arg,
    /// A const of the schema.
    Const,
    /// A segment of a namespace / package / module path.
    Module,
    /// A local of a generated decoder that holds a field's raw wire value (named after the
    /// field, so it must not clobber the decoder's own locals).
    Local,
}

use Position::*;

/// Every position a member of a generated class can take.
const MEMBERS: &[Position] = &[Field, ErrorField, Method];
/// Locals and parameters.
const LOCALS: &[Position] = &[Field, ErrorField, Arg, Local];
/// Every position but [`Variant`], which languages that spell a variant as part of a class
/// name (`ShapeCircle`) do not reserve.
const ALL: &[Position] = &[
    Type, Field, ErrorField, EnumMember, Method, Arg, Const, Module, Local,
];

/// A language's reserved names: `(name, where it is reserved)`.
pub struct Reserved {
    pub language: &'static str,
    pub words: &'static [(&'static [&'static str], &'static [Position])],
    /// Positions where the language compares names case-insensitively (PHP classes, whose
    /// file names follow them, and methods), for reserved words and for distinctness.
    pub case_insensitive: &'static [Position],
    /// What [`Reserved::escape`] appends.
    pub suffix: &'static str,
    /// A different suffix for some positions (PHP keeps camelCaps / StudlyCaps: `ClassType`).
    pub position_suffixes: &'static [(Position, &'static str)],
}

impl Reserved {
    pub fn is_reserved(&self, name: &str, position: Position) -> bool {
        self.words.iter().any(|(names, positions)| {
            positions.contains(&position)
                && names.iter().any(|word| {
                    *word == name
                        || (self.case_insensitive.contains(&position)
                            && word.eq_ignore_ascii_case(name))
                })
        })
    }

    /// `name` with the suffix appended until it is free in `position`.
    pub fn escape(&self, name: &str, position: Position) -> String {
        let suffix = self.suffix_for(position);
        let mut escaped = name.to_owned();
        while self.is_reserved(&escaped, position) {
            escaped.push_str(suffix);
        }
        escaped
    }

    /// The spellings of one scope's names (a struct's fields, a method's arguments, an enum's
    /// members, the schema's types), in order: `spell(name)` escaped for `position`; a name that
    /// would be spelled like an earlier one (`BEGIN` and `begin` both snake-case to `begin`;
    /// `Variant` and `variant` are one PHP class) gets the suffix until it is distinct.
    pub fn distinct<'n>(
        &self,
        names: impl IntoIterator<Item = &'n str>,
        position: Position,
        spell: impl Fn(&str) -> String,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in names {
            let mut spelled = self.escape(&spell(name), position);
            while out
                .iter()
                .any(|earlier| self.same(earlier, &spelled, position))
            {
                spelled.push_str(self.suffix_for(position));
                spelled = self.escape(&spelled, position);
            }
            out.push(spelled);
        }
        out
    }

    /// Whether two spellings name the same thing in `position`.
    fn same(&self, a: &str, b: &str, position: Position) -> bool {
        a == b || (self.case_insensitive.contains(&position) && a.eq_ignore_ascii_case(b))
    }

    fn suffix_for(&self, position: Position) -> &'static str {
        self.position_suffixes
            .iter()
            .find(|(p, _)| *p == position)
            .map_or(self.suffix, |(_, suffix)| suffix)
    }

    /// Every reserved name, once (for the keyword corpus and tests).
    pub fn all_words(&self) -> Vec<&'static str> {
        let mut words: Vec<&'static str> = self
            .words
            .iter()
            .flat_map(|(names, _)| names.iter().copied())
            .collect();
        words.sort_unstable();
        words.dedup();
        words
    }
}

pub static PYTHON: Reserved = Reserved {
    language: "python",
    case_insensitive: &[],
    suffix: "_",
    // A union variant is part of a CapWords class name (`ChoiceBeginVariant`).
    position_suffixes: &[(Variant, "Variant")],
    words: &[
        // Hard keywords.
        (
            &[
                "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
                "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
                "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
                "raise", "return", "try", "while", "with", "yield",
            ],
            ALL,
        ),
        // Soft keywords: legal names, but `type X = ...` and `match` read badly as types.
        (&["match", "case", "type", "_"], &[Type]),
        // Builtins and imports the generated modules use in annotations and bodies: a class or
        // class attribute of that name would shadow them for the rest of the class or module.
        (
            &[
                "self",
                "cls",
                "bool",
                "int",
                "float",
                "str",
                "bytes",
                "list",
                "dict",
                "object",
                "tuple",
                "field",
                "dataclass",
                "annotations",
                "Enum",
                "Any",
                "Optional",
                "Union",
                "Final",
                "Sequence",
                "Mapping",
                "Iterator",
                "AsyncIterator",
                "zrpc",
                // Error classes call `super().__init__`.
                "super",
            ],
            ALL,
        ),
        // Every client method's own keyword argument.
        (&["timeout"], &[Arg]),
        // Members every generated struct / enum / variant class defines.
        (&["to_wire", "from_wire", "value"], &[Field, ErrorField]),
        // Inside a class body the method shadows a class of the same name in annotations.
        (&["to_wire", "from_wire"], &[Type]),
        // Members of every client class.
        (&["close", "connection"], &[Method]),
        // Locals of the decoders and of client methods: a field of that name is fine (it is an
        // attribute and a keyword argument), but the decoder's local for it is escaped.
        (
            &["data", "fields", "details", "result", "item", "cls"],
            &[Arg, Local],
        ),
        // Inherited from `RemoteError` / `Exception`.
        (
            &[
                "name",
                "message",
                "traceback",
                "args",
                "with_traceback",
                "add_note",
                "from_remote",
            ],
            &[ErrorField],
        ),
        // Enum machinery: `_sunder_` and `__dunder__` names are not members (see `is_magic`).
        (
            &[
                "_value_",
                "_name_",
                "_missing_",
                "_ignore_",
                "_order_",
                "_generate_next_value_",
                "mro",
            ],
            &[EnumMember],
        ),
    ],
};

/// Python treats `_sunder_`, `__dunder__` and `__private` names specially in a class body.
pub fn python_is_magic(name: &str) -> bool {
    (name.starts_with('_') && name.ends_with('_') && name.len() > 1) || name.starts_with("__")
}

pub static RUBY: Reserved = Reserved {
    language: "ruby",
    case_insensitive: &[],
    suffix: "_",
    // Class and module names are CamelCase without underscores (rubocop): `HashType`.
    position_suffixes: &[(Type, "Type"), (Variant, "Type")],
    words: &[
        // Keywords, including the magic `__FILE__` family and `BEGIN` / `END` blocks: never a
        // local, parameter or constant.
        (
            &[
                "__ENCODING__",
                "__LINE__",
                "__FILE__",
                "BEGIN",
                "END",
                "alias",
                "and",
                "begin",
                "break",
                "case",
                "class",
                "def",
                "defined?",
                "do",
                "else",
                "elsif",
                "end",
                "ensure",
                "false",
                "for",
                "if",
                "in",
                "module",
                "next",
                "nil",
                "not",
                "or",
                "redo",
                "rescue",
                "retry",
                "return",
                "self",
                "super",
                "then",
                "true",
                "undef",
                "unless",
                "until",
                "when",
                "while",
                "yield",
            ],
            &[
                Type, Variant, Field, ErrorField, EnumMember, Arg, Const, Module,
            ],
        ),
        // Kernel / Object methods a reader or client method must not replace.
        (
            &[
                "class",
                "clone",
                "display",
                "dup",
                "freeze",
                "frozen?",
                "hash",
                "inspect",
                "instance_variables",
                "is_a?",
                "method",
                "methods",
                "object_id",
                "send",
                "public_send",
                "tap",
                "then",
                "to_s",
                "initialize",
                "binding",
                "raise",
                "loop",
                "puts",
                "p",
                "require",
                "format",
                "lambda",
                "proc",
            ],
            MEMBERS,
        ),
        // Methods every generated struct, error and variant defines.
        (
            &["to_h", "to_wire", "from_wire", "value", "eql?"],
            &[Field, ErrorField],
        ),
        // Members of every client.
        (&["close", "connection"], &[Method]),
        // Locals of the generated decoders and client methods, and their `timeout:` keyword.
        (&["wire", "item", "items", "result", "block"], LOCALS),
        (&["timeout"], &[Arg]),
        // Inherited from `Zrpc::RemoteError` / `StandardError`.
        (
            &[
                "name",
                "message",
                "remote_message",
                "traceback",
                "backtrace",
                "cause",
                "full_message",
                "exception",
                "backtrace_locations",
                "detailed_message",
            ],
            &[ErrorField],
        ),
        // Deprecated constants rubocop's `Lint/DeprecatedConstants` reads as `true`/`false`/`nil`.
        (&["TRUE", "FALSE", "NIL"], &[EnumMember, Const]),
        // Constants every generated module or class defines, and core classes it refers to.
        (
            &["ALL", "VARIANTS", "FIELDS", "ERRORS"],
            &[EnumMember, Type, Variant, Const],
        ),
        (
            &[
                "Protocol",
                "Constants",
                "Hash",
                "Array",
                "String",
                "Float",
                "Integer",
                "Object",
                "Kernel",
                "Comparable",
                "Struct",
                "StandardError",
                "Zrpc",
                "MessagePack",
            ],
            &[Type, Variant, Const],
        ),
    ],
};

pub static PHP: Reserved = Reserved {
    language: "php",
    case_insensitive: &[Type, Method],
    suffix: "_",
    // PSR-1: class names in StudlyCaps, methods (and by convention properties) in camelCaps.
    position_suffixes: &[
        (Type, "Type"),
        (Variant, "Variant"),
        (Field, "Field"),
        (ErrorField, "Field"),
        (Arg, "Arg"),
        (Method, "Method"),
    ],
    words: &[
        // Reserved and soft-reserved words PHP forbids as class, interface or enum names
        // (compared case-insensitively), plus the classes every generated tree defines.
        (
            &[
                "abstract",
                "and",
                "array",
                "as",
                "bool",
                "break",
                "callable",
                "case",
                "catch",
                "class",
                "clone",
                "const",
                "continue",
                "declare",
                "default",
                "do",
                "echo",
                "else",
                "elseif",
                "empty",
                "enddeclare",
                "endfor",
                "endforeach",
                "endif",
                "endswitch",
                "endwhile",
                "enum",
                "eval",
                "exit",
                "die",
                "extends",
                "false",
                "final",
                "finally",
                "float",
                "fn",
                "for",
                "foreach",
                "function",
                "global",
                "goto",
                "if",
                "implements",
                "include",
                "include_once",
                "instanceof",
                "insteadof",
                "int",
                "interface",
                "isset",
                "iterable",
                "list",
                "match",
                "mixed",
                "namespace",
                "never",
                "new",
                "null",
                "numeric",
                "object",
                "or",
                "parent",
                "print",
                "private",
                "protected",
                "public",
                "readonly",
                "require",
                "require_once",
                "resource",
                "return",
                "self",
                "static",
                "string",
                "switch",
                "throw",
                "trait",
                "true",
                "try",
                "unset",
                "use",
                "var",
                "void",
                "while",
                "xor",
                "yield",
                "__halt_compiler",
                "__class__",
                "__dir__",
                "__file__",
                "__function__",
                "__line__",
                "__method__",
                "__namespace__",
                "__trait__",
                "runtime",
                "constants",
            ],
            &[Type, Module],
        ),
        // `Enum::class` is the class name, so no case or constant may be called `class`.
        (&["class"], &[EnumMember, Const]),
        // `$this` is no parameter; locals of the generated constructors and decoders.
        (&["this"], &[Field, ErrorField, Arg]),
        // Not even a named argument or a case may be called `__halt_compiler`.
        (
            &["__halt_compiler"],
            &[Field, ErrorField, Arg, EnumMember, Const],
        ),
        (
            &["wire", "value", "item", "variant", "count", "timeout"],
            &[Arg],
        ),
        // Magic methods and the members of every client.
        (
            &[
                "__construct",
                "__destruct",
                "__call",
                "__callStatic",
                "__get",
                "__set",
                "__isset",
                "__unset",
                "__sleep",
                "__wakeup",
                "__serialize",
                "__unserialize",
                "__toString",
                "__invoke",
                "__set_state",
                "__clone",
                "__debugInfo",
                "close",
                "connection",
            ],
            &[Method],
        ),
        // Inherited from `Zrpc\RemoteException` / `Exception`.
        (
            &[
                "name",
                "remoteMessage",
                "traceback",
                "message",
                "code",
                "file",
                "line",
                "previous",
            ],
            &[ErrorField],
        ),
    ],
};

pub static RUST: Reserved = Reserved {
    language: "rust",
    case_insensitive: &[],
    suffix: "_",
    position_suffixes: &[],
    words: &[
        // Strict, reserved and edition-2018+ keywords: written as raw identifiers (`r#type`).
        (RUST_RAW_KEYWORDS, ALL),
        (RUST_RAW_KEYWORDS, &[Variant]),
        // Keywords that cannot be raw identifiers.
        (RUST_UNRAWABLE_KEYWORDS, ALL),
        (RUST_UNRAWABLE_KEYWORDS, &[Variant]),
        // The serde traits the generated module imports for its derives.
        (&["Serialize", "Deserialize"], &[Type]),
        // Items the service expansion adds next to the methods.
        (
            &[
                "builder",
                "client",
                "connect",
                "from_client",
                "idl",
                "into_service",
                "schema",
            ],
            &[Method],
        ),
    ],
};

/// Rust keywords `r#` can escape.
pub const RUST_RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Rust keywords that cannot be raw identifiers: they get a trailing underscore.
pub const RUST_UNRAWABLE_KEYWORDS: &[&str] = &["crate", "self", "Self", "super", "_"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_by_position() {
        assert_eq!(PYTHON.escape("class", Field), "class_");
        assert_eq!(PYTHON.escape("message", Field), "message");
        assert_eq!(PYTHON.escape("message", ErrorField), "message_");
        assert_eq!(RUBY.escape("END", EnumMember), "END_");
        assert_eq!(RUBY.escape("to_h", Field), "to_h_");
        assert_eq!(PHP.escape("List", Type), "ListType");
        assert_eq!(PHP.escape("message", ErrorField), "messageField");
        assert_eq!(PHP.escape("List", Field), "List");
        assert!(python_is_magic("_value_") && python_is_magic("__x") && !python_is_magic("x_"));
    }

    #[test]
    fn lists_every_word_once() {
        let words = RUBY.all_words();
        assert!(words.contains(&"__FILE__") && words.contains(&"to_wire"));
        assert_eq!(words.iter().filter(|w| **w == "class").count(), 1);
    }
}
