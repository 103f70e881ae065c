//! Any text: parsing, validation and rendering the diagnostics never panic, and every diagnostic
//! names the file.
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
    if let Err(errors) = zrpc_idl::parse_str(source, "fuzz.zrpc") {
        let text = errors.to_string();
        assert!(text.contains("fuzz.zrpc"), "a diagnostic without the file:\n{text}");
    }
    if let Err(errors) = zrpc_idl::format_str(source, "fuzz.zrpc") {
        let _ = errors.to_string();
    }
});
