//! Code generation from the zrpc service model: the Python, Ruby and PHP clients, and
//! [`compile`] for `build.rs`. The Rust back end lives in `zrpc-codegen-rust` (re-exported as
//! [`rust`]) so the proc-macros, and with them every user of the runtime, build without the
//! parser or these generators.

mod compile;
mod load;
pub mod naming;
pub mod php;
pub mod python;
pub mod ruby;

pub use compile::{compile, CompileError};
pub use load::load;
/// The Rust back end: IDL → Rust source, and the `#[rpc_service]`/`#[derive(Type)]` expansions.
pub use zrpc_codegen_rust as rust;

pub use zrpc_plan::{Backend, GenerateOptions, GeneratedFile};

use zrpc_idl::model::Schema;

/// Every backend, by `--lang` name: the CLI and tests drive languages through this list only.
pub static BACKENDS: [&(dyn Backend + Sync); 4] =
    [&python::Python, &ruby::Ruby, &php::Php, &rust::Rust];

/// The backend of `language` (`python`, `ruby`, `php`, `rust`).
pub fn backend(language: &str) -> Option<&'static dyn Backend> {
    BACKENDS
        .iter()
        .find(|backend| backend.language() == language)
        .map(|backend| *backend as &dyn Backend)
}

/// Every file `language` generates for `schema`.
pub fn generate(
    language: &str,
    schema: &Schema,
    options: &GenerateOptions,
) -> Result<Vec<GeneratedFile>, zrpc_plan::GenerateError> {
    let backend = backend(language).ok_or_else(|| {
        let known: Vec<&str> = BACKENDS.iter().map(|b| b.language()).collect();
        zrpc_plan::GenerateError::Unsupported(format!(
            "unknown language `{language}` (known: {})",
            known.join(", ")
        ))
    })?;
    backend.generate(&zrpc_plan::Plan::new(schema)?, options)
}

/// Why a schema could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("rendering template: {0}")]
    Template(#[from] askama::Error),
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    Plan(#[from] zrpc_plan::PlanError),
}

impl From<Error> for zrpc_plan::GenerateError {
    fn from(error: Error) -> Self {
        match error {
            Error::Plan(plan) => zrpc_plan::GenerateError::Plan(plan),
            Error::Template(e) => zrpc_plan::GenerateError::Template(e.to_string()),
            Error::Unsupported(message) => zrpc_plan::GenerateError::Unsupported(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zrpc_idl::model::Type;
    use zrpc_plan::{Literal, Plan};

    /// Every backend speaks the one contract: its name, its reserved table, types and literals.
    #[test]
    fn every_backend_implements_the_contract() {
        let schema = zrpc_idl::parse_str("const BIG: u64 = 18446744073709551615", "t.zrpc")
            .expect("valid IDL");
        let plan = Plan::new(&schema).unwrap();
        let big = Literal::UInt(u64::MAX);
        let seen: Vec<(&str, String, String)> = BACKENDS
            .iter()
            .map(|b| {
                assert_eq!(b.reserved().language, b.language());
                (
                    b.language(),
                    b.type_name(&plan, &Type::List(Box::new(Type::U64))),
                    b.literal(&plan, &Type::U64, &big),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("python", "list[int]".into(), "18446744073709551615".into()),
                (
                    "ruby",
                    "Array<Integer>".into(),
                    "18_446_744_073_709_551_615".into()
                ),
                ("php", "array".into(), "'18446744073709551615'".into()),
                ("rust", "Vec<u64>".into(), "18446744073709551615".into()),
            ]
        );
        assert!(backend("cobol").is_none());
        let files = generate("rust", &schema, &GenerateOptions::default()).unwrap();
        assert_eq!(files[0].path, std::path::PathBuf::from("schema.rs"));
    }

    /// The package other code imports: from `namespace LANG`, else the first service, else a
    /// neutral name — never the runtime's own `zrpc` / `Zrpc`.
    #[test]
    fn every_backend_names_its_package() {
        let packages = |idl: &str| -> Vec<String> {
            let schema = zrpc_idl::parse_str(idl, "t.zrpc").expect("valid IDL");
            let plan = Plan::new(&schema).unwrap();
            BACKENDS.iter().map(|b| b.package(&plan)).collect()
        };
        assert_eq!(
            packages("struct Wire { a: i32 }"),
            ["schema", "Schema", "Schema", ""]
        );
        assert_eq!(
            packages("service Shop_api { ping() }"),
            ["shop_api", "ShopApi", "ShopApi", ""]
        );
        assert_eq!(
            packages(
                "namespace python acme.class\nnamespace ruby Acme::Shop\n\
                 namespace php Acme\\Shop\nnamespace rust acme::type\nstruct A { a: i32 }"
            ),
            ["acme.class_", "Acme::Shop", "Acme\\Shop", "acme::r#type"]
        );
    }
}
