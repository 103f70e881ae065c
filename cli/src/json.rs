//! JSON on the command line, msgpack on the wire.
//!
//! Arguments: each one is parsed as JSON and falls back to a plain string, so `5` is an integer,
//! `"5"` and `five` are strings, `[1,2]` is a list and `{"x":1}` a map.
//!
//! Results: msgpack values map to JSON one to one, except
//! - bin: a JSON string when the bytes are UTF-8, else a JSON list of byte values (0-255);
//! - map keys that are not strings: their JSON text (`1`, `true`, ...) as the key;
//! - NaN and infinities: the strings `"NaN"`, `"inf"`, `"-inf"` (JSON has no such numbers);
//! - ext values: `{"ext": TYPE, "data": [bytes...]}`.

use rmpv::Value as Msgpack;
use serde_json::{Map, Number, Value as Json};

/// Parses one command-line argument: JSON if it is valid JSON, else the text as a string.
pub fn parse_arg(text: &str) -> Msgpack {
    match serde_json::from_str::<Json>(text) {
        Ok(json) => from_json(&json),
        Err(_) => Msgpack::from(text),
    }
}

/// Converts JSON to msgpack: integers stay integers, other numbers become f64.
pub fn from_json(json: &Json) -> Msgpack {
    match json {
        Json::Null => Msgpack::Nil,
        Json::Bool(b) => Msgpack::Boolean(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                Msgpack::from(i)
            } else if let Some(u) = n.as_u64() {
                Msgpack::from(u)
            } else {
                Msgpack::F64(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Json::String(s) => Msgpack::from(s.as_str()),
        Json::Array(items) => Msgpack::Array(items.iter().map(from_json).collect()),
        Json::Object(entries) => Msgpack::Map(
            entries
                .iter()
                .map(|(k, v)| (Msgpack::from(k.as_str()), from_json(v)))
                .collect(),
        ),
    }
}

/// Converts a msgpack value to JSON for printing (see the module docs for the lossy cases).
pub fn to_json(value: &Msgpack) -> Json {
    match value {
        Msgpack::Nil => Json::Null,
        Msgpack::Boolean(b) => Json::Bool(*b),
        Msgpack::Integer(i) => i
            .as_i64()
            .map(Json::from)
            .or_else(|| i.as_u64().map(Json::from))
            .unwrap_or(Json::Null),
        Msgpack::F32(f) => float(f64::from(*f)),
        Msgpack::F64(f) => float(*f),
        Msgpack::String(s) => match s.as_str() {
            Some(text) => Json::String(text.to_owned()),
            None => bytes(s.as_bytes()),
        },
        Msgpack::Binary(b) => bytes(b),
        Msgpack::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Msgpack::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (key(k), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        Msgpack::Ext(kind, data) => {
            let mut map = Map::new();
            map.insert("ext".into(), Json::from(*kind));
            map.insert("data".into(), Json::from(data.clone()));
            Json::Object(map)
        }
    }
}

fn float(f: f64) -> Json {
    match Number::from_f64(f) {
        Some(n) => Json::Number(n),
        None if f.is_nan() => Json::from("NaN"),
        None if f > 0.0 => Json::from("inf"),
        None => Json::from("-inf"),
    }
}

fn bytes(data: &[u8]) -> Json {
    match std::str::from_utf8(data) {
        Ok(text) => Json::String(text.to_owned()),
        Err(_) => Json::from(data.to_vec()),
    }
}

fn key(value: &Msgpack) -> String {
    match to_json(value) {
        Json::String(s) => s,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_json_or_strings() {
        assert_eq!(parse_arg("5"), Msgpack::from(5));
        assert_eq!(parse_arg("-5"), Msgpack::from(-5));
        assert_eq!(parse_arg("2.5"), Msgpack::F64(2.5));
        assert_eq!(parse_arg("\"5\""), Msgpack::from("5"));
        assert_eq!(parse_arg("five"), Msgpack::from("five"));
        assert_eq!(parse_arg("null"), Msgpack::Nil);
        assert_eq!(parse_arg("true"), Msgpack::Boolean(true));
        assert_eq!(
            parse_arg("[1, \"a\"]"),
            Msgpack::Array(vec![1.into(), "a".into()])
        );
        assert_eq!(
            parse_arg("{\"x\": 1}"),
            Msgpack::Map(vec![("x".into(), 1.into())])
        );
        assert_eq!(parse_arg("{not json"), Msgpack::from("{not json"));
        assert_eq!(parse_arg("18446744073709551615"), Msgpack::from(u64::MAX));
    }

    #[test]
    fn results_print_as_json() {
        let value = Msgpack::Map(vec![
            ("bin".into(), Msgpack::Binary(b"hi".to_vec())),
            ("raw".into(), Msgpack::Binary(vec![0xff, 0])),
            (Msgpack::from(1), Msgpack::F64(f64::NAN)),
            ("big".into(), Msgpack::from(u64::MAX)),
            ("ext".into(), Msgpack::Ext(3, vec![1])),
        ]);
        assert_eq!(
            to_json(&value).to_string(),
            r#"{"bin":"hi","raw":[255,0],"1":"NaN","big":18446744073709551615,"ext":{"ext":3,"data":[1]}}"#
        );
    }
}
