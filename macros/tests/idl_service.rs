//! Services defined in IDL: the golden Rust generated from `examples/calculator/calculator.zrpc`
//! and from `codegen/tests/golden/everything.zrpc` is compiled here, implemented, served and called
//! over real sockets. This is also the proof that the goldens compile.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt;
use zrpc::CallError;

#[allow(clippy::all)]
mod calculator {
    include!("../../codegen/tests/golden/calculator/rust/calculator.rs");
}

#[allow(dead_code)]
mod everything {
    include!("../../codegen/tests/golden/everything/rust/everything.rs");
}

use calculator::{Calculator, CalculatorClient, DivisionByZero, Point, Shape, Value};
use everything::acme::everything::{
    DeleteError, Directory, Forbidden, Node, NotFound, Option as Setting, Role, Shape as Figure,
    User, Users, UsersClient,
};

#[derive(Default)]
struct Calc {
    lines: Mutex<Vec<String>>,
}

impl Calculator for Calc {
    async fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    async fn divide(&self, a: f64, b: f64) -> Result<f64, DivisionByZero> {
        if b == 0.0 {
            Err(DivisionByZero { dividend: a })
        } else {
            Ok(a / b)
        }
    }

    async fn countdown(&self, n: u32) -> zrpc::Streaming<u32> {
        futures::stream::iter((1..=n).rev()).boxed()
    }

    async fn translate(&self, p: Point, dx: f64, dy: f64) -> Point {
        Point {
            x: p.x + dx,
            y: p.y + dy,
            ..p
        }
    }

    async fn classify(&self, values: Vec<Value>) -> BTreeMap<String, u32> {
        let mut counts = BTreeMap::new();
        for value in values {
            let kind = match value {
                Value::Int(_) => "int",
                Value::Text(_) => "text",
                Value::Point(_) => "point",
            };
            *counts.entry(kind.to_owned()).or_default() += 1;
        }
        counts
    }

    async fn echo_bytes(&self, data: zrpc::Bytes) -> zrpc::Bytes {
        data
    }

    async fn sleep(&self, ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        ms
    }

    async fn shapes(&self) -> Vec<Shape> {
        vec![Shape::Circle, Shape::Square, Shape::Triangle]
    }

    async fn log(&self, line: String) {
        self.lines.lock().unwrap().push(line);
    }
}

async fn calculator() -> (zrpc::Server, CalculatorClient) {
    let server = zrpc::Server::bind("tcp://127.0.0.1:0", Calc::default().into_service())
        .await
        .unwrap();
    let client = CalculatorClient::connect(&server.endpoint()).await.unwrap();
    (server, client)
}

#[tokio::test]
async fn idl_calculator_serves_every_method() {
    let (_server, client) = calculator().await;
    assert_eq!(client.add(40, 2).await.unwrap(), 42);
    assert_eq!(client.divide(9.0, 3.0).await.unwrap(), 3.0);
    match client.divide(9.0, 0.0).await {
        Err(CallError::Service(error)) => assert_eq!(error.dividend, 9.0),
        other => panic!("expected DivisionByZero, got {other:?}"),
    }
    let items: Vec<u32> = client
        .countdown(3)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, [3, 2, 1]);
    let p = Point {
        x: 0.0,
        y: 0.0,
        label: Some("origin".into()),
        tags: vec![],
    };
    let moved = client.translate(p, 2.0, 3.0).await.unwrap();
    assert_eq!(
        (moved.x, moved.y, moved.label.as_deref()),
        (2.0, 3.0, Some("origin"))
    );
    let counts = client
        .classify(vec![
            Value::Text("a".into()),
            Value::Point(moved),
            Value::Int(3),
        ])
        .await
        .unwrap();
    assert_eq!(counts.len(), 3);
    let data = zrpc::Bytes::from(vec![1, 2, 3, 255]);
    assert_eq!(client.echo_bytes(data.clone()).await.unwrap(), data);
    assert_eq!(client.sleep(5).await.unwrap(), 5);
    assert_eq!(client.shapes().await.unwrap().len(), 3);
    client.log("hello".into()).await.unwrap();
}

