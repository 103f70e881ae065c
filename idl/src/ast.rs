//! The syntax tree of one `.zrpc` file: what was written, with byte spans, before names are
//! resolved. Only the front end sees it; generators read the model.

use std::ops::Range;

pub(crate) type Span = Range<usize>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Name {
    pub(crate) text: String,
    pub(crate) span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Doc {
    pub(crate) text: String,
    pub(crate) span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct File {
    /// The file's own doc: a `///` block on the first line(s), separated from the first item.
    pub(crate) doc: Option<Doc>,
    pub(crate) statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    pub(crate) doc: Option<Doc>,
    pub(crate) annotations: Vec<Annotation>,
    /// Where the annotations or the declaration begin (after the doc).
    pub(crate) start: usize,
    /// From `start` to the end of the declaration (may include comments that follow it).
    pub(crate) span: Span,
    pub(crate) decl: Decl,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decl {
    Namespace {
        lang: Name,
        path: Name,
    },
    Import {
        path: String,
        span: Span,
    },
    Const {
        name: Name,
        ty: TypeExpr,
        value: ValueExpr,
    },
    Alias {
        name: Name,
        ty: TypeExpr,
    },
    Struct {
        name: Name,
        fields: Vec<Field>,
    },
    Error {
        name: Name,
        fields: Vec<Field>,
    },
    Enum {
        name: Name,
        variants: Vec<Variant>,
    },
    Union {
        name: Name,
        variants: Vec<Variant>,
    },
    Service {
        name: Name,
        methods: Vec<Method>,
    },
}

impl Decl {
    /// The declared name, for everything that declares one.
    pub(crate) fn name(&self) -> Option<&Name> {
        match self {
            Decl::Namespace { .. } | Decl::Import { .. } => None,
            Decl::Const { name, .. }
            | Decl::Alias { name, .. }
            | Decl::Struct { name, .. }
            | Decl::Error { name, .. }
            | Decl::Enum { name, .. }
            | Decl::Union { name, .. }
            | Decl::Service { name, .. } => Some(name),
        }
    }

    /// How the user calls this kind of declaration, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Decl::Namespace { .. } => "namespace",
            Decl::Import { .. } => "import",
            Decl::Const { .. } => "const",
            Decl::Alias { .. } => "type alias",
            Decl::Struct { .. } => "struct",
            Decl::Error { .. } => "error",
            Decl::Enum { .. } => "enum",
            Decl::Union { .. } => "union",
            Decl::Service { .. } => "service",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Annotation {
    pub(crate) name: Name,
    pub(crate) args: Vec<ValueExpr>,
    pub(crate) span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    /// The whole member, doc included (may include comments that follow it).
    pub(crate) span: Span,
    pub(crate) doc: Option<Doc>,
    pub(crate) annotations: Vec<Annotation>,
    pub(crate) name: Name,
    pub(crate) ty: TypeExpr,
    pub(crate) default: Option<ValueExpr>,
}

/// An enum variant (no type) or a union variant (with one).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Variant {
    /// The whole member, doc included (may include comments that follow it).
    pub(crate) span: Span,
    pub(crate) doc: Option<Doc>,
    pub(crate) annotations: Vec<Annotation>,
    pub(crate) name: Name,
    pub(crate) ty: Option<TypeExpr>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Method {
    /// The whole member, doc included (may include comments that follow it).
    pub(crate) span: Span,
    pub(crate) doc: Option<Doc>,
    pub(crate) annotations: Vec<Annotation>,
    pub(crate) oneway: Option<Span>,
    pub(crate) name: Name,
    pub(crate) args: Vec<Arg>,
    pub(crate) returns: Option<TypeExpr>,
    pub(crate) throws: Vec<Name>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Arg {
    pub(crate) name: Name,
    pub(crate) ty: TypeExpr,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TypeExpr {
    pub(crate) kind: TypeKind,
    pub(crate) span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TypeKind {
    /// A builtin scalar or a declared name; resolved by the validator.
    Named(String),
    List(Box<TypeExpr>),
    Map(Box<TypeExpr>, Box<TypeExpr>),
    /// Only valid as a method's result.
    Stream(Box<TypeExpr>),
    Optional(Box<TypeExpr>),
    /// A type already reported as wrong while building the tree.
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValueExpr {
    pub(crate) kind: ValueKind,
    pub(crate) span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ValueKind {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    String(String),
    List(Vec<ValueExpr>),
    Map(Vec<(ValueExpr, ValueExpr)>),
    Ident(String),
}
