//! Any text: parsing, validation, rendering diagnostics and formatting never panic, a schema
//! that parses prints to text that parses back to the same schema, and formatting is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    // Imports would read arbitrary paths; the property tests cover them.
    if source.contains("import") {
        return;
    }
    match zrpc_idl::parse_str(source, "fuzz.zrpc") {
        Ok(schema) => {
            let printed = zrpc_idl::print(&schema);
            let reparsed = zrpc_idl::parse_str(&printed, "printed.zrpc")
                .unwrap_or_else(|errors| panic!("printed schema does not parse:\n{errors}\n{printed}"));
            assert_eq!(reparsed, schema, "round trip changed the schema:\n{printed}");
        }
        Err(errors) => {
            let _ = errors.to_string();
        }
    }
    if let Ok(formatted) = zrpc_idl::format_str(source, "fuzz.zrpc") {
        let again = zrpc_idl::format_str(&formatted, "fuzz.zrpc").ok();
        assert_eq!(again.as_deref(), Some(formatted.as_str()), "formatting is not idempotent");
    }
});
