//! A field with a default takes it when it is nil on the wire, as when it is absent, in the Rust
//! generated from the corpus as in every language (docs/idl.md): a peer that sends nil for
//! "unset" gets the same value everywhere.

use zrpc_conformance_server::corpus_defaults::generated::conformance_defaults::Everything;

fn decode(value: &rmpv::Value) -> Everything {
    let mut bytes = Vec::new();
    rmpv::encode::write_value(&mut bytes, value).unwrap();
    rmp_serde::from_slice(&bytes).unwrap()
}

#[test]
fn nil_stands_for_the_default_of_every_field() {
    let key = |name: &str| rmpv::Value::from(name);
    let absent = decode(&rmpv::Value::Map(vec![(key("required"), 7.into())]));
    // Every field of the wire form, nil but the required one.
    let bytes = rmp_serde::to_vec_named(&absent).unwrap();
    let named = rmpv::decode::read_value(&mut bytes.as_slice()).unwrap();
    let rmpv::Value::Map(entries) = named else {
        panic!("a struct travels as a map");
    };
    assert!(entries.len() > 20, "{entries:?}");
    let nil: Vec<_> = entries
        .into_iter()
        .map(|(name, value)| match name.as_str() {
            Some("required") => (name, value),
            _ => (name, rmpv::Value::Nil),
        })
        .collect();
    assert_eq!(decode(&rmpv::Value::Map(nil)), absent);
}
