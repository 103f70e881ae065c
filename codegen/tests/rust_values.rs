//! Values the Rust back end writes: a null of type `any` is `zrpc::Any::Nil`, not an absent
//! optional (found by the live conformance test, `tests/conformance-server`).

#[test]
fn a_null_of_type_any_is_any_nil() {
    let schema = zrpc_idl::parse_str(
        "struct S {\n    a: any = null\n    m: map<string, any> = {\"k\": null}\n    o: any? = null\n}\n",
        "values.zrpc",
    )
    .unwrap();
    let text = zrpc_codegen::rust::generate(&schema).unwrap();
    assert!(
        text.contains("(\"k\".to_owned(), zrpc::Any::Nil)"),
        "{text}"
    );
    assert!(!text.contains("(\"k\".to_owned(), None)"), "{text}");
    syn::parse_file(&text).unwrap();
}
