mod common;

use std::time::Duration;

use common::test_service;
use zrpc::rmpv::Value;
use zrpc::{Client, Error, MethodInfo, Reply, Server, Service};

fn get<'a>(map: &'a Value, key: &str) -> &'a Value {
    map.as_map()
        .unwrap()
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
        .unwrap()
}

#[tokio::test]
async fn stock_introspection_shapes() {
    let server = Server::bind("tcp://127.0.0.1:0", test_service(Default::default()))
        .await
        .unwrap();
    let client = Client::connect(&server.endpoint()).await.unwrap();
    assert_eq!(
        client.call("_zerorpc_name", vec![]).await.unwrap(),
        Value::from("TestService")
    );
    assert_eq!(
        client.call("_zerorpc_ping", vec![]).await.unwrap(),
        Value::Array(vec!["pong".into(), "TestService".into()])
    );
    let list = client.call("_zerorpc_list", vec![]).await.unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "add",
            "echo",
            "divide",
            "translate",
            "countdown",
            "fail_after",
            "sleep",
            "block",
            "log"
        ]
    );
    assert_eq!(
        client
            .call("_zerorpc_help", vec!["add".into()])
            .await
            .unwrap(),
        Value::from("Adds two integers.")
    );
    assert_eq!(
        client
            .call("_zerorpc_help", vec!["echo".into()])
            .await
            .unwrap(),
        Value::Nil
    );
    let err = client
        .call("_zerorpc_help", vec!["nosuch".into()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Remote(ref e) if e.name == "KeyError"),
        "{err:?}"
    );
    assert_eq!(
        client
            .call("_zerorpc_args", vec!["add".into()])
            .await
            .unwrap(),
        Value::Array(vec![
            Value::Array(vec!["a".into(), "b".into()]),
            Value::Nil,
            Value::Nil,
            Value::Nil
        ])
    );
    let inspect = client.call("_zerorpc_inspect", vec![]).await.unwrap();
    assert_eq!(get(&inspect, "name"), &Value::from("TestService"));
    let add = get(get(&inspect, "methods"), "add");
    assert_eq!(
        get(add, "args"),
        &Value::Array(vec![
            Value::Map(vec![("name".into(), "a".into())]),
            Value::Map(vec![("name".into(), "b".into())])
        ])
    );
    assert_eq!(get(add, "doc"), &Value::from("Adds two integers."));
    assert_eq!(
        get(get(get(&inspect, "methods"), "echo"), "doc"),
        &Value::Nil
    );
    // Without a model, `_zrpc_model` is just an unknown method.
    let err = client.call("_zrpc_model", vec![]).await.unwrap_err();
    assert!(
        matches!(err, Error::Remote(ref e) if e.name == "NameError"),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_attached_model_is_served() {
    use zrpc::typed::model::Schema;
    let schema = Schema {
        doc: Some("A test schema.".into()),
        ..Schema::default()
    };
    let service = Service::builder("Modelled")
        .method("nothing", MethodInfo::unary(&[]), |_| async {
            Ok(Reply::nil())
        })
        .model(&schema)
        .build();
    let server = Server::bind("tcp://127.0.0.1:0", service).await.unwrap();
    let client = Client::connect(&server.endpoint()).await.unwrap();
    let served: Schema = client.call_typed("_zrpc_model", &()).await.unwrap();
    assert_eq!(served, schema);
    let raw = client.call("_zrpc_model", vec![]).await.unwrap();
    assert_eq!(get(&raw, "doc"), &Value::from("A test schema."));
    assert_eq!(client.call("nothing", vec![]).await.unwrap(), Value::Nil);
}

#[tokio::test]
async fn binds_the_wildcard_address() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server::bind(&format!("tcp://*:{port}"), test_service(Default::default()))
        .await
        .unwrap();
    assert_eq!(server.endpoints(), [format!("tcp://0.0.0.0:{port}")]);
    let client = Client::connect(&format!("tcp://127.0.0.1:{port}"))
        .await
        .unwrap();
    assert_eq!(
        client.call("add", vec![1.into(), 2.into()]).await.unwrap(),
        Value::from(3)
    );
}

#[tokio::test]
async fn binds_ipv6_and_several_endpoints() {
    let server = Server::builder(test_service(Default::default()))
        .bind("tcp://[::1]:0")
        .bind("tcp://127.0.0.1:0")
        .start()
        .await
        .unwrap();
    assert_eq!(server.endpoints().len(), 2);
    for endpoint in server.endpoints() {
        let client = Client::connect(endpoint).await.unwrap();
        assert_eq!(
            client.call("add", vec![2.into(), 2.into()]).await.unwrap(),
            Value::from(4)
        );
    }
}

#[tokio::test]
async fn serves_over_ipc() {
    let path = std::env::temp_dir().join(format!("zrpc-test-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let endpoint = format!("ipc://{}", path.display());
    let server = Server::bind(&endpoint, test_service(Default::default()))
        .await
        .unwrap();
    let client = Client::builder(&endpoint)
        .timeout(Duration::from_secs(5))
        .connect()
        .await
        .unwrap();
    assert_eq!(
        client.call("add", vec![3.into(), 4.into()]).await.unwrap(),
        Value::from(7)
    );
    drop(server);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn bad_endpoints_are_clear_errors() {
    let err = Client::connect("inproc://x").await.unwrap_err();
    assert!(matches!(err, Error::InvalidEndpoint { .. }), "{err:?}");
    let err = Server::bind("tcp://127.0.0.1", test_service(Default::default()))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, Error::InvalidEndpoint { .. }), "{err:?}");
    let taken = Server::bind("tcp://127.0.0.1:0", test_service(Default::default()))
        .await
        .unwrap();
    let err = Server::bind(&taken.endpoint(), test_service(Default::default()))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}
