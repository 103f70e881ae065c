//! A method with more arguments than serde serializes as a tuple (16) still travels as one flat
//! argument list, called through the generated client against a real server.
//! (`tests/conformance/pending/arguments.zrpc` covers the IDL path and the events.)

use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, zrpc::Type)]
pub struct Pair {
    pub left: i32,
    pub right: String,
}

#[zrpc::rpc_service]
pub trait Wide {
    /// Seventeen arguments of mixed kinds; returns them as text.
    #[allow(clippy::too_many_arguments)]
    async fn seventeen(
        &self,
        a01: bool,
        a02: i8,
        a03: i16,
        a04: i32,
        a05: i64,
        a06: u8,
        a07: u16,
        a08: u32,
        a09: u64,
        a10: f32,
        a11: f64,
        a12: String,
        a13: zrpc::Bytes,
        a14: Vec<Pair>,
        a15: Option<String>,
        a16: Option<Pair>,
        a17: Pair,
    ) -> String;
}

struct Echo;

impl Wide for Echo {
    async fn seventeen(
        &self,
        a01: bool,
        a02: i8,
        a03: i16,
        a04: i32,
        a05: i64,
        a06: u8,
        a07: u16,
        a08: u32,
        a09: u64,
        a10: f32,
        a11: f64,
        a12: String,
        a13: zrpc::Bytes,
        a14: Vec<Pair>,
        a15: Option<String>,
        a16: Option<Pair>,
        a17: Pair,
    ) -> String {
        format!(
            "{a01} {a02} {a03} {a04} {a05} {a06} {a07} {a08} {a09} {a10} {a11} {a12} {a13:?} \
             {a14:?} {a15:?} {a16:?} {a17:?}"
        )
    }
}

#[tokio::test]
async fn seventeen_arguments_round_trip_through_the_generated_client() {
    let server = zrpc::Server::bind("tcp://127.0.0.1:0", Echo.into_service())
        .await
        .unwrap();
    let client = WideClient::builder(&server.endpoint())
        .timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap();
    let pair = || Pair {
        left: -1,
        right: "r".into(),
    };
    let text = client
        .seventeen(
            true,
            -8,
            -16,
            -32,
            i64::MIN,
            255,
            65535,
            u32::MAX,
            u64::MAX,
            1.5,
            -0.25,
            "é".into(),
            zrpc::Bytes::from(vec![0, 255]),
            vec![pair()],
            None,
            Some(pair()),
            pair(),
        )
        .await
        .unwrap();
    let expected = Echo
        .seventeen(
            true,
            -8,
            -16,
            -32,
            i64::MIN,
            255,
            65535,
            u32::MAX,
            u64::MAX,
            1.5,
            -0.25,
            "é".into(),
            zrpc::Bytes::from(vec![0, 255]),
            vec![pair()],
            None,
            Some(pair()),
            pair(),
        )
        .await;
    assert_eq!(text, expected);
    server.shutdown().await;
}