#[tokio::test]
async fn client_builder_applies_the_timeout() {
    let (server, _) = calculator().await;
    let client = CalculatorClient::builder(&server.endpoint())
        .timeout(Duration::from_millis(200))
        .heartbeat(Duration::from_secs(1))
        .connect()
        .await
        .unwrap();
    match client.sleep(2_000).await {
        Err(zrpc::Error::Timeout { .. }) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(client.add(1, 2).await.unwrap(), 3);
}

#[test]
fn idl_calculator_model_matches_the_idl() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/calculator/calculator.zrpc"
    );
    let mut idl = zrpc_idl::load(std::path::Path::new(path)).unwrap().schema;
    // The generated code embeds the validated model, plus the file stem that names the files.
    idl.file_stem = Some("calculator".to_owned());
    assert_eq!(CalculatorClient::schema(), idl);
}

struct UserStore {
    users: Mutex<BTreeMap<i64, User>>,
}

fn user(id: i64, name: &str, role: Role) -> User {
    User {
        id,
        name: name.into(),
        role,
        r#type: None,
        r#match: false,
        self_: 7,
        user_name: name.into(),
        score: 1.5,
        limit: everything::acme::everything::PAGE_SIZE,
        big: u64::MAX,
        small: -3,
        avatar: None,
        blob: zrpc::Bytes::from(b"raw".to_vec()),
        extra: None,
        tags: vec![],
        counts: BTreeMap::new(),
        by_role: BTreeMap::new(),
        friends: vec![],
    }
}

impl Users for UserStore {
    async fn get(&self, id: i64) -> Result<User, NotFound> {
        self.users
            .lock()
            .unwrap()
            .get(&id)
            .cloned()
            .ok_or(NotFound {
                id,
                hint: Some("try 1".into()),
            })
    }

    async fn delete(&self, id: i64, r#type: String) -> Result<(), DeleteError> {
        let mut users = self.users.lock().unwrap();
        match users.get(&id) {
            None => Err(NotFound { id, hint: None }.into()),
            Some(user) if user.role == Role::Admin && r#type != "force" => {
                Err(Forbidden { role: user.role }.into())
            }
            Some(_) => {
                users.remove(&id);
                Ok(())
            }
        }
    }

    async fn list(&self, role: Option<Role>) -> zrpc::Streaming<User> {
        let mut users: Vec<User> = self
            .users
            .lock()
            .unwrap()
            .values()
            .filter(|user| role.is_none_or(|role| user.role == role))
            .cloned()
            .collect();
        users.sort_by_key(|user| user.id);
        futures::stream::iter(users).boxed()
    }

    async fn directory(&self) -> Directory {
        let users = self.users.lock().unwrap();
        users
            .values()
            .map(|user| (user.name.clone(), user.clone()))
            .collect()
    }

    async fn touch(&self, _id: i64) {}

    async fn r#match(&self, self_: String) -> bool {
        self_ == "me"
    }

    async fn schema_(&self) -> String {
        "users".into()
    }

    async fn fetch(&self, id: i64) -> Result<User, NotFound> {
        #[allow(deprecated)]
        self.get(id).await
    }

    async fn find(&self, id: i64) -> Option<User> {
        self.users.lock().unwrap().get(&id).cloned()
    }

    async fn options(&self, names: Vec<String>) -> Vec<Setting> {
        names
            .into_iter()
            .map(|name| Setting { name, value: None })
            .collect()
    }

    async fn save(&self, user: User) -> User {
        self.users.lock().unwrap().insert(user.id, user.clone());
        user
    }

    async fn shapes(&self, nodes: Vec<Node>) -> BTreeMap<String, Figure> {
        nodes
            .into_iter()
            .map(|node| (node.value.to_string(), Figure::Node(node)))
            .collect()
    }
}

