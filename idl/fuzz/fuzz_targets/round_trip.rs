//! Any text that parses: printing its schema gives text that parses back to the same schema, and
//! formatting is idempotent (`zrpc fmt` on formatted text changes nothing).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if source.contains("import") {
        return;
    }
    if let Ok(schema) = zrpc_idl::parse_str(source, "fuzz.zrpc") {
        let printed = zrpc_idl::print(&schema);
        let reparsed = zrpc_idl::parse_str(&printed, "printed.zrpc")
            .unwrap_or_else(|errors| panic!("printed schema does not parse:\n{errors}\n{printed}"));
        assert_eq!(reparsed, schema, "round trip changed the schema:\n{printed}");
        assert_eq!(zrpc_idl::print(&reparsed), printed, "printing is not stable");
    }
    if let Ok(formatted) = zrpc_idl::format_str(source, "fuzz.zrpc") {
        match zrpc_idl::format_str(&formatted, "fuzz.zrpc") {
            Ok(again) => assert_eq!(again, formatted, "formatting is not idempotent"),
            Err(errors) => panic!("formatted text does not format:\n{errors}\n{formatted}"),
        }
    }
});