#[tokio::test]
async fn idl_service_with_every_construct_round_trips() {
    let service = UserStore {
        users: Mutex::new(BTreeMap::from([
            (1, user(1, "ada", Role::Admin)),
            (2, user(2, "bob", Role::Guest)),
        ])),
    };
    let server = zrpc::Server::bind("tcp://127.0.0.1:0", service.into_service())
        .await
        .unwrap();
    let client = UsersClient::connect(&server.endpoint()).await.unwrap();

    assert_eq!(client.get(1).await.unwrap().name, "ada");
    match client.get(9).await {
        Err(CallError::Service(error)) => {
            assert_eq!(
                error,
                NotFound {
                    id: 9,
                    hint: Some("try 1".into())
                }
            )
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    match client.delete(1, "soft".into()).await {
        Err(CallError::Service(DeleteError::Forbidden(error))) => {
            assert_eq!(error.role, Role::Admin)
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    match client.delete(7, "soft".into()).await {
        Err(CallError::Service(DeleteError::NotFound(error))) => assert_eq!(error.id, 7),
        other => panic!("expected NotFound, got {other:?}"),
    }
    let guests: Vec<i64> = client
        .list(Some(Role::Guest))
        .await
        .unwrap()
        .map(|user| user.unwrap().id)
        .collect()
        .await;
    assert_eq!(guests, [2]);
    assert_eq!(client.directory().await.unwrap().len(), 2);
    client.touch(1).await.unwrap();
    assert!(client.r#match("me".into()).await.unwrap());
    assert_eq!(client.schema_().await.unwrap(), "users");
    #[allow(deprecated)]
    let fetched = client.fetch(2).await.unwrap();
    assert_eq!(fetched.role, Role::Guest);
    #[allow(deprecated)]
    let missing = client.find(3).await.unwrap();
    assert_eq!(missing, None);
    let chain = Node {
        value: 1,
        next: Some(Box::new(Node {
            value: 2,
            next: None,
        })),
    };
    let shapes = client.shapes(vec![chain.clone()]).await.unwrap();
    assert_eq!(shapes["1"], Figure::Node(chain));
    let settings = client.options(vec!["dark".into()]).await.unwrap();
    assert_eq!(
        settings,
        [Setting {
            name: "dark".into(),
            value: None
        }]
    );

    // Wire names: the keyword method, the renamed one and the union/enum spellings.
    let untyped = client.client();
    assert_eq!(
        untyped.call("schema", vec![]).await.unwrap(),
        "users".into()
    );
    assert_eq!(
        untyped.call("match", vec!["me".into()]).await.unwrap(),
        true.into()
    );
    let shape = untyped
        .call(
            "shapes",
            vec![vec![zrpc::rmpv::Value::Map(vec![("value".into(), 5.into())])].into()],
        )
        .await
        .unwrap();
    let expected = zrpc::rmpv::Value::Map(vec![(
        "5".into(),
        zrpc::rmpv::Value::Map(vec![(
            "node".into(),
            zrpc::rmpv::Value::Map(vec![
                ("value".into(), 5.into()),
                ("next".into(), zrpc::rmpv::Value::Nil),
            ]),
        )]),
    )]);
    assert_eq!(shape, expected);
}

#[tokio::test]
async fn absent_fields_take_their_idl_defaults() {
    let service = UserStore {
        users: Mutex::new(BTreeMap::new()),
    };
    let server = zrpc::Server::bind("tcp://127.0.0.1:0", service.into_service())
        .await
        .unwrap();
    let client = UsersClient::connect(&server.endpoint()).await.unwrap();
    // A peer that sends only the required fields (id, name): the server applies every default.
    let sparse =
        zrpc::rmpv::Value::Map(vec![("id".into(), 3.into()), ("name".into(), "cy".into())]);
    let cy: User = client
        .client()
        .call_typed("save", &(sparse,))
        .await
        .unwrap();
    assert_eq!(cy.role, Role::Member);
    assert_eq!(cy.self_, 7);
    assert_eq!(cy.user_name, "anonymous");
    assert_eq!(cy.score, 1.5);
    assert_eq!(cy.limit, 50);
    assert_eq!(cy.big, u64::MAX);
    assert_eq!(cy.small, -3);
    assert_eq!(cy.blob.as_ref(), b"raw");
    assert_eq!(cy.tags, ["new", "shiny"]);
    assert_eq!(cy.counts, BTreeMap::from([("a".to_owned(), 1)]));
    assert_eq!(client.get(3).await.unwrap(), cy);
}
